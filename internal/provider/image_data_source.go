package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var (
	_ datasource.DataSourceWithConfigure        = (*imageDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*imageDataSource)(nil)
)

// NewImageDataSource is data.glance_image: one image found by its name, tags, owner,
// visibility, properties or share's status, so that a configuration that shares an image needs nothing else
// to find it.
func NewImageDataSource() datasource.DataSource { return &imageDataSource{} }

type imageDataSource struct {
	configuredDataSource
}

// imageVisibilities are Glance's image visibilities.
var imageVisibilities = []string{"public", "private", "shared", "community"}

func (d *imageDataSource) Metadata(
	_ context.Context,
	req datasource.MetadataRequest,
	resp *datasource.MetadataResponse,
) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (d *imageDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": dataTimeoutsBlock(ctx)},
		MarkdownDescription: "One image, found by name, tags, owner, visibility or properties: Glance filters, and every " +
			"filter given must match. " +
			"None matching is an error, and so are several unless `most_recent` is set, which takes the newest. " +
			"Searched: the provider's project's own images, public and community ones, and the images shared with it " +
			"that it has accepted; `member_status` chooses other shares instead (a tenant finding a share it has not " +
			"answered yet). Image API v2 only." + dataTimeoutsNote,
		Attributes: map[string]schema.Attribute{
			"region": dataRegionAttribute(),
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The image's exact name. Set, it filters; otherwise it is the found image's name. Sent " +
					"as it is written: a name such as `in:a,b` finds the image of that name, not Glance's list operator's.",
			},
			"owner": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "ID of the project that owns the image. Set, it filters; otherwise it is the found image's " +
					"owner.",
			},
			"visibility": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`public`, `private`, `shared` or `community`. Set, it filters; otherwise it is the found " +
					"image's visibility.",
				Validators: []validator.String{stringvalidator.OneOf(imageVisibilities...)},
			},
			"tags": schema.SetAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Tags the image must all have (it may have more: see `tags_all`).",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(literalTag)},
			},
			"properties": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Image properties the image must have, each with exactly this value, for example `{ " +
					"os_distro = \"ubuntu\" }` (it may have more: see `properties_all`). A key Glance reads as its own list " +
					"parameter (`name`, `status`, `limit`, `size_min`, …) is refused: use the attribute for it.",
				Validators: []validator.Map{mapvalidator.KeysAre(propertyKey{})},
			},
			"member_status": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Which images shared with the provider's project are searched, by its answer: " +
					"`accepted` (Glance's default), `pending`, `rejected` or `all`. The project's own, public and community " +
					"images are searched whatever it is. When the same configuration accepts the image, use `all`: a `pending` " +
					"search finds it no more once it is accepted. As the openstack provider's `openstack_images_image_v2` " +
					"data source's.",
				Validators: []validator.String{stringvalidator.OneOf(append(slices.Clone(glanceclient.MemberStatuses), "all")...)},
			},
			"most_recent": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "When several images match, take the one created last, instead of failing. One Glance " +
					"request, whatever the number of matches.",
			},
			"id":               computedString("The image's ID: the `image_id` of the sharing resources."),
			"status":           computedString("The image's status, such as `active`."),
			"disk_format":      computedString("The disk format, such as `qcow2` or `raw`."),
			"container_format": computedString("The container format, such as `bare`."),
			"size_bytes": schema.Int64Attribute{Computed: true, MarkdownDescription: "The image size in bytes (0 until " +
				"data is uploaded)."},
			"min_disk_gb": schema.Int64Attribute{Computed: true, MarkdownDescription: "The disk size a server booted " +
				"from the image needs, in GB."},
			"min_ram_mb": schema.Int64Attribute{Computed: true, MarkdownDescription: "The memory a server booted from " +
				"the image needs, in MB."},
			"protected": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the image is protected " +
				"from deletion."},
			"checksum": computedString("The MD5 checksum of the image data."),
			"tags_all": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Every tag of the image, sorted.",
			},
			"properties_all": schema.MapAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Every image " +
					"property with a text value (`os_distro`, `hw_*`, …).",
			},
			"created_at": computedString("When the image was created (RFC 3339)."),
			"updated_at": computedString("When the image last changed (RFC 3339)."),
		},
	}
}

// ConfigValidators refuse a search with no filter at all: "any image" is never what a
// configuration means.
func (d *imageDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.AtLeastOneOf(
		path.MatchRoot("name"),
		path.MatchRoot("owner"),
		path.MatchRoot("visibility"),
		path.MatchRoot("tags"),
		path.MatchRoot("properties"),
	)}
}

func (d *imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config imageDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	ctx, cancel, client := d.begin(ctx, &config, crudRead, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	q := glanceclient.ImageQuery{
		Name: config.Name.ValueString(), Owner: config.Owner.ValueString(), Visibility: config.Visibility.ValueString(),
		MemberStatus: config.MemberStatus.ValueString(), Newest: config.MostRecent.ValueBool(),
		Properties: map[string]string{},
	}
	resp.Diagnostics.Append(config.Tags.ElementsAs(ctx, &q.Tags, false)...)
	resp.Diagnostics.Append(config.Properties.ElementsAs(ctx, &q.Properties, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	found, err := client.FindImages(ctx, q)
	if err != nil {
		resp.Diagnostics.Append(imageSearchError(client, q, err))
		return
	}
	if len(found) != 1 {
		resp.Diagnostics.Append(imageSearchCount(q, found))
		return
	}
	config.Region = optionalString(client.Region)
	resp.Diagnostics.Append(resp.State.Set(ctx, imageFromAPI(ctx, config, &found[0], &resp.Diagnostics))...)
}

type imageDataModel struct {
	dataModel
	Name            types.String `tfsdk:"name"`
	Owner           types.String `tfsdk:"owner"`
	Visibility      types.String `tfsdk:"visibility"`
	Tags            types.Set    `tfsdk:"tags"`
	Properties      types.Map    `tfsdk:"properties"`
	MemberStatus    types.String `tfsdk:"member_status"`
	MostRecent      types.Bool   `tfsdk:"most_recent"`
	ID              types.String `tfsdk:"id"`
	Status          types.String `tfsdk:"status"`
	DiskFormat      types.String `tfsdk:"disk_format"`
	ContainerFormat types.String `tfsdk:"container_format"`
	SizeBytes       types.Int64  `tfsdk:"size_bytes"`
	MinDiskGB       types.Int64  `tfsdk:"min_disk_gb"`
	MinRAMMB        types.Int64  `tfsdk:"min_ram_mb"`
	Protected       types.Bool   `tfsdk:"protected"`
	Checksum        types.String `tfsdk:"checksum"`
	TagsAll         types.List   `tfsdk:"tags_all"`
	PropertiesAll   types.Map    `tfsdk:"properties_all"`
	CreatedAt       types.String `tfsdk:"created_at"`
	UpdatedAt       types.String `tfsdk:"updated_at"`
}

// target is no image yet: the diagnostics name the filters instead.
func (m *imageDataModel) target() (string, string) { return "", "" }

// imageFromAPI is the one mapping from Glance's image to state; the filters are the
// configuration's, carried over.
func imageFromAPI(
	ctx context.Context,
	config imageDataModel,
	img *glanceclient.Image,
	diags *diag.Diagnostics,
) imageDataModel {
	tags := slices.Sorted(slices.Values(img.Tags))
	if tags == nil {
		tags = []string{}
	}
	tagList, d := types.ListValueFrom(ctx, types.StringType, tags)
	diags.Append(d...)
	props := map[string]string{}
	for k, v := range img.Properties {
		if s, ok := v.(string); ok {
			props[k] = s
		}
	}
	propMap, d := types.MapValueFrom(ctx, types.StringType, props)
	diags.Append(d...)
	config.ID = types.StringValue(img.ID)
	config.Name = types.StringValue(img.Name)
	config.Owner = types.StringValue(img.Owner)
	config.Visibility = types.StringValue(string(img.Visibility))
	config.Status = types.StringValue(string(img.Status))
	config.DiskFormat = types.StringValue(img.DiskFormat)
	config.ContainerFormat = types.StringValue(img.ContainerFormat)
	config.SizeBytes = types.Int64Value(img.SizeBytes)
	config.MinDiskGB = types.Int64Value(int64(img.MinDiskGigabytes))
	config.MinRAMMB = types.Int64Value(int64(img.MinRAMMegabytes))
	config.Protected = types.BoolValue(img.Protected)
	config.Checksum = types.StringValue(img.Checksum)
	config.TagsAll = tagList
	config.PropertiesAll = propMap
	config.CreatedAt = timestamp(img.CreatedAt)
	config.UpdatedAt = timestamp(img.UpdatedAt)
	return config
}

// describeQuery is the filters of q in words, for the diagnostics.
func describeQuery(q glanceclient.ImageQuery) string {
	var parts []string
	if q.Name != "" {
		parts = append(parts, fmt.Sprintf("name %q", q.Name))
	}
	if q.Owner != "" {
		parts = append(parts, "owner "+q.Owner)
	}
	if q.Visibility != "" {
		parts = append(parts, "visibility "+q.Visibility)
	}
	if len(q.Tags) > 0 {
		parts = append(parts, fmt.Sprintf("tags %q", slices.Sorted(slices.Values(q.Tags))))
	}
	for _, k := range slices.Sorted(maps.Keys(q.Properties)) {
		parts = append(parts, fmt.Sprintf("%s = %q", k, q.Properties[k]))
	}
	if q.MemberStatus != "" {
		parts = append(parts, "member status "+q.MemberStatus)
	}
	return joinWords(parts)
}

// joinWords is "a, b and c".
func joinWords(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
