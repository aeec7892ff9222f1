package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestMain builds the provider binary for the acceptance tests that need Terraform to run
// it as users do: with two aliased provider blocks Terraform starts one plugin process per
// block, while in-process tests share one server between them (the last configure wins).
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" {
		dir, err := os.MkdirTemp("", "glance-provider-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		// A filesystem mirror (unpacked layout): terraform init installs from it, offline.
		bin := filepath.Join(dir, "registry.terraform.io", "glancetf", "glance", "0.0.1", runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-glance_v0.0.1")
		build := exec.Command("go", "build", "-ldflags", "-X main.version=test", "-o", bin, "../..")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the provider for the acceptance tests:", err)
			os.Exit(1)
		}
		rc := filepath.Join(dir, "dev.tfrc")
		conf := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"glancetf/glance\"]\n  }\n  direct {\n    exclude = [\"glancetf/glance\"]\n  }\n}\n", dir)
		if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Setenv("TF_CLI_CONFIG_FILE", rc)
		code := m.Run()
		os.RemoveAll(dir)
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// builtProvider runs the binary TestMain built, one process per provider block.
var builtProvider = map[string]tfresource.ExternalProvider{
	"glance": {Source: "glancetf/glance"},
}
