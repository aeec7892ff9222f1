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
// mirrorVersion is the version the test mirror offers the provider as: the one being made, so
// that the examples' "~> 0.1" constraints resolve.
const mirrorVersion = "0.1.0"

func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" {
		dir, err := os.MkdirTemp("", "glance-provider-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		mirrorDir = dir
		// A filesystem mirror (unpacked layout): terraform init installs from it, offline.
		bin := filepath.Join(
			dir,
			"registry.terraform.io",
			"glancetf",
			"glance",
			mirrorVersion,
			runtime.GOOS+"_"+runtime.GOARCH,
			"terraform-provider-glance_v"+mirrorVersion,
		)
		build := exec.Command("go", "build", "-ldflags", "-X main.version=test", "-o", bin, "../..")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the provider for the acceptance tests:", err)
			os.Exit(1)
		}
		// The openstack provider, for the migration test, is installed into the same mirror by
		// installOpenstackProvider. (Not dev_overrides: terraform init still looks a
		// dev-overridden provider up in a real source, and there is no registry here.)
		peerDir = filepath.Join(
			dir,
			"registry.terraform.io",
			"terraform-provider-openstack",
			"openstack",
			"3.4.0",
			runtime.GOOS+"_"+runtime.GOARCH,
		)
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
	os.Exit(m.Run())
}

// mirrorDir is the filesystem mirror TestMain builds the provider into.
var mirrorDir string

// peerDir holds the openstack provider binary once installOpenstackProvider has installed it.
var peerDir string

// builtProvider runs the binary TestMain built, one process per provider block.
var builtProvider = map[string]tfresource.ExternalProvider{
	"glance": {Source: "glancetf/glance"},
}
