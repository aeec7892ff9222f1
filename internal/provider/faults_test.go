package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
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

// faultRun applies, checks Glance and the plan, destroys and checks Glance again, with the
// proxy breaking 20%% of requests throughout, and logs what it cost.
func faultRun(t *testing.T, seed uint64, imageID, resources string, want []string) {
	proxy := proxytest.New(t, acctest.PreCheck(t).ImageURL, proxytest.Options{FaultRate: faultRate, Seed: seed, Latency: 300 * time.Millisecond})
	w := newWorkdir(t, faultProvider(proxy)+resources, "TF_LOG_PROVIDER=INFO")
	report := func(step, out string) {
		s := proxy.Stats()
		t.Logf("%-8s %4d Glance requests, faults injected: %3d (503: %d, reset after forwarding: %d, latency: %d); retries: %d; adopted after a lost answer: %d; removes found done: %d",
			step, s.Requests, s.Faults[proxytest.Unavailable]+s.Faults[proxytest.ResetAfterForward]+s.Faults[proxytest.Latency],
			s.Faults[proxytest.Unavailable], s.Faults[proxytest.ResetAfterForward], s.Faults[proxytest.Latency],
			strings.Count(out, "retrying request after a transient failure"),
			strings.Count(out, "a retried add answered 409"), strings.Count(out, "a retried remove answered 404"))
		proxy.Reset()
	}

	report("apply", w.must("apply", "-auto-approve", "-input=false", "-parallelism=20"))
	if got := acctest.MemberIDs(t, imageID); !slices.Equal(got, sorted(want)) {
		t.Fatalf("after apply Glance has %d members, want exactly the %d configured:\n got %v\nwant %v", len(got), len(want), got, sorted(want))
	}
	report("plan", w.expectEmptyPlan())
	report("destroy", w.must("destroy", "-auto-approve", "-input=false", "-parallelism=20"))
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Fatalf("after destroy Glance still has %d members: %v", len(got), got)
	}
}

// 50 glance_image_member resources applied 20 at a time while the proxy breaks 20% of the
// requests: no member duplicated, lost or left over.
func TestAccFaults_imageMember(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	want := faultMembers()
	faultRun(t, 1, imageID, fmt.Sprintf(`
variable "members" {
  default = [%s]
}

resource "glance_image_member" "m" {
  for_each  = toset(var.members)
  image_id  = %q
  member_id = each.value
}
`, quoteAll(want), imageID), want)
}

// One glance_image_members with 50 members under the same faults.
func TestAccFaults_imageMembers(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	want := faultMembers()
	faultRun(t, 2, imageID, fmt.Sprintf(`
resource "glance_image_members" "all" {
  image_id   = %q
  member_ids = [%s]
}
`, imageID, quoteAll(want)), want)
}
