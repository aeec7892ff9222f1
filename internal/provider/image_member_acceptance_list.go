package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

var _ list.ListResourceWithConfigure = (*imageMemberAcceptanceList)(nil)

// NewImageMemberAcceptanceList is the list resource of glance_image_member_acceptance
// (Terraform 1.14+, terraform query): every image shared with the provider's project, with its
// answer.
func NewImageMemberAcceptanceList() list.ListResource { return &imageMemberAcceptanceList{} }

type imageMemberAcceptanceList struct {
	configuredClient
}

func (l *imageMemberAcceptanceList) Metadata(
	_ context.Context,
	req resource.MetadataRequest,
	resp *resource.MetadataResponse,
) {
	resp.TypeName = req.ProviderTypeName + "_image_member_acceptance"
}

func (l *imageMemberAcceptanceList) ListResourceConfigSchema(
	_ context.Context,
	_ list.ListResourceSchemaRequest,
	resp *list.ListResourceSchemaResponse,
) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Finds the answers to bring under Terraform: every image other projects share with the " +
			"provider's project, with its answer (one list per answer, paginated: three requests, or one with `status`). " +
			"Image API v2 only. For an admin's token, Glance lists every shared image whatever the answer, so each image's " +
			"membership is read by itself (one request per image).",
		Attributes: map[string]schema.Attribute{
			"status": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the images with this answer: `pending`, `accepted` or `rejected`. Default: all.",
				Validators:          []validator.String{stringvalidator.OneOf(glanceclient.MemberStatuses...)},
			},
			"region": listRegionAttribute(),
		},
	}
}

func (l *imageMemberAcceptanceList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config inboxConfig
	ctx, cancel, client := l.beginList(ctx, req, &config, stream)
	if client == nil {
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		defer cancel()
		statuses, want := glanceclient.MemberStatuses, config.Status.ValueString()
		if want != "" {
			statuses = []string{want}
		}
		if client.Admin {
			statuses = glanceclient.MemberStatuses[:1] // Glance lists them all to an admin: once is enough
		}
		shared, err := client.ListSharedImages(ctx, statuses, glanceclient.InboxFilter{})
		if err == nil && !client.HasMemberStatus() {
			summary, detail := acceptanceNeedsV2("", client.ProjectID, client.Endpoint)
			push(list.ListResult{Diagnostics: diag.Diagnostics{diag.NewErrorDiagnostic(summary, detail)}})
			return
		}
		if err != nil {
			failed := memberError(client, opRead, crudRead, "", client.ProjectID, err)
			push(list.ListResult{Diagnostics: diag.Diagnostics{failed}})
			return
		}
		var sent int64
		for _, img := range shared {
			m := &glanceclient.Member{ImageID: img.ID, MemberID: client.ProjectID, Status: img.MemberStatus}
			if client.Admin {
				m, err = client.GetMember(ctx, img.ID, client.ProjectID)
				switch {
				case glanceclient.IsNotFound(err):
					continue // shared, but not with the admin's project
				case err != nil:
					if !push(list.ListResult{Diagnostics: diag.Diagnostics{memberError(client, opRead, crudRead, img.ID,
						client.ProjectID, err)}}) {
						return
					}
					continue
				}
			}
			if req.Limit > 0 && sent >= req.Limit || want != "" && m.Status != want {
				continue
			}
			result := req.NewListResult(ctx)
			result.DisplayName = imageDisplayName(img.Image) + " from " + img.Owner + ": " + m.Status
			listResult(ctx, req, &result, func(t timeouts.Value) any {
				return acceptanceFromAPI(m, client.Region, types.StringNull(), t)
			})
			sent++
			if !push(result) {
				return
			}
		}
	}
}

// inboxConfig is the config block of glance_image_member_acceptance's list resource.
type inboxConfig struct {
	Status types.String `tfsdk:"status"`
	Region types.String `tfsdk:"region"`
}

func (m *inboxConfig) target() (string, string) { return "", "" }

func (m *inboxConfig) timeout(context.Context, crudOp) (time.Duration, diag.Diagnostics) {
	return defaultReadTimeout, nil
}

func (m *inboxConfig) regionName() string { return m.Region.ValueString() }
