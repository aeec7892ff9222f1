package provider

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"golang.org/x/sync/errgroup"
)

var (
	_ resource.ResourceWithConfigure   = (*imageMembersResource)(nil)
	_ resource.ResourceWithImportState = (*imageMembersResource)(nil)
	_ resource.ResourceWithIdentity    = (*imageMembersResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*imageMembersResource)(nil)
)

// memberCallsInFlight bounds the concurrent add/remove calls of one glance_image_members:
// fast for dozens of projects, gentle on a Glance with few workers.
const memberCallsInFlight = 4

// NewImageMembersResource is glance_image_members: the owner's authoritative list of every
// project an image is shared with.
func NewImageMembersResource() resource.Resource { return &imageMembersResource{} }

type imageMembersResource struct {
	configuredClient
}

func (r *imageMembersResource) Metadata(
	_ context.Context,
	req resource.MetadataRequest,
	resp *resource.MetadataResponse,
) {
	resp.TypeName = req.ProviderTypeName + "_image_members"
}

func (r *imageMembersResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The complete list of projects an image is shared with (authoritative). " +
			"Members added outside Terraform are removed on the next apply, and members removed outside Terraform are added " +
			"again; " +
			"when the resource is created, members of the image not in `member_ids` are removed. Destroying it removes every " +
			"member of the image.\n\n" +
			"~> **Do not** manage the same image with both `glance_image_members` and `glance_image_member`: each would undo " +
			"the other's changes. " +
			"Use `glance_image_members` to own an image's whole member list, or `glance_image_member` to add single projects " +
			"alongside others.",
		Attributes: map[string]schema.Attribute{
			"region": regionAttribute(),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The image ID, also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"image_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "ID (a UUID) of the image whose members this resource owns. Changing it replaces the " +
					"resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{imageIDValidator()},
			},
			"member_ids": schema.ListAttribute{
				Required:    true,
				ElementType: types.StringType,
				CustomType:  newMemberListType(), // a list that means a set, for linear plans (member_list.go)
				MarkdownDescription: "IDs of every project the image is shared with, in any order: it is compared as a " +
					"set, so reordering it or listing a project twice changes nothing (a list rather than a set type " +
					"keeps plans of thousands of members fast). An empty list means no members. Changed in place: new " +
					"projects are added, missing ones removed.",
				Validators: []validator.List{listvalidator.ValueStringsAre(memberIDValidators()...)},
			},
			"member_status": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Each member's answer, by member ID: `pending`, `accepted` or `rejected`. Null on Image API " +
					"v1, which has no answers.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

// ModifyPlan settles the region; when the configuration names the same projects as the state
// (in any order, any repeated) it plans the state's member_ids and member_status, so an apply
// with nothing to do plans nothing (Terraform accepts a planned value equal to the prior one
// in place of the configuration's); and on create it says, by ID, which members the image has
// that member_ids leaves out: creating the resource removes them.
func (r *imageMembersResource) ModifyPlan(
	ctx context.Context,
	req resource.ModifyPlanRequest,
	resp *resource.ModifyPlanResponse,
) {
	client := r.planRegion(ctx, req, resp)
	if req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var plan imageMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.MemberIDs.IsUnknown() {
		return
	}
	for i, e := range plan.MemberIDs.Elements() {
		if id, ok := e.(types.String); ok && client != nil && ownProject(client, id.ValueString()) {
			resp.Diagnostics.AddAttributeError(
				ownProjectAsMember(path.Root("member_ids").AtListIndex(i), plan.ImageID.ValueString(), id.ValueString()))
			return
		}
	}
	if req.State.Raw.IsNull() {
		warnRemovals(ctx, client, plan, &resp.Diagnostics)
		return
	}
	var state imageMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !plan.ImageID.Equal(state.ImageID) {
		return
	}
	if !sameMembers(plan.MemberIDs, state.MemberIDs) {
		// A list diff of thousands shows order, not who loses access: say it by ID.
		want, wantKnown := knownStrings(plan.MemberIDs.ListValue)
		have, haveKnown := knownStrings(state.MemberIDs.ListValue)
		if added, removed := setDifference(want, have); wantKnown && haveKnown && len(added)+len(removed) > 0 {
			resp.Diagnostics.Append(membersChanged(plan.ImageID.ValueString(), added, removed))
		}
		return
	}
	if !plan.MemberIDs.Equal(state.MemberIDs) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("member_ids"), state.MemberIDs)...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("member_status"), state.MemberStatus)...)
}

// warnRemovals lists the image's members (one request, at plan time, only for a resource
// about to be created) and warns about those the create would remove. When the list cannot
// be read, the create itself will say why.
func warnRemovals(ctx context.Context, client *glanceclient.Client, plan imageMembersModel, diags *diag.Diagnostics) {
	if client == nil || plan.ImageID.IsUnknown() {
		return
	}
	for _, e := range plan.MemberIDs.Elements() {
		if e.IsUnknown() { // known after apply: nothing to compare yet
			return
		}
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	imageID := plan.ImageID.ValueString()
	current, err := client.ListMembers(ctx, imageID)
	if err != nil {
		return
	}
	want := asSet(memberIDs(ctx, plan.MemberIDs, diags))
	var removed []string
	for _, m := range current {
		if !want[m.MemberID] {
			removed = append(removed, m.MemberID)
		}
	}
	if len(removed) > 0 {
		slices.Sort(removed)
		diags.Append(membersRemovedOnCreate(imageID, removed))
	}
}

// Create makes the image's member list exactly member_ids: one list call, then the adds and
// removes that differ.
func (r *imageMembersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan imageMembersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, client := r.begin(ctx, &plan, crudCreate, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID := plan.ImageID.ValueString()
	current, err := client.ListMembers(ctx, imageID)
	if err != nil {
		resp.Diagnostics.Append(memberError(client, opList, crudCreate, imageID, "", err))
		return
	}
	after, diags := reconcile(
		ctx,
		client,
		crudCreate,
		imageID,
		statusByMember(current),
		memberIDs(ctx, plan.MemberIDs, &resp.Diagnostics),
	)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		after = undoCreate(ctx, client, imageID, statusByMember(current), after, r.keepsFailedCreates(), &resp.Diagnostics)
		if after == nil {
			return // nothing of this create is left: nothing in state, and the next apply starts afresh
		}
	}
	resp.Diagnostics.Append(
		resp.State.Set(ctx, imageMembersFromAPI(ctx, client, imageID, after, plan.Timeouts, &resp.Diagnostics))...)
}

// undoCreate removes again the members a failed create added (before is the image's list
// before it, after what the create believes Glance has), so that a failed create leaves
// nothing that no state knows of; members it removed stay removed, as member_ids wants. The
// list is read again first (one request), since adds of unknown outcome may have landed. It
// returns nil when nothing of the create is left, or when this Terraform cannot keep a failed
// create (kept false: keepsFailedCreatesIn); else what Glance has, for a state that Terraform
// marks tainted, so that terraform destroy removes it. A state that was kept would be replaced
// by the next apply, removing every member with its answer: hence the undo.
func undoCreate(
	ctx context.Context,
	client *glanceclient.Client,
	imageID string,
	before, after map[string]string,
	kept bool,
	diags *diag.Diagnostics,
) map[string]string {
	now := after
	if listed, err := client.ListMembers(ctx, imageID); err == nil {
		now = statusByMember(listed)
	}
	var keep []string
	for m := range now {
		if _, ok := before[m]; ok {
			keep = append(keep, m)
		}
	}
	added := len(now) - len(keep)
	left, undoDiags := reconcile(ctx, client, crudCreate, imageID, now, keep)
	diags.Append(undoDiags...)
	stillAdded := 0
	for m := range left {
		if _, ok := before[m]; !ok {
			stillAdded++
		}
	}
	diags.Append(createUndone(imageID, added, stillAdded, kept))
	if stillAdded == 0 || !kept {
		return nil
	}
	return left
}

// Read is one list call: the members Glance has are the state, so changes made outside
// Terraform show up as drift.
func (r *imageMembersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	identityAtRead(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var state imageMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &state, crudRead, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID := state.ImageID.ValueString()
	current, err := client.ListMembers(ctx, imageID)
	switch {
	case err == nil:
		next := imageMembersFromAPI(ctx, client, imageID, statusByMember(current), state.Timeouts, &resp.Diagnostics)
		if !next.same(state) {
			resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
			setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
		} // else the state stands as it is: nothing to convert
	case glanceclient.IsNotFound(err):
		resp.Diagnostics.Append(imageGone(imageID, ""))
		resp.State.RemoveResource(ctx)
	case notShared(err):
		// Glance refuses to list the members of an image that is not shared (any more), but
		// keeps them: warn and keep the state rather than forget them.
		resp.Diagnostics.Append(imageNotShared(imageID, "", err))
	default:
		resp.Diagnostics.Append(memberError(client, opList, crudRead, imageID, "", err))
	}
}

// Update adds the new members and removes the missing ones; state is what Glance has after.
func (r *imageMembersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state imageMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, client := r.begin(ctx, &plan, crudUpdate, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	// The state is what the refresh just read: Glance's list, with each member's answer.
	current := map[string]string{}
	if !state.MemberStatus.IsNull() { // null on Image API v1, which has no answers
		resp.Diagnostics.Append(state.MemberStatus.ElementsAs(ctx, &current, false)...)
	}
	for _, id := range memberIDs(ctx, state.MemberIDs, &resp.Diagnostics) {
		if _, ok := current[id]; !ok {
			current[id] = "pending"
		}
	}
	want := memberIDs(ctx, plan.MemberIDs, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	imageID := plan.ImageID.ValueString()
	after, diags := reconcile(ctx, client, crudUpdate, imageID, current, want)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(
		resp.State.Set(ctx, imageMembersFromAPI(ctx, client, imageID, after, plan.Timeouts, &resp.Diagnostics))...)
}

// Delete removes every member the image has, including any added since the last refresh.
func (r *imageMembersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state imageMembersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &state, crudDelete, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID := state.ImageID.ValueString()
	current, err := client.ListMembers(ctx, imageID)
	if glanceclient.IsNotFound(err) {
		return // the image is gone, and its members with it
	}
	if err != nil {
		resp.Diagnostics.Append(memberError(client, opList, crudDelete, imageID, "", err))
		return
	}
	// On a partial failure the framework keeps the resource in state as it was, so the next
	// destroy lists and removes what is left.
	_, diags := reconcile(ctx, client, crudDelete, imageID, statusByMember(current), nil)
	resp.Diagnostics.Append(diags...)
}

func (r *imageMembersResource) ImportState(
	ctx context.Context,
	req resource.ImportStateRequest,
	resp *resource.ImportStateResponse,
) {
	id := importID(ctx, req, &resp.Diagnostics) // the ID, or an import block's identity (Terraform 1.12+)
	region, id := splitRegion(id, 0)
	imageID, err := parseImageID(id)
	if err != nil {
		resp.Diagnostics.Append(invalidImportID(imageImportForm, err))
		return
	}
	if region != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_ids"), []string{})...)
}

// reconcile turns current (member → status, as Glance has it) into want: removals first,
// so they free room under Glance's member quota, then additions, each phase concurrent.
// It returns what Glance has afterwards: members whose call failed stay as they were, and
// each failure is its own diagnostic, so the next apply finishes the job. Where the whole
// list is replaced in one request (v1), it is that request.
func reconcile(
	ctx context.Context,
	client *glanceclient.Client,
	during crudOp,
	imageID string,
	current map[string]string,
	want []string,
) (map[string]string, diag.Diagnostics) {
	if client.HasListReplace() {
		return replaceAll(ctx, client, during, imageID, current, want)
	}
	var diags diag.Diagnostics
	after := maps.Clone(current)
	var toAdd, toRemove []string
	for _, m := range want {
		if _, ok := current[m]; !ok {
			toAdd = append(toAdd, m)
		}
	}
	wanted := asSet(want)
	for m := range current {
		if !wanted[m] {
			toRemove = append(toRemove, m)
		}
	}
	var mu sync.Mutex // guards after and diags
	remove := func(member string) {
		err := client.RemoveMember(ctx, imageID, member)
		mu.Lock()
		defer mu.Unlock()
		if err != nil && !glanceclient.IsNotFound(err) {
			diags.Append(memberError(client, opListRemove, during, imageID, member, err))
			return
		}
		delete(after, member)
		tflog.Info(ctx, "removed image member", map[string]any{"image_id": imageID, "member_id": member})
	}
	add := func(member string) {
		// A member added outside Terraform since the last refresh is what we want: adopted.
		m, err := client.AddMember(ctx, imageID, member, false)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			diags.Append(memberError(client, opListAdd, during, imageID, member, err))
			return
		}
		after[member] = m.Status
		tflog.Info(ctx, "added image member", map[string]any{"image_id": imageID, "member_id": member, "status": m.Status})
	}
	if client.ImageAPI() == "" && len(toRemove)+len(toAdd) > 0 {
		// No answer has told this process the Image API version yet (an update lists nothing
		// first): the first change goes alone, and its answer tells; on v1 the rest is one PUT.
		if len(toRemove) > 0 {
			remove(toRemove[0])
			toRemove = toRemove[1:]
		} else {
			add(toAdd[0])
			toAdd = toAdd[1:]
		}
		if client.HasListReplace() && !diags.HasError() {
			return replaceAll(ctx, client, during, imageID, after, want)
		}
	}
	inParallel(toRemove, remove)
	inParallel(toAdd, add)
	return after, diags
}

// replaceAll makes the member list want in one request (v1's PUT on the collection).
func replaceAll(
	ctx context.Context,
	client *glanceclient.Client,
	during crudOp,
	imageID string,
	current map[string]string,
	want []string,
) (map[string]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if err := client.ReplaceMembers(ctx, imageID, want); err != nil {
		diags.Append(memberError(client, opReplace, during, imageID, "", err))
		return current, diags
	}
	tflog.Info(ctx, "replaced image members", map[string]any{"image_id": imageID, "members": len(want)})
	after := make(map[string]string, len(want))
	for _, m := range want {
		after[m] = "" // v1 has no status
	}
	return after, diags
}

// inParallel calls fn for every member, at most memberCallsInFlight at a time. fn reports its
// own failures (as diagnostics), so that one member's failure stops no other.
func inParallel(members []string, fn func(member string)) {
	var g errgroup.Group
	g.SetLimit(memberCallsInFlight)
	for _, m := range members {
		g.Go(func() error { fn(m); return nil })
	}
	_ = g.Wait()
}

func statusByMember(list []glanceclient.Member) map[string]string {
	out := make(map[string]string, len(list))
	for _, m := range list {
		out[m.MemberID] = m.Status
	}
	return out
}

// memberIDs are the projects a member list names, each once, in the list's order.
func memberIDs(ctx context.Context, list memberList, diags *diag.Diagnostics) []string {
	all, ok := knownStrings(list.ListValue)
	if !ok {
		diags.Append(list.ElementsAs(ctx, &all, false)...)
	}
	seen := make(map[string]bool, len(all))
	out := all[:0]
	for _, id := range all {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// setDifference is what want has that have lacks (added) and the reverse (removed), sorted.
func setDifference(want, have []string) (added, removed []string) {
	wanted, had := asSet(want), asSet(have)
	for _, id := range want {
		if !had[id] {
			added = append(added, id)
		}
	}
	for _, id := range have {
		if !wanted[id] {
			removed = append(removed, id)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}

func asSet(ids []string) map[string]bool {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}

type imageMembersModel struct {
	ID           types.String   `tfsdk:"id"`
	ImageID      types.String   `tfsdk:"image_id"`
	Region       types.String   `tfsdk:"region"`
	MemberIDs    memberList     `tfsdk:"member_ids"`
	MemberStatus types.Map      `tfsdk:"member_status"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// same says whether two states of a member list say the same (the timeouts block aside, and
// member_ids as a set).
func (m imageMembersModel) same(o imageMembersModel) bool {
	return m.ID.Equal(o.ID) && m.ImageID.Equal(o.ImageID) && m.Region.Equal(o.Region) &&
		sameMembers(m.MemberIDs, o.MemberIDs) && m.MemberStatus.Equal(o.MemberStatus)
}

func (m *imageMembersModel) target() (string, string) { return m.ImageID.ValueString(), "" }

func (m *imageMembersModel) timeout(ctx context.Context, op crudOp) (time.Duration, diag.Diagnostics) {
	return crudTimeout(ctx, m.Timeouts, op)
}

func (m *imageMembersModel) regionName() string { return m.Region.ValueString() }

// imageMembersFromAPI is the one mapping from Glance's member list to state, member_ids sorted
// (the framework's semantic equality then keeps a configured list that names the same
// projects in another order); the timeouts block is the configuration's, carried over.
func imageMembersFromAPI(
	ctx context.Context,
	client *glanceclient.Client,
	imageID string,
	status map[string]string,
	t timeouts.Value,
	diags *diag.Diagnostics,
) imageMembersModel {
	ids := make([]attr.Value, 0, len(status))
	for _, id := range slices.Sorted(maps.Keys(status)) {
		ids = append(ids, types.StringValue(id))
	}
	list, d := types.ListValue(types.StringType, ids)
	diags.Append(d...)
	memberStatus, d := types.MapValueFrom(ctx, types.StringType, status)
	diags.Append(d...)
	if !client.HasMemberStatus() { // Image API v1: no member has an answer
		memberStatus = types.MapNull(types.StringType)
	}
	return imageMembersModel{
		Region:       optionalString(client.Region),
		ID:           types.StringValue(imageID),
		ImageID:      types.StringValue(imageID),
		MemberIDs:    memberList{ListValue: list},
		MemberStatus: memberStatus,
		Timeouts:     t,
	}
}

func (r *imageMembersResource) IdentitySchema(
	_ context.Context,
	_ resource.IdentitySchemaRequest,
	resp *resource.IdentitySchemaResponse,
) {
	resp.IdentitySchema = identitySchema(noMember)
}
