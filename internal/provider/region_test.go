package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
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
		"\ndata \"glance_image_members\" \"two\" {\n  region   = \"RegionTwo\"\n  image_id = " +
		"glance_image_member.two.image_id\n}\n"
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: tfresource.ComposeTestCheckFunc(
			memberIn(t, devcloud.RegionTwo, two, env.ConsumerProject, false),
			memberIn(t, devcloud.RegionOne, one, env.ConsumerProject, false),
		),
		Steps: []tfresource.TestStep{
			{
				Config: config,
				Check: tfresource.ComposeTestCheckFunc(
					memberIn(t, devcloud.RegionTwo, two, env.ConsumerProject, true),
					memberIn(t, devcloud.RegionOne, one, env.ConsumerProject, true),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(inTwo, tfjsonpath.New("region"), knownvalue.StringExact(devcloud.RegionTwo)),
					statecheck.ExpectKnownValue(inTwo, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(
						"glance_image_member.one",
						tfjsonpath.New("region"),
						knownvalue.StringExact(devcloud.RegionOne),
					),
					statecheck.ExpectKnownValue(
						"data.glance_image_members.two",
						tfjsonpath.New("members").AtSliceIndex(0).AtMapKey("member_id"),
						knownvalue.StringExact(env.ConsumerProject),
					),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				Config:            config,
				ResourceName:      inTwo,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateId:     devcloud.RegionTwo + "/" + two + "/" + env.ConsumerProject,
			},
			{ // the provider's region written out: the same resource, nothing to do
				Config: providerProducer +
					memberBlock("two", two, env.ConsumerProject, `region = "RegionTwo"`) +
					memberBlock("one", one, env.ConsumerProject, `region = "RegionOne"`),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A region the catalog has no image service in fails the plan, naming it and the catalog's
// image regions; nothing reaches Glance.
func TestAccRegion_unknown(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{{
			Config: providerProducer + memberBlock("test", imageID, env.ConsumerProject, `region = "RegionNine"`),
			ExpectError: regexp.MustCompile(`(?s)Unknown region.*` +
				spaced(`Image `+imageID+`, member `+env.ConsumerProject+`: the service catalog has no image service `+
					`in region "RegionNine" for interface "public"; its image regions are: RegionOne, RegionTwo. `+
					`Set region to one of them`)),
		}},
	})
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Errorf("the refused plan changed Glance: %v", got)
	}
}

// A provider whose region changes (OS_REGION_NAME differs between a laptop and CI) leaves
// every resource in the region its state records: the plan is empty but for a warning on each
// of the three resources, an apply changes nothing in either region, and destroy removes the
// memberships where they live.
func TestAccRegion_providerRegionChangeKeepsResources(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	listID := acctest.NewImage(t, images.ImageVisibilityShared)
	config := `
provider "glance" {
  cloud = "producer"
}

provider "glance" {
  alias = "consumer"
  cloud = "consumer"
}
` + memberBlock("m", imageID, env.ConsumerProject) + fmt.Sprintf(`
resource "glance_image_members" "s" {
  image_id   = %q
  member_ids = [%q]
}

resource "glance_image_member_acceptance" "a" {
  provider = glance.consumer
  image_id = glance_image_member.m.image_id
}
`, listID, env.Consumer2Project)
	w := tfcli.NewWorkdir(t, config, "OS_REGION_NAME="+devcloud.RegionOne)
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()

	w.Setenv("OS_REGION_NAME=" + devcloud.RegionTwo)
	diags, code := w.PlanDiagnostics()
	if code != 0 {
		t.Errorf("the plan after the provider's region changed is not empty (exit %d): %v", code, diags)
	}
	want := map[string]string{
		"glance_image_member.m":            "Image " + imageID + ", member " + env.ConsumerProject + ": ",
		"glance_image_members.s":           "Image " + listID + ": ",
		"glance_image_member_acceptance.a": "Image " + imageID + ", member " + env.ConsumerProject + ": ",
	}
	for _, d := range diags {
		if d.Severity == "warning" && d.Summary == "Resource stays in its region RegionOne" &&
			strings.HasPrefix(d.Detail, want[d.Address]+"this resource was created in region RegionOne (recorded in state), "+
				"and the provider's region is now RegionTwo") &&
			strings.Contains(d.Detail, `set region = "RegionOne" in the resource`) {
			delete(want, d.Address)
		}
	}
	if len(want) > 0 {
		t.Errorf("no region warning for %v; the plan said: %v", want, diags)
	}
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()
	if err := checkAPIStatus(t, imageID, env.ConsumerProject, "accepted")(nil); err != nil {
		t.Error(err)
	}
	if err := checkMembers(t, listID, env.Consumer2Project)(nil); err != nil {
		t.Error(err)
	}

	w.Must("destroy", "-auto-approve", "-input=false")
	gone := [][2]string{{imageID, env.ConsumerProject}, {listID, env.Consumer2Project}}
	if err := acctest.CheckMemberGone(t, gone...); err != nil {
		t.Error(err)
	}
}

// Setting region to another one than the state's moves the resource: the plan replaces it and
// warns that the member's answer does not move; the apply removes the membership in the old
// region and adds it in the new one (the image has the same ID in both).
func TestAccRegion_configuredRegionMoves(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImageIn(t, devcloud.Producer, devcloud.RegionOne, images.ImageVisibilityShared)
	acctest.NewImageWithID(t, devcloud.Producer, devcloud.RegionTwo, imageID, images.ImageVisibilityShared)
	in := func(region string) string {
		return providerProducer + memberBlock("test", imageID, env.ConsumerProject, fmt.Sprintf("region = %q", region))
	}
	w := tfcli.NewWorkdir(t, in(devcloud.RegionOne))
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()

	w.SetConfig(in(devcloud.RegionTwo))
	plan, code := w.Run("plan", "-detailed-exitcode", "-input=false")
	for _, want := range []string{
		"must be replaced",
		"Changing region replaces the resource",
		"Image " + imageID + ", member " + env.ConsumerProject + ": region changes from RegionOne to RegionTwo",
		"in RegionTwo the membership starts again as pending",
	} {
		if code != 2 || !strings.Contains(tfcli.Flat(plan), want) {
			t.Errorf("the plan (exit %d) does not say %q:\n%s", code, want, plan)
		}
	}
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()
	for _, check := range []func(*terraform.State) error{
		memberIn(t, devcloud.RegionOne, imageID, env.ConsumerProject, false),
		memberIn(t, devcloud.RegionTwo, imageID, env.ConsumerProject, true),
	} {
		if err := check(nil); err != nil {
			t.Error(err)
		}
	}
	w.Must("destroy", "-auto-approve", "-input=false")
	if err := memberIn(t, devcloud.RegionTwo, imageID, env.ConsumerProject, false)(nil); err != nil {
		t.Error(err)
	}
}
