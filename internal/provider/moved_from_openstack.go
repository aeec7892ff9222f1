package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// Moving state from terraform-provider-openstack's image access resources (Terraform >= 1.8
// `moved` blocks). Both resources store image_id, member_id, status, region, created_at,
// updated_at, schema and id = <image_id>/<member_id>, at schema version 0.

// openstackProvider is the source provider, without the registry host (mirrors differ).
const openstackProvider = "terraform-provider-openstack/openstack"

// fromOpenstack says whether a move's source provider address is the openstack provider's:
// Terraform and OpenTofu 1.11+ send it whole, with whatever registry host
// ("registry.opentofu.org/terraform-provider-openstack/openstack"); OpenTofu 1.10 sends only
// the provider name its resource type implies ("openstack"), and the source type name, checked
// beside it, tells the rest.
func fromOpenstack(address string) bool {
	return strings.HasSuffix(address, "/"+openstackProvider) || address == "openstack"
}

type openstackAccessState struct {
	ImageID   string `json:"image_id"`
	MemberID  string `json:"member_id"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Schema    string `json:"schema"`
	Region    string `json:"region"`
}

// openstackMember reads the source state as the Glance member it describes, so that the one
// mapping from a member to our state serves moves too.
func openstackMember(raw *tfprotov6.RawState) (*glanceclient.Member, string, error) {
	if raw == nil {
		return nil, "", fmt.Errorf("no state")
	}
	var s openstackAccessState
	if err := json.Unmarshal(raw.JSON, &s); err != nil {
		return nil, "", err
	}
	if s.ImageID == "" || s.MemberID == "" {
		return nil, "", fmt.Errorf("no image_id or member_id")
	}
	m := &glanceclient.Member{ImageID: s.ImageID, MemberID: s.MemberID, Status: s.Status, Schema: s.Schema}
	var err error
	if m.CreatedAt, err = time.Parse(time.RFC3339, s.CreatedAt); err != nil {
		return nil, "", fmt.Errorf("created_at: %w", err)
	}
	if m.UpdatedAt, err = time.Parse(time.RFC3339, s.UpdatedAt); err != nil {
		return nil, "", fmt.Errorf("updated_at: %w", err)
	}
	return m, s.Region, nil
}

// moveFromOpenstack is the StateMover for sourceType; build turns the member its state
// describes, in its region, into ours. Requests for any other source are left alone, so the framework reports
// them as unsupported.
func moveFromOpenstack(
	sourceType string,
	build func(*glanceclient.Member, string, timeouts.Value) any,
) resource.StateMover {
	return resource.StateMover{
		StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
			if req.SourceTypeName != sourceType || !fromOpenstack(req.SourceProviderAddress) {
				return
			}
			m, region, err := openstackMember(req.SourceRawState)
			if err != nil {
				resp.Diagnostics.Append(cannotMove(sourceType, req.SourceSchemaVersion, err))
				return
			}
			// The timeouts block has no counterpart in the source: null, typed by our schema.
			var t timeouts.Value
			resp.Diagnostics.Append(resp.TargetState.GetAttribute(ctx, path.Root("timeouts"), &t)...)
			resp.Diagnostics.Append(resp.TargetState.Set(ctx, build(m, region, t))...)
		},
	}
}

func (r *imageMemberResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{
		moveFromOpenstack(
			"openstack_images_image_access_v2",
			func(m *glanceclient.Member, region string, t timeouts.Value) any {
				return imageMemberFromAPI(m, region, t)
			},
		),
	}
}

// The openstack resource rejects the image on destroy; ours leaves it pending unless
// status_on_destroy says otherwise. The move keeps our default so a plain `moved` block
// plans no change; the migration guide says how to keep rejecting.
func (r *imageMemberAcceptanceResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{
		moveFromOpenstack(
			"openstack_images_image_access_accept_v2",
			func(m *glanceclient.Member, region string, t timeouts.Value) any {
				return acceptanceFromAPI(m, region, types.StringValue("pending"), t)
			},
		),
	}
}
