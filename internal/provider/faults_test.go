package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
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
// apply succeeds with state equal to Glance, for one membership resource each and for a list.
func TestAccFaults_errorAfterForward(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	want := faultMembers()[:9]
	single, list := acctest.NewImage(t, images.ImageVisibilityShared), acctest.NewImage(t, images.ImageVisibilityShared)
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{
		FaultRate: 1, Faults: []proxytest.Fault{proxytest.ErrorAfterForward}, Only: proxytest.Writes,
	})
	w := tfcli.NewWorkdir(t, tfcli.ProviderVia("producer", proxy.URL)+fmt.Sprintf(`
resource "glance_image_member" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
}

resource "glance_image_members" "list" {
  image_id   = %q
  member_ids = [%s]
}
`, tfcli.QuoteAll(want), single, list, tfcli.QuoteAll(want)))
	w.Must("apply", "-auto-approve", "-input=false")
	var posts, reads int
	for _, r := range proxy.Requests() {
		switch {
		case strings.HasPrefix(r, "POST "):
			posts++
		case strings.HasPrefix(r, "GET ") && strings.Count(r, "/members/") == 1:
			reads++
		}
	}
	if posts != 2*len(want) || reads != 2*len(want) {
		t.Errorf("%d adds and %d reads of a member, want %d each: one add, answered 500, and one read that finds it",
			posts, reads, 2*len(want))
	}
	for _, imageID := range []string{single, list} {
		if got := acctest.MemberIDs(t, imageID); !slices.Equal(got, sorted(want)) {
			t.Errorf("image %s: Glance has %v, want %v", imageID, got, sorted(want))
		}
	}
	if inState, tainted := stateMembers(t, w); !slices.Equal(inState, sorted(want)) || tainted != 0 {
		t.Errorf("state has %v (%d tainted), want %v", inState, tainted, sorted(want))
	}
	w.ExpectEmptyPlan()
	proxy.SetFaultRate(0)
	w.Must("destroy", "-auto-approve", "-input=false")
	for _, imageID := range []string{single, list} {
		if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
			t.Errorf("image %s: destroy left %v", imageID, got)
		}
	}
}
