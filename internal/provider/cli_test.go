package provider

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// workdir runs the terraform binary itself, as users do, for the tests that need what the
// test framework does not expose: -parallelism, TF_LOG output, exit codes. The provider
// comes from TestMain's filesystem mirror.
type workdir struct {
	t   testing.TB
	dir string
	env []string
}

func newWorkdir(t testing.TB, config string, env ...string) *workdir {
	t.Helper()
	w := &workdir{t: t, dir: t.TempDir(), env: env}
	if !strings.Contains(config, "required_providers") {
		config = "terraform {\n  required_providers {\n    glance = { source = \"glancetf/glance\" }\n  }\n}\n" + config
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	w.must("init", "-input=false")
	return w
}

// run returns terraform's combined output and exit code.
func (w *workdir) run(args ...string) (string, int) {
	w.t.Helper()
	cmd := exec.Command("terraform", append(args, "-no-color")...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), w.env...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		w.t.Fatalf("terraform %s: %v", args[0], err)
	}
	return string(out), 0
}

func (w *workdir) must(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("terraform %s failed (exit %d):\n%s", strings.Join(args, " "), code, tail(out, 60))
	}
	return out
}

// expectEmptyPlan is the check after every apply: nothing left to change. It returns the
// plan's output.
func (w *workdir) expectEmptyPlan() string {
	w.t.Helper()
	out, code := w.run("plan", "-detailed-exitcode", "-input=false")
	if code != 0 {
		w.t.Fatalf("the plan after apply is not empty (exit %d):\n%s", code, tail(out, 60))
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
