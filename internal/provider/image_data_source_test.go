package provider

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// newTaggedImages makes n shared images of the producer with the given tag, name prefix and
// properties, a few at a time, deleted when the test ends; it returns their IDs.
func newTaggedImages(t *testing.T, n int, tag, name string, props map[string]string) []string {
	t.Helper()
	c := acctest.Image(t, devcloud.Producer)
	ids := make([]string, n)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 4)
	for i := range n {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			visibility := images.ImageVisibilityShared
			img, err := images.Create(context.Background(), c, images.CreateOpts{
				Name: fmt.Sprintf("%s-%02d", name, i), Visibility: &visibility, Tags: []string{tag, "acc"},
				DiskFormat: "raw", ContainerFormat: "bare", Properties: props,
			}).Extract()
			if err != nil {
				t.Errorf("create image: %v", err)
				return
			}
			ids[i] = img.ID
			t.Cleanup(func() {
				if err := images.Delete(context.Background(), c, img.ID).ExtractErr(); err != nil &&
					!gophercloud.ResponseCodeIs(err, 404) {
					t.Errorf("delete image %s: %v", img.ID, err)
				}
			})
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ids
}

// data.glance_image against the real Glance: 31 images with one tag span 16 of the local
// Glance's pages (limit_param_default = 2), so "several" counts across pages; most_recent finds the newest in one
// request;
// name, tags, properties, owner and visibility filter as Glance does; none is an error.
func TestAccImageDataSource(t *testing.T) {
	env := acctest.PreCheck(t)
	tag := fmt.Sprintf("acc-%d", time.Now().UnixNano())
	older := newTaggedImages(t, 30, tag, tag+"-older", nil)
	time.Sleep(1100 * time.Millisecond) // Glance's created_at has whole seconds
	newest := newTaggedImages(t, 1, tag, tag+"-newest", map[string]string{"os_distro": "acc-linux"})[0]
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	provider := tfcli.ProviderVia(devcloud.Producer, proxy.URL)
	lookup := func(body string) string {
		return provider + "\ndata \"glance_image\" \"found\" {\n" + body + "\n}\n"
	}
	const addr = "data.glance_image.found"
	found := func(id string) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id))}
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{
				Config:      lookup(""),
				ExpectError: regexp.MustCompile(`(?s)At least one of these attributes must be configured`),
			},
			{ // 31 match, over 16 pages: counted, newest first
				PreConfig: proxy.Reset,
				Config:    lookup(fmt.Sprintf("  tags = [%q]", tag)),
				ExpectError: regexp.MustCompile(
					`(?s)Several images match.*31\s+images\s+have\s+tags.*newest\s+first:\s+` + newest + `.*most_recent\s+=\s+true`,
				),
			},
			{
				PreConfig: func() {
					if pages := len(memberCalls(proxy)); pages < 16 {
						t.Errorf("the search of 31 images read %d pages, want every page (16)", pages)
					}
					proxy.Reset()
				},
				Config: lookup(fmt.Sprintf("  tags        = [%q, \"acc\"]\n  most_recent = true", tag)),
				ConfigStateChecks: append(
					found(newest),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(tag+"-newest-00")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("owner"), knownvalue.StringExact(env.ProducerProject)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("visibility"), knownvalue.StringExact("shared")),
					statecheck.ExpectKnownValue(
						addr,
						tfjsonpath.New("tags_all"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("acc"), knownvalue.StringExact(tag)}),
					),
					statecheck.ExpectKnownValue(
						addr,
						tfjsonpath.New("properties_all").AtMapKey("os_distro"),
						knownvalue.StringExact("acc-linux"),
					),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339)),
				),
				// most_recent is one request per read, whatever the number of matches
				Check: func(*terraform.State) error {
					for _, r := range memberCalls(proxy) {
						if r != "GET /v2/images" {
							return fmt.Errorf("a most_recent lookup made %q; want only GET /v2/images", r)
						}
					}
					return nil
				},
			},
			{Config: lookup(fmt.Sprintf("  name = %q", tag+"-older-07")), ConfigStateChecks: found(older[7])},
			{
				Config:            lookup(fmt.Sprintf("  tags       = [%q]\n  properties = { os_distro = \"acc-linux\" }", tag)),
				ConfigStateChecks: found(newest),
			},
			{
				Config:      lookup(fmt.Sprintf("  tags       = [%q]\n  visibility = \"public\"", tag)),
				ExpectError: regexp.MustCompile(`(?s)No image matches.*visibility\s+public\s+and\s+tags`),
			},
			{ // last: a valid configuration, for the test's final destroy
				Config: lookup(fmt.Sprintf("  owner       = %q\n  visibility  = \"shared\"\n  tags        = [%q]\n  "+
					"most_recent = true", env.ProducerProject, tag)),
				ConfigStateChecks: found(newest),
			},
		},
	})
}

// Filters reach Glance as written: a name that reads as Glance's list operator (in:a,b) or
// holds a colon finds the image of exactly that name, never the images it would list; a
// property key or a tag that Glance would read otherwise is refused at plan time.
func TestAccImageDataSource_literalFilters(t *testing.T) {
	env := acctest.PreCheck(t)
	tag := fmt.Sprintf("lit-%d", time.Now().UnixNano())
	newTaggedImages(t, 2, tag, tag, nil) // tag-00 and tag-01: what in:tag-00,tag-01 would list
	listLike := newNamedImage(t, "in:"+tag+"-00,"+tag+"-01")
	colon := newNamedImage(t, tag+":colon")
	lookup := func(body string) string {
		return tfcli.ProviderVia(devcloud.Producer, env.ImageURL) + "\ndata \"glance_image\" \"found\" {\n" + body + "\n}\n"
	}
	found := func(id string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.glance_image.found", tfjsonpath.New("id"), knownvalue.StringExact(id)),
		}
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{Config: lookup(fmt.Sprintf("  name = %q", "in:"+tag+"-00,"+tag+"-01")), ConfigStateChecks: found(listLike)},
			{Config: lookup(fmt.Sprintf("  name = %q", tag+":colon")), ConfigStateChecks: found(colon)},
			{
				Config:      lookup(fmt.Sprintf("  name = %q", "in:"+tag+"-00")),
				ExpectError: regexp.MustCompile(`(?s)No image matches`),
			},
			{
				Config: lookup("  properties = { status = \"active\" }"),
				ExpectError: regexp.MustCompile(`(?s)Property filter Glance cannot send.*` +
					spaced(`properties has the key "status", which Glance's image list reads as its own parameter`)),
			},
			{
				Config:      lookup("  tags = [\" padded\"]"),
				ExpectError: regexp.MustCompile(`(?s)` + spaced(`Glance strips the spaces of a tag filter`)),
			},
			{Config: lookup(fmt.Sprintf("  name = %q", tag+":colon")), ConfigStateChecks: found(colon)},
		},
	})
}

// newNamedImage makes a shared image of the producer with exactly this name, deleted when the
// test ends.
func newNamedImage(t *testing.T, name string) string {
	t.Helper()
	c := acctest.Image(t, devcloud.Producer)
	visibility := images.ImageVisibilityShared
	img, err := images.Create(context.Background(), c, images.CreateOpts{
		Name: name, Visibility: &visibility, DiskFormat: "raw", ContainerFormat: "bare",
	}).Extract()
	if err != nil {
		t.Fatalf("create image %q: %v", name, err)
	}
	t.Cleanup(func() { acctest.DeleteImage(t, img.ID) })
	return img.ID
}

// A tenant finds the golden image shared with it by name before it has answered, and accepts
// it in the same configuration, as the openstack provider's "find the image, then accept it":
// Glance searches accepted shares only unless member_status says otherwise, and
// glance_shared_images picks the exact name from the inbox (a longer name that starts the
// same is not it).
func TestAccImageDataSource_pendingShare(t *testing.T) {
	env := acctest.PreCheck(t)
	name := fmt.Sprintf("golden-%d", time.Now().UnixNano())
	golden := newNamedImage(t, name)
	similar := newNamedImage(t, name+"-old")
	for _, id := range []string{golden, similar} {
		acctest.AddMember(t, id, env.ConsumerProject)
		t.Cleanup(func() { acctest.RemoveMember(t, id, env.ConsumerProject) })
	}
	tenant := func(body string) string {
		return "provider \"glance\" {\n  cloud = \"consumer\"\n}\n" + body
	}
	lookup := func(status string) string {
		filter := ""
		if status != "" {
			filter = fmt.Sprintf("\n  member_status = %q", status)
		}
		return tenant(fmt.Sprintf("data \"glance_image\" \"golden\" {\n  name = %q%s\n}\n", name, filter))
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{
				Config: lookup(""),
				ExpectError: regexp.MustCompile(`(?s)No image matches.*` +
					spaced(`a share it has not accepted is searched with member_status = "pending"`)),
			},
			{
				Config:      lookup("rejected"),
				ExpectError: regexp.MustCompile(`(?s)No image matches.*` + spaced(`answered rejected by it`)),
			},
			{
				Config: lookup("pending") + fmt.Sprintf(`
data "glance_shared_images" "golden" {
  name          = %q
  member_status = "pending"
}
`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.glance_image.golden", tfjsonpath.New("id"), knownvalue.StringExact(golden)),
					statecheck.ExpectKnownValue("data.glance_image.golden", tfjsonpath.New("owner"),
						knownvalue.StringExact(env.ProducerProject)),
					statecheck.ExpectKnownValue("data.glance_shared_images.golden", tfjsonpath.New("images"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id": knownvalue.StringExact(golden), "name": knownvalue.StringExact(name),
							"member_status": knownvalue.StringExact("pending"),
						})})),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				// "all", not "pending": once accepted, the image must still be found.
				Config: lookup("all") + `
resource "glance_image_member_acceptance" "golden" {
  image_id = data.glance_image.golden.id
}
`,
				Check:            checkAPIStatus(t, golden, env.ConsumerProject, "accepted"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}
