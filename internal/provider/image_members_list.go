package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var _ list.ListResourceWithConfigure = (*imageMembersList)(nil)

// NewImageMembersList is the list resource of glance_image_members (Terraform 1.14+,
// terraform query): one result per image the provider's project owns that has members.
func NewImageMembersList() list.ListResource { return &imageMembersList{} }

type imageMembersList struct {
	configuredClient
}

func (l *imageMembersList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_members"
}

func (l *imageMembersList) ListResourceConfigSchema(
	_ context.Context,
	_ list.ListResourceSchemaRequest,
	resp *list.ListResourceSchemaResponse,
) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds member lists to bring under Terraform, one result per image: `image_id`'s, or without " +
			"it every image the provider's project owns with visibility `shared` that has members (one image list, " +
			"paginated, then one member list per image). With `include_resource`, each result is the whole list.",
		Attributes: map[string]schema.Attribute{
			"image_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "ID of the image whose member list to find. Default: every shared image the project owns.",
				Validators:          []validator.String{imageIDValidator()},
			},
			"region": listRegionAttribute(),
		},
	}
}

func (l *imageMembersList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
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
				switch {
				case req.Limit > 0 && sent >= req.Limit:
					return false
				case len(members) == 0:
					return true
				}
				result := req.NewListResult(ctx)
				result.DisplayName = fmt.Sprintf("%s: %d member(s)", imageDisplayName(img), len(members))
				listResult(ctx, req, &result, func(t timeouts.Value) any {
					return imageMembersFromAPI(ctx, client, img.ID, statusByMember(members), t, &result.Diagnostics)
				})
				sent++
				return push(result)
			})
	}
}
