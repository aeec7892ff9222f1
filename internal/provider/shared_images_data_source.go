package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var _ datasource.DataSourceWithConfigure = (*sharedImagesDataSource)(nil)

// NewSharedImagesDataSource is data.glance_shared_images: the member project's inbox.
func NewSharedImagesDataSource() datasource.DataSource { return &sharedImagesDataSource{} }

type sharedImagesDataSource struct {
	configuredDataSource
}

func (d *sharedImagesDataSource) Metadata(
	_ context.Context,
	req datasource.MetadataRequest,
	resp *datasource.MetadataResponse,
) {
	resp.TypeName = req.ProviderTypeName + "_shared_images"
}

func (d *sharedImagesDataSource) Schema(
	ctx context.Context,
	_ datasource.SchemaRequest,
	resp *datasource.SchemaResponse,
) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": dataTimeoutsBlock(ctx)},
		MarkdownDescription: "The images other projects share with the provider's project, with this project's answer to " +
			"each: its inbox. Images the project owns itself are not listed." + dataTimeoutsNote,
		Attributes: map[string]schema.Attribute{
			"id":     computedString("The provider's project ID, whose inbox this is."),
			"region": dataRegionAttribute(),
			"member_status": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only images this project has answered so: `pending`, `accepted`, `rejected`, or `all` (the " +
					"default).",
				Validators: []validator.String{stringvalidator.OneOf(append([]string{"all"}, glanceclient.MemberStatuses...)...)},
			},
			"owner": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only images owned by this project ID (picked from the lists, not asked of Glance).",
			},
			"name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only images of exactly this name, compared as written (case-sensitive; picked from the " +
					"lists, not asked of Glance, so no Glance filter operator applies). Several images can share a name: " +
					"`images` lists each.",
			},
			"images": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The images, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":    computedString("The image ID."),
					"name":  computedString("The image name."),
					"owner": computedString("The ID of the project that owns and shares the image."),
					"member_status": computedString("This project's answer: `pending`, `accepted` or `rejected` (null on Image " +
						"API v1)."),
					"can_share": schema.BoolAttribute{Computed: true, MarkdownDescription: "Image API v1: whether this " +
						"project may share the image further. Always false on v2."},
					"visibility":       computedString("The image's visibility (`shared`)."),
					"status":           computedString("The image's status, such as `active` or `queued`."),
					"disk_format":      computedString("The disk format, such as `qcow2` or `raw`."),
					"container_format": computedString("The container format, such as `bare`."),
					"size_bytes": schema.Int64Attribute{Computed: true, MarkdownDescription: "The image size in bytes (0 " +
						"until data is uploaded)."},
					"tags": schema.ListAttribute{
						Computed:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "The image's tags.",
					},
					"created_at": computedString("When the image was created (RFC 3339)."),
					"updated_at": computedString("When the image last changed (RFC 3339)."),
				}},
			},
		},
	}
}

func (d *sharedImagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config sharedImagesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	ctx, cancel, client := d.begin(ctx, &config, crudRead, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	statuses := glanceclient.MemberStatuses
	s := config.MemberStatus.ValueString()
	if s != "" && s != "all" {
		statuses = []string{s}
	}
	filter := glanceclient.InboxFilter{Owner: config.Owner.ValueString(), Name: config.Name.ValueString()}
	list, err := client.ListSharedImages(ctx, statuses, filter) // tells the API version
	if err != nil {
		resp.Diagnostics.Append(sharedImagesError(client, err))
		return
	}
	if len(statuses) == 1 && !client.HasMemberStatus() {
		resp.Diagnostics.AddAttributeError(statusFilterNeedsV2("member_status", s, client.Endpoint))
		return
	}
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].CreatedAt.Equal(list[j].CreatedAt) {
			return list[i].CreatedAt.Before(list[j].CreatedAt)
		}
		return list[i].ID < list[j].ID
	})
	config.ID = types.StringValue(client.ProjectID)
	config.Region = optionalString(client.Region)
	config.Images = make([]sharedImageModel, 0, len(list))
	for _, img := range list {
		config.Images = append(config.Images, sharedImageFromAPI(ctx, img, &resp.Diagnostics))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}

type sharedImagesModel struct {
	dataModel
	ID           types.String       `tfsdk:"id"`
	MemberStatus types.String       `tfsdk:"member_status"`
	Owner        types.String       `tfsdk:"owner"`
	Name         types.String       `tfsdk:"name"`
	Images       []sharedImageModel `tfsdk:"images"`
}

// target is no image: the diagnostics name the project instead.
func (m *sharedImagesModel) target() (string, string) { return "", "" }

type sharedImageModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Owner           types.String `tfsdk:"owner"`
	MemberStatus    types.String `tfsdk:"member_status"`
	CanShare        types.Bool   `tfsdk:"can_share"`
	Visibility      types.String `tfsdk:"visibility"`
	Status          types.String `tfsdk:"status"`
	DiskFormat      types.String `tfsdk:"disk_format"`
	ContainerFormat types.String `tfsdk:"container_format"`
	SizeBytes       types.Int64  `tfsdk:"size_bytes"`
	Tags            types.List   `tfsdk:"tags"`
	CreatedAt       types.String `tfsdk:"created_at"`
	UpdatedAt       types.String `tfsdk:"updated_at"`
}

func sharedImageFromAPI(ctx context.Context, img glanceclient.SharedImage, diags *diag.Diagnostics) sharedImageModel {
	tags := img.Tags
	if tags == nil {
		tags = []string{}
	}
	tagList, d := types.ListValueFrom(ctx, types.StringType, tags)
	diags.Append(d...)
	return sharedImageModel{
		ID:              types.StringValue(img.ID),
		Name:            types.StringValue(img.Name),
		Owner:           types.StringValue(img.Owner),
		MemberStatus:    optionalString(img.MemberStatus),
		CanShare:        types.BoolValue(img.CanShare),
		Visibility:      types.StringValue(string(img.Visibility)),
		Status:          types.StringValue(string(img.Status)),
		DiskFormat:      types.StringValue(img.DiskFormat),
		ContainerFormat: types.StringValue(img.ContainerFormat),
		SizeBytes:       types.Int64Value(img.SizeBytes),
		Tags:            tagList,
		CreatedAt:       timestamp(img.CreatedAt),
		UpdatedAt:       timestamp(img.UpdatedAt),
	}
}
