package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
)

// benchProjects is how many projects the benchmark shares an image with.
const benchProjects = 20

// BenchmarkSharing measures what sharing one image with 20 projects costs our users, in
// Glance requests (counted by a proxy) and seconds: apply, the plan after it, destroy. It runs
// terraform-provider-openstack's openstack_images_image_access_v2 beside our two ways, against
// the same local cloud. Run it with `make bench`; the figures are printed, not asserted.
func BenchmarkSharing(b *testing.B) {
	env := acctest.PreCheck(b)
	installOpenstackProvider(b)
	var projects []string
	for i := range benchProjects {
		projects = append(projects, fmt.Sprintf("%032x", 0xbe7c40+i))
	}
	list := quoteAll(projects)
	ways := []struct {
		name   string
		config func(proxyURL, imageID string) string
	}{
		{"openstack_images_image_access_v2", func(proxyURL, imageID string) string {
			return requiredProviders("openstack") + fmt.Sprintf(`
provider "openstack" {
  cloud              = "producer"
  endpoint_overrides = { image = "%s/v2/" }
}

resource "openstack_images_image_access_v2" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
}
`, proxyURL, list, imageID)
		}},
		{"glance_image_member", func(proxyURL, imageID string) string {
			return providerVia("producer", proxyURL) + fmt.Sprintf(`
resource "glance_image_member" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
}
`, list, imageID)
		}},
		{"glance_image_members", func(proxyURL, imageID string) string {
			return providerVia("producer", proxyURL) + fmt.Sprintf(`
resource "glance_image_members" "all" {
  image_id   = %q
  member_ids = [%s]
}
`, imageID, list)
		}},
	}
	var table []string
	for _, way := range ways {
		b.Run(way.name, func(b *testing.B) {
			for range b.N {
				imageID := acctest.NewImage(b, images.ImageVisibilityShared)
				proxy := proxytest.New(b, env.ImageURL, proxytest.Options{})
				w := newWorkdir(b, way.config(proxy.URL, imageID))
				row := fmt.Sprintf("%-34s", way.name)
				for _, step := range []struct {
					name string
					args []string
				}{
					{"apply", []string{"apply", "-auto-approve", "-input=false"}},
					{"plan", []string{"plan", "-input=false"}},
					{"destroy", []string{"destroy", "-auto-approve", "-input=false"}},
				} {
					proxy.Reset()
					start := time.Now()
					w.must(step.args...)
					elapsed := time.Since(start)
					reqs := len(proxy.Requests())
					b.ReportMetric(float64(reqs), step.name+"-requests")
					b.ReportMetric(elapsed.Seconds(), step.name+"-s")
					row += fmt.Sprintf(" | %4d requests %5.1fs", reqs, elapsed.Seconds())
					if step.name == "apply" {
						if got := acctest.MemberIDs(b, imageID); len(got) != benchProjects {
							b.Fatalf("%s: apply made %d members, want %d", way.name, len(got), benchProjects)
						}
					}
				}
				if got := acctest.MemberIDs(b, imageID); len(got) != 0 {
					b.Fatalf("%s: destroy left %d members", way.name, len(got))
				}
				table = append(table, row)
			}
		})
	}
	b.Logf("sharing one image with %d projects (Glance requests; wall time of the terraform command):\n%-34s | %-20s | %-20s | %-20s\n%s",
		benchProjects, "", "apply", "plan", "destroy", strings.Join(table, "\n"))
}
