package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
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
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
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
				statecheck.ExpectKnownValue(
					memberAddr,
					tfjsonpath.New("id"),
					knownvalue.StringExact(imageID+"/"+env.ConsumerProject),
				),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("image_id"), knownvalue.StringExact(imageID)),
				statecheck.ExpectKnownValue(
					memberAddr,
					tfjsonpath.New("member_id"),
					knownvalue.StringExact(env.ConsumerProject),
				),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339)),
				statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("updated_at"), knownvalue.StringRegexp(rfc3339)),
				statecheck.ExpectKnownValue(
					memberAddr,
					tfjsonpath.New("schema"),
					knownvalue.StringExact("/v2/schemas/member"),
				),
			},
			Check:            checkAPIStatus(t, imageID, env.ConsumerProject, "pending"),
			ConfigPlanChecks: emptyPlanAfterApply,
		}},
	})
}

// An answer the member gives outside Terraform reaches the state at the next refresh: a Read
// that finds the membership unchanged keeps the state as it is, and must not keep it then.
func TestAccImageMember_refreshSeesTheAnswer(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	config := imageMemberConfig(imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				PreConfig: func() { acctest.SetStatus(t, "consumer", imageID, env.ConsumerProject, "accepted") },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
				},
				Check:            checkAPIStatus(t, imageID, env.ConsumerProject, "accepted"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}

// The cost our users pay: creating one member is exactly one Glance request, the POST.
func TestAccImageMember_createIsOneRequest(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	config := tfcli.ProviderVia("producer", proxy.URL) + memberBlock("test", imageID, env.ConsumerProject)
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
					return fmt.Errorf(
						"apply of one member made %d Glance requests:%s\nwant exactly:%s",
						len(got),
						acctest.Lines(got),
						acctest.Lines(want),
					)
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
					plancheck.ExpectKnownValue(
						memberAddr,
						tfjsonpath.New("id"),
						knownvalue.StringExact(imageID+"/"+env.ConsumerProject),
					),
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
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
					},
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
				Config:  config,
				Destroy: true,
				ExpectError: regexp.MustCompile(
					`(?s)Error removing image member.*` + spaced(
						`has visibility 'private'; only images with visibility 'shared' can have members`,
					),
				),
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
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
					},
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// The warning of a refresh that finds the image deleted, from Read against the real Glance
// (the test framework doesn't show warnings): it names the image and the member, and says the
// plan's add will fail; the state is removed.
func TestAccImageMember_imageDeletedWarns(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, imageID, env.ConsumerProject)
	state := memberState(t, imageID, env.ConsumerProject)
	acctest.DeleteImage(t, imageID)
	r := &imageMemberResource{withClient(producerClient(t))}
	resp := resource.ReadResponse{State: state}
	r.Read(context.Background(), resource.ReadRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() || len(resp.Diagnostics.Warnings()) != 1 || !resp.State.Raw.IsNull() {
		t.Fatalf("want one warning, no error and no state: %v, state %v", resp.Diagnostics, resp.State.Raw)
	}
	if w := resp.Diagnostics.Warnings()[0].Detail(); !strings.Contains(w, "Image "+imageID+", member "+
		env.ConsumerProject+": image "+imageID+" no longer exists") || !strings.Contains(w, "fails at apply") {
		t.Errorf("the warning does not name the image, the member and what the plan will do: %s", w)
	}
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
	r := &imageMemberResource{withClient(producerClient(t))}
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
	for _, want := range []string{
		imageID, env.ConsumerProject, "visibility is now 'private'", "openstack image set --shared",
	} {
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
	slow := proxytest.New(
		t,
		env.ImageURL,
		proxytest.Options{FaultRate: 1, Faults: []proxytest.Fault{proxytest.Latency}, Latency: 3 * time.Second},
	)
	config := func(create string) string {
		return tfcli.ProviderVia(
			"producer",
			slow.URL,
		) + memberBlock(
			"test",
			imageID,
			env.ConsumerProject,
			fmt.Sprintf("timeouts {\n  create = %q\n}", create),
		)
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMemberGone(t, imageID, env.ConsumerProject),
		Steps: []tfresource.TestStep{
			{ // every answer takes 3 s; create may take 1 s
				Config: config("1s"),
				ExpectError: regexp.MustCompile(
					`(?s)Error adding image member.*` + spaced(
						regexp.QuoteMeta(
							`the operation's timeout passed before Glance answered. `+
								`Raise it in the timeouts block (create; for example timeouts { create = "20m" })`,
						),
					),
				),
			},
			{ // the timed-out add may still reach Glance (the proxy forwards it late): converges all the same
				PreConfig:        func() { slow.SetFaultRate(0) },
				Config:           config("2m"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				PreConfig: slow.Reset,
				Config:    config("3m"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(
						memberAddr,
						tfjsonpath.New("timeouts").AtMapKey("create"),
						knownvalue.StringExact("3m"),
					),
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
	exotic := []string{"victim.x", "victim;x=1", "a+b", "a&b=c", "a:b@c", "a~b!$'()*,", "..a", "victim-", "a_z.0-9"}
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	// count, not for_each: the test framework's state reader cannot index by key.
	config := tfcli.ProviderVia("producer", proxy.URL) + fmt.Sprintf(`
variable "ids" {
  default = [%s]
}

resource "glance_image_member" "m" {
  count     = length(var.ids)
  image_id  = %q
  member_id = var.ids[count.index]
}
`, tfcli.QuoteAll(exotic), imageID)
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
					Config:   imageMemberConfig(imageID, tc.id), // %q: Go's escapes of these are HCL's
					PlanOnly: true,
					ExpectError: regexp.MustCompile(
						`(?s)must be a project ID, which\s+` + spaced(regexp.QuoteMeta(tc.says)),
					),
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
	w := tfcli.NewWorkdir(t, tfcli.ProviderVia("producer", proxy.URL)+fmt.Sprintf(`
resource "glance_image_member" "m" {
  for_each  = toset([%s])
  image_id  = %q
  member_id = each.value
}
`, tfcli.QuoteAll(acctest.MadeUpProjects(10)), imageID))
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()

	acctest.SetVisibility(t, imageID, images.ImageVisibilityPrivate)
	proxy.Reset()
	out := w.ExpectEmptyPlan()
	want := []string{"GET /v2/images/" + imageID + "/members", "GET /v2/images/" + imageID}
	if got := memberCalls(proxy); !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf(
			"the refresh of 10 memberships of a private image made:%s\nwant exactly:%s",
			acctest.Lines(got),
			acctest.Lines(want),
		)
	}
	// Terraform shows the first of similar warnings and counts the rest.
	if !strings.Contains(out, "Image is not shared: membership kept in state") ||
		!strings.Contains(tfcli.Flat(out), "(and 9 more similar warnings elsewhere)") {
		t.Errorf("want the warning for each of the 10 memberships:\n%s", tfcli.Tail(out, 30))
	}
	t.Logf("refresh of 10 memberships of a private image: %d requests, 10 warnings", len(proxy.Requests()))

	acctest.SetVisibility(t, imageID, images.ImageVisibilityShared)
	w.Must("destroy", "-auto-approve", "-input=false")
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Fatalf("destroy left members %v", got)
	}
}

// gatedGlance is a proxy in front of Glance that hands the n-th add (POST …/members, from 1)
// to handle, which decides when and how it reaches Glance; every other request passes. pass
// forwards a request to Glance even when its caller has gone (as Glance finishes what it was
// sent), and answers the caller if it is still there.
func gatedGlance(
	t *testing.T,
	target string,
	handle func(n int, pass http.HandlerFunc, w http.ResponseWriter, r *http.Request),
) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	glance := httputil.NewSingleHostReverseProxy(u)
	pass := func(w http.ResponseWriter, r *http.Request) {
		glance.ServeHTTP(w, r.WithContext(context.WithoutCancel(r.Context())))
	}
	var mu sync.Mutex
	adds := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/members") {
			pass(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body) // now, while the caller is surely there
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		adds++
		n := adds
		mu.Unlock()
		handle(n, pass, w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// An add that times out, and that Glance finishes only after the next apply has refreshed and
// sent its own add: the next apply recognises the member the first add made (it was created
// after that add began) and converges, with no "already a member" and no import.
func TestAccImageMember_lateAdd(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	release, landed, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	glance := gatedGlance(t, env.ImageURL, func(n int, pass http.HandlerFunc, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 1: // held until the next apply's own add arrives, then done by Glance
			select {
			case <-release:
			case <-done:
				return
			}
			pass(w, r)
			close(landed)
		case 2:
			close(release)
			<-landed
			pass(w, r)
		default:
			pass(w, r)
		}
	})
	t.Cleanup(func() { close(done) }) // runs before the proxy closes: frees a held add
	config := func(create string) string {
		return tfcli.ProviderVia(
			"producer",
			glance,
		) + memberBlock(
			"test",
			imageID,
			env.ConsumerProject,
			fmt.Sprintf("timeouts {\n  create = %q\n}", create),
		)
	}
	w := tfcli.NewWorkdir(t, config("3s"))
	out, code := w.Run("apply", "-auto-approve", "-input=false")
	if code == 0 || !strings.Contains(tfcli.Flat(out), "the operation's timeout passed before Glance answered") {
		t.Fatalf("the first apply must time out (exit %d):\n%s", code, tfcli.Tail(out, 30))
	}
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Fatalf("the held add reached Glance early: %v", got)
	}
	w.SetConfig(config("5m"))
	out = w.Must("apply", "-auto-approve", "-input=false")
	if strings.Contains(out, "already a member") {
		t.Errorf("the apply met its own member:\n%s", tfcli.Tail(out, 30))
	}
	w.ExpectEmptyPlan()
	if err := checkAPIStatus(t, imageID, env.ConsumerProject, "pending")(nil); err != nil {
		t.Error(err)
	}
	if inState, tainted := stateMembers(t, w); !slices.Equal(inState, []string{env.ConsumerProject}) || tainted != 0 {
		t.Errorf("state has %v (%d tainted), want the one member", inState, tainted)
	}
	destroyLeavesNothing(t, w, imageID)
}

// A membership that exists before the resource's add (made by hand, or by a run killed
// before it recorded it) is adopted, on v2 and v1: the apply succeeds with one warning that
// names it (and, on v2, Glance's created_at), with one write on v2 (the POST, answered 409)
// and none on v1; the plan after is empty, and destroy removes it, now that it is managed.
func TestAccImageMember_adoptsExisting(t *testing.T) {
	env := acctest.PreCheck(t)
	for _, svc := range imageServices(t, env) {
		t.Run(svc.name(), func(t *testing.T) {
			t.Parallel()
			imageID := svc.newImage(t)
			svc.add(t, imageID, env.ConsumerProject, false)
			// Glance's created_at and Date count whole seconds: a member made within a second
			// or so before an add cannot be told from the add's own (glanceclient's addedSince).
			time.Sleep(2 * time.Second)
			proxy := proxytest.New(t, svc.url, proxytest.Options{})
			w := tfcli.NewWorkdir(t, tfcli.ProviderVia("producer", proxy.URL)+memberBlock("test", imageID,
				env.ConsumerProject))
			out := w.Must("apply", "-auto-approve", "-input=false", "-json")
			if n := countDiagnostics(out, "Image member already existed: adopted"); n != 1 {
				t.Errorf("%d adoption warnings, want 1:\n%s", n, tfcli.Tail(out, 20))
			}
			named := "project " + env.ConsumerProject + " was already a member of image " + imageID
			if svc.api == glanceclient.ImageAPIv2 {
				named += " (Glance created it at "
			}
			if !strings.Contains(out, named) {
				t.Errorf("the warning does not say %q:\n%s", named, tfcli.Tail(out, 20))
			}
			var writes []string
			for _, e := range proxy.Exchanges() {
				// v1's stand-in answers the first try of v2 with its version document (300).
				if e.Method != http.MethodGet && e.Status != http.StatusMultipleChoices {
					writes = append(writes, e.Method+" "+e.Path)
				}
			}
			if wantWrites := map[string]int{glanceclient.ImageAPIv2: 1, glanceclient.ImageAPIv1: 0}[svc.api]; len(writes) !=
				wantWrites {
				t.Errorf("the adoption wrote %v, want %d write(s)", writes, wantWrites)
			}
			w.ExpectEmptyPlan()
			if inState, tainted := stateMembers(t, w); !slices.Equal(inState, []string{env.ConsumerProject}) || tainted != 0 {
				t.Errorf("state has %v (%d tainted), want the adopted member", inState, tainted)
			}
			w.Must("destroy", "-auto-approve", "-input=false")
			if got := svc.members(t, imageID); len(got) != 0 {
				t.Errorf("destroy left %v", got)
			}
		})
	}
}

// can_share on v1 is set at create and changed in place with one PUT, and a change made
// outside Terraform is drift; on v2, which has none, true is an error at plan time.
func TestAccImageMember_canShare(t *testing.T) {
	env := acctest.PreCheck(t)
	for _, svc := range imageServices(t, env) {
		t.Run(svc.name(), func(t *testing.T) {
			imageID, proxy, provider := svc.start(t)
			withCanShare := func(v bool) string {
				return provider + memberBlock("test", imageID, env.ConsumerProject, fmt.Sprintf("can_share = %v", v))
			}
			if svc.api == glanceclient.ImageAPIv2 {
				tfresource.ParallelTest(t, tfresource.TestCase{
					ProtoV6ProviderFactories: testAccProviders,
					Steps: []tfresource.TestStep{{
						Config: withCanShare(true),
						ExpectError: regexp.MustCompile(
							`(?s)can_share needs Image API v1.*` + spaced(
								`Image `+imageID+`, member `+env.ConsumerProject,
							) +
								`.*speaks\s+v2.*Remove\s+can_share`,
						),
					}},
				})
				if got := svc.members(t, imageID); len(got) != 0 {
					t.Errorf("the refused plan reached Glance: members %v", got)
				}
				return
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             svc.checkGone(t, imageID, env.ConsumerProject),
				Steps: []tfresource.TestStep{
					{
						Config: withCanShare(true),
						Check:  svc.checkMember(t, imageID, env.ConsumerProject, true),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("can_share"), knownvalue.Bool(true)),
						},
						ConfigPlanChecks: emptyPlanAfterApply,
					},
					{
						PreConfig: proxy.Reset,
						Config:    withCanShare(false),
						ConfigPlanChecks: tfresource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionUpdate),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: tfresource.ComposeTestCheckFunc(
							// the plan's refresh, then the one PUT
							expectRequests(
								proxy,
								"changing can_share",
								svc.listRequest(imageID),
								"PUT "+svc.memberPath(imageID, env.ConsumerProject),
							),
							svc.checkMember(t, imageID, env.ConsumerProject, false),
						),
					},
					{ // changed outside Terraform: drift, put back in place
						PreConfig: func() { svc.add(t, imageID, env.ConsumerProject, true) },
						Config:    withCanShare(false),
						ConfigPlanChecks: tfresource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionUpdate),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: svc.checkMember(t, imageID, env.ConsumerProject, false),
					},
				},
			})
		})
	}
}
