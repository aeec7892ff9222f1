package bench

// What sharing one image with many projects costs our users, three ways: Glance requests
// (counted by a proxy), wall time of the terraform command, and CPU time of the provider
// processes. TestAccCost_requests holds the request counts to account in every `make test`;
// BenchmarkSharing (`make bench`) prints every figure beside terraform-provider-openstack's.

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/glancev1test"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// sharingWay is one way to write "share this image with these projects".
type sharingWay struct {
	name   string
	config func(proxyURL, imageID string, projects []string) string
	// noGlance is Terraform's floor: the same for_each over a built-in resource, which
	// shares nothing and starts no provider.
	noGlance bool
	// v1 runs it against the Image API v1 stand-in (in memory: its requests and the
	// provider's CPU compare, its wall times do not) instead of the real Glance.
	v1 bool
}

var (
	peerWay = sharingWay{
		name: "openstack_images_image_access_v2",
		config: func(proxyURL, imageID string, projects []string) string {
			return tfcli.RequiredProviders("openstack") + fmt.Sprintf(`
provider "openstack" {
  cloud              = "producer"
  endpoint_overrides = { image = "%s/v2/" }
}

resource "openstack_images_image_access_v2" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
}
`, proxyURL, tfcli.QuoteAll(projects), imageID)
		},
	}
	memberWay = sharingWay{
		name: "glance_image_member",
		config: func(proxyURL, imageID string, projects []string) string {
			return tfcli.ProviderVia("producer", proxyURL) + fmt.Sprintf(`
resource "glance_image_member" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
}
`, tfcli.QuoteAll(projects), imageID)
		},
	}
	floorWay = sharingWay{name: "terraform_data", noGlance: true, config: func(_, _ string, projects []string) string {
		return fmt.Sprintf(`
terraform {
  required_providers {}
}

resource "terraform_data" "m" {
  for_each = toset([%s])
  input    = each.value
}
`, tfcli.QuoteAll(projects))
	}}
	membersWay = sharingWay{
		name: "glance_image_members",
		config: func(proxyURL, imageID string, projects []string) string {
			return tfcli.ProviderVia("producer", proxyURL) + fmt.Sprintf(`
resource "glance_image_members" "all" {
  image_id   = %q
  member_ids = [%s]
}
`, imageID, tfcli.QuoteAll(projects))
		},
	}
)

// The same two resources on Image API v1: glance_image_member with v1's DELETE, and
// glance_image_members as one PUT of the whole list.
var (
	memberV1Way  = sharingWay{name: "glance_image_member on Image API v1", config: memberWay.config, v1: true}
	membersV1Way = sharingWay{name: "glance_image_members on Image API v1", config: membersWay.config, v1: true}
)

// benchSteps are the commands measured, in order: the apply that shares, the no-op plan
// after it (a refresh of every membership), and the destroy.
var benchSteps = []struct {
	name string
	args []string
}{
	{"apply", []string{"apply", "-auto-approve", "-input=false"}},
	{"plan", []string{"plan", "-detailed-exitcode", "-input=false"}},
	{"destroy", []string{"destroy", "-auto-approve", "-input=false"}},
}

// stepCost is what one terraform command cost.
type stepCost struct {
	requests []string      // the Glance requests, "METHOD /path"
	wall     time.Duration // of the terraform command
	cpu      time.Duration // user + system of every provider process it started; 0 when not measured
	// glanceCPU is the user + system time of the Glance that answered; 0 when not measured.
	glanceCPU time.Duration
}

// count is how many requests had the method ("" for all), the version's discovery aside (the
// bench's totals include it): the detections, and the tries of v2 a service without it
// answered with a 300.
func (c stepCost) count(method string) int {
	n := 0
	for _, r := range c.requests {
		if r == acctest.VersionDetection || strings.HasSuffix(r, triedV2) {
			continue
		}
		if method == "" || strings.HasPrefix(r, method+" ") {
			n++
		}
	}
	return n
}

// detections is how many version detections the command made, and how many calls it tried in
// v2 that the service answered with its versions document.
func (c stepCost) detections() (detections, tries int) {
	for _, r := range c.requests {
		switch {
		case r == acctest.VersionDetection:
			detections++
		case strings.HasSuffix(r, triedV2):
			tries++
		}
	}
	return detections, tries
}

// triedV2 marks a request answered with the versions document (HTTP 300) in stepCost.requests.
const triedV2 = " (300)"

// requestsOf are the proxy's requests since its last reset, as "METHOD /path", those answered
// with a 300 marked with triedV2.
func requestsOf(proxy *proxytest.Proxy) []string {
	var out []string
	for _, e := range proxy.Exchanges() {
		r := e.Method + " " + e.Path
		if e.Status == http.StatusMultipleChoices {
			r += triedV2
		}
		out = append(out, r)
	}
	return out
}

// shareAndUnshare runs the apply, the no-op plan and the destroy of way for n projects on a
// new image, through a counting proxy, checks Glance after each, and returns each step's
// cost. env are extra environment variables of the terraform commands; cpuLog, when not "",
// is the file the provider wrappers of cpuMirror append their CPU times to.
func shareAndUnshare(
	t testing.TB,
	env acctest.Env,
	way sharingWay,
	n int,
	cpuLog string,
	tfEnv ...string,
) map[string]stepCost {
	t.Helper()
	target, imageID := env.ImageURL, ""
	members := func() int { return len(acctest.MemberIDs(t, imageID)) }
	if way.v1 {
		s := glancev1test.Start(t, env.AuthURL)
		s.Quota = -1 // as the bench's own cloud
		target, imageID = s.URL, s.AddImage(env.ProducerProject, "shared")
		members = func() int { return len(s.Members(imageID)) }
	} else {
		imageID = acctest.NewImage(t, images.ImageVisibilityShared)
	}
	proxy := proxytest.New(t, target, proxytest.Options{})
	w := tfcli.NewWorkdir(t, way.config(proxy.URL, imageID, acctest.MadeUpProjects(n)), tfEnv...)
	glance := ""
	if !way.v1 {
		glance = glancePIDFile(env, target)
	}
	return measureSteps(t, way.name, proxy, w, cpuLog, glance, func(step string) error {
		want := n
		if step == "destroy" || way.noGlance {
			want = 0
		}
		if got := members(); got != want {
			return fmt.Errorf("the image has %d members, want %d", got, want)
		}
		return nil
	})
}

// measureSteps runs benchSteps in w, whose configuration talks to Glance through proxy, and
// returns each step's cost; check says what is wrong with Glance after a step, if anything.
// glancePID, when not "", is the pid file of the Glance behind the proxy, whose CPU time is
// measured too.
func measureSteps(
	t testing.TB,
	name string,
	proxy *proxytest.Proxy,
	w *tfcli.Workdir,
	cpuLog, glancePID string,
	check func(step string) error,
) map[string]stepCost {
	t.Helper()
	costs := map[string]stepCost{}
	for _, step := range benchSteps {
		proxy.Reset()
		if cpuLog != "" {
			if err := os.WriteFile(cpuLog, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		glanceBefore := processCPU(t, glancePID)
		start := time.Now()
		out, code := w.Run(step.args...)
		wall := time.Since(start)
		if code != 0 {
			t.Fatalf("%s: terraform %s failed (exit %d):\n%s", name, step.name, code, tfcli.Tail(out, 40))
		}
		costs[step.name] = stepCost{
			requests:  requestsOf(proxy),
			wall:      wall,
			cpu:       cpuTime(t, cpuLog),
			glanceCPU: processCPU(t, glancePID) - glanceBefore,
		}
		if err := check(step.name); err != nil {
			t.Fatalf("%s: after %s, %v", name, step.name, err)
		}
	}
	return costs
}

// glancePIDFile is the pid file of the local cloud's Glance at url ("" for another).
func glancePIDFile(env acctest.Env, url string) string {
	switch url {
	case env.ImageURL:
		return filepath.Join(env.Dir, "glance.pid")
	case env.Image2URL:
		return filepath.Join(env.Dir, "glance2.pid")
	}
	return ""
}

// processCPU is the CPU time (user + system) a process has used so far, from /proc; 0 for
// no pid file. The local cloud's Glance is one process (workers = 0).
func processCPU(t testing.TB, pidFile string) time.Duration {
	if pidFile == "" {
		return 0
	}
	pid := strings.TrimSpace(mustRead(t, pidFile))
	stat := mustRead(t, filepath.Join("/proc", pid, "stat"))
	// The fields after the command's name, which is in parentheses: utime and stime are the
	// 12th and 13th, in clock ticks (100 a second on Linux).
	fields := strings.Fields(stat[strings.LastIndex(stat, ")")+1:])
	if len(fields) < 13 {
		t.Fatalf("/proc/%s/stat: %q", pid, stat)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			t.Fatalf("/proc/%s/stat: %v", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100)
}

// costProjects is how many memberships the request-count test shares: enough that a cost
// per membership cannot hide, within the local cloud's member quota.
const costProjects = 50

// The request counts of the bench, held in every run: a no-op plan of N glance_image_member
// of one image is one list, not N reads; apply is one write per membership, destroy one remove
// per membership and one list; on Image API v1, glance_image_members writes the whole list in
// one request, whatever N. On v2 there is no version detection; on v1 one per provider process,
// counted apart.
func TestAccCost_requests(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	n := costProjects
	for _, tc := range []struct {
		way sharingWay
		// writes are each step's exact requests other than GET; atMost bounds all of them.
		writes, atMost map[string]int
	}{
		// On v2, no version detection: a no-op plan is one list; a destroy one list and n removes
		// (glance_image_members lists again before it removes, for members added since).
		{memberWay, steps(n, 0, n), steps(n, 1, n+1)},
		{membersWay, steps(n, 0, n), steps(n+2, 1, n+2)},
		// v1 looks at the member list before each add (its PUT never says "already a member").
		{memberV1Way, steps(n, 0, n), steps(2*n, 1, n+1)},
		{membersV1Way, steps(1, 0, 1), steps(3, 1, 3)},
	} {
		t.Run(tc.way.name, func(t *testing.T) {
			t.Parallel()
			costs := shareAndUnshare(t, env, tc.way, n, "")
			for _, step := range benchSteps {
				c := costs[step.name]
				detections, tries := c.detections()
				t.Logf(
					"%s of %d: %d requests (%d GET, %d PUT, %d POST, %d DELETE), and %d version detections after %d "+
						"tries of v2",
					step.name,
					n,
					c.count(""),
					c.count("GET"),
					c.count("PUT"),
					c.count("POST"),
					c.count("DELETE"),
					detections,
					tries,
				)
				if writes := c.count("") - c.count("GET"); writes != tc.writes[step.name] {
					t.Errorf("%s of %d memberships: %d writes, want %d:%s",
						step.name, n, writes, tc.writes[step.name], acctest.Lines(c.requests))
				}
				if got := c.count(""); got > tc.atMost[step.name] {
					t.Errorf("%s of %d memberships: %d requests, want at most %d:%s",
						step.name, n, got, tc.atMost[step.name], acctest.Lines(c.requests))
				}
				// On v1, each provider process's first call tries v2, meets the 300, and detects v1.
				if detections > 3 || tries != detections || !tc.way.v1 && detections > 0 {
					t.Errorf("%s: %d version detections after %d tries of v2, want none on v2, and on v1 at most one "+
						"of each per provider process (3)", step.name, detections, tries)
				}
			}
			if tc.way.name == memberV1Way.name { // DELETE /v1/images/{id}/members/{member}, once per membership
				deletes := 0
				for _, r := range costs["destroy"].requests {
					if strings.HasPrefix(r, "DELETE /v1/images/") {
						deletes++
					}
				}
				if deletes != n {
					t.Errorf("destroy made %d DELETE /v1/images/{id}/members/{member}, want %d", deletes, n)
				}
			}
		})
	}
}

// benchSizes are the numbers of projects `make bench` shares an image with: 20 and 100,
// and those of BENCH_N besides, a number or a comma-separated list (BENCH_N=300,500).
func benchSizes(b *testing.B) []int {
	sizes := []int{20, 100}
	if list := os.Getenv("BENCH_N"); list != "" {
		for s := range strings.SplitSeq(list, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				b.Fatalf("BENCH_N=%q: want a number of projects, or several separated by commas", list)
			}
			if !slices.Contains(sizes, n) {
				sizes = append(sizes, n)
			}
		}
	}
	return sizes
}

// benchRuns is how many times each figure is measured; the table shows the median, since
// Glance, Terraform and the providers share the machine's cores. BENCH_RUNS overrides it.
func benchRuns(b *testing.B) int {
	runs := 3
	if s := os.Getenv("BENCH_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("BENCH_RUNS=%q: want a number of runs", s)
		}
		runs = n
	}
	return runs
}

// BenchmarkSharing is `make bench`: for each size, the three ways side by side (runs
// interleaved, medians shown), then the ratios of ours to terraform-provider-openstack's, as
// a Markdown table for BENCHMARKS.md.
func BenchmarkSharing(b *testing.B) {
	env := acctest.PreCheck(b)
	tfcli.InstallOpenstack(b)
	mirror, cpuLog := cpuMirror(b)
	tfEnv := []string{"TF_CLI_CONFIG_FILE=" + mirror, "GLANCE_BENCH_CPU_LOG=" + cpuLog}
	ways := []sharingWay{peerWay, memberWay, membersWay, memberV1Way, membersV1Way, floorWay}
	runs := benchRuns(b)
	var report strings.Builder
	fmt.Fprintf(&report, "| N | resource | apply | no-op plan | destroy |\n|---|---|---|---|---|\n")
	for _, n := range benchSizes(b) {
		measured := map[string][]map[string]stepCost{}
		for range runs {
			for _, way := range ways {
				measured[way.name] = append(measured[way.name], shareAndUnshare(b, env, way, n, cpuLog, tfEnv...))
			}
		}
		peer := medianCosts(measured[peerWay.name])
		fmt.Fprintf(
			&report,
			"| %d | `%s` (terraform-provider-openstack "+tfcli.OpenstackVersion+") |%s\n",
			n,
			peerWay.name,
			costCells(peer, nil),
		)
		for _, way := range ways[1:] {
			ours := medianCosts(measured[way.name])
			name := "`" + way.name + "`"
			if way.v1 {
				name = "`" + strings.TrimSuffix(
					way.name,
					" on Image API v1",
				) + "` on Image API v1 (stand-in: wall not comparable)"
			}
			if way.noGlance {
				name = "Terraform alone: `terraform_data`, no provider"
			}
			fmt.Fprintf(&report, "| %d | %s |%s\n", n, name, costCells(ours, nil))
			fmt.Fprintf(&report, "| | ratio to the openstack provider |%s\n", costCells(ours, peer))
		}
	}
	fmt.Fprintf(&report, "\n| at scale | apply | no-op plan | destroy |\n|---|---|---|---|\n")
	// Each group is the peer's way, then ours, with ratios to the peer's.
	groups := [][]scaleCase{
		{bigList(bigListMembers)},
		{
			imagesTimesProjects(peerWay.name),
			imagesTimesProjects(memberWay.name),
			imagesTimesProjects(membersWay.name),
		},
		{acceptances(peerAcceptWay, manyAcceptances), acceptances(acceptWay, manyAcceptances)},
	}
	for _, group := range groups {
		measured := map[string][]map[string]stepCost{}
		for range runs {
			for _, c := range group {
				measured[c.name] = append(measured[c.name], c.run(b, env, cpuLog, tfEnv...))
			}
		}
		var peer map[string]stepCost
		for _, c := range group {
			ours := medianCosts(measured[c.name])
			name := c.name
			if c.peer {
				peer, name = ours, name+" (terraform-provider-openstack "+tfcli.OpenstackVersion+")"
			}
			fmt.Fprintf(&report, "| %s |%s\n", name, costCells(ours, nil))
			if !c.peer && peer != nil {
				fmt.Fprintf(&report, "| ratio to the openstack provider |%s\n", costCells(ours, peer))
			}
		}
	}
	b.Logf(
		"Terraform %s, -parallelism=10, %d CPUs, median of %d runs. Each cell: Glance requests, wall time of the "+
			"terraform command, CPU time (user + system) of the provider processes it started, CPU time of Glance:\n\n%s",
		terraformVersion(b),
		runtime.NumCPU(),
		runs,
		report.String(),
	)
}

// medianCosts is each step's median wall and CPU time over the runs, and its median number
// of requests.
func medianCosts(runs []map[string]stepCost) map[string]stepCost {
	out := map[string]stepCost{}
	for _, step := range benchSteps {
		var walls, cpus, glance []time.Duration
		var counts []int
		for _, r := range runs {
			walls = append(walls, r[step.name].wall)
			cpus = append(cpus, r[step.name].cpu)
			glance = append(glance, r[step.name].glanceCPU)
			counts = append(counts, len(r[step.name].requests))
		}
		out[step.name] = stepCost{
			requests:  make([]string, median(counts)),
			wall:      median(walls),
			cpu:       median(cpus),
			glanceCPU: median(glance),
		}
	}
	return out
}

func median[T int | time.Duration](xs []T) T {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// costCells are one row's cells: the figures, or with peer their ratios to the peer's.
func costCells(c, peer map[string]stepCost) string {
	var row string
	for _, step := range benchSteps {
		s := c[step.name]
		if peer == nil {
			row += fmt.Sprintf(" %d, %.1f s, %.2f s, %.2f s |", len(s.requests), s.wall.Seconds(), s.cpu.Seconds(),
				s.glanceCPU.Seconds())
			continue
		}
		p := peer[step.name]
		row += fmt.Sprintf(" **%s, %s, %s, %s** |", ratio(float64(len(s.requests)), float64(len(p.requests))),
			ratio(s.wall.Seconds(), p.wall.Seconds()), ratio(s.cpu.Seconds(), p.cpu.Seconds()),
			ratio(s.glanceCPU.Seconds(), p.glanceCPU.Seconds()))
	}
	return row
}

func ratio(ours, theirs float64) string {
	if theirs == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", ours/theirs)
}

func terraformVersion(t testing.TB) string {
	out, err := exec.Command(tfcli.Terraform(), "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(strings.Fields(string(out))[1], "v")
}

var (
	cpuMirrorOnce sync.Once
	cpuMirrorDir  string
)

// cpuMirror is a second filesystem mirror whose providers are wrappers of the built ones:
// each runs the real binary as its child and, when Terraform is done with it, appends its
// CPU times (bash's `times`) to $GLANCE_BENCH_CPU_LOG. It returns the Terraform CLI
// configuration that installs from it, and the log.
func cpuMirror(b *testing.B) (cliConfig, cpuLog string) {
	cpuMirrorOnce.Do(func() {
		dir := b.TempDir()
		src := tfcli.MirrorDir()
		for _, provider := range []string{tfcli.GlanceBinary(src), tfcli.OpenstackBinary(src)} {
			rel, err := filepath.Rel(src, provider)
			if err != nil {
				b.Fatal(err)
			}
			wrapper := filepath.Join(dir, rel)
			// times prints the shell's own CPU time, then its children's: not in a pipe,
			// whose subshell has no children.
			script := fmt.Sprintf(
				"#!/bin/bash\n%q \"$@\"\nrc=$?\ntimes >>\"$GLANCE_BENCH_CPU_LOG\"\nexit $rc\n",
				provider,
			)
			if err := os.MkdirAll(filepath.Dir(wrapper), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		conf := strings.Replace(mustRead(b, os.Getenv("TF_CLI_CONFIG_FILE")), src, dir, 1)
		if err := os.WriteFile(filepath.Join(dir, "bench.tfrc"), []byte(conf), 0o600); err != nil {
			b.Fatal(err)
		}
		cpuMirrorDir = dir
	})
	return filepath.Join(cpuMirrorDir, "bench.tfrc"), filepath.Join(cpuMirrorDir, "cpu.log")
}

// cpuTime sums the CPU times of the providers the wrappers logged: two lines each, the
// wrapper's own ("0m0.002s 0m0.000s", user and system) and then its child's.
func cpuTime(t testing.TB, cpuLog string) time.Duration {
	if cpuLog == "" {
		return 0
	}
	var total time.Duration
	log := strings.TrimSpace(mustRead(t, cpuLog))
	if log == "" {
		return 0 // no provider process
	}
	lines := strings.Split(log, "\n")
	if len(lines)%2 != 0 {
		t.Fatalf("CPU log %s has %d lines, want two per provider process", cpuLog, len(lines))
	}
	for i := 1; i < len(lines); i += 2 {
		line := lines[i]
		for _, f := range strings.Fields(line) {
			d, err := time.ParseDuration(f)
			if err != nil {
				t.Fatalf("CPU log line %q: %v", line, err)
			}
			total += d
		}
	}
	return total
}

func mustRead(t testing.TB, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// steps are a count for each Terraform command of a run: apply, the no-op plan, destroy.
func steps(apply, plan, destroy int) map[string]int {
	return map[string]int{"apply": apply, "plan": plan, "destroy": destroy}
}
