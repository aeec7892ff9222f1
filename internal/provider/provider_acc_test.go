package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// The provider configured attribute by attribute (no clouds.yaml) against the real Keystone.
func TestAccProvider_explicitAttributes(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	config := fmt.Sprintf(`
provider "glance" {
  auth_url            = %q
  region              = "RegionOne"
  endpoint_type       = "internal"
  user_name           = "producer"
  user_domain_name    = "Default"
  password            = %q
  project_name        = "producer"
  project_domain_name = "Default"
}
`, env.AuthURL, env.Password("producer")) + memberBlock("test", imageID, env.Consumer2Project)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.Consumer2Project),
		Steps: []tfresource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
			},
			Check:            checkAPIStatus(t, imageID, env.Consumer2Project, "pending"),
			ConfigPlanChecks: emptyPlanAfterApply,
		}},
	})
}

// terraform validate reports every conflicting setting of the provider block at once, each
// naming its attributes, before anything logs in.
func TestAccProvider_validateReportsEveryConflict(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	w := tfcli.NewWorkdir(t, `
provider "glance" {
  auth_url     = "http://127.0.0.1:1/v3"
  token        = "a-token"
  password     = "a-password"
  project_id   = "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
  project_name = "producer"
  cert         = "client.pem"
}
`+memberBlock("test", exampleImageID, "p1")) // validate checks only the providers that something uses
	out, code := w.Run("validate")
	if code == 0 {
		t.Fatalf("validate accepted conflicting settings:\n%s", out)
	}
	for _, want := range []string{`[token,password]`, `[project_id,project_name,tenant_id,tenant_name]`, `[cert,key]`} {
		if !strings.Contains(tfcli.Flat(out), want) {
			t.Errorf("validate does not report %s:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Error: "); n != 3 {
		t.Errorf("%d errors, want the 3 conflicts:\n%s", n, out)
	}
}

// Coming from terraform-provider-openstack or an openrc file, nothing needs changing: a
// provider block in the openstack provider's words (tenant_name, domain_name, publicURL), and
// an openrc-style environment alone (OS_TENANT_NAME, OS_DEFAULT_DOMAIN, OS_INTERFACE=publicURL;
// no clouds.yaml cloud), each share an image with the real Keystone and Glance, and destroy it.
func TestAccProvider_openstackConventions(t *testing.T) {
	env := acctest.PreCheck(t)
	openstackBlock := fmt.Sprintf(`
provider "glance" {
  auth_url      = %q
  region        = "RegionOne"
  endpoint_type = "internalURL"
  user_name     = "producer"
  password      = %q
  tenant_name   = "producer"
  domain_name   = "Default"
}
`, env.AuthURL, env.Password("producer"))
	openrc := []string{
		"OS_AUTH_URL=" + env.AuthURL, "OS_USERNAME=producer", "OS_PASSWORD=" + env.Password("producer"),
		"OS_TENANT_NAME=producer", "OS_DEFAULT_DOMAIN=default", "OS_INTERFACE=publicURL", "OS_REGION_NAME=RegionOne",
		"OS_CLOUD=", // no clouds.yaml entry: the environment alone
	}
	for _, tc := range []struct {
		name, config string
		env          []string
	}{
		{"openstack provider block", openstackBlock, nil},
		{"openrc environment", "provider \"glance\" {}\n", openrc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			imageID := acctest.NewImage(t, images.ImageVisibilityShared)
			w := tfcli.NewWorkdir(t, tc.config+memberBlock("test", imageID, env.ConsumerProject), tc.env...)
			w.Must("apply", "-auto-approve", "-input=false")
			pendingThenDestroyed(t, w, imageID, env.ConsumerProject)
		})
	}
}
