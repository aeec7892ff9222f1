package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var _ datasource.DataSourceWithConfigure = (*imageMembersDataSource)(nil)

// NewImageMembersDataSource is data.glance_image_members: who an image is shared with.
func NewImageMembersDataSource() datasource.DataSource { return &imageMembersDataSource{} }

type imageMembersDataSource struct {
	configuredDataSource
}

func (d *imageMembersDataSource) Metadata(
	_ context.Context,
	req datasource.MetadataRequest,
	resp *datasource.MetadataResponse,
) {
	resp.TypeName = req.ProviderTypeName + "_image_members"
}

func (d *imageMembersDataSource) Schema(
	ctx context.Context,
	_ datasource.SchemaRequest,
	resp *datasource.SchemaResponse,
) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": dataTimeoutsBlock(ctx)},
		MarkdownDescription: "The members of an image (the projects it is shared with) and their answers. " +
			"The image's owner sees every member; a member project sees only its own membership." + dataTimeoutsNote,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The image ID.",
			},
			"region": dataRegionAttribute(),
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID (a UUID) of the image.",
				Validators:          []validator.String{imageIDValidator()},
			},
			"status": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only list members with this status: `pending`, `accepted` or `rejected`. All members when " +
					"unset.",
				Validators: []validator.String{stringvalidator.OneOf(glanceclient.MemberStatuses...)},
			},
			"members": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The members, sorted by `member_id`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"member_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The member project's ID."},
					"status": schema.StringAttribute{Computed: true, MarkdownDescription: "The member's answer: `pending`, " +
						"`accepted` or `rejected` (null on Image API v1)."},
					"can_share": schema.BoolAttribute{Computed: true, MarkdownDescription: "Image API v1: whether the member may " +
						"share the image further. Always false on v2."},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the member was added (RFC 3339)."},
					"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the membership last changed " +
						"(RFC 3339)."},
				}},
			},
		},
	}
}

func (d *imageMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config imageMembersDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	ctx, cancel, client := d.begin(ctx, &config, crudRead, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	imageID := config.ImageID.ValueString()
	list, err := client.ListMembers(ctx, imageID) // its answer tells the Image API version
	if err != nil {
		resp.Diagnostics.Append(memberError(client, opList, crudRead, imageID, "", err))
		return
	}
	if !config.Status.IsNull() && !client.HasMemberStatus() {
		resp.Diagnostics.AddAttributeError(statusFilterNeedsV2("status", config.Status.ValueString(), client.Endpoint))
		return
	}
	sort.Slice(list, func(i, j int) bool { return list[i].MemberID < list[j].MemberID })
	config.ID = config.ImageID
	config.Region = optionalString(client.Region)
	config.Members = []memberDataModel{}
	for _, m := range list {
		if config.Status.IsNull() || config.Status.ValueString() == m.Status {
			config.Members = append(config.Members, memberDataModel{
				MemberID:  types.StringValue(m.MemberID),
				Status:    optionalString(m.Status),
				CanShare:  types.BoolValue(m.CanShare),
				CreatedAt: timestamp(m.CreatedAt),
				UpdatedAt: timestamp(m.UpdatedAt),
			})
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}

type imageMembersDataModel struct {
	dataModel
	ID      types.String      `tfsdk:"id"`
	ImageID types.String      `tfsdk:"image_id"`
	Status  types.String      `tfsdk:"status"`
	Members []memberDataModel `tfsdk:"members"`
}

func (m *imageMembersDataModel) target() (string, string) { return m.ImageID.ValueString(), "" }

type memberDataModel struct {
	MemberID  types.String `tfsdk:"member_id"`
	Status    types.String `tfsdk:"status"`
	CanShare  types.Bool   `tfsdk:"can_share"`
	CreatedAt types.String `tfsdk:"created_at"`
	UpdatedAt types.String `tfsdk:"updated_at"`
}
