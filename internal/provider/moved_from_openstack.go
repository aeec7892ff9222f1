package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Moving state from terraform-provider-openstack's image access resources (Terraform >= 1.8
// `moved` blocks). Both resources store image_id, member_id, status, region, created_at,
// updated_at, schema and id = <image_id>/<member_id>, at schema version 0.

// openstackProvider is the source provider, without the registry host (mirrors differ).
const openstackProvider = "terraform-provider-openstack/openstack"

type openstackAccessState struct {
	ImageID   string `json:"image_id"`
	MemberID  string `json:"member_id"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Schema    string `json:"schema"`
}

// moveFromOpenstack is the StateMover for sourceType; build turns its state into ours.
// Requests for any other source are left alone, so the framework reports them as unsupported.
func moveFromOpenstack(sourceType string, build func(openstackAccessState, timeouts.Value) any) resource.StateMover {
	return resource.StateMover{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if req.SourceTypeName != sourceType || !strings.HasSuffix(req.SourceProviderAddress, "/"+openstackProvider) {
			return
		}
		var src openstackAccessState
		if req.SourceRawState == nil || json.Unmarshal(req.SourceRawState.JSON, &src) != nil || src.ImageID == "" || src.MemberID == "" {
			resp.Diagnostics.AddError("Cannot move "+sourceType,
				fmt.Sprintf("The state of %s (schema version %d) has no image_id and member_id this provider can read, so it cannot be moved. "+
					"Remove the moved block and import the membership instead: terraform import <address> <image_id>/<member_id>.", sourceType, req.SourceSchemaVersion))
			return
		}
		// The timeouts block has no counterpart in the source: null, typed by our schema.
		var t timeouts.Value
		resp.Diagnostics.Append(resp.TargetState.GetAttribute(ctx, path.Root("timeouts"), &t)...)
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, build(src, t))...)
	}}
}

func (r *imageMemberResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveFromOpenstack("openstack_images_image_access_v2", func(s openstackAccessState, t timeouts.Value) any {
		return imageMemberModel{
			Timeouts:  t,
			ID:        types.StringValue(s.ImageID + "/" + s.MemberID),
			ImageID:   types.StringValue(s.ImageID),
			MemberID:  types.StringValue(s.MemberID),
			Status:    types.StringValue(s.Status),
			CreatedAt: types.StringValue(s.CreatedAt),
			UpdatedAt: types.StringValue(s.UpdatedAt),
			Schema:    types.StringValue(s.Schema),
		}
	})}
}

// The openstack resource rejects the image on destroy; ours leaves it pending unless
// status_on_destroy says otherwise. The move keeps our default so a plain `moved` block
// plans no change; the migration guide says how to keep rejecting.
func (r *imageMemberAcceptanceResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveFromOpenstack("openstack_images_image_access_accept_v2", func(s openstackAccessState, t timeouts.Value) any {
		return imageMemberAcceptanceModel{
			Timeouts:        t,
			ID:              types.StringValue(s.ImageID + "/" + s.MemberID),
			ImageID:         types.StringValue(s.ImageID),
			MemberID:        types.StringValue(s.MemberID),
			Status:          types.StringValue(s.Status),
			StatusOnDestroy: types.StringValue("pending"),
			CreatedAt:       types.StringValue(s.CreatedAt),
			UpdatedAt:       types.StringValue(s.UpdatedAt),
		}
	})}
}
