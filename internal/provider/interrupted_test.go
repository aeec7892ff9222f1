package provider

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// interruptedMembers are made-up project IDs (Glance does not check that members exist).
func interruptedMembers(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%02d", prefix, i)
	}
	return ids
}

// behindFrozenGlance is a fresh shared image and a proxy in front of Glance that holds the
// answer to every change (add, remove) for latency while Glance does the work, until
// SetFaultRate(0); reads (the version document, the member list) pass.
func behindFrozenGlance(t *testing.T, latency time.Duration) (string, *proxytest.Proxy) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	return imageID, proxytest.New(
		t,
		env.ImageURL,
		proxytest.Options{
			FaultRate: 1,
			Faults:    []proxytest.Fault{proxytest.HoldAnswer},
			Latency:   latency,
			Only:      proxytest.Writes,
		},
	)
}

// forEachMember shares imageID with every ID of the list, through the proxy, with extra
// lines in each resource (a timeouts block).
func forEachMember(proxy *proxytest.Proxy, imageID string, ids []string, extra string) string {
	return tfcli.ProviderVia("producer", proxy.URL) + fmt.Sprintf(`
resource "glance_image_member" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
%s}
`, tfcli.QuoteAll(ids), imageID, extra)
}

// convergesInOneApply is the promise after any interruption: the first apply succeeds by
// itself, the plan after it is empty, and Glance's member list is exactly the state's and the
// configuration's. Every add the interrupted run sent is in its state (tainted when its
// outcome was unknown), except under a Terraform that cannot keep a failed create
// (keepsFailedCreatesIn): those adds are outside the state, and the apply adopts each one.
// It returns how many were outside the state.
func convergesInOneApply(t *testing.T, w *tfcli.Workdir, imageID string, want []string) (orphans int) {
	t.Helper()
	before := acctest.MemberIDs(t, imageID)
	inState, tainted := stateMembers(t, w)
	t.Logf(
		"after the interruption: Glance has %d members, state %d (%d tainted: outcome unknown)",
		len(before),
		len(inState),
		tainted,
	)
	kept := keepsFailedCreatesIn(tfcli.Version(t))
	for _, m := range before {
		if !slices.Contains(inState, m) {
			orphans++
			if kept {
				t.Errorf("member %s is on Glance but in no state: an orphan", m)
			}
		}
	}
	if orphans > 0 {
		outlastOwnAddWindow(t, imageID)
	}
	out := w.Must("apply", "-auto-approve", "-input=false", "-json")
	if n := countDiagnostics(out, "Image member already existed: adopted"); n != orphans {
		t.Errorf("the apply adopted %d members, want one per membership outside the state (%d):\n%s", n, orphans,
			tfcli.Tail(out, 30))
	}
	w.ExpectEmptyPlan()
	inState, tainted = stateMembers(t, w)
	if got := acctest.MemberIDs(t, imageID); !slices.Equal(got, sorted(want)) || !slices.Equal(inState, got) ||
		tainted != 0 {
		t.Fatalf("after one more apply: Glance %v, state %v (%d tainted); want both %v", got, inState, tainted, sorted(want))
	}
	return orphans
}

// outlastOwnAddWindow waits until every member of the image is more than two seconds old.
// An add cannot tell a member made within about a second before it from its own (created_at
// is in whole seconds) and adopts such a member silently; older ones it adopts with a warning,
// which the tests count.
func outlastOwnAddWindow(t *testing.T, imageID string) {
	t.Helper()
	pages, err := members.List(acctest.Image(t, devcloud.Producer), imageID).AllPages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := members.ExtractMembers(pages)
	if err != nil {
		t.Fatal(err)
	}
	var newest time.Time
	for _, m := range ms {
		if m.CreatedAt.After(newest) {
			newest = m.CreatedAt
		}
	}
	time.Sleep(time.Until(newest.Add(2 * time.Second))) // Glance runs on this machine, by its clock
}

// A Ctrl-C in the middle of an apply of 30 memberships, while Glance is slow to answer: the
// adds in flight are cancelled on our side, but Glance had them and finishes them. The next
// apply converges by itself, with no import: the interrupted adds are in state, tainted, or
// under Terraform 1.16 (which cannot keep a failed create) outside it, and adopted.
func TestAccInterrupted_ctrlC(t *testing.T) {
	imageID, proxy := behindFrozenGlance(t, 2*time.Second)
	want := interruptedMembers("ctrl-c", 30)
	w := tfcli.NewWorkdir(t, forEachMember(proxy, imageID, want, ""))

	const parallelism = 10
	apply := w.Command("apply", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", parallelism))
	apply.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a terminal's Ctrl-C reaches the whole group
	var out strings.Builder
	apply.Stdout, apply.Stderr = &out, &out
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the second batch of adds has reached Glance, while its answers are held.
	deadline := time.Now().Add(time.Minute)
	for len(proxy.Requests()) < 15 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := syscall.Kill(-apply.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := apply.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
		t.Fatalf("the interrupted apply did not fail (%v):\n%s", err, tfcli.Tail(out.String(), 40))
	}
	if !strings.Contains(tfcli.Flat(out.String()), "the run was interrupted (Ctrl-C") {
		t.Errorf("the interruption is not reported as one:\n%s", tfcli.Tail(out.String(), 40))
	}
	kept := keepsFailedCreatesIn(tfcli.Version(t))
	if said := strings.Contains(tfcli.Flat(out.String()), "Terraform 1.16 cannot keep a failed create"); said == kept {
		t.Errorf("under Terraform %s, the errors say that a failed create is not kept: %v, want %v:\n%s",
			tfcli.Version(t), said, !kept, tfcli.Tail(out.String(), 40))
	}
	proxy.Settle() // Glance finishes the adds terraform gave up on
	proxy.SetFaultRate(0)
	switch orphans := convergesInOneApply(t, w, imageID, want); {
	case !kept && orphans == 0:
		t.Errorf("under Terraform %s the interruption left every add in state: the test shows nothing", tfcli.Version(t))
	case orphans > parallelism:
		// Only the adds in flight may be outside the state: more means the run lost adds that
		// had succeeded (Terraform 1.16 does, given a failed create's object).
		t.Errorf("%d memberships outside the state, more than the %d adds in flight at the Ctrl-C", orphans, parallelism)
	}
	destroyLeavesNothing(t, w, imageID)
}

// Glance freezes past the create timeout, while still doing the work: every add times out on
// our side and exists on Glance. The next apply converges by itself. The same for destroy:
// every remove times out and is done on Glance; the next destroy finishes without error.
//
// The timeouts leave a busy machine room for the apply that converges, which runs with them
// too; the freeze outlasts them by far, and costs nothing beyond them (a held answer is
// dropped as soon as its caller gives up).
func TestAccInterrupted_frozenGlance(t *testing.T) {
	imageID, proxy := behindFrozenGlance(t, 10*time.Minute)
	want := interruptedMembers("frozen", 12)
	w := tfcli.NewWorkdir(t, forEachMember(proxy, imageID, want, "\n  timeouts {\n    create = \"20s\"\n    delete = "+
		"\"20s\"\n  }\n"))
	out, code := w.Run("apply", "-auto-approve", "-input=false", "-parallelism=12")
	if code == 0 {
		t.Fatalf("the apply against a frozen Glance succeeded:\n%s", tfcli.Tail(out, 30))
	}
	if n := strings.Count(tfcli.Flat(out), "the operation's timeout passed before Glance answered"); n != len(want) {
		t.Errorf("%d timeout errors, want %d:\n%s", n, len(want), tfcli.Tail(out, 40))
	}
	proxy.Settle() // Glance finishes what terraform gave up on
	t.Logf(
		"the frozen Glance made %d of %d members though every add timed out",
		len(acctest.MemberIDs(t, imageID)),
		len(want),
	)
	proxy.SetFaultRate(0)
	convergesInOneApply(t, w, imageID, want)

	proxy.SetFaultRate(1)
	out, code = w.Run("destroy", "-auto-approve", "-input=false", "-parallelism=12")
	if code == 0 || !strings.Contains(tfcli.Flat(out), "may or may not be gone") ||
		!strings.Contains(tfcli.Flat(out), `timeouts { delete = "20m" }`) {
		t.Fatalf("the destroy against a frozen Glance must fail saying the outcome is unknown, and which timeout to raise "+
			"(exit %d):\n%s", code, tfcli.Tail(out, 30))
	}
	proxy.Settle()
	t.Logf(
		"the frozen Glance removed %d of %d members though every remove timed out",
		len(want)-len(acctest.MemberIDs(t, imageID)),
		len(want),
	)
	proxy.SetFaultRate(0)
	destroyLeavesNothing(t, w, imageID)
}

// A SIGKILL in the middle of an apply of 50 memberships, of terraform (as CI systems cancel a
// job) or of the provider, or two Ctrl-C (terraform then exits at once), on v2 and v1: the adds
// in flight are made on Glance, and terraform never records them. One plain apply adopts them
// (a warning each) and adds what is missing, one add per membership not in state (on v1, which
// looks at the list first, none for those adopted) and nothing else changed. A provider left
// behind ends by itself.
func TestAccInterrupted_sigkill(t *testing.T) {
	env := acctest.PreCheck(t)
	for _, svc := range imageServices(t, env) {
		for _, victim := range []string{"terraform", "provider", "ctrl-c-twice"} {
			t.Run(svc.name()+"/"+victim, func(t *testing.T) {
				t.Parallel()
				imageID := svc.newImage(t)
				proxy := proxytest.New(t, svc.url, proxytest.Options{
					FaultRate: 1, Faults: []proxytest.Fault{proxytest.HoldAnswer}, Latency: time.Second,
					Only: proxytest.Writes,
				})
				want := interruptedMembers("sigkill-"+victim, 50)
				w := tfcli.NewWorkdir(t, forEachMember(proxy, imageID, want, ""))
				apply := w.Command("apply", "-auto-approve", "-input=false", "-parallelism=10")
				apply.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a terminal's Ctrl-C reaches the whole group
				if err := apply.Start(); err != nil {
					t.Fatal(err)
				}
				for len(proxy.Requests()) < 25 {
					time.Sleep(20 * time.Millisecond)
				}
				providers := children(t, apply.Process.Pid)
				switch victim {
				case "terraform":
					_ = apply.Process.Kill()
				case "provider":
					for _, pid := range providers {
						_ = syscall.Kill(pid, syscall.SIGKILL)
					}
				default:
					_ = syscall.Kill(-apply.Process.Pid, syscall.SIGINT)
					time.Sleep(100 * time.Millisecond) // a person's second Ctrl-C, not one signal twice
					_ = syscall.Kill(-apply.Process.Pid, syscall.SIGINT)
				}
				_ = apply.Wait()
				proxy.Settle() // Glance finishes the adds whose answers were held
				for _, pid := range providers {
					// The provider ends by itself once terraform is gone (exitWithParent). No clock
					// bounds the wait, which a loaded machine may stretch: a provider that never ends
					// holds the test until go test's -timeout, whose stack names this loop.
					for processAlive(pid) {
						time.Sleep(100 * time.Millisecond)
					}
				}
				sigkilledConvergesInOneApply(t, w, proxy, svc, imageID, want, victim != "ctrl-c-twice")
				w.Must("destroy", "-auto-approve", "-input=false")
				if got := svc.members(t, imageID); len(got) != 0 {
					t.Fatalf("destroy left %v", got)
				}
			})
		}
	}
}

// sigkilledConvergesInOneApply is the promise after a SIGKILL: one apply adopts every
// membership the kill left outside the state, adds the rest with one add each, and leaves
// the service and the state equal to the configuration, with an empty plan. A SIGKILL
// (killed) always leaves some outside the state; two Ctrl-C may leave none, when terraform
// recorded the adds it had interrupted (tainted) before it exited: those are replaced.
func sigkilledConvergesInOneApply(
	t *testing.T,
	w *tfcli.Workdir,
	proxy *proxytest.Proxy,
	svc imageService,
	imageID string,
	want []string,
	killed bool,
) {
	t.Helper()
	onService := slices.Sorted(maps.Keys(svc.members(t, imageID)))
	inState, tainted := stateMembers(t, w)
	orphans := len(onService) - len(inState)
	t.Logf("after the interruption: the service has %d members, state %d (%d tainted)", len(onService), len(inState),
		tainted)
	if killed && orphans <= 0 {
		t.Fatalf("the kill left no membership outside the state (service %d, state %d): the test shows nothing",
			len(onService), len(inState))
	}
	proxy.SetFaultRate(0)
	proxy.Reset()
	if orphans > 0 && svc.api == glanceclient.ImageAPIv2 { // v1 records no creation time: its adds adopt all
		outlastOwnAddWindow(t, imageID)
	}
	out := w.Must("apply", "-auto-approve", "-input=false", "-json")
	if n := countDiagnostics(out, "Image member already existed: adopted"); n != orphans {
		t.Errorf("%d adoption warnings, want one per membership the kill left outside the state (%d)", n, orphans)
	}
	writes := map[string]int{}
	for _, e := range proxy.Exchanges() {
		// v1's stand-in answers the first try of v2 with its version document (300).
		if e.Method != http.MethodGet && e.Status != http.StatusMultipleChoices {
			writes[e.Method]++
		}
	}
	add, adds := http.MethodPost, len(want)-len(inState)
	if svc.api == glanceclient.ImageAPIv1 {
		add, adds = http.MethodPut, len(want)-len(onService)
	}
	switch {
	case tainted == 0 && (writes[add] != adds || len(writes) != 1):
		t.Errorf("the apply made %v, want exactly %d %s: one per membership the service lacks (v1) or the state "+
			"lacks (v2)", writes, adds, add)
	case tainted > 0 && writes[http.MethodDelete] != tainted:
		t.Errorf("the apply made %v, want one DELETE per tainted membership (%d), replaced", writes, tainted)
	}
	w.ExpectEmptyPlan()
	inState, tainted = stateMembers(t, w)
	got := slices.Sorted(maps.Keys(svc.members(t, imageID)))
	if !slices.Equal(got, sorted(want)) || !slices.Equal(inState, got) || tainted != 0 {
		t.Fatalf("after one apply: service %v, state %v (%d tainted); want both %v", got, inState, tainted, sorted(want))
	}
}

// children are the processes whose parent is pid (Linux's /proc): terraform's providers.
func children(t *testing.T, pid int) []int {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // ended meanwhile
		}
		// pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(f, "/proc/"), "/stat"))
			out = append(out, child)
		}
	}
	if len(out) == 0 {
		t.Fatalf("terraform (pid %d) has no provider process", pid)
	}
	return out
}

// processAlive says whether pid still runs (a zombie, ended and not yet reaped, does not).
func processAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}
