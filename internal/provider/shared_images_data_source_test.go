package provider

import (
	"fmt"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
)

// The member project's inbox: three images shared with consumer2 span two of Glance's
// pages (the local cloud pages by 2); one is accepted through Terraform, and the data
// sources see it move from pending to accepted.
func TestAccSharedImagesDataSource_basic(t *testing.T) {
	env := acctest.PreCheck(t)
	var ids []string
	for range 3 {
		id := acctest.NewImage(t, images.ImageVisibilityShared)
		acctest.AddMember(t, id, env.Consumer2Project)
		t.Cleanup(func() { acctest.RemoveMember(t, id, env.Consumer2Project) })
		ids = append(ids, id)
	}
	ownImage := acctest.NewImage(t, images.ImageVisibilityShared) // consumer2's own: never in its inbox
	acctest.AddMember(t, ownImage, env.ConsumerProject)
	t.Cleanup(func() { acctest.RemoveMember(t, ownImage, env.ConsumerProject) })

	// The acceptance exists only in the second step (count 1); the data sources read after it.
	config := func(accept int) string {
		return fmt.Sprintf(`
provider "glance" {
  cloud = "consumer2"
}

data "glance_shared_images" "all" {
  depends_on = [glance_image_member_acceptance.first]
}

data "glance_shared_images" "pending" {
  member_status = "pending"
  owner         = %[1]q
  depends_on    = [glance_image_member_acceptance.first]
}

data "glance_shared_images" "other_owner" {
  owner      = %[2]q
  depends_on = [glance_image_member_acceptance.first]
}

resource "glance_image_member_acceptance" "first" {
  count    = %[3]d
  image_id = %[4]q
}
`, env.ProducerProject, env.AdminProject, accept, ids[0])
	}
	inbox := func(addr, id, status string) tfresource.TestCheckFunc {
		return tfresource.TestCheckTypeSetElemNestedAttrs(addr, "images.*", map[string]string{
			"id": id, "member_status": status, "owner": env.ProducerProject, "visibility": "shared",
			"name": "acc-" + t.Name(), "status": "queued", "disk_format": "raw", "container_format": "bare", "size_bytes": "0",
		})
	}
	absent := func(addr string, notIDs ...string) tfresource.TestCheckFunc {
		return func(s *terraform.State) error {
			rs := s.RootModule().Resources[addr]
			for k, v := range rs.Primary.Attributes {
				for _, id := range notIDs {
					if v == id {
						return fmt.Errorf("%s lists image %s (%s); it must not", addr, id, k)
					}
				}
			}
			return nil
		}
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{
				Config: config(0),
				Check: tfresource.ComposeTestCheckFunc(
					inbox("data.glance_shared_images.all", ids[0], "pending"),
					inbox("data.glance_shared_images.all", ids[1], "pending"),
					inbox("data.glance_shared_images.all", ids[2], "pending"),
					inbox("data.glance_shared_images.pending", ids[0], "pending"),
					inbox("data.glance_shared_images.pending", ids[2], "pending"),
					absent("data.glance_shared_images.all", ownImage),
					absent("data.glance_shared_images.other_owner", ids...),
					tfresource.TestCheckResourceAttr("data.glance_shared_images.all", "id", env.Consumer2Project),
				),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				Config: config(1),
				Check: tfresource.ComposeTestCheckFunc(
					inbox("data.glance_shared_images.all", ids[0], "accepted"),
					inbox("data.glance_shared_images.all", ids[1], "pending"),
					inbox("data.glance_shared_images.pending", ids[1], "pending"),
					absent("data.glance_shared_images.pending", ids[0]),
					checkAPIStatus(t, ids[0], env.Consumer2Project, "accepted"),
				),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}
