package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
)

// The provider users migrate from, built from the Go module proxy (no registry download).
const openstackModule = "github.com/terraform-provider-openstack/terraform-provider-openstack/v3@v3.4.0"

var (
	installOpenstack sync.Once
	installErr       error
)

// installOpenstackProvider installs terraform-provider-openstack into peerDir, which TestMain's CLI
// filesystem mirror holds. Go's caches make every run after the first quick.
func installOpenstackProvider(t testing.TB) {
	t.Helper()
	installOpenstack.Do(func() {
		start := time.Now()
		cmd := exec.Command("go", "install", openstackModule)
		cmd.Env = append(os.Environ(), "GOBIN="+peerDir, "GOFLAGS=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			installErr = fmt.Errorf("go install %s: %v\n%s", openstackModule, err, out)
			return
		}
		t.Logf("installed %s in %s", openstackModule, time.Since(start).Round(time.Second))
	})
	if installErr != nil {
		t.Fatal(installErr)
	}
}

// Users with openstack_images_image_access_v2 and _accept_v2 in state swap them for glance_*
// with moved blocks: the plan changes nothing, and destroy really removes the membership.
func TestAccMigration_fromOpenstack(t *testing.T) {
	env := acctest.PreCheck(t)
	installOpenstackProvider(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	before := fmt.Sprintf(`
terraform {
  required_providers {
    openstack = { source = "terraform-provider-openstack/openstack" }
  }
}

provider "openstack" {
  cloud = "producer"
}

provider "openstack" {
  alias = "consumer"
  cloud = "consumer"
}

resource "openstack_images_image_access_v2" "share" {
  image_id  = %[1]q
  member_id = %[2]q
}

resource "openstack_images_image_access_accept_v2" "accept" {
  provider = openstack.consumer
  image_id = %[1]q
  status   = "accepted"

  depends_on = [openstack_images_image_access_v2.share]
}
`, imageID, env.ConsumerProject)
	after := fmt.Sprintf(`
terraform {
  required_providers {
    glance = { source = "glancetf/glance" }
  }
}

provider "glance" {
  cloud = "producer"
}

provider "glance" {
  alias = "consumer"
  cloud = "consumer"
}

resource "glance_image_member" "share" {
  image_id  = %[1]q
  member_id = %[2]q
}

resource "glance_image_member_acceptance" "accept" {
  provider = glance.consumer
  image_id = %[1]q

  depends_on = [glance_image_member.share]
}

moved {
  from = openstack_images_image_access_v2.share
  to   = glance_image_member.share
}

moved {
  from = openstack_images_image_access_accept_v2.accept
  to   = glance_image_member_acceptance.accept
}
`, imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		CheckDestroy: checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{
				ExternalProviders: map[string]tfresource.ExternalProvider{"openstack": {Source: "terraform-provider-openstack/openstack", VersionConstraint: "3.4.0"}},
				Config:            before,
				Check:             checkAPIStatus(t, imageID, env.ConsumerProject, "accepted"),
			},
			{
				ExternalProviders: builtProvider,
				Config:            after,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						plancheck.ExpectResourceAction("glance_image_member.share", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("glance_image_member_acceptance.accept", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("glance_image_member.share", tfjsonpath.New("id"), knownvalue.StringExact(imageID+"/"+env.ConsumerProject)),
					statecheck.ExpectKnownValue("glance_image_member.share", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue("glance_image_member_acceptance.accept", tfjsonpath.New("member_id"), knownvalue.StringExact(env.ConsumerProject)),
					statecheck.ExpectKnownValue("glance_image_member_acceptance.accept", tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
				Check: checkAPIStatus(t, imageID, env.ConsumerProject, "accepted"),
			},
		},
	})
}

// onlyForgetAndImport is the plan of the move to glance_image_members: the old instances
// forgotten (not destroyed), the list imported, nothing else.
type onlyForgetAndImport struct{ forget, imported string }

func (c onlyForgetAndImport) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
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
// `removed` (destroy = false) and `import` plan no change in Glance, and the members stay.
func TestAccMigration_toAuthoritative(t *testing.T) {
	env := acctest.PreCheck(t)
	installOpenstackProvider(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	tenants := fmt.Sprintf("[%q, %q]", env.ConsumerProject, env.Consumer2Project)
	before := fmt.Sprintf(`
terraform {
  required_providers {
    openstack = { source = "terraform-provider-openstack/openstack" }
  }
}

provider "openstack" {
  cloud = "producer"
}

# count, not for_each: the test framework's state reader cannot index by key.
resource "openstack_images_image_access_v2" "tenants" {
  count     = 2
  image_id  = %[1]q
  member_id = %[2]s[count.index]
}
`, imageID, tenants)
	after := fmt.Sprintf(`
terraform {
  required_providers {
    glance    = { source = "glancetf/glance" }
    openstack = { source = "terraform-provider-openstack/openstack" }
  }
}

provider "glance" {
  cloud = "producer"
}

provider "openstack" {
  cloud = "producer"
}

removed {
  from = openstack_images_image_access_v2.tenants

  lifecycle {
    destroy = false
  }
}

import {
  to = glance_image_members.golden
  id = %[1]q
}

resource "glance_image_members" "golden" {
  image_id   = %[1]q
  member_ids = %[2]s
}
`, imageID, tenants)
	openstackAndGlance := map[string]tfresource.ExternalProvider{
		"openstack": {Source: "terraform-provider-openstack/openstack", VersionConstraint: "3.4.0"},
		"glance":    builtProvider["glance"],
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		CheckDestroy: checkMembers(t, imageID),
		Steps: []tfresource.TestStep{
			{
				ExternalProviders: openstackAndGlance,
				Config:            before,
				Check:             checkMembers(t, imageID, env.ConsumerProject, env.Consumer2Project),
			},
			{
				ExternalProviders: openstackAndGlance,
				Config:            after,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{onlyForgetAndImport{"openstack_images_image_access_v2", "glance_image_members.golden"}},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMembers(t, imageID, env.ConsumerProject, env.Consumer2Project),
			},
		},
	})
}
