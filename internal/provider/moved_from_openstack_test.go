package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const (
	openstackAddress = "registry.terraform.io/terraform-provider-openstack/openstack"
	// As terraform-provider-openstack v3.4.0 writes them to state.
	openstackAccessJSON = `{"created_at":"2026-11-27T00:32:58Z",` +
		`"id":"2b7a0322-a9ee-4147-97eb-b5d2d0842859/6f1b10e1a35c4508a7bf4a66d1277cf8",` +
		`"image_id":"2b7a0322-a9ee-4147-97eb-b5d2d0842859","member_id":"6f1b10e1a35c4508a7bf4a66d1277cf8",` +
		`"region":"RegionOne",` +
		`"schema":"/v2/schemas/member","status":"accepted","updated_at":"2026-11-27T00:50:49Z"}`
)

// move runs the resource's state movers as the framework would and returns the target
// state's attributes, or nil when no mover took the request.
func move(
	t *testing.T,
	r resource.Resource,
	address, typeName, raw string,
) (map[string]tftypes.Value, *resource.MoveStateResponse) {
	t.Helper()
	ctx := context.Background()
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	typ := sch.Schema.Type().TerraformType(ctx)
	resp := &resource.MoveStateResponse{TargetState: tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(typ, nil)}}
	req := resource.MoveStateRequest{
		SourceProviderAddress: address,
		SourceTypeName:        typeName,
		SourceRawState:        &tfprotov6.RawState{JSON: []byte(raw)},
	}
	mover, ok := r.(resource.ResourceWithMoveState)
	if !ok {
		t.Fatalf("%T does not move state", r)
	}
	for _, m := range mover.MoveState(ctx) {
		m.StateMover(ctx, req, resp)
	}
	if resp.Diagnostics.HasError() || resp.TargetState.Raw.IsNull() {
		return nil, resp
	}
	attrs := map[string]tftypes.Value{}
	if err := resp.TargetState.Raw.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs, resp
}

func str(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMoveState_fromOpenstack(t *testing.T) {
	t.Parallel()
	common := map[string]string{
		"id":         "2b7a0322-a9ee-4147-97eb-b5d2d0842859/6f1b10e1a35c4508a7bf4a66d1277cf8",
		"image_id":   "2b7a0322-a9ee-4147-97eb-b5d2d0842859",
		"member_id":  "6f1b10e1a35c4508a7bf4a66d1277cf8",
		"status":     "accepted",
		"created_at": "2026-11-27T00:32:58Z",
		"updated_at": "2026-11-27T00:50:49Z",
		"region":     "RegionOne", // the openstack resource's region, kept
	}
	cases := []struct {
		name     string
		r        resource.Resource
		source   string
		extra    map[string]string
		dropAttr string
	}{
		{
			"image_access_v2 to glance_image_member",
			NewImageMemberResource(),
			"openstack_images_image_access_v2",
			map[string]string{"schema": "/v2/schemas/member"},
			"",
		},
		{
			"image_access_accept_v2 to glance_image_member_acceptance",
			NewImageMemberAcceptanceResource(),
			"openstack_images_image_access_accept_v2",
			map[string]string{"status_on_destroy": "pending"},
			"schema",
		},
	}
	// As Terraform sends the address; as OpenTofu 1.11+ does, with its own registry; as
	// OpenTofu 1.10 does, the implied provider name alone.
	addresses := []string{openstackAddress, "registry.opentofu.org/" + openstackProvider, "openstack"}
	for _, tc := range cases {
		for _, address := range addresses {
			t.Run(tc.name+" from "+address, func(t *testing.T) {
				t.Parallel()
				checkMoved(t, tc.r, address, tc.source, tc.extra, common)
			})
		}
	}
}

// checkMoved moves source from address into r and compares the result with common and extra.
func checkMoved(t *testing.T, r resource.Resource, address, source string, extra, common map[string]string) {
	t.Helper()
	got, resp := move(t, r, address, source, openstackAccessJSON)
	if got == nil {
		t.Fatalf("no state moved: %v", resp.Diagnostics)
	}
	want := map[string]string{}
	for k, v := range common {
		want[k] = v
	}
	for k, v := range extra {
		want[k] = v
	}
	if tv, ok := got["timeouts"]; !ok || !tv.IsNull() {
		t.Errorf("timeouts = %v, want null", tv)
	}
	delete(got, "timeouts")
	if cs, ok := got["can_share"]; ok { // glance_image_member's, which openstack has not: false
		var b bool
		if err := cs.As(&b); err != nil || b {
			t.Errorf("can_share = %v, want false", cs)
		}
		delete(got, "can_share")
	} else if _, isMember := r.(*imageMemberResource); isMember {
		t.Error("the moved glance_image_member has no can_share")
	}
	if len(got) != len(want) {
		t.Errorf("moved state has %d attributes, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if s := str(t, got[k]); s != v {
			t.Errorf("%s = %q, want %q", k, s, v)
		}
	}
}

// Other sources are not ours to move: the framework then says the move is unsupported.
func TestMoveState_otherSourcesIgnored(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ address, typeName string }{
		"other provider":         {"registry.terraform.io/hashicorp/random", "openstack_images_image_access_v2"},
		"other implied provider": {"random", "openstack_images_image_access_v2"},
		"other openstack type":   {openstackAddress, "openstack_images_image_v2"},
		"accept into owner side": {openstackAddress, "openstack_images_image_access_accept_v2"},
		"provider name as suffix": {
			"registry.terraform.io/evil/terraform-provider-openstack-openstack",
			"openstack_images_image_access_v2",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, resp := move(t, NewImageMemberResource(), tc.address, tc.typeName, openstackAccessJSON)
			if got != nil || resp.Diagnostics.HasError() {
				t.Errorf("moved from %s %s: %v %v", tc.address, tc.typeName, got, resp.Diagnostics)
			}
		})
	}
}

func TestMoveState_unreadableSource(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		`{"image_id":"2b7a0322-a9ee-4147-97eb-b5d2d0842859"}`,
		`not json`,
		strings.Replace(openstackAccessJSON, `"created_at":"2026-11-27T00:32:58Z"`, `"created_at":"yesterday"`, 1),
	} {
		_, resp := move(t, NewImageMemberResource(), openstackAddress, "openstack_images_image_access_v2", raw)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("%s: no error", raw)
		}
		if d := resp.Diagnostics.Errors()[0].Detail(); !strings.Contains(d, "terraform import") ||
			!strings.Contains(d, "openstack_images_image_access_v2") {
			t.Errorf("%s: the error does not name the source and the way out: %s", raw, d)
		}
	}
}
