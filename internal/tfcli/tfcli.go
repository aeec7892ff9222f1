// Package tfcli runs Terraform as users run it, for the tests that need what the testing
// framework does not expose (-parallelism, TF_LOG output, exit codes, signals, several
// provider processes) and for the bench: the provider built into a filesystem mirror that
// terraform init installs from offline, terraform-provider-openstack beside it, a work
// directory, and the HCL both need.
package tfcli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// MirrorVersion is the version the mirror offers the provider as: the one being made, so
// that the examples' "~> 0.1" constraints resolve.
const MirrorVersion = "0.1.0"

// OpenstackVersion is the terraform-provider-openstack users migrate from and the bench
// compares with, built from the Go module proxy (there is no registry here).
const OpenstackVersion = "3.4.0"

const openstackModule = "github.com/terraform-provider-openstack/terraform-provider-openstack/v3@v" +
	OpenstackVersion

// mirrorDir is the filesystem mirror Main builds the provider into ("" before).
var mirrorDir string

// Main is the TestMain of a package with acceptance tests: under TF_ACC, it builds the
// provider into a new filesystem mirror and points TF_CLI_CONFIG_FILE at a CLI configuration
// that installs glancetf/glance and terraform-provider-openstack/openstack from it (not
// dev_overrides: terraform init still looks a dev-overridden provider up in a registry), runs
// the tests, and removes the mirror.
func Main(m *testing.M) {
	if os.Getenv("TF_ACC") == "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "glance-provider-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mirrorDir = dir
	bin := GlanceBinary(dir)
	build := exec.Command("go", "build", "-ldflags", "-X main.version=test", "-o", bin,
		"github.com/glancetf/terraform-provider-glance")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the provider for the acceptance tests:", err)
		os.Exit(1)
	}
	if err := mirrorForOpenTofu(bin); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rc := filepath.Join(dir, "dev.tfrc")
	conf := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["glancetf/glance", "terraform-provider-openstack/openstack"]
  }
  direct {
    exclude = ["glancetf/glance", "terraform-provider-openstack/openstack"]
  }
}
`, dir)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", rc)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Terraform is the terraform binary the tests run: TF_ACC_TERRAFORM_PATH, as the testing
// framework takes it (the version matrix sets it to OpenTofu or another Terraform), else
// terraform on PATH.
func Terraform() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// MirrorDir is the filesystem mirror Main built.
func MirrorDir() string { return mirrorDir }

// GlanceBinary and OpenstackBinary are where a filesystem mirror (unpacked layout) at dir
// keeps each provider: this one as its release is named, the openstack one as go install
// names it.
func GlanceBinary(dir string) string {
	return filepath.Join(platformDir(dir, "glancetf/glance", MirrorVersion), "terraform-provider-glance_v"+MirrorVersion)
}

func OpenstackBinary(dir string) string {
	return filepath.Join(
		platformDir(dir, "terraform-provider-openstack/openstack", OpenstackVersion),
		"terraform-provider-openstack",
	)
}

// mirrorForOpenTofu links a provider binary of the mirror under registry.opentofu.org too:
// OpenTofu reads "glancetf/glance" as an address of its own registry.
func mirrorForOpenTofu(bin string) error {
	rel, err := filepath.Rel(mirrorDir, bin)
	if err != nil {
		return err
	}
	link := filepath.Join(mirrorDir, "registry.opentofu.org", strings.TrimPrefix(rel, "registry.terraform.io"+
		string(filepath.Separator)))
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		return err
	}
	if _, err := os.Lstat(link); err == nil {
		return nil
	}
	return os.Link(bin, link)
}

func platformDir(dir, source, version string) string {
	return filepath.Join(dir, "registry.terraform.io", source, version, runtime.GOOS+"_"+runtime.GOARCH)
}

var (
	installOpenstack sync.Once
	installErr       error
)

// InstallOpenstack installs terraform-provider-openstack into the mirror. Go's caches make
// every run after the first quick.
func InstallOpenstack(t testing.TB) {
	t.Helper()
	installOpenstack.Do(func() {
		start := time.Now()
		cmd := exec.Command("go", "install", openstackModule)
		gobin := filepath.Dir(OpenstackBinary(mirrorDir))
		cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			installErr = fmt.Errorf("go install %s: %v\n%s", openstackModule, err, out)
			return
		}
		installErr = mirrorForOpenTofu(OpenstackBinary(mirrorDir))
		t.Logf("installed %s in %s", openstackModule, time.Since(start).Round(time.Second))
	})
	if installErr != nil {
		t.Fatal(installErr)
	}
}

// --- HCL ------------------------------------------------------------------------------------

// ProviderSources are the addresses of the providers the tests use.
var ProviderSources = map[string]string{
	"glance":    "glancetf/glance",
	"openstack": "terraform-provider-openstack/openstack",
}

// RequiredProviders is the terraform block naming where each provider comes from.
func RequiredProviders(names ...string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n")
	for _, n := range names {
		fmt.Fprintf(&b, "    %s = { source = %q }\n", n, ProviderSources[n])
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// ProviderVia configures the provider as cloud, talking to Glance through url (a proxy).
func ProviderVia(cloud, url string) string {
	return fmt.Sprintf("\nprovider \"glance\" {\n  cloud          = %q\n  image_endpoint = %q\n}\n", cloud, url)
}

// QuoteAll is ids as the elements of an HCL list.
func QuoteAll(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(q, ", ")
}

// --- the terraform command ------------------------------------------------------------------

// Workdir is a work directory where the terraform binary runs as users run it, with the
// providers from the mirror.
type Workdir struct {
	t   testing.TB
	Dir string
	env []string
}

// NewWorkdir writes config (with a required_providers block for glance when it has none)
// into a new work directory and runs terraform init there; env are extra environment
// variables of every command.
func NewWorkdir(t testing.TB, config string, env ...string) *Workdir {
	t.Helper()
	w := &Workdir{t: t, Dir: t.TempDir(), env: env}
	w.SetConfig(config)
	w.Must("init", "-input=false")
	return w
}

// SetConfig replaces the work directory's configuration (the providers stay installed).
func (w *Workdir) SetConfig(config string) {
	w.t.Helper()
	if !strings.Contains(config, "required_providers") {
		config = RequiredProviders("glance") + config
	}
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Setenv adds environment variables of the commands to come; a later value of a variable
// wins.
func (w *Workdir) Setenv(vars ...string) { w.env = append(w.env, vars...) }

// Command is terraform args in the work directory, with the work directory's environment.
func (w *Workdir) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(Terraform(), append(args, "-no-color")...)
	cmd.Dir = w.Dir
	cmd.Env = append(os.Environ(), w.env...)
	return cmd
}

// Run returns terraform's combined output and exit code.
func (w *Workdir) Run(args ...string) (string, int) {
	w.t.Helper()
	out, err := w.Command(args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		w.t.Fatalf("terraform %s: %v", args[0], err)
	}
	return string(out), 0
}

// Must is Run, failing the test unless terraform succeeds; it returns the output.
func (w *Workdir) Must(args ...string) string {
	w.t.Helper()
	out, code := w.Run(args...)
	if code != 0 {
		w.t.Fatalf("terraform %s failed (exit %d):\n%s", strings.Join(args, " "), code, Tail(out, 60))
	}
	return out
}

// ExpectEmptyPlan is the check after every apply: nothing left to change. It returns the
// plan's output.
func (w *Workdir) ExpectEmptyPlan() string {
	w.t.Helper()
	out, code := w.Run("plan", "-detailed-exitcode", "-input=false")
	if code != 0 {
		w.t.Fatalf("the plan after apply is not empty (exit %d):\n%s", code, Tail(out, 60))
	}
	return out
}

// Diagnostic is one warning or error as terraform -json reports it.
type Diagnostic struct {
	Severity, Summary, Detail, Address string
}

// PlanDiagnostics runs a plan with -json -detailed-exitcode: every diagnostic one by one (the
// human output folds similar warnings together), and the exit code (0 no changes, 2 changes).
func (w *Workdir) PlanDiagnostics() ([]Diagnostic, int) {
	w.t.Helper()
	out, code := w.Run("plan", "-json", "-detailed-exitcode", "-input=false")
	var diags []Diagnostic
	for _, line := range strings.Split(out, "\n") {
		var msg struct {
			Type       string     `json:"type"`
			Diagnostic Diagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" {
			d := msg.Diagnostic
			d.Detail = Flat(d.Detail)
			diags = append(diags, d)
		}
	}
	return diags, code
}

// Flat is terraform's output as one line of words: diagnostics wrap, and carry "│" borders.
func Flat(out string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
}

// Tail is the last n lines of s, for failure messages.
func Tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// Version is the version of Terraform() ("1.16.2"; OpenTofu reports its own the same way).
func Version(t testing.TB) string {
	t.Helper()
	out, err := exec.Command(Terraform(), "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", Terraform(), err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", Terraform(), err)
	}
	return v.Version
}

// AtLeast says whether version ("1.16.2") is minor (of major 1) or later.
func AtLeast(version string, minor int) bool {
	var major, m int
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &m); err != nil {
		return false
	}
	return major > 1 || (major == 1 && m >= minor)
}
