package provider

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// Every example in the docs is a configuration Terraform accepts with this provider's schema
// (terraform init + validate): examples/<kind>/<name>/ directories, and each file of
// examples/guides/ on its own.
func TestAccExamples_valid(t *testing.T) {
	acctest.PreCheck(t)
	tfcli.InstallOpenstack(t) // the migration guide's "before" uses it
	// Import by identity came with Terraform and OpenTofu 1.12; its examples are validated
	// where it is there (make test-matrix: Terraform 1.16.2, OpenTofu 1.12.6).
	// The list resources' query files (.tfquery.hcl), with terraform query: Terraform 1.14+
	// (make test-matrix: Terraform 1.16.2); OpenTofu has none.
	version := tfcli.Version(t)
	identity := tfcli.AtLeast(version, 12)
	query := tfcli.AtLeast(version, 14) && os.Getenv("TF_ACC_PROVIDER_HOST") != "registry.opentofu.org"
	modules := map[string][]string{}
	dirs, _ := filepath.Glob("../../examples/*/*")
	dirs = append(dirs, "../../examples/provider", "../../examples/demo")
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*.tf"))
		if queries, _ := filepath.Glob(filepath.Join(d, "*.tfquery.hcl")); query {
			files = append(files, queries...)
		}
		if strings.Contains(d, "/guides/") {
			for _, f := range files {
				modules[strings.TrimPrefix(f, "../../")] = []string{f}
			}
			continue
		}
		// A resource's import examples adopt the same resource: one module each.
		var base, imports []string
		for _, f := range files {
			switch name := filepath.Base(f); {
			case name == "identity-import.tf" && !identity:
			case strings.Contains(name, "import"):
				imports = append(imports, f)
			default:
				base = append(base, f)
			}
		}
		if len(imports) == 0 && len(base) > 0 {
			modules[strings.TrimPrefix(d, "../../")] = base
		}
		for _, f := range imports {
			modules[strings.TrimPrefix(f, "../../")] = append(slices.Clone(base), f)
		}
	}
	modules["README.md"] = []string{readmeFirstSnippet(t)}
	if len(modules) < 12 {
		t.Fatalf("found only %d example modules: %v", len(modules), modules)
	}
	for name, files := range modules {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			declared := false
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				declared = declared || strings.Contains(string(b), "required_providers")
				if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if !declared { // resource and data source examples leave the provider block to the reader
				providers := []byte(tfcli.RequiredProviders("glance"))
				if err := os.WriteFile(filepath.Join(dir, "providers.tf"), providers, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			validate := []string{"validate", "-no-color"}
			if query {
				validate = append(validate, "-query")
			}
			for _, args := range [][]string{{"init", "-backend=false", "-input=false", "-no-color"}, validate} {
				cmd := exec.Command(tfcli.Terraform(), args...)
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("terraform %s: %v\n%s", args[0], err, out)
				}
			}
		})
	}
}

// readmeFirstSnippet writes the README's first HCL block, as a user pastes it, to main.tf in
// a directory of its own and returns that file's path.
func readmeFirstSnippet(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n```hcl\n")
	snippet, _, closed := strings.Cut(rest, "\n```\n")
	if !ok || !closed {
		t.Fatal("README.md has no ```hcl block")
	}
	path := filepath.Join(t.TempDir(), "main.tf")
	if err := os.WriteFile(path, []byte(snippet+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The README's first snippet, run as it is against the local cloud (its clouds.yaml has the
// README's cloud names) by terraform itself (the test framework's state reader cannot follow
// for_each): the owner shares the image with two projects, tenant-a accepts, the other's
// answer stays pending; the plan after apply is empty, and destroy removes both memberships.
func TestAccReadme_firstSnippet(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	snippet, err := os.ReadFile(readmeFirstSnippet(t))
	if err != nil {
		t.Fatal(err)
	}
	applyAndDestroy(t, string(snippet), imageID, []string{env.ConsumerProject, env.Consumer2Project},
		map[string]string{env.ConsumerProject: "accepted", env.Consumer2Project: "pending"},
		"TF_VAR_golden_image_id="+imageID)
}

// applyAndDestroy applies config (whose tenant_project_ids variable gets tenants) in a work
// directory of its own, checks each membership's status in Glance and an empty plan, then
// destroys and checks that no membership is left.
func applyAndDestroy(t *testing.T, config, imageID string, tenants []string, want map[string]string, env ...string) {
	t.Helper()
	env = append(env, "TF_VAR_tenant_project_ids=["+tfcli.QuoteAll(tenants)+"]")
	w := tfcli.NewWorkdir(t, config, env...)
	w.Must("apply", "-auto-approve", "-input=false")
	for member, status := range want {
		if err := checkAPIStatus(t, imageID, member, status)(nil); err != nil {
			t.Error(err)
		}
	}
	w.ExpectEmptyPlan()
	w.Must("destroy", "-auto-approve", "-input=false")
	for _, member := range tenants {
		if err := checkMemberGone(t, imageID, member)(nil); err != nil {
			t.Error(err)
		}
	}
}
