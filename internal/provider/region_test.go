package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
)

// memberIn is a Check that the membership exists (want) or is gone, in region's Glance.
func memberIn(t *testing.T, region, imageID, memberID string, want bool) func(*terraform.State) error {
	return func(*terraform.State) error {
		_, err := acctest.GetMember(imageID, memberID, acctest.ImageIn(t, devcloud.Producer, region))
		switch {
		case want && err != nil:
			return fmt.Errorf("%s: image %s member %s: %v", region, imageID, memberID, err)
		case !want && err == nil:
			return fmt.Errorf("%s: image %s still has member %s", region, imageID, memberID)
		case !want && !gophercloud.ResponseCodeIs(err, 404):
			return fmt.Errorf("%s: image %s member %s: want 404, got %v", region, imageID, memberID, err)
		}
		return nil
	}
}

// Per-resource region, against two real Glance regions of the local cloud: from a provider
// configured for RegionOne, a RegionTwo image is shared (region = "RegionTwo"), read by the
// data source there, imported with its region, and destroyed in RegionTwo; a resource without
// region is in the provider's; an explicit region equal to it plans nothing.
func TestAccRegion_perResource(t *testing.T) {
	env := acctest.PreCheck(t)
	two := acctest.NewImageIn(t, devcloud.Producer, devcloud.RegionTwo, images.ImageVisibilityShared)
	one := acctest.NewImage(t, images.ImageVisibilityShared)
	const inTwo = "glance_image_member.two"
	config := providerProducer +
		memberBlock("two", two, env.ConsumerProject, `region = "RegionTwo"`) +
		memberBlock("one", one, env.ConsumerProject) +
		"\ndata \"glance_image_members\" \"two\" {\n  region   = \"RegionTwo\"\n  image_id = glance_image_member.two.image_id\n}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: resource.ComposeTestCheckFunc(
			memberIn(t, devcloud.RegionTwo, two, env.ConsumerProject, false),
			memberIn(t, devcloud.RegionOne, one, env.ConsumerProject, false),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					memberIn(t, devcloud.RegionTwo, two, env.ConsumerProject, true),
					memberIn(t, devcloud.RegionOne, one, env.ConsumerProject, true),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(inTwo, tfjsonpath.New("region"), knownvalue.StringExact(devcloud.RegionTwo)),
					statecheck.ExpectKnownValue(inTwo, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("glance_image_member.one", tfjsonpath.New("region"), knownvalue.StringExact(devcloud.RegionOne)),
					statecheck.ExpectKnownValue("data.glance_image_members.two", tfjsonpath.New("members").AtSliceIndex(0).AtMapKey("member_id"), knownvalue.StringExact(env.ConsumerProject)),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{Config: config, ResourceName: inTwo, ImportState: true, ImportStateVerify: true, ImportStateId: devcloud.RegionTwo + "/" + two + "/" + env.ConsumerProject},
			{ // the provider's region written out: the same resource, nothing to do
				Config: providerProducer +
					memberBlock("two", two, env.ConsumerProject, `region = "RegionTwo"`) +
					memberBlock("one", one, env.ConsumerProject, `region = "RegionOne"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A region the catalog has no image service in fails the plan, naming it and the catalog's
// image regions; nothing reaches Glance.
func TestAccRegion_unknown(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: providerProducer + memberBlock("test", imageID, env.ConsumerProject, `region = "RegionNine"`),
			ExpectError: regexp.MustCompile(`(?s)Unknown region.*` +
				spaced(`Image `+imageID+`, member `+env.ConsumerProject+`: The service catalog has no image service in region "RegionNine" for interface "public"; its image regions are: RegionOne, RegionTwo. Set region to one of them`)),
		}},
	})
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Errorf("the refused plan changed Glance: %v", got)
	}
}
