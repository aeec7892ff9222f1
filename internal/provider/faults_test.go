package provider

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// faultRate is the share of Glance requests the proxy breaks in the fault-injection tests.
const faultRate = 0.2

// 50 made-up project IDs (Glance does not check that members exist).
func faultMembers() []string {
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = fmt.Sprintf("%032x", 0xfa0170+i)
	}
	return ids
}

// faultProvider talks to Glance through the fault proxy. max_retries 10: at a 20% fault rate
// a request fails 11 times in a row once in 20 million, so the test is not flaky.
func faultProvider(proxy *proxytest.Proxy) string {
	return fmt.Sprintf(`
provider "glance" {
  cloud          = "producer"
  image_endpoint = %q
  max_retries    = 10
}
`, proxy.URL)
}

// faultRun applies, checks the service and the plan, destroys and checks the service again,
// with the proxy breaking 20%% of requests throughout, and logs what it cost.
func faultRun(t *testing.T, svc imageService, seed uint64, imageID, resources string, want []string) {
	proxy := proxytest.New(
		t,
		svc.url,
		proxytest.Options{FaultRate: faultRate, Seed: seed, Latency: 300 * time.Millisecond},
	)
	w := tfcli.NewWorkdir(t, faultProvider(proxy)+resources, "TF_LOG_PROVIDER=INFO")
	report := func(step, out string) {
		s := proxy.Stats()
		t.Logf("%-8s %4d Glance requests, faults injected: %3d (503: %d, reset after forwarding: %d, latency: %d); "+
			"retries: %d; adopted after a 409: %d; removes found done: %d",
			step, s.Requests, s.Faults[proxytest.Unavailable]+s.Faults[proxytest.ResetAfterForward]+s.Faults[proxytest.Latency],
			s.Faults[proxytest.Unavailable], s.Faults[proxytest.ResetAfterForward], s.Faults[proxytest.Latency],
			strings.Count(out, "retrying request after a transient failure"),
			strings.Count(out, "the add answered 409"), strings.Count(out, "a retried remove answered 404"))
		proxy.Reset()
	}

	report("apply", w.Must("apply", "-auto-approve", "-input=false", "-parallelism=20"))
	if got := slices.Sorted(maps.Keys(svc.members(t, imageID))); !slices.Equal(got, sorted(want)) {
		t.Fatalf(
			"after apply Glance has %d members, want exactly the %d configured:\n got %v\nwant %v",
			len(got),
			len(want),
			got,
			sorted(want),
		)
	}
	report("plan", w.ExpectEmptyPlan())
	report("destroy", w.Must("destroy", "-auto-approve", "-input=false", "-parallelism=20"))
	if got := svc.members(t, imageID); len(got) != 0 {
		t.Fatalf("after destroy Glance still has %d members: %v", len(got), got)
	}
}

// 50 members of one image applied 20 at a time, then destroyed, while the proxy breaks 20%
// of the requests (503, a connection reset after the request reached the service, latency):
// no member duplicated, lost or left over. Each Image API version, each owner-side resource.
func TestAccFaults(t *testing.T) {
	env := acctest.PreCheck(t)
	want := faultMembers()
	resources := map[string]string{
		"glance_image_member": `
variable "members" {
  default = [%s]
}

resource "glance_image_member" "m" {
  for_each  = toset(var.members)
  image_id  = %q
  member_id = each.value
}
`,
		"glance_image_members": `
variable "members" {
  default = [%s]
}

resource "glance_image_members" "all" {
  image_id   = %[2]q
  member_ids = var.members
}
`,
	}
	seed := uint64(0)
	for _, svc := range imageServices(t, env) {
		for _, name := range slices.Sorted(maps.Keys(resources)) {
			seed++
			t.Run(svc.name()+"/"+name, func(t *testing.T) {
				t.Parallel()
				imageID := svc.newImage(t)
				faultRun(t, svc, seed, imageID, fmt.Sprintf(resources[name], tfcli.QuoteAll(want), imageID), want)
			})
		}
	}
}

// Glance makes every member and its answer is a 500 (a proxy stands in for a Glance whose
// database fails after the work): each add reads its member once, finds it there, and the
// apply succeeds with state equal to Glance, on v2 (one membership resource each, and a list)
// and on v1 (one membership resource each: v1's add is a PUT of the member).
func TestAccFaults_errorAfterForward(t *testing.T) {
	env := acctest.PreCheck(t)
	want := faultMembers()[:9]
	for _, svc := range imageServices(t, env) {
		t.Run(svc.name(), func(t *testing.T) {
			t.Parallel()
			v2 := svc.api == glanceclient.ImageAPIv2
			images := []string{svc.newImage(t)}
			config := fmt.Sprintf(`
resource "glance_image_member" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
}
`, tfcli.QuoteAll(want), images[0])
			if v2 {
				images = append(images, svc.newImage(t))
				config += fmt.Sprintf("\nresource \"glance_image_members\" \"list\" {\n  image_id   = %q\n  member_ids = [%s]\n}\n",
					images[1], tfcli.QuoteAll(want))
			}
			proxy := proxytest.New(t, svc.url, proxytest.Options{
				FaultRate: 1, Faults: []proxytest.Fault{proxytest.ErrorAfterForward},
				// the adds: v2's POST, v1's PUT of one member (not v2's first try on v1, answered 300)
				Only: func(r *http.Request) bool {
					return r.Method == http.MethodPost && v2 || r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/v1/")
				},
			})
			w := tfcli.NewWorkdir(t, tfcli.ProviderVia("producer", proxy.URL)+config)
			w.Must("apply", "-auto-approve", "-input=false")
			if faults := proxy.Stats().Faults[proxytest.ErrorAfterForward]; faults != len(want)*len(images) {
				t.Errorf("%d adds answered 500, want %d: one per membership", faults, len(want)*len(images))
			}
			reads := 0
			for _, r := range proxy.Requests() {
				if strings.HasPrefix(r, "GET ") && strings.Count(r, "/members/") == 1 {
					reads++
				}
			}
			if v2 && reads != len(want)*len(images) {
				t.Errorf("%d reads of one member, want %d: one per add answered 500", reads, len(want)*len(images))
			}
			for _, imageID := range images {
				if got := slices.Sorted(maps.Keys(svc.members(t, imageID))); !slices.Equal(got, sorted(want)) {
					t.Errorf("image %s: the service has %v, want %v", imageID, got, sorted(want))
				}
			}
			if inState, tainted := stateMembers(t, w); !slices.Equal(inState, sorted(want)) || tainted != 0 {
				t.Errorf("state has %v (%d tainted), want %v", inState, tainted, sorted(want))
			}
			w.ExpectEmptyPlan()
			proxy.SetFaultRate(0)
			w.Must("destroy", "-auto-approve", "-input=false")
			for _, imageID := range images {
				if got := svc.members(t, imageID); len(got) != 0 {
					t.Errorf("image %s: destroy left %v", imageID, got)
				}
			}
		})
	}
}
