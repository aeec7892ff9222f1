package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
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
  password            = "devcloud-producer"
  project_name        = "producer"
  project_domain_name = "Default"
}

resource "glance_image_member" "test" {
  image_id  = %q
  member_id = %q
}
`, os.Getenv("GLANCE_DEVCLOUD_AUTH_URL"), imageID, env.Consumer2Project)
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

// Configuration problems are reported at configure time, naming what to fix.
func TestAccProvider_configurationErrors(t *testing.T) {
	env := acctest.PreCheck(t)
	authURL := os.Getenv("GLANCE_DEVCLOUD_AUTH_URL")
	resourceBlock := fmt.Sprintf(`
resource "glance_image_member" "test" {
  image_id  = "00000000-0000-4000-8000-000000000000"
  member_id = %q
}
`, env.ConsumerProject)
	cases := map[string]struct{ provider, wantErr string }{
		"wrong password": {
			fmt.Sprintf(`provider "glance" {
  auth_url = %q
  user_name = "producer"
  user_domain_name = "Default"
  password = "not-the-password"
  project_name = "producer"
}`, authURL),
			`Keystone at ` + regexp.QuoteMeta(authURL) + ` rejected the credentials \(user "producer", project "producer"\)`,
		},
		"unknown cloud": {`provider "glance" { cloud = "no-such-cloud" }`, `Cannot use cloud "no-such-cloud" from clouds.yaml.*not found`},
		"unreachable auth_url": {
			`provider "glance" {
  auth_url = "http://127.0.0.1:1/v3"
  token = "x"
}`,
			`Cannot reach Keystone at http://127.0.0.1:1/v3`,
		},
		"two ways to log in": {
			fmt.Sprintf(`provider "glance" {
  cloud = "producer"
  token = "some-token"
}`),
			`More than one way to authenticate is configured: password \(from clouds.yaml cloud producer\), token \(from provider attribute token\)`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []tfresource.TestStep{{
					Config:      tc.provider + resourceBlock,
					ExpectError: regexp.MustCompile(`(?s)Invalid provider configuration.*` + spaced(tc.wantErr)),
				}},
			})
		})
	}
}

// spaced lets a space in a pattern match Terraform's line wrapping.
func spaced(pattern string) string { return regexp.MustCompile(` `).ReplaceAllString(pattern, `\s+`) }
