package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var (
	_ resource.ResourceWithConfigure   = (*imageMemberAcceptanceResource)(nil)
	_ resource.ResourceWithImportState = (*imageMemberAcceptanceResource)(nil)
	_ resource.ResourceWithIdentity    = (*imageMemberAcceptanceResource)(nil)
	_ resource.ResourceWithMoveState   = (*imageMemberAcceptanceResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*imageMemberAcceptanceResource)(nil)
)

// NewImageMemberAcceptanceResource is glance_image_member_acceptance: the member project's
// side of sharing, its answer to an image it was offered.
func NewImageMemberAcceptanceResource() resource.Resource { return &imageMemberAcceptanceResource{} }

type imageMemberAcceptanceResource struct {
	configuredClient
}

func (r *imageMemberAcceptanceResource) Metadata(
	_ context.Context,
	req resource.MetadataRequest,
	resp *resource.MetadataResponse,
) {
	resp.TypeName = req.ProviderTypeName + "_image_member_acceptance"
}

func (r *imageMemberAcceptanceResource) Schema(
	ctx context.Context,
	_ resource.SchemaRequest,
	resp *resource.SchemaResponse,
) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The member project's answer to an image shared with it: accept it (the default), reject it, " +
			"or leave it pending. " +
			"Configure this resource's provider with the member project's credentials; the image's owner adds the member " +
			"first with `glance_image_member`. " +
			"A member project cannot delete a membership, so destroying this resource sets the status to " +
			"`status_on_destroy`. Image API v2 only: v1 has no answers.",
		Attributes: map[string]schema.Attribute{
			"region": regionAttribute(),
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<image_id>/<member_id>`.",
				PlanModifiers:       keep,
			},
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID (a UUID) of the image shared with this project. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{imageIDValidator()},
			},
			"member_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The member project. Defaults to the project the provider's token is scoped to, the " +
					"project that answers; set it, with an admin's credentials, to answer for another project. Changing it " +
					"replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace(), stringplanmodifier.UseStateForUnknown()},
				Validators:    memberIDValidators(),
			},
			"status": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("accepted"),
				MarkdownDescription: "The answer: `accepted` (default), `rejected` or `pending`. Changed in place.",
				Validators:          []validator.String{stringvalidator.OneOf(glanceclient.MemberStatuses...)},
			},
			"status_on_destroy": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("pending"),
				MarkdownDescription: "The status destroy leaves behind (`pending` by default, or `rejected`/`accepted`): a " +
					"member project cannot delete the membership, only its owner can.",
				Validators: []validator.String{stringvalidator.OneOf(glanceclient.MemberStatuses...)},
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the owner added the membership (RFC 3339).",
				PlanModifiers:       keep,
			},
			"updated_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the membership last changed (RFC 3339).",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

// ModifyPlan fills an unset member_id with the token's project at plan time, so the plan
// shows who answers instead of "known after apply"; on destroy it says which answer the
// membership is left with, since a member project cannot end it; on an image service that
// speaks only v1, which has no answers, it is the error that says so.
func (r *imageMemberAcceptanceResource) ModifyPlan(
	ctx context.Context,
	req resource.ModifyPlanRequest,
	resp *resource.ModifyPlanResponse,
) {
	if req.Plan.Raw.IsNull() {
		var state imageMemberAcceptanceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() && !state.StatusOnDestroy.Equal(state.Status) {
			resp.Diagnostics.Append(
				answerOnDestroy(
					state.ImageID.ValueString(),
					state.MemberID.ValueString(),
					state.Status.ValueString(),
					state.StatusOnDestroy.ValueString(),
				),
			)
		}
		return
	}
	client := r.planRegion(ctx, req, resp)
	if client != nil {
		var plan imageMemberAcceptanceModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		imageID, memberID := plan.ImageID.ValueString(), memberOf(plan, client)
		switch speaks(ctx, client, imageID, memberID, &resp.Diagnostics) {
		case "":
			return
		case glanceclient.ImageAPIv1:
			resp.Diagnostics.AddError(acceptanceNeedsV2(imageID, memberID, client.Endpoint))
			return
		}
	}
	if client == nil || client.ProjectID == "" {
		return
	}
	var member types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("member_id"), &member)...)
	if member.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("member_id"), client.ProjectID)...)
	}
}

func (r *imageMemberAcceptanceResource) Create(
	ctx context.Context,
	req resource.CreateRequest,
	resp *resource.CreateResponse,
) {
	defer setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan imageMemberAcceptanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, client := r.begin(ctx, &plan, crudCreate, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	r.setStatus(ctx, client, plan, crudCreate, &resp.State, &resp.Diagnostics)
}

func (r *imageMemberAcceptanceResource) Read(
	ctx context.Context,
	req resource.ReadRequest,
	resp *resource.ReadResponse,
) {
	identityAtRead(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var state imageMemberAcceptanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &state, crudRead, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID, memberID := state.ImageID.ValueString(), memberOf(state, client)
	// The answer from the lists of images shared with this project, which every acceptance
	// refreshed in this run shares (a few requests for any number of them); the member itself
	// only when those say the answer changed, or after an import, for its timestamps.
	m, err := client.Answer(ctx, imageID, memberID, state.Status.ValueString())
	if err == nil && m.CreatedAt.IsZero() {
		if m.Status == state.Status.ValueString() && !state.CreatedAt.IsNull() {
			return // nothing changed: the state stands as it is
		}
		m, err = client.GetMember(ctx, imageID, memberID)
	}
	if glanceclient.IsNotFound(err) {
		tflog.Warn(
			ctx,
			"image no longer shared with this project; removing from state",
			map[string]any{"image_id": imageID, "member_id": memberID},
		)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(memberError(client, opRead, crudRead, imageID, memberID, err))
		return
	}
	resp.Diagnostics.Append(
		resp.State.Set(ctx, acceptanceFromAPI(m, client.Region, state.StatusOnDestroy, state.Timeouts))...)
	setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Update is the same single PUT as Create when the answer changes; a change of
// status_on_destroy alone is ours to record and costs no request.
func (r *imageMemberAcceptanceResource) Update(
	ctx context.Context,
	req resource.UpdateRequest,
	resp *resource.UpdateResponse,
) {
	defer setIdentity(ctx, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state imageMemberAcceptanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, client := r.begin(ctx, &plan, crudUpdate, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	if plan.Status.Equal(state.Status) {
		state.StatusOnDestroy, state.Timeouts = plan.StatusOnDestroy, plan.Timeouts
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	r.setStatus(ctx, client, plan, crudUpdate, &resp.State, &resp.Diagnostics)
}

func (r *imageMemberAcceptanceResource) Delete(
	ctx context.Context,
	req resource.DeleteRequest,
	resp *resource.DeleteResponse,
) {
	var state imageMemberAcceptanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, client := r.begin(ctx, &state, crudDelete, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID, memberID := state.ImageID.ValueString(), memberOf(state, client)
	_, err := client.UpdateMemberStatus(ctx, imageID, memberID, state.StatusOnDestroy.ValueString())
	if glanceclient.IsNotFound(err) {
		return // the owner removed the membership already: nothing left to answer
	}
	if err != nil {
		resp.Diagnostics.Append(memberError(client, opStatus, crudDelete, imageID, memberID, err))
	}
}

func (r *imageMemberAcceptanceResource) ImportState(
	ctx context.Context,
	req resource.ImportStateRequest,
	resp *resource.ImportStateResponse,
) {
	id := importID(ctx, req, &resp.Diagnostics) // the ID, or an import block's identity (Terraform 1.12+)
	region, id := splitRegion(id, 1)
	if before, _, ok := strings.Cut(id, "/"); ok && region == "" && !uuidPattern.MatchString(before) {
		region, id = splitRegion(id, 0) // <region>/<image_id>: the image alone, in a region
	}
	if !strings.Contains(id, "/") {
		client := r.root(ctx, id, "", &resp.Diagnostics)
		if client == nil {
			return
		}
		id = memberImportID(id, client.ProjectID) // the image ID alone: this project answers
	}
	imageID, memberID, err := parseMemberID(id)
	if err != nil {
		resp.Diagnostics.Append(invalidImportID(acceptanceImportForm, err))
		return
	}
	if region != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), memberID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("status_on_destroy"), "pending")...)
}

// setStatus PUTs the planned status and writes state from Glance's answer: one request.
func (r *imageMemberAcceptanceResource) setStatus(
	ctx context.Context,
	client *glanceclient.Client,
	plan imageMemberAcceptanceModel,
	during crudOp,
	state *tfsdk.State,
	diags *diag.Diagnostics,
) {
	imageID, memberID := plan.ImageID.ValueString(), memberOf(plan, client)
	m, err := client.UpdateMemberStatus(ctx, imageID, memberID, plan.Status.ValueString())
	if err != nil {
		diags.Append(memberError(client, opStatus, during, imageID, memberID, err))
		return
	}
	tflog.Info(
		ctx,
		"set image member status",
		map[string]any{"image_id": imageID, "member_id": memberID, "status": m.Status},
	)
	diags.Append(state.Set(ctx, acceptanceFromAPI(m, client.Region, plan.StatusOnDestroy, plan.Timeouts))...)
}

// memberOf is the configured member, or the project of client's token.
func memberOf(m imageMemberAcceptanceModel, client *glanceclient.Client) string {
	if v := m.MemberID.ValueString(); v != "" {
		return v
	}
	return client.ProjectID
}

type imageMemberAcceptanceModel struct {
	ID              types.String   `tfsdk:"id"`
	ImageID         types.String   `tfsdk:"image_id"`
	MemberID        types.String   `tfsdk:"member_id"`
	Region          types.String   `tfsdk:"region"`
	Status          types.String   `tfsdk:"status"`
	StatusOnDestroy types.String   `tfsdk:"status_on_destroy"`
	CreatedAt       types.String   `tfsdk:"created_at"`
	UpdatedAt       types.String   `tfsdk:"updated_at"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (m *imageMemberAcceptanceModel) target() (string, string) {
	return m.ImageID.ValueString(), m.MemberID.ValueString()
}

func (m *imageMemberAcceptanceModel) timeout(ctx context.Context, op crudOp) (time.Duration, diag.Diagnostics) {
	return crudTimeout(ctx, m.Timeouts, op)
}

func (m *imageMemberAcceptanceModel) regionName() string { return m.Region.ValueString() }

// acceptanceFromAPI is the one mapping from Glance's member to state; status_on_destroy and
// the timeouts block are ours alone, carried over.
func acceptanceFromAPI(
	m *glanceclient.Member,
	region string,
	statusOnDestroy types.String,
	t timeouts.Value,
) imageMemberAcceptanceModel {
	if statusOnDestroy.IsNull() || statusOnDestroy.IsUnknown() {
		statusOnDestroy = types.StringValue("pending")
	}
	return imageMemberAcceptanceModel{
		Timeouts:        t,
		ID:              types.StringValue(memberImportID(m.ImageID, m.MemberID)),
		Region:          optionalString(region),
		ImageID:         types.StringValue(m.ImageID),
		MemberID:        types.StringValue(m.MemberID),
		Status:          types.StringValue(m.Status),
		StatusOnDestroy: statusOnDestroy,
		CreatedAt:       timestamp(m.CreatedAt),
		UpdatedAt:       timestamp(m.UpdatedAt),
	}
}

func (r *imageMemberAcceptanceResource) IdentitySchema(
	_ context.Context,
	_ resource.IdentitySchemaRequest,
	resp *resource.IdentitySchemaResponse,
) {
	resp.IdentitySchema = identitySchema(memberOptional)
}
