package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// Every attribute of glance_image_member's schema is filled from Glance's member (the timeouts
// block aside, which is the configuration's): an attribute added to the schema and the model
// but not to imageMemberFromAPI fails here, by its name, instead of staying null in state. One
// missing from the model fails the framework's Set, which this checks too: nothing goes silent.
func TestImageMemberModel_everyAttributeFromGlance(t *testing.T) {
	ctx := context.Background()
	state := emptyState(&imageMemberResource{})
	var noTimeouts timeouts.Value
	if d := state.GetAttribute(ctx, path.Root("timeouts"), &noTimeouts); d.HasError() {
		t.Fatal(d)
	}
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	m := imageMemberFromAPI(&glanceclient.Member{
		ImageID: exampleImageID, MemberID: "p1", Status: "accepted", Schema: "/v2/schemas/member",
		CreatedAt: at, UpdatedAt: at,
	}, devcloud.RegionOne, noTimeouts)
	if d := state.Set(ctx, m); d.HasError() {
		t.Fatalf("the model does not match the schema: %v", d)
	}
	for name := range state.Schema.GetAttributes() {
		var v attr.Value
		if d := state.GetAttribute(ctx, path.Root(name), &v); d.HasError() {
			t.Fatal(d)
		}
		if v.IsNull() || v.IsUnknown() {
			t.Errorf("attribute %q is %v after imageMemberFromAPI: map it from Glance's member", name, v)
		}
	}
}
