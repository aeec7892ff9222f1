package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// glance_image_member's field list reads and writes exactly what the framework's reflection
// does, for plans (unknowns) and states, with and without a timeouts block.
func TestModelFields_matchTheFrameworks(t *testing.T) {
	ctx := context.Background()
	state := emptyState(&imageMemberResource{})
	var nullTimeouts timeouts.Value
	if d := state.GetAttribute(ctx, path.Root("timeouts"), &nullTimeouts); d.HasError() {
		t.Fatal(d)
	}
	withTimeouts := nullTimeouts
	withTimeouts.Object = types.ObjectValueMust(
		nullTimeouts.AttributeTypes(ctx),
		map[string]attr.Value{
			"create": types.StringValue("1m"), "read": types.StringNull(),
			"update": types.StringNull(), "delete": types.StringValue("30s"),
		},
	)
	created := imageMemberModel{
		ID: types.StringValue("img/p1"), ImageID: types.StringValue("img"), MemberID: types.StringValue("p1"),
		Region: types.StringValue("RegionOne"), CanShare: types.BoolValue(false), Status: types.StringValue("pending"),
		CreatedAt: types.StringValue("2026-12-02T08:00:00Z"), UpdatedAt: types.StringValue("2026-12-02T09:30:00Z"),
		Schema: types.StringValue("/v2/schemas/member"), Timeouts: withTimeouts,
	}
	planned := imageMemberModel{
		ID: types.StringUnknown(), ImageID: types.StringValue("img"), MemberID: types.StringValue("p1"),
		Region: types.StringNull(), CanShare: types.BoolUnknown(), Status: types.StringUnknown(),
		CreatedAt: types.StringUnknown(), UpdatedAt: types.StringUnknown(), Schema: types.StringUnknown(),
		Timeouts: nullTimeouts,
	}
	for name, m := range map[string]imageMemberModel{"state": created, "plan": planned} {
		byFramework := emptyState(&imageMemberResource{})
		if d := byFramework.Set(ctx, m); d.HasError() {
			t.Fatal(d)
		}
		ours := emptyState(&imageMemberResource{})
		if d := setModel(ctx, &ours, m.fields()); d.HasError() {
			t.Fatalf("%s: %v", name, d)
		}
		if !ours.Raw.Equal(byFramework.Raw) {
			t.Errorf("%s: setModel wrote\n%s\nthe framework's Set\n%s", name, ours.Raw, byFramework.Raw)
		}
		var read, readByFramework imageMemberModel
		if d := readModel(ctx, byFramework.Schema.Type(), byFramework.Raw, read.fields()); d.HasError() {
			t.Fatalf("%s: %v", name, d)
		}
		if d := byFramework.Get(ctx, &readByFramework); d.HasError() {
			t.Fatal(d)
		}
		if !read.same(readByFramework) || !read.Timeouts.Equal(readByFramework.Timeouts) {
			t.Errorf("%s: readModel read %+v, the framework's Get %+v", name, read, readByFramework)
		}
	}
}

// A field list that misses an attribute of the schema, or holds one in a field of another
// type, is an error that says so, not a panic or a state with a hole.
func TestModelFields_wrongListIsAnError(t *testing.T) {
	ctx := context.Background()
	state := emptyState(&imageMemberResource{})
	var m imageMemberModel
	short := m.fields()[1:]
	for _, d := range []diag.Diagnostics{
		setModel(ctx, &state, short),
		readModel(ctx, state.Schema.Type(), state.Raw, short),
	} {
		if len(d) != 1 || !strings.Contains(d[0].Detail(), "the schema has 10 attributes, the model 9") {
			t.Errorf("want one error naming the mismatch, got %v", d)
		}
	}
	mistyped := m.fields()
	for i, f := range mistyped {
		switch f.name {
		case "status":
			mistyped[i].value = &m.CanShare
		case "can_share":
			mistyped[i].value = &m.Status
		}
	}
	for _, d := range []diag.Diagnostics{
		setModel(ctx, &state, mistyped),
		readModel(ctx, state.Schema.Type(), state.Raw, mistyped),
	} {
		if len(d) != 1 || !strings.Contains(d[0].Detail(), "This is a bug in the provider") {
			t.Errorf("want one error for a mistyped field, got %v", d)
		}
	}
}
