package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var (
	_ list.ListResourceWithConfigure = (*imageMemberList)(nil)
)

// NewImageMemberList is the list resource of glance_image_member (Terraform 1.14+, terraform
// query): the memberships of one image, or of every image the provider's project owns.
func NewImageMemberList() list.ListResource { return &imageMemberList{} }

type imageMemberList struct {
	configuredClient
}

func (l *imageMemberList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_member"
}

func (l *imageMemberList) ListResourceConfigSchema(
	_ context.Context,
	_ list.ListResourceSchemaRequest,
	resp *list.ListResourceSchemaResponse,
) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds memberships to bring under Terraform: the members of `image_id`, or without it of " +
			"every image the provider's project owns with visibility `shared` (one image list, paginated, then one member " +
			"list per image). Each result carries the membership's identity; with `include_resource`, its whole state.",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ID of the image whose members to list. Default: every shared image the project owns.",
				Validators:          []validator.String{imageIDValidator()},
			},
			"region": listRegionAttribute(),
		},
	}
}

func (l *imageMemberList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config listConfig
	ctx, cancel, client := l.beginList(ctx, req, &config, stream)
	if client == nil {
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		defer cancel()
		var sent int64
		eachImageMembers(ctx, client, config.ImageID.ValueString(), push,
			func(img glanceclient.Image, members []glanceclient.Member) bool {
				for i := range members {
					if req.Limit > 0 && sent >= req.Limit {
						return false
					}
					result := req.NewListResult(ctx)
					result.DisplayName = memberDisplayName(img, members[i].MemberID)
					listResult(ctx, req, &result, func(t timeouts.Value) any {
						return imageMemberFromAPI(&members[i], client.Region, t)
					})
					sent++
					if !push(result) {
						return false
					}
				}
				return true
			})
	}
}

// listConfig is the config block of the owner-side list resources.
type listConfig struct {
	ImageID types.String `tfsdk:"image_id"`
	Region  types.String `tfsdk:"region"`
}

func (m *listConfig) target() (string, string) { return m.ImageID.ValueString(), "" }

func (m *listConfig) timeout(context.Context, crudOp) (time.Duration, diag.Diagnostics) {
	return defaultReadTimeout, nil
}

func (m *listConfig) regionName() string { return m.Region.ValueString() }

// ownedSharedImages is the image imageID (read once, for its name), or without it every image
// the client's project owns with visibility shared: those are the images that can have members.
// A failure is said as the diagnostic it is.
func ownedSharedImages(
	ctx context.Context,
	client *glanceclient.Client,
	imageID string,
) ([]glanceclient.Image, diag.Diagnostic) {
	if imageID != "" {
		img, err := client.GetImage(ctx, imageID)
		if err != nil {
			return nil, memberError(client, opList, crudRead, imageID, "", err)
		}
		return []glanceclient.Image{*img}, nil
	}
	found, err := client.FindImages(ctx, glanceclient.ImageQuery{Owner: client.ProjectID, Visibility: "shared"})
	var unsupported *glanceclient.UnsupportedError
	switch {
	case errors.As(err, &unsupported):
		return nil, listNeedsImageID(client.Endpoint)
	case err != nil:
		return nil, memberError(client, opList, crudRead, "", "", err)
	}
	return found, nil
}

// eachImageMembers calls each with every image the owner-side lists find (ownedSharedImages)
// and its members, one member list per image; a failure is pushed as a result of its own.
// It stops when push or each says so (a consumer that has enough, or the query's limit).
func eachImageMembers(
	ctx context.Context,
	client *glanceclient.Client,
	imageID string,
	push func(list.ListResult) bool,
	each func(glanceclient.Image, []glanceclient.Member) bool,
) {
	found, failed := ownedSharedImages(ctx, client, imageID)
	if failed != nil {
		push(list.ListResult{Diagnostics: diag.Diagnostics{failed}})
		return
	}
	for _, img := range found {
		members, err := client.ListMembers(ctx, img.ID)
		if err != nil {
			if !push(list.ListResult{Diagnostics: diag.Diagnostics{memberError(client, opList, crudRead, img.ID, "", err)}}) {
				return
			}
			continue
		}
		if !each(img, members) {
			return
		}
	}
}

// memberDisplayName is a result as a person reads it: the image by name and ID, and the member.
func memberDisplayName(img glanceclient.Image, memberID string) string {
	return imageDisplayName(img) + " shared with " + memberID
}

// imageDisplayName is an image as a person reads it: its name, then its ID.
func imageDisplayName(img glanceclient.Image) string {
	name := img.Name
	if name == "" {
		name = "(unnamed)"
	}
	return name + " (" + img.ID + ")"
}

// listResult fills a list result from a resource model, made by model with the timeouts block
// left out (as an import leaves it): the identity always, the whole state when the query asked
// for it (include_resource).
func listResult(ctx context.Context, req list.ListRequest, result *list.ListResult, model func(timeouts.Value) any) {
	null := tftypes.NewValue(req.ResourceSchema.Type().TerraformType(ctx), nil)
	state := tfsdk.State{Schema: req.ResourceSchema, Raw: null}
	var none timeouts.Value
	result.Diagnostics.Append(state.GetAttribute(ctx, path.Root("timeouts"), &none)...)
	result.Diagnostics.Append(state.Set(ctx, model(none))...)
	setIdentity(ctx, &state, result.Identity, &result.Diagnostics)
	if req.IncludeResource {
		result.Resource.Raw = state.Raw
	}
}
