package provider

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-testing/config"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// migrationGuide holds the files the migration guide shows; the tests run them as they are.
const migrationGuide = "../../examples/guides/migration/"

// Users with openstack_images_image_access_v2 and _accept_v2 in state swap them for glance_*
// with moved blocks: the plan changes nothing, and destroy really removes the membership. The
// guide's before.tf and after.tf, run as they are (the local cloud's clouds.yaml has the
// guide's cloud names).
func TestAccMigration_fromOpenstack(t *testing.T) {
	env := acctest.PreCheck(t)
	tfcli.InstallOpenstack(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	vars := config.Variables{
		"image_id":          config.StringVariable(imageID),
		"tenant_project_id": config.StringVariable(env.ConsumerProject),
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		CheckDestroy: checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{
				ConfigFile:      config.StaticFile(migrationGuide + "before.tf"),
				ConfigVariables: vars,
				Check:           checkAPIStatus(t, imageID, env.ConsumerProject, "accepted"),
			},
			{
				ConfigFile:      config.StaticFile(migrationGuide + "after.tf"),
				ConfigVariables: vars,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						plancheck.ExpectResourceAction("glance_image_member.tenant_a", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("glance_image_member_acceptance.tenant_a", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(
						"glance_image_member.tenant_a",
						tfjsonpath.New("id"),
						knownvalue.StringExact(memberImportID(imageID, env.ConsumerProject)),
					),
					statecheck.ExpectKnownValue(
						"glance_image_member.tenant_a",
						tfjsonpath.New("status"),
						knownvalue.StringExact("accepted"),
					),
					statecheck.ExpectKnownValue(
						"glance_image_member_acceptance.tenant_a",
						tfjsonpath.New("member_id"),
						knownvalue.StringExact(env.ConsumerProject),
					),
					statecheck.ExpectKnownValue(
						"glance_image_member_acceptance.tenant_a",
						tfjsonpath.New("status"),
						knownvalue.StringExact("accepted"),
					),
				},
				Check: checkAPIStatus(t, imageID, env.ConsumerProject, "accepted"),
			},
		},
	})
}

// onlyForgetAndImport is the plan of the move to glance_image_members: the old instances
// forgotten (not destroyed), the list imported, nothing else.
type onlyForgetAndImport struct{ forget, imported string }

func (c onlyForgetAndImport) CheckPlan(
	_ context.Context,
	req plancheck.CheckPlanRequest,
	resp *plancheck.CheckPlanResponse,
) {
	forgotten := 0
	for _, rc := range req.Plan.ResourceChanges {
		switch {
		case rc.Type == c.forget && rc.Change.Actions.Forget():
			forgotten++
		case rc.Address == c.imported && rc.Change.Actions.NoOp() && rc.Change.Importing != nil:
		default:
			resp.Error = fmt.Errorf("unexpected change %v of %s", rc.Change.Actions, rc.Address)
			return
		}
	}
	if forgotten != 2 {
		resp.Error = fmt.Errorf("%d %s forgotten, want 2", forgotten, c.forget)
	}
}

// The guide's way from many openstack_images_image_access_v2 to one glance_image_members:
// `removed` (destroy = false) and `import` plan no change in Glance, and the members stay. The
// second step is the guide's to-authoritative.tf as it is.
func TestAccMigration_toAuthoritative(t *testing.T) {
	env := acctest.PreCheck(t)
	tfcli.InstallOpenstack(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	tenants := []string{env.ConsumerProject, env.Consumer2Project}
	// count, not for_each: the test framework's state reader cannot index by key.
	before := tfcli.RequiredProviders("openstack") + fmt.Sprintf(`
provider "openstack" {
  cloud = "platform"
}

resource "openstack_images_image_access_v2" "tenants" {
  count     = 2
  image_id  = %q
  member_id = [%s][count.index]
}
`, imageID, tfcli.QuoteAll(tenants))
	tfresource.ParallelTest(t, tfresource.TestCase{
		CheckDestroy: checkMembers(t, imageID),
		Steps: []tfresource.TestStep{
			{
				ExternalProviders: map[string]tfresource.ExternalProvider{
					"openstack": {Source: tfcli.ProviderSources["openstack"], VersionConstraint: "3.4.0"},
				},
				Config: before,
				Check:  checkMembers(t, imageID, tenants...),
			},
			{
				ConfigFile: config.StaticFile(migrationGuide + "to-authoritative.tf"),
				ConfigVariables: config.Variables{
					"image_id":           config.StringVariable(imageID),
					"tenant_project_ids": config.SetVariable(config.StringVariable(tenants[0]), config.StringVariable(tenants[1])),
				},
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						onlyForgetAndImport{"openstack_images_image_access_v2", "glance_image_members.golden"},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMembers(t, imageID, tenants...),
			},
		},
	})
}

// The guide's admin-answers.tf as it is, run by terraform itself (the test framework's state
// reader cannot follow for_each): the owner shares the image with two tenants and an admin
// accepts it for each (for_each with member_id), where the openstack provider needs one
// privileged resource per member; destroy removes both memberships.
func TestAccMigration_adminAnswersForEach(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	file, err := os.ReadFile(migrationGuide + "admin-answers.tf")
	if err != nil {
		t.Fatal(err)
	}
	applyAndDestroy(t, string(file), imageID, []string{env.ConsumerProject, env.Consumer2Project},
		map[string]string{env.ConsumerProject: "accepted", env.Consumer2Project: "accepted"},
		"TF_VAR_image_id="+imageID)
}
