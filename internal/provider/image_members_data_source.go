package provider

import (
	"context"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*imageMembersDataSource)(nil)

// NewImageMembersDataSource is data.glance_image_members: who an image is shared with.
func NewImageMembersDataSource() datasource.DataSource { return &imageMembersDataSource{} }

type imageMembersDataSource struct {
	configuredDataSource
}

func (d *imageMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_members"
}

func (d *imageMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The members of an image (the projects it is shared with) and their answers, read with one Glance request. " +
			"The image's owner sees every member; a member project sees only its own membership.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The image ID.",
			},
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID (a UUID) of the image.",
				Validators:          []validator.String{imageIDValidator()},
			},
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only list members with this status: `pending`, `accepted` or `rejected`. All members when unset.",
				Validators:          []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			"members": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The members, sorted by `member_id`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"member_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "The member project's ID."},
					"status":     schema.StringAttribute{Computed: true, MarkdownDescription: "The member's answer: `pending`, `accepted` or `rejected`."},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the member was added (RFC 3339)."},
					"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the membership last changed (RFC 3339)."},
				}},
			},
		},
	}
}

func (d *imageMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config imageMembersDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !d.ready(&resp.Diagnostics, config.ImageID.ValueString(), "") {
		return
	}
	// Data sources have no timeouts block; this bounds their retries.
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	imageID := config.ImageID.ValueString()
	list, err := d.client.ListMembers(ctx, imageID)
	if err != nil {
		resp.Diagnostics.Append(membersError(ctx, d.client, opRead, imageID, err))
		return
	}
	sort.Slice(list, func(i, j int) bool { return list[i].MemberID < list[j].MemberID })
	config.ID = config.ImageID
	config.Members = []memberDataModel{}
	for _, m := range list {
		if config.Status.IsNull() || config.Status.ValueString() == m.Status {
			config.Members = append(config.Members, memberDataModel{
				MemberID:  types.StringValue(m.MemberID),
				Status:    types.StringValue(m.Status),
				CreatedAt: types.StringValue(m.CreatedAt.UTC().Format(time.RFC3339)),
				UpdatedAt: types.StringValue(m.UpdatedAt.UTC().Format(time.RFC3339)),
			})
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}

type imageMembersDataModel struct {
	ID      types.String      `tfsdk:"id"`
	ImageID types.String      `tfsdk:"image_id"`
	Status  types.String      `tfsdk:"status"`
	Members []memberDataModel `tfsdk:"members"`
}

type memberDataModel struct {
	MemberID  types.String `tfsdk:"member_id"`
	Status    types.String `tfsdk:"status"`
	CreatedAt types.String `tfsdk:"created_at"`
	UpdatedAt types.String `tfsdk:"updated_at"`
}
