package provider

import (
	"fmt"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
)

func TestAccImageMembersDataSource_basic(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	for _, m := range []string{env.ConsumerProject, env.Consumer2Project, env.AdminProject} {
		acctest.AddMember(t, imageID, m)
		t.Cleanup(func() { acctest.RemoveMember(t, imageID, m) })
	}
	acctest.SetStatus(t, "consumer", imageID, env.ConsumerProject, "accepted")
	member := func(id, status string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"member_id": knownvalue.StringExact(id), "status": knownvalue.StringExact(status),
			"created_at": knownvalue.StringRegexp(rfc3339), "updated_at": knownvalue.StringRegexp(rfc3339), "can_share": knownvalue.Bool(false),
		})
	}
	all := []knownvalue.Check{}
	for _, id := range sorted([]string{env.ConsumerProject, env.Consumer2Project, env.AdminProject}) {
		status := "pending"
		if id == env.ConsumerProject {
			status = "accepted"
		}
		all = append(all, member(id, status))
	}
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{{
			PreConfig: proxy.Reset,
			Config: providerVia("producer", proxy.URL) + fmt.Sprintf(`
data "glance_image_members" "all" {
  image_id = %[1]q
}

data "glance_image_members" "accepted" {
  image_id = %[1]q
  status   = "accepted"
}
`, imageID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.glance_image_members.all", tfjsonpath.New("id"), knownvalue.StringExact(imageID)),
				statecheck.ExpectKnownValue("data.glance_image_members.all", tfjsonpath.New("members"), knownvalue.ListExact(all)),
				statecheck.ExpectKnownValue("data.glance_image_members.accepted", tfjsonpath.New("members"),
					knownvalue.ListExact([]knownvalue.Check{member(env.ConsumerProject, "accepted")})),
			},
			// Each read is the one list call, never a call per member.
			Check: func(*terraform.State) error {
				reqs := memberCalls(proxy)
				for _, r := range reqs {
					if r != "GET /v2/images/"+imageID+"/members" {
						return fmt.Errorf("the data sources made %s; only the list call is expected:%s", r, acctest.Lines(reqs))
					}
				}
				t.Logf("two data sources, read during plan and apply: %d requests, each the list call", len(reqs))
				return nil
			},
			ConfigPlanChecks: emptyPlanAfterApply,
		}},
	})
}

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
