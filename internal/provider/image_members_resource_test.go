package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

const membersAddr = "glance_image_members.test"

// imageMembersConfig configures glance_image_members as the owner, through proxyURL when set.
func imageMembersConfig(proxyURL, imageID string, memberIDs ...string) string {
	provider := providerProducer
	if proxyURL != "" {
		provider = tfcli.ProviderVia("producer", proxyURL)
	}
	return provider + fmt.Sprintf(`
resource "glance_image_members" "test" {
  image_id   = %q
  member_ids = [%s]
}
`, imageID, tfcli.QuoteAll(memberIDs))
}

// checkWrites compares the add and remove calls the proxy saw with want (order aside), and
// logs every request: the cost of the step.
func checkWrites(t *testing.T, proxy *proxytest.Proxy, step string, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		all := proxy.Requests()
		var writes []string
		for _, r := range all {
			if !strings.HasPrefix(r, "GET ") {
				writes = append(writes, r)
			}
		}
		t.Logf("%s: %d Glance request(s):%s", step, len(all), acctest.Lines(all))
		if !slices.Equal(sorted(writes), sorted(want)) {
			return fmt.Errorf(
				"%s changed Glance with:%s\nwant:%s",
				step,
				acctest.Lines(sorted(writes)),
				acctest.Lines(sorted(want)),
			)
		}
		return nil
	}
}

// membersUpdatedInPlace: the plan changes the list in place, and nothing is left after.
var membersUpdatedInPlace = tfresource.ConfigPlanChecks{
	PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(membersAddr, plancheck.ResourceActionUpdate),
	},
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

func memberStatusIs(status string, ids ...string) knownvalue.Check {
	m := map[string]knownvalue.Check{}
	for _, id := range ids {
		m[id] = knownvalue.StringExact(status)
	}
	return knownvalue.MapExact(m)
}

// 3 members, drop one, one added out of band is removed, one removed out of band comes
// back, import, destroy: each step checked in Glance, and its requests counted.
func TestAccImageMembers_basic(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	a, b, c := env.ConsumerProject, env.Consumer2Project, env.AdminProject
	members := "/v2/images/" + imageID + "/members"
	three, two := imageMembersConfig(proxy.URL, imageID, a, b, c), imageMembersConfig(proxy.URL, imageID, a, b)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMembers(t, imageID),
		Steps: []tfresource.TestStep{
			{
				PreConfig: proxy.Reset,
				Config:    three,
				Check: tfresource.ComposeTestCheckFunc(
					checkMembers(t, imageID, a, b, c),
					checkWrites(t, proxy, "create with 3 members", "POST "+members, "POST "+members, "POST "+members),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("id"), knownvalue.StringExact(imageID)),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("member_ids"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(a), knownvalue.StringExact(b), knownvalue.StringExact(c)})),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("member_status"), memberStatusIs("pending", a, b, c)),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				PreConfig:        proxy.Reset,
				Config:           two,
				ConfigPlanChecks: membersUpdatedInPlace,
				Check: tfresource.ComposeTestCheckFunc(
					checkMembers(t, imageID, a, b),
					checkWrites(t, proxy, "drop one member", "DELETE "+members+"/"+c),
				),
			},
			{ // added outside Terraform: drift, then removed
				PreConfig:        func() { acctest.AddMember(t, imageID, env.ServiceProject); proxy.Reset() },
				Config:           two,
				ConfigPlanChecks: membersUpdatedInPlace,
				Check: tfresource.ComposeTestCheckFunc(
					checkMembers(t, imageID, a, b),
					checkWrites(t, proxy, "remove a member added out of band", "DELETE "+members+"/"+env.ServiceProject),
				),
			},
			{ // removed outside Terraform: drift, then added again
				PreConfig:        func() { acctest.RemoveMember(t, imageID, b); proxy.Reset() },
				Config:           two,
				ConfigPlanChecks: membersUpdatedInPlace,
				Check: tfresource.ComposeTestCheckFunc(
					checkMembers(t, imageID, a, b),
					checkWrites(t, proxy, "re-add a member removed out of band", "POST "+members),
				),
			},
			{ // the refresh costs one list call
				PreConfig:    proxy.Reset,
				RefreshState: true,
				Check: func(*terraform.State) error {
					got, want := proxy.Requests(), []string{"GET " + members}
					if !slices.Equal(got, want) {
						return fmt.Errorf("refresh made:%s\nwant exactly:%s", acctest.Lines(got), acctest.Lines(want))
					}
					return nil
				},
			},
			{ // imported in sorted order, whatever the configuration's: compared as a set
				Config: two, ResourceName: membersAddr, ImportState: true, ImportStateId: imageID, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"member_ids"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					var got []string
					for k, v := range states[0].Attributes {
						if strings.HasPrefix(k, "member_ids.") && k != "member_ids.#" {
							got = append(got, v)
						}
					}
					if want := sorted([]string{a, b}); !slices.Equal(sorted(got), want) {
						return fmt.Errorf("imported member_ids %v, want %v", got, want)
					}
					return nil
				},
			},
		},
	})
}

// member_ids means a set: a configuration that lists a project twice shares the image with
// it once; one that names the same projects in another order plans nothing and writes
// nothing; an imported list (in Glance's order) meets a configuration in another order with
// a no-op import. The state keeps the list as it was configured.
func TestAccImageMembers_orderAndRepeatsChangeNothing(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	ids := sorted([]string{env.ConsumerProject, env.Consumer2Project, env.AdminProject})
	members := "/v2/images/" + imageID + "/members"
	repeated := []string{ids[2], ids[0], ids[1], ids[2]} // not Glance's order, and one twice
	reordered := []string{ids[1], ids[2], ids[0]}
	asConfigured := make([]knownvalue.Check, len(repeated))
	for i, id := range repeated {
		asConfigured[i] = knownvalue.StringExact(id)
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMembers(t, imageID),
		Steps: []tfresource.TestStep{
			{
				PreConfig: proxy.Reset,
				Config:    imageMembersConfig(proxy.URL, imageID, repeated...),
				Check: tfresource.ComposeTestCheckFunc(
					checkMembers(t, imageID, ids...),
					checkWrites(t, proxy, "create with a project twice", "POST "+members, "POST "+members, "POST "+members),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("member_ids"), knownvalue.ListExact(asConfigured)),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				PreConfig: proxy.Reset,
				Config:    imageMembersConfig(proxy.URL, imageID, reordered...),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("member_ids"), knownvalue.ListExact(asConfigured)),
				},
				Check: tfresource.ComposeTestCheckFunc(
					checkMembers(t, imageID, ids...),
					checkWrites(t, proxy, "the same projects reordered"),
				),
			},
			{ // an import {} block, the configuration in neither Glance's order nor the state's
				Config: imageMembersConfig(proxy.URL, imageID, reordered...), ResourceName: membersAddr,
				ImportState: true, ImportStateKind: tfresource.ImportBlockWithID, ImportStateId: imageID,
			},
		},
	})
}

// Creating the resource makes the list exactly member_ids, even from other members; an
// empty set means no members; an accepted member's answer shows without a diff.
func TestAccImageMembers_authoritative(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, imageID, env.ServiceProject)
	acctest.AddMember(t, imageID, env.ConsumerProject)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMembers(t, imageID),
		Steps: []tfresource.TestStep{
			{
				Config:           imageMembersConfig("", imageID, env.ConsumerProject, env.Consumer2Project),
				Check:            checkMembers(t, imageID, env.ConsumerProject, env.Consumer2Project),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				PreConfig: func() { acctest.SetStatus(t, "consumer", imageID, env.ConsumerProject, "accepted") },
				Config:    imageMembersConfig("", imageID, env.ConsumerProject, env.Consumer2Project),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(
						membersAddr,
						tfjsonpath.New("member_status"),
						knownvalue.MapExact(map[string]knownvalue.Check{
							env.ConsumerProject:  knownvalue.StringExact("accepted"),
							env.Consumer2Project: knownvalue.StringExact("pending"),
						}),
					),
				},
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(membersAddr, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: imageMembersConfig("", imageID),
				Check:  checkMembers(t, imageID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(
						membersAddr,
						tfjsonpath.New("member_status"),
						knownvalue.MapExact(map[string]knownvalue.Check{}),
					),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}

// A partial failure (Glance's member quota stops one add) records in state exactly what
// Glance has, reports the failure alone, and the next apply finishes the job.
func TestAccImageMembers_partialFailure(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	ctx := context.Background()
	r := &imageMembersResource{withClient(producerClient(t))}

	// Direct Update: the image has quota-1 members, all in state; the plan adds two more, and
	// the quota lets one of them through.
	fillers := acctest.Fill(t, imageID, env.MemberQuota-1)
	more := []string{env.ConsumerProject, env.Consumer2Project}
	want := append(slices.Clone(fillers), more...)
	state, plan := membersState(t, imageID, fillers...), membersState(t, imageID, want...)
	resp := resource.UpdateResponse{State: state}
	r.Update(ctx, resource.UpdateRequest{State: state, Plan: tfsdk.Plan(plan)}, &resp)

	errs := resp.Diagnostics.Errors()
	if len(errs) != 1 {
		t.Fatalf("want exactly one error (the add over the quota), got %v", resp.Diagnostics)
	}
	if d := errs[0].Detail(); !strings.Contains(d, imageID) || !strings.Contains(d, "limit on members per image") {
		t.Errorf("the error does not name the image and the quota: %s", d)
	}
	var after imageMembersModel
	resp.State.Get(ctx, &after)
	var recorded []string
	after.MemberIDs.ElementsAs(ctx, &recorded, false)
	inGlance := acctest.MemberIDs(t, imageID)
	if !slices.Equal(sorted(recorded), inGlance) || len(inGlance) != len(fillers)+1 {
		t.Fatalf(
			"state records %v, Glance has %v: they must be equal (%d members)",
			sorted(recorded),
			inGlance,
			len(fillers)+1,
		)
	}
	t.Logf(
		"partial update: state and Glance agree on %d of %d members; error: %s",
		len(inGlance),
		len(want),
		errs[0].Summary(),
	)

	// Through Terraform: the same over-quota apply fails, then a reachable configuration
	// converges from whatever got through.
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMembers(t, imageID),
		Steps: []tfresource.TestStep{
			{
				Config:      imageMembersConfig("", imageID, want...),
				ExpectError: regexp.MustCompile(`(?s)Error adding image member.*` + spaced(`limit on members per image`)),
			},
			{ // one filler fewer: a removal first makes room for the add that failed
				Config:           imageMembersConfig("", imageID, want[1:]...),
				Check:            checkMembers(t, imageID, want[1:]...),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}

// A create that Glance's member quota stops half-way (more members than the quota allows)
// leaves nothing that no state knows of: it removes again what it added, says so, and
// destroy has nothing left to do; a configuration within the quota then converges.
func TestAccImageMembers_createOverQuota(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	want := interruptedMembers("over-quota", env.MemberQuota+10)
	config := func(ids []string) string {
		return providerProducer + fmt.Sprintf("\nresource \"glance_image_members\" \"list\" {\n  image_id   = %q\n"+
			"  member_ids = [%s]\n}\n", imageID, tfcli.QuoteAll(ids))
	}
	w := tfcli.NewWorkdir(t, tfcli.RequiredProviders("glance")+config(want))
	out, code := w.Run("apply", "-auto-approve", "-input=false", "-json")
	// Glance checks its quota before each add without a lock, so concurrent adds may pass it by
	// a few: at least one add fails, not exactly 10.
	if code == 0 || countDiagnostics(out, "Error adding image member") == 0 ||
		countDiagnostics(out, "Failed create of image members undone") != 1 {
		t.Fatalf("the create over the quota must fail on the adds past it and say it was undone (exit %d):\n%s", code,
			tfcli.Tail(out, 20))
	}
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Errorf("the failed create left %d members on Glance", len(got))
	}
	if list := strings.TrimSpace(w.Must("state", "list")); list != "" {
		t.Errorf("the failed create left state: %s", list)
	}
	w.Must("destroy", "-auto-approve", "-input=false")
	w.SetConfig(tfcli.RequiredProviders("glance") + config(want[:env.MemberQuota]))
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()
	if got := acctest.MemberIDs(t, imageID); !slices.Equal(got, sorted(want[:env.MemberQuota])) {
		t.Errorf("within the quota: Glance has %d members, want %d", len(got), env.MemberQuota)
	}
	destroyLeavesNothing(t, w, imageID)
}

// When the owner makes the image private, Glance refuses to list its members but keeps
// them: the list stays in state, with a warning; when the image is deleted, the resource
// leaves the state. Read is called directly: the framework does not surface warnings.
func TestAccImageMembers_imageMadePrivateOrDeleted(t *testing.T) {
	env := acctest.PreCheck(t)
	ctx := context.Background()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, imageID, env.ConsumerProject)
	state := membersState(t, imageID, env.ConsumerProject)
	// Each read is a new client, as each terraform command is a new provider process: one
	// process answers reads of an image from what it read in the last seconds.
	read := func() resource.ReadResponse {
		r := &imageMembersResource{withClient(producerClient(t))}
		resp := resource.ReadResponse{State: state}
		r.Read(ctx, resource.ReadRequest{State: state}, &resp)
		return resp
	}

	acctest.SetVisibility(t, imageID, images.ImageVisibilityPrivate)
	resp := read()
	if resp.Diagnostics.HasError() || len(resp.Diagnostics.Warnings()) != 1 {
		t.Fatalf("want one warning and no error, got %v", resp.Diagnostics)
	}
	if w := resp.Diagnostics.Warnings()[0].Detail(); !strings.Contains(w, imageID) ||
		!strings.Contains(w, "visibility is now 'private'") {
		t.Errorf("the warning does not name the image and its visibility: %s", w)
	}
	if !resp.State.Raw.Equal(state.Raw) {
		t.Errorf("state changed: %v", resp.State.Raw)
	}

	acctest.SetVisibility(t, imageID, images.ImageVisibilityShared)
	acctest.DeleteImage(t, imageID)
	if resp := read(); resp.Diagnostics.HasError() || len(resp.Diagnostics.Warnings()) != 1 || !resp.State.Raw.IsNull() {
		t.Errorf("a deleted image must leave the state, with a warning: %v, state %v", resp.Diagnostics, resp.State.Raw)
	}
}

// membersState is a glance_image_members state with these members, all pending.
func membersState(t *testing.T, imageID string, ids ...string) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	state := emptyState(&imageMembersResource{})
	statuses := map[string]string{}
	for _, id := range ids {
		statuses[id] = "pending"
	}
	var d diag.Diagnostics
	var nullTimeouts timeouts.Value
	d.Append(state.GetAttribute(ctx, path.Root("timeouts"), &nullTimeouts)...)
	v2 := glanceclient.NewStatic(
		"http://127.0.0.1:1",
		"t",
		"p",
		glanceclient.ImageAPIv2,
	) // no region: image_endpoint fixed
	d.Append(state.Set(ctx, imageMembersFromAPI(ctx, v2, imageID, statuses, nullTimeouts, &d))...)
	if d.HasError() {
		t.Fatal(d)
	}
	return state
}

// Creating the authoritative list warns at plan time, by ID, about the members it will remove;
// a list that keeps every member warns about nothing.
func TestAccImageMembers_planWarnsOfRemovals(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, imageID, env.ServiceProject)
	acctest.AddMember(t, imageID, env.AdminProject)
	w := tfcli.NewWorkdir(t, imageMembersConfig("", imageID, env.ConsumerProject, env.AdminProject))
	out := w.Must("plan", "-input=false")
	for _, want := range []string{
		"Warning: Creating glance_image_members removes members",
		"Image " + imageID + " has 1 member(s) that member_ids leaves out: " + env.ServiceProject + ".",
	} {
		if !strings.Contains(tfcli.Flat(out), want) {
			t.Errorf("the plan does not warn %q:\n%s", want, tfcli.Tail(out, 30))
		}
	}
	w = tfcli.NewWorkdir(t, imageMembersConfig("", imageID, env.ServiceProject, env.AdminProject))
	if out := w.Must("plan", "-input=false"); strings.Contains(out, "Warning") {
		t.Errorf("a list that keeps every member warns:\n%s", tfcli.Tail(out, 30))
	}
	if got := acctest.MemberIDs(t, imageID); !slices.Equal(got, sorted([]string{env.ServiceProject, env.AdminProject})) {
		t.Errorf("planning changed Glance: %v", got)
	}
}

// A member list only known after apply (member_ids = [some_resource.id]) plans without error
// or request: there is nothing to compare yet.
func TestImageMembers_planWithUnknownMembers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var requests atomic.Int32
	glance := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		_, _ = w.Write(
			[]byte(`{"members": [{"member_id": "p9", "image_id": "` + exampleImageID + `", "status": "pending"}]}`),
		)
	}))
	t.Cleanup(glance.Close)
	r := &imageMembersResource{
		withClient(glanceclient.NewStatic(glance.URL, "token", "owner", glanceclient.ImageAPIv2)),
	}
	state := emptyState(r)
	ids, d := types.ListValue(types.StringType, []attr.Value{types.StringValue("p1"), types.StringUnknown()})
	if d.HasError() {
		t.Fatal(d)
	}
	var to timeouts.Value
	state.GetAttribute(ctx, path.Root("timeouts"), &to) // null, of the schema's type
	plan := tfsdk.Plan(emptyState(r))
	planned := imageMembersModel{
		ID: types.StringUnknown(), ImageID: types.StringValue(exampleImageID), MemberIDs: memberList{ListValue: ids},
		MemberStatus: types.MapUnknown(types.StringType), Timeouts: to,
	}
	if d := plan.Set(ctx, planned); d.HasError() {
		t.Fatal(d)
	}
	resp := resource.ModifyPlanResponse{Plan: plan}
	config := tfsdk.Config(plan) // region unset: the provider's
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{Config: config, State: state, Plan: plan}, &resp)
	if len(resp.Diagnostics) != 0 || requests.Load() != 0 {
		t.Errorf("diagnostics %v after %d requests; want none of either", resp.Diagnostics, requests.Load())
	}
}

// An update of the list says at plan time, by ID, whom it removes and whom it adds, with no
// request; a plan that names the same projects in another order says nothing.
func TestImageMembers_planNamesChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &imageMembersResource{withClient(glanceclient.NewStatic("http://127.0.0.1:1", "t", "owner",
		glanceclient.ImageAPIv2))}
	state := membersState(t, exampleImageID, "keep", "gone-1", "gone-2")
	for _, tc := range []struct {
		name string
		plan []string
		says []string
	}{
		{"two removed, one added", []string{"new", "keep"}, []string{
			"Image " + exampleImageID + ": this apply removes 2 project(s), which lose access to the image and " +
				"their answers: gone-1, gone-2; and adds 1 project(s): new.",
		}},
		{"the same projects, another order", []string{"gone-2", "keep", "gone-1"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plan := tfsdk.Plan(membersState(t, exampleImageID, tc.plan...))
			resp := resource.ModifyPlanResponse{Plan: plan}
			r.ModifyPlan(ctx, resource.ModifyPlanRequest{Config: tfsdk.Config(plan), State: state, Plan: plan}, &resp)
			if len(resp.Diagnostics) != len(tc.says) {
				t.Fatalf("diagnostics %v, want %d", resp.Diagnostics, len(tc.says))
			}
			for i, d := range resp.Diagnostics {
				if !strings.HasPrefix(d.Detail(), tc.says[i]) {
					t.Errorf("diagnostic %q, want it to begin %q", d.Detail(), tc.says[i])
				}
			}
		})
	}
}
