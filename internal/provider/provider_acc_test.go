package provider

import (
	"fmt"
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
