package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

const acceptanceAddr = "glance_image_member_acceptance.test"

// Both sides in one configuration, as users run it: the owner shares, the consumer answers.
func ownerAndConsumerConfig(imageID, memberID, consumerBlock string) string {
	return tfcli.RequiredProviders("glance") + `
provider "glance" {
  alias = "owner"
  cloud = "producer"
}

provider "glance" {
  alias = "consumer"
  cloud = "consumer"
}
` + memberBlock("test", imageID, memberID, "provider = glance.owner") + consumerBlock
}

func acceptanceBlock(extra string) string {
	return `
resource "glance_image_member_acceptance" "test" {
  provider = glance.consumer
  image_id = glance_image_member.test.image_id
` + extra + `}
`
}

func TestAccImageMemberAcceptance_lifecycle(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	accepted := ownerAndConsumerConfig(imageID, env.ConsumerProject, acceptanceBlock(""))
	rejected := ownerAndConsumerConfig(imageID, env.ConsumerProject, acceptanceBlock(`  status = "rejected"`+"\n"))
	ownerOnly := ownerAndConsumerConfig(imageID, env.ConsumerProject, "")
	tfresource.ParallelTest(t, tfresource.TestCase{
		ExternalProviders: builtProvider,
		CheckDestroy:      checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{
				Config: accepted,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					// member_id is known at plan time: the consumer's own project.
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(
							acceptanceAddr,
							tfjsonpath.New("member_id"),
							knownvalue.StringExact(env.ConsumerProject),
						),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(acceptanceAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					statecheck.ExpectKnownValue(
						acceptanceAddr,
						tfjsonpath.New("member_id"),
						knownvalue.StringExact(env.ConsumerProject),
					),
					statecheck.ExpectKnownValue(
						acceptanceAddr,
						tfjsonpath.New("id"),
						knownvalue.StringExact(imageID+"/"+env.ConsumerProject),
					),
					statecheck.ExpectKnownValue(
						acceptanceAddr,
						tfjsonpath.New("status_on_destroy"),
						knownvalue.StringExact("pending"),
					),
				},
				Check: checkAPIStatus(t, imageID, env.ConsumerProject, "accepted"),
			},
			{ // the owner's side sees the answer after a refresh
				RefreshState: true,
				Check:        tfresource.TestCheckResourceAttr(memberAddr, "status", "accepted"),
			},
			{
				ResourceName: acceptanceAddr, ImportState: true, ImportStateVerify: true, Config: accepted,
				ImportStateId: imageID, // the image alone: the member is the consumer's project
			},
			{
				Config: rejected,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(acceptanceAddr, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkAPIStatus(t, imageID, env.ConsumerProject, "rejected"),
			},
			{ // destroying the answer leaves the membership pending; the owner's resource remains
				Config:           ownerOnly,
				Check:            checkAPIStatus(t, imageID, env.ConsumerProject, "pending"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}

// Changing only status_on_destroy is ours to record: no Glance request (the resource's
// client points at a closed port, so any call would fail).
func TestImageMemberAcceptance_statusOnDestroyAloneCostsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	r := &imageMemberAcceptanceResource{
		withClient(glanceclient.NewStatic(closed.URL, "token", "p1", glanceclient.ImageAPIv2)),
	}
	prior := imageMemberAcceptanceModel{
		ID:       types.StringValue("3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77/p1"),
		ImageID:  types.StringValue("3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"),
		MemberID: types.StringValue("p1"), Status: types.StringValue("accepted"),
		StatusOnDestroy: types.StringValue("pending"),
		CreatedAt:       types.StringValue("2026-01-01T00:00:00Z"), UpdatedAt: types.StringValue("2026-01-01T00:00:00Z"),
	}
	state, plan := emptyState(r), emptyState(r)
	state.GetAttribute(ctx, path.Root("timeouts"), &prior.Timeouts) // null, of the schema's type
	planned := prior
	planned.StatusOnDestroy = types.StringValue("rejected")
	if d := append(state.Set(ctx, prior), plan.Set(ctx, planned)...); d.HasError() {
		t.Fatal(d)
	}
	resp := resource.UpdateResponse{State: state}
	r.Update(ctx, resource.UpdateRequest{State: state, Plan: tfsdk.Plan(plan)}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("update made a call or failed: %v", resp.Diagnostics)
	}
	var after imageMemberAcceptanceModel
	resp.State.Get(ctx, &after)
	if after.StatusOnDestroy.ValueString() != "rejected" || after.Status != prior.Status ||
		after.UpdatedAt != prior.UpdatedAt {
		t.Errorf("state %+v, want %+v", after, planned)
	}
}

// Destroying an answer warns at plan time which answer it leaves, when that differs.
func TestImageMemberAcceptance_destroyPlanWarns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &imageMemberAcceptanceResource{}
	for _, tc := range []struct {
		status, onDestroy string
		warns             bool
	}{{"accepted", "pending", true}, {"accepted", "rejected", true}, {"pending", "pending", false}} {
		state := emptyState(r)
		m := acceptanceFromAPI(
			&glanceclient.Member{ImageID: exampleImageID, MemberID: "p1", Status: tc.status},
			"",
			types.StringValue(tc.onDestroy),
			timeouts.Value{},
		)
		state.GetAttribute(ctx, path.Root("timeouts"), &m.Timeouts) // null, of the schema's type
		if d := state.Set(ctx, m); d.HasError() {
			t.Fatal(d)
		}
		destroy := tfsdk.Plan{Schema: state.Schema, Raw: tftypes.NewValue(state.Raw.Type(), nil)}
		resp := resource.ModifyPlanResponse{Plan: destroy}
		r.ModifyPlan(ctx, resource.ModifyPlanRequest{State: state, Plan: destroy}, &resp)
		warnings := resp.Diagnostics.Warnings()
		if got := len(warnings) == 1; got != tc.warns || resp.Diagnostics.HasError() {
			t.Errorf("%s → %s: diagnostics %v, want a warning: %v", tc.status, tc.onDestroy, resp.Diagnostics, tc.warns)
			continue
		}
		if tc.warns {
			d := warnings[0].Detail()
			for _, want := range []string{
				exampleImageID, "member p1", "from '" + tc.status + "' to '" + tc.onDestroy + "'", "status_on_destroy",
			} {
				if !strings.Contains(d, want) {
					t.Errorf("warning %q does not say %q", d, want)
				}
			}
		}
	}
}

// An admin answers for a member project, as openstack_images_image_access_v2's status lets a
// "privileged user" do: Glance's modify_member policy allows the admin role. With member_id
// set and admin credentials: accept, reject, back to pending, import, and destroy, which leaves
// status_on_destroy. The member project itself is never used.
func TestAccImageMemberAcceptance_admin(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, imageID, env.ConsumerProject) // the owner's offer
	t.Cleanup(func() { acctest.RemoveMember(t, imageID, env.ConsumerProject) })
	config := func(status string) string {
		return fmt.Sprintf(`
provider "glance" {
  cloud = "admin"
}

resource "glance_image_member_acceptance" "test" {
  image_id          = %q
  member_id         = %q
  status            = %q
  status_on_destroy = "rejected"
}
`, imageID, env.ConsumerProject, status)
	}
	step := func(status string) tfresource.TestStep {
		return tfresource.TestStep{
			Config: config(status),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(acceptanceAddr, tfjsonpath.New("status"), knownvalue.StringExact(status)),
			},
			Check:            checkAPIStatus(t, imageID, env.ConsumerProject, status),
			ConfigPlanChecks: emptyPlanAfterApply,
		}
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkAPIStatus(t, imageID, env.ConsumerProject, "rejected"),
		Steps: []tfresource.TestStep{
			step("accepted"),
			step("rejected"),
			step("pending"),
			{
				ResourceName: acceptanceAddr, ImportState: true, ImportStateVerify: true, Config: config("pending"),
				ImportStateId:           imageID + "/" + env.ConsumerProject,
				ImportStateVerifyIgnore: []string{"status_on_destroy"},
			},
			step("accepted"),
		},
	})
}

// A refresh of the member side reads the lists of images shared with the project, one per
// answer, whatever the number of acceptances: three answers, three lists, and nothing read
// or written again when nothing changed. An answer changed outside Terraform is drift, put
// back by the next apply; a membership its owner ended leaves the state at the refresh (no
// destroy planned); an import reads the member itself, timestamps included.
func TestAccImageMemberAcceptance_refreshFromSharedLists(t *testing.T) {
	env := acctest.PreCheck(t)
	answers := map[string]string{"a": "accepted", "b": "rejected", "c": "pending"}
	ids := map[string]string{}
	for name := range answers {
		ids[name] = acctest.NewImage(t, images.ImageVisibilityShared)
		acctest.AddMember(t, ids[name], env.ConsumerProject)
	}
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	config := func(names ...string) string {
		out := tfcli.ProviderVia("consumer", proxy.URL)
		for _, name := range names {
			out += fmt.Sprintf("\nresource \"glance_image_member_acceptance\" %q {\n  image_id = %q\n  status   = %q\n}\n",
				name, ids[name], answers[name])
		}
		return out
	}
	all := config("a", "b", "c")
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{Config: all, ConfigPlanChecks: emptyPlanAfterApply},
			{
				PreConfig:    proxy.Reset,
				RefreshState: true,
				Check: tfresource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						got := memberCalls(proxy)
						for _, r := range got {
							if r != "GET /v2/images" { // the list, its query aside
								return fmt.Errorf("a refresh of 3 answers made a request other than a list:%s",
									acctest.Lines(got))
							}
						}
						if len(got) != 3 {
							return fmt.Errorf("a refresh of 3 answers made %d requests, want one list per answer:%s",
								len(got), acctest.Lines(got))
						}
						return nil
					},
					// the timestamps stay as Glance gave them
					tfresource.TestMatchResourceAttr("glance_image_member_acceptance.a", "created_at", regexp.MustCompile(`^20`)),
				),
			},
			{ // the consumer's answer to b changed outside Terraform: the apply puts it back
				PreConfig: func() { acctest.SetStatus(t, "consumer", ids["b"], env.ConsumerProject, "accepted") },
				Config:    all,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("glance_image_member_acceptance.b", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("glance_image_member_acceptance.a", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkAPIStatus(t, ids["b"], env.ConsumerProject, "rejected"),
			},
			{ // the owner ended c's membership: the refresh drops it, so nothing is left to destroy
				PreConfig: func() { acctest.RemoveMember(t, ids["c"], env.ConsumerProject) },
				Config:    config("a", "b"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      "glance_image_member_acceptance.a",
				ImportState:       true,
				ImportStateId:     ids["a"],
				ImportStateVerify: true,
				// status_on_destroy is ours alone, and the import's default is the resource's.
				ImportStateVerifyIgnore: []string{"status_on_destroy"},
				Config:                  config("a", "b"),
			},
		},
	})
}
