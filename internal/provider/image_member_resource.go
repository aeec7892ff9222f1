package provider

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var (
	_ resource.ResourceWithConfigure   = (*imageMemberResource)(nil)
	_ resource.ResourceWithImportState = (*imageMemberResource)(nil)
	_ resource.ResourceWithIdentity    = (*imageMemberResource)(nil)
	_ resource.ResourceWithMoveState   = (*imageMemberResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*imageMemberResource)(nil)
)

// NewImageMemberResource is glance_image_member: the owner's side of sharing one image with
// one project.
func NewImageMemberResource() resource.Resource { return &imageMemberResource{} }

type imageMemberResource struct {
	configuredClient
}

func (r *imageMemberResource) Metadata(
	_ context.Context,
	req resource.MetadataRequest,
	resp *resource.MetadataResponse,
) {
	resp.TypeName = req.ProviderTypeName + "_image_member"
}

func (r *imageMemberResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Shares an image with another project: the image's owner adds the project as a member. " +
			"The member project then accepts or rejects it; `status` shows its answer. Destroying the resource removes the " +
			"membership. " +
			"The image must have visibility `shared`, and the provider's credentials must be those of the image's owner. " +
			"Works on Image API v1 too (Glance of Queens or older), where `can_share` applies.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<image_id>/<member_id>`, the import ID.",
				PlanModifiers:       keep,
			},
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID (a UUID) of the image to share. Changing it replaces the membership.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{imageIDValidator()},
			},
			"member_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the project to share the image with. Changing it replaces the membership.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          memberIDValidators(),
			},
			"region": regionAttribute(),
			"can_share": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Image API v1 only: whether the member project may share the image further (add, change and " +
					"remove memberships). " +
					"Changed in place with one request. Default `false`; on an image service that speaks v2, `true` is an error at " +
					"plan time.",
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The member project's answer: `pending` until it accepts (`accepted`) or rejects " +
					"(`rejected`). Refreshed on every read. Null on Image API v1, which has no answers.",
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the membership was created (RFC 3339).",
				PlanModifiers:       keep,
			},
			"updated_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the membership last changed (RFC 3339).",
			},
			"schema": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Glance's JSON schema path of the member object.",
				PlanModifiers:       keep,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (r *imageMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan imageMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, client := r.begin(ctx, &plan, crudCreate, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID, memberID := plan.target()
	started := time.Now()
	// One request: the POST's answer is the whole member, so no read-back.
	added, err := client.AddMember(ctx, imageID, memberID, plan.CanShare.ValueBool())
	if err != nil {
		if !r.keepsFailedCreates() {
			// No object: this Terraform would lose the whole run's state over it. The next
			// apply adopts what the add made.
			resp.Diagnostics.Append(memberError(client, opAddUnkept, crudCreate, imageID, memberID, err))
			return
		}
		resp.Diagnostics.Append(memberError(client, opAdd, crudCreate, imageID, memberID, err))
		var unknown *glanceclient.OutcomeUnknownError
		if errors.As(err, &unknown) {
			// The POST left and what became of it could not be told (its answer was lost to a
			// broken connection, the timeout or a Ctrl-C, or was a 5xx): Glance may have made
			// the member, now or later. With state and an error, Terraform marks the resource
			// tainted, so a destroy removes what may be there, and the next apply reads Glance.
			// Private state marks the object, so that Read keeps it while no member is there yet.
			resp.Diagnostics.Append(setEarlierAdd(ctx, resp.Private, started)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, unconfirmedMember(plan))...)
		}
		return
	}
	if added.Existing {
		// What this configuration wants is there already (a killed run made it, or someone
		// else did): adopt it, and say so.
		resp.Diagnostics.Append(memberAdopted(added.Member))
	}
	tflog.Info(ctx, "added image member", map[string]any{
		"image_id": imageID, "member_id": memberID, "status": added.Status, "adopted": added.Existing,
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, imageMemberFromAPI(added.Member, client.Region, plan.Timeouts))...)
}

func (r *imageMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	identityAtRead(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var state imageMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &state, crudRead, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID, memberID := state.target()
	// The image's member list, not GET of the one member: every glance_image_member of the
	// image refreshed in this run shares that one request.
	m, err := client.FindMember(ctx, imageID, memberID)
	switch {
	case err == nil:
		// Unchanged, the state stands as it is: converting it back cost a tenth of a no-op
		// plan's CPU. Get filled every field, so a field Glance changed is never missed.
		if next := imageMemberFromAPI(m, client.Region, state.Timeouts); !reflect.DeepEqual(next, state) {
			resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
			setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
		}
	case errors.Is(err, glanceclient.ErrMemberNotListed) && !earlierAdd(ctx, req.Private).IsZero():
		// An add whose answer was lost may still land: keep this (tainted) object, so that a
		// destroy removes what it may make; an apply replaces it, adopting what it made.
		tflog.Info(
			ctx,
			"the add whose answer was lost has made no member yet; keeping the membership in state",
			map[string]any{"image_id": imageID, "member_id": memberID},
		)
	case errors.Is(err, glanceclient.ErrMemberNotListed):
		tflog.Warn(
			ctx,
			"image member removed outside Terraform; removing it from state",
			map[string]any{"image_id": imageID, "member_id": memberID},
		)
		resp.State.RemoveResource(ctx)
	case glanceclient.IsNotFound(err):
		// Said as a warning: a plan that then adds the membership again would fail.
		resp.Diagnostics.Append(imageGone(imageID, memberID))
		resp.State.RemoveResource(ctx)
	case notShared(err):
		// Glance refuses to list the members of an image that is no longer shared, but keeps
		// them and restores them when it is shared again: warn and keep the state.
		resp.Diagnostics.Append(imageNotShared(imageID, memberID, err))
	default:
		resp.Diagnostics.Append(memberError(client, opRead, crudRead, imageID, memberID, err))
	}
}

// ModifyPlan settles the region, and refuses can_share = true at plan time when that
// region's image service speaks v2, which has no such thing.
func (r *imageMemberResource) ModifyPlan(
	ctx context.Context,
	req resource.ModifyPlanRequest,
	resp *resource.ModifyPlanResponse,
) {
	client := r.planRegion(ctx, req, resp)
	if client == nil || req.Plan.Raw.IsNull() {
		return
	}
	creating := req.State.Raw.IsNull() // a membership in state was checked when it was planned
	var canShare types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("can_share"), &canShare)...)
	if !creating && !canShare.ValueBool() {
		return // nothing to check: a plan of 300 unchanged memberships reads nothing more
	}
	imageID, memberID := planTarget(ctx, req.Plan)
	if creating && ownProject(client, memberID) {
		resp.Diagnostics.AddAttributeError(ownProjectAsMember(path.Root("member_id"), imageID, memberID))
		return
	}
	if !canShare.ValueBool() {
		return // the one argument whose meaning depends on the version: no need to know it
	}
	if speaks(ctx, client, imageID, memberID, &resp.Diagnostics) == glanceclient.ImageAPIv2 {
		resp.Diagnostics.AddAttributeError(canShareNeedsV1(imageID, memberID, client.Endpoint))
	}
}

// ownProject says whether memberID is the project the provider acts as, which owns every image
// it can share: unless the token is an admin's, who may share other projects' images with its own.
func ownProject(client *glanceclient.Client, memberID string) bool {
	return memberID != "" && memberID == client.ProjectID && !client.Admin
}

// Update changes can_share (v1, one request) and records a changed timeouts block; every
// other argument forces replacement.
func (r *imageMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state imageMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, client := r.begin(ctx, &plan, crudUpdate, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	if !plan.CanShare.Equal(state.CanShare) {
		imageID, memberID := plan.target()
		if err := client.SetCanShare(ctx, imageID, memberID, plan.CanShare.ValueBool()); err != nil {
			resp.Diagnostics.Append(memberError(client, opCanShare, crudUpdate, imageID, memberID, err))
			return
		}
		tflog.Info(
			ctx,
			"set can_share",
			map[string]any{"image_id": imageID, "member_id": memberID, "can_share": plan.CanShare.ValueBool()},
		)
		state.CanShare = plan.CanShare
	}
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *imageMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state imageMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &state, crudDelete, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID, memberID := state.target()
	err := client.RemoveMember(ctx, imageID, memberID)
	if glanceclient.IsNotFound(err) {
		tflog.Info(ctx, "image member already gone", map[string]any{"image_id": imageID, "member_id": memberID})
		return
	}
	if err != nil {
		resp.Diagnostics.Append(memberError(client, opRemove, crudDelete, imageID, memberID, err))
		return
	}
	tflog.Info(ctx, "removed image member", map[string]any{"image_id": imageID, "member_id": memberID})
}

func (r *imageMemberResource) ImportState(
	ctx context.Context,
	req resource.ImportStateRequest,
	resp *resource.ImportStateResponse,
) {
	id := importID(ctx, req, &resp.Diagnostics) // the ID, or an import block's identity (Terraform 1.12+)
	region, id := splitRegion(id, 1)
	imageID, memberID, err := parseMemberID(id)
	if err != nil {
		resp.Diagnostics.Append(invalidImportID(memberImportForm, err))
		return
	}
	if region != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), memberID)...)
}

// imageMemberModel is glance_image_member's plan and state.
type imageMemberModel struct {
	ID        types.String   `tfsdk:"id"`
	ImageID   types.String   `tfsdk:"image_id"`
	MemberID  types.String   `tfsdk:"member_id"`
	Region    types.String   `tfsdk:"region"`
	CanShare  types.Bool     `tfsdk:"can_share"`
	Status    types.String   `tfsdk:"status"`
	CreatedAt types.String   `tfsdk:"created_at"`
	UpdatedAt types.String   `tfsdk:"updated_at"`
	Schema    types.String   `tfsdk:"schema"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

// unconfirmedMember is the state of a membership that Glance may or may not have: what the
// plan asked for, and nothing Glance would have told.
func unconfirmedMember(plan imageMemberModel) imageMemberModel {
	imageID, memberID := plan.target()
	plan.ID = types.StringValue(memberImportID(imageID, memberID))
	plan.Status, plan.CreatedAt = types.StringNull(), types.StringNull()
	plan.UpdatedAt, plan.Schema = types.StringNull(), types.StringNull()
	return plan
}

func (m *imageMemberModel) target() (string, string) {
	return m.ImageID.ValueString(), m.MemberID.ValueString()
}

func (m *imageMemberModel) timeout(ctx context.Context, op crudOp) (time.Duration, diag.Diagnostics) {
	return crudTimeout(ctx, m.Timeouts, op)
}

func (m *imageMemberModel) regionName() string { return m.Region.ValueString() }

// imageMemberFromAPI is the one mapping from Glance's member to state, in region (the image
// service's; "" for none); the timeouts block is the configuration's, carried over.
func imageMemberFromAPI(m *glanceclient.Member, region string, t timeouts.Value) imageMemberModel {
	return imageMemberModel{
		Timeouts:  t,
		Region:    optionalString(region),
		ID:        types.StringValue(memberImportID(m.ImageID, m.MemberID)),
		ImageID:   types.StringValue(m.ImageID),
		MemberID:  types.StringValue(m.MemberID),
		CanShare:  types.BoolValue(m.CanShare),
		Status:    optionalString(m.Status), // v1 has no status, timestamps or schema
		CreatedAt: timestamp(m.CreatedAt),
		UpdatedAt: timestamp(m.UpdatedAt),
		Schema:    optionalString(m.Schema),
	}
}

// earlierAddKey is the private state of a membership whose add's outcome is unknown: when
// that add began (this machine's clock, RFC 3339), for as long as the object is in state.
const earlierAddKey = "earlier_add"

// privateState is the framework's private state of a resource, as requests and responses
// carry it.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// setEarlierAdd records in private state when an add of unknown outcome began.
func setEarlierAdd(ctx context.Context, private privateState, started time.Time) diag.Diagnostics {
	value, _ := json.Marshal(started.UTC().Format(time.RFC3339Nano))
	return private.SetKey(ctx, earlierAddKey, value)
}

// earlierAdd is when the add of unknown outcome recorded in private state began; zero for none.
func earlierAdd(ctx context.Context, private privateState) time.Time {
	raw, _ := private.GetKey(ctx, earlierAddKey)
	var text string
	if json.Unmarshal(raw, &text) != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, text)
	return t
}

func (r *imageMemberResource) IdentitySchema(
	_ context.Context,
	_ resource.IdentitySchemaRequest,
	resp *resource.IdentitySchemaResponse,
) {
	resp.IdentitySchema = identitySchema(memberRequired)
}
