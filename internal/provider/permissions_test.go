package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
)

// What each Keystone role may do, under Glance's secure-RBAC defaults (the local cloud runs
// them with scope checks, as current clouds do): the docs' Permissions section is this test.
// A reader of the owner's project sees the image's members but cannot change them; a reader
// of the member project sees what is shared with it but cannot answer; member can do both.
func TestAccPermissions_reader(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, imageID, env.ConsumerProject)
	acctest.SetStatus(t, devcloud.Consumer, imageID, env.ConsumerProject, "accepted")
	as := func(cloud, body string) string {
		return fmt.Sprintf("provider \"glance\" {\n  cloud = %q\n}\n%s", cloud, body)
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{ // the owner's reader: reads the member list
				Config: as(
					devcloud.ProducerReader,
					fmt.Sprintf("data \"glance_image_members\" \"m\" {\n  image_id = %q\n}\n", imageID),
				),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("data.glance_image_members.m",
					tfjsonpath.New("members").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("accepted"))},
			},
			{ // ...but cannot share
				Config: as(devcloud.ProducerReader, memberBlock("test", imageID, env.Consumer2Project)),
				ExpectError: regexp.MustCompile(
					`(?s)Error adding image member.*` + spaced(
						`the provider's user probably lacks the member role on project `+env.ProducerProject,
					),
				),
			},
			{ // the member's reader: sees its inbox
				Config: as(devcloud.ConsumerReader, "data \"glance_shared_images\" \"inbox\" {\n  member_status = "+
					"\"accepted\"\n}\n"),
				Check: tfresource.TestCheckTypeSetElemNestedAttrs(
					"data.glance_shared_images.inbox",
					"images.*",
					map[string]string{"id": imageID, "member_status": "accepted"},
				),
			},
			{ // ...but cannot answer
				Config: as(devcloud.ConsumerReader, fmt.Sprintf("resource \"glance_image_member_acceptance\" \"a\" {\n  "+
					"image_id = %q\n  status   = \"rejected\"\n}\n", imageID)),
				ExpectError: regexp.MustCompile(
					`(?s)Error setting image member status.*` + spaced(
						`the provider acts as project `+env.ConsumerProject+`, the member, but its user lacks the member role there`,
					),
				),
			},
		},
	})
}
