package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
)

func TestAccImageMember_basic(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{{
			Config: imageMemberConfig(imageID, env.ConsumerProject),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("id"), knownvalue.StringExact(imageID+"/"+env.ConsumerProject)),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("image_id"), knownvalue.StringExact(imageID)),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("member_id"), knownvalue.StringExact(env.ConsumerProject)),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339)),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339)),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("schema"), knownvalue.StringExact("/v2/schemas/member")),
			},
			Check:            checkAPIStatus(t, imageID, env.ConsumerProject, "pending"),
			ConfigPlanChecks: emptyPlanAfterApply,
		}},
	})
}

// The cost our users pay: creating one member is exactly one Glance request, the POST.
func TestAccImageMember_createIsOneRequest(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	config := providerVia("producer", proxy.URL) + memberBlock("test", imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{{
			PreConfig: proxy.Reset,
			Config:    config,
			// Runs right after the apply, before the framework's own refresh and plans.
			Check: func(*terraform.State) error {
				got := memberCalls(proxy) // the version detection aside: once per process
				want := []string{"POST /v2/images/" + imageID + "/members"}
				if !slices.Equal(got, want) {
					return fmt.Errorf("apply of one member made %d Glance requests:%s\nwant exactly:%s", len(got), acctest.Lines(got), acctest.Lines(want))
				}
				t.Logf("apply of one member: %d Glance request(s):%s", len(got), acctest.Lines(got))
				for _, ua := range proxy.UserAgents() {
					if !strings.HasPrefix(ua, "terraform-provider-glance/test Terraform/") {
						return fmt.Errorf("User-Agent %q does not name the provider and its version", ua)
					}
				}
				return nil
			},
			ConfigPlanChecks: emptyPlanAfterApply,
		}},
	})
}

func TestAccImageMember_import(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	config := imageMemberConfig(imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply},
			{ // terraform import
				Config: config, ResourceName: memberAddr, ImportState: true, ImportStateVerify: true,
			},
			{ // an import {} block: the plan must be a no-op import with the real values
				Config: config, ResourceName: memberAddr, ImportState: true,
				ImportStateKind: tfresource.ImportBlockWithID,
				ImportPlanChecks: tfresource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					plancheck.ExpectKnownValue(memberAddr, tfjsonpath.New("id"), knownvalue.StringExact(imageID+"/"+env.ConsumerProject)),
				}},
			},
			{
				Config: config, ResourceName: memberAddr, ImportState: true, ImportStateId: imageID,
				ExpectError: regexp.MustCompile(`(?s)must have the form.*<image_id>/<member_id>.*has no '/'`),
			},
			{
				Config: config, ResourceName: memberAddr, ImportState: true, ImportStateId: "not-a-uuid/" + env.ConsumerProject,
				ExpectError: regexp.MustCompile(`(?s)must have the form.*"not-a-uuid" is not an image ID`),
			},
		},
	})
}

// A membership removed outside Terraform shows up as a planned create, and apply restores it.
func TestAccImageMember_disappears(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	config := imageMemberConfig(imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply},
			{
				PreConfig:          func() { acctest.RemoveMember(t, imageID, env.ConsumerProject) },
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkAPIStatus(t, imageID, env.ConsumerProject, "pending"),
			},
		},
	})
}

// An image made private hides its members but keeps them: the state must stay.
func TestAccImageMember_imageMadePrivate(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	config := imageMemberConfig(imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply},
			{ // refresh keeps the membership; the plan is empty
				PreConfig: func() { acctest.SetVisibility(t, imageID, images.ImageVisibilityPrivate) },
				Config:    config,
				PlanOnly:  true,
			},
			{
				RefreshState: true,
				Check: tfresource.ComposeAggregateTestCheckFunc(
					tfresource.TestCheckResourceAttr(memberAddr, "status", "pending"),
					tfresource.TestCheckResourceAttr(memberAddr, "id", imageID+"/"+env.ConsumerProject),
				),
			},
			{ // Glance refuses to remove a member of a non-shared image: say why
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Error removing image member.*` + spaced(`has visibility 'private'; only images with visibility 'shared' can have members`)),
			},
			{ // shared again: Glance shows the member again, nothing to do
				PreConfig: func() { acctest.SetVisibility(t, imageID, images.ImageVisibilityShared) },
				Config:    config,
				PlanOnly:  true,
			},
		},
	})
}

// A deleted image takes its memberships with it: they leave the state, and the plan wants
// to create the membership again.
func TestAccImageMember_imageDeleted(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	config := imageMemberConfig(imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply},
			{
				PreConfig: func() { acctest.DeleteImage(t, imageID) },
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate)},
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// The warning itself, from Read against the real Glance (the test framework doesn't show
// warnings): it names the image, the member, the cause and the fix, and keeps the state.
func TestAccImageMember_imageMadePrivateWarning(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, imageID, env.ConsumerProject)
	acctest.SetVisibility(t, imageID, images.ImageVisibilityPrivate)
	t.Cleanup(func() {
		acctest.SetVisibility(t, imageID, images.ImageVisibilityShared)
		acctest.RemoveMember(t, imageID, env.ConsumerProject)
	})

	ctx := context.Background()
	r := &imageMemberResource{configuredClient{client: directClient(t, devcloud.Producer)}}
	state := memberState(t, imageID, env.ConsumerProject)
	resp := resource.ReadResponse{State: state}
	r.Read(ctx, resource.ReadRequest{State: state}, &resp)

	if resp.Diagnostics.HasError() {
		t.Fatalf("read failed: %v", resp.Diagnostics)
	}
	warnings := resp.Diagnostics.Warnings()
	if len(warnings) != 1 {
		t.Fatalf("want one warning, got %v", resp.Diagnostics)
	}
	detail := warnings[0].Detail()
	for _, want := range []string{imageID, env.ConsumerProject, "visibility is now 'private'", "openstack image set --shared"} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning %q does not mention %q", detail, want)
		}
	}
	if resp.State.Raw.IsNull() {
		t.Fatal("the membership was removed from state; it must be kept")
	}
	if !resp.State.Raw.Equal(state.Raw) {
		t.Errorf("state changed: %v, want %v", resp.State.Raw, state.Raw)
	}
}

// The timeouts block bounds an operation, retries included, and changing it alone writes
// nothing to Glance.
func TestAccImageMember_timeouts(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	slow := proxytest.New(t, env.ImageURL, proxytest.Options{FaultRate: 1, Faults: []proxytest.Fault{proxytest.Latency}, Latency: 3 * time.Second})
	config := func(create string) string {
		return providerVia("producer", slow.URL) + memberBlock("test", imageID, env.ConsumerProject, fmt.Sprintf("timeouts {\n  create = %q\n}", create))
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{ // every answer takes 3 s; create may take 1 s
				Config:      config("1s"),
				ExpectError: regexp.MustCompile(`(?s)Error adding image member.*` + spaced(`the operation's timeout passed before Glance answered. Raise it in the resource's timeouts block`)),
			},
			{
				PreConfig: func() {
					if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
						t.Errorf("the timed-out create reached Glance: members %v", got)
					}
					slow.SetFaultRate(0)
				},
				Config:           config("2m"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				PreConfig: slow.Reset,
				Config:    config("3m"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("3m")),
				},
				Check: func(*terraform.State) error {
					for _, r := range slow.Requests() {
						if !strings.HasPrefix(r, "GET ") {
							return fmt.Errorf("changing only the timeouts block wrote to Glance: %s", r)
						}
					}
					return nil
				},
			},
		},
	})
}

// A member ID reaches Glance as exactly itself: IDs with characters that mean something in a
// URL are created, read and removed exactly, and a bystander member ("victim", outside the
// configuration) is never touched; IDs no project can have, or that Glance could never find
// again by URL, are refused at plan time, naming the character.
func TestAccImageMember_idsReachGlanceExactly(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	const bystander = "victim"
	acctest.AddMember(t, imageID, bystander)
	exotic := []string{"victim.x", "victim;x=1", "a+b", "a&b=c", "a:b@c", "a~b!$'()*,", "..a", "victim-", "A_Z.0-9"}
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	// count, not for_each: the test framework's state reader cannot index by key.
	config := providerVia("producer", proxy.URL) + fmt.Sprintf(`
variable "ids" {
  default = [%s]
}

resource "glance_image_member" "m" {
  count     = length(var.ids)
  image_id  = %q
  member_id = var.ids[count.index]
}
`, quoteAll(exotic), imageID)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMembers(t, imageID, bystander),
		Steps: []tfresource.TestStep{
			{
				PreConfig:        proxy.Reset,
				Config:           config,
				Check:            checkMembers(t, imageID, append(slices.Clone(exotic), bystander)...),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{ // the refresh read each one back by its escaped URL: no drift, nothing removed
				RefreshState: true,
				Check: func(s *terraform.State) error {
					if n := len(s.RootModule().Resources); n != len(exotic) {
						return fmt.Errorf("state holds %d memberships after refresh, want %d", n, len(exotic))
					}
					for _, r := range proxy.Requests() { // paths as Glance decodes them
						if strings.HasSuffix(r, "/members/"+bystander) {
							return fmt.Errorf("a request named the bystander: %s", r)
						}
					}
					return checkMembers(t, imageID, append(slices.Clone(exotic), bystander)...)(s)
				},
			},
		},
	})

	for _, tc := range []struct{ id, says string }{
		{"victim?x=1", "never contains '?'"},
		{"a#b", "never contains '#'"},
		{"%2e%2e", "never contains '%'"},
		{"x%2Fy", "never contains '%'"},
		{`a\b`, `never contains '\'`},
		{"..", `is never ".."`},
		{".", `is never "."`},
		{"a b", "never contains a space"},
		{"a\tb", "never contains a control character (U+0009)"},
		{"é", "never contains 'é' (U+00E9)"},
		{"😀", "never contains '😀' (U+1F600)"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []tfresource.TestStep{{
					Config:      imageMemberConfig(imageID, tc.id), // %q: Go's escapes of these are HCL's
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)must be a project ID, which\s+` + spaced(regexp.QuoteMeta(tc.says))),
				}},
			})
		})
	}
	if got := acctest.MemberIDs(t, imageID); !slices.Equal(got, []string{bystander}) {
		t.Errorf("Glance's members changed: %v", got)
	}
}

// A refresh of many memberships of an image made non-shared: Glance refuses the list (403)
// where a GET of one member would have said 404, so the provider reads the image once to
// tell why. 10 memberships cost those 2 requests, keep their state, and each warns.
func TestAccImageMember_refreshOfANonSharedImage(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	w := newWorkdir(t, providerVia("producer", proxy.URL)+fmt.Sprintf(`
resource "glance_image_member" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
}
`, quoteAll(benchProjects(10)), imageID))
	w.must("apply", "-auto-approve", "-input=false")
	w.expectEmptyPlan()

	acctest.SetVisibility(t, imageID, images.ImageVisibilityPrivate)
	proxy.Reset()
	out := w.expectEmptyPlan()
	want := []string{"GET /v2/images/" + imageID + "/members", "GET /v2/images/" + imageID}
	if got := memberCalls(proxy); !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("the refresh of 10 memberships of a private image made:%s\nwant exactly:%s", acctest.Lines(got), acctest.Lines(want))
	}
	// Terraform shows the first of similar warnings and counts the rest.
	if !strings.Contains(out, "Image is not shared: membership kept in state") || !strings.Contains(flat(out), "(and 9 more similar warnings elsewhere)") {
		t.Errorf("want the warning for each of the 10 memberships:\n%s", tail(out, 30))
	}
	t.Logf("refresh of 10 memberships of a private image: %d requests, 10 warnings", len(proxy.Requests()))

	acctest.SetVisibility(t, imageID, images.ImageVisibilityShared)
	w.must("destroy", "-auto-approve", "-input=false")
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Fatalf("destroy left members %v", got)
	}
}
