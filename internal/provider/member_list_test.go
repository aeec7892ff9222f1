package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func memberListOf(t *testing.T, ids ...string) memberList {
	t.Helper()
	elems := make([]attr.Value, len(ids))
	for i, id := range ids {
		elems[i] = types.StringValue(id)
	}
	list, d := types.ListValue(types.StringType, elems)
	if d.HasError() {
		t.Fatal(d)
	}
	return memberList{ListValue: list}
}

// member_ids means a set: the same projects in another order, or one twice, are the same
// members, and the framework's semantic equality is told so; Equal stays the list's exact
// equality, which the framework relies on to tell whether semantic equality changed a value.
func TestMemberList_sameMembers(t *testing.T) {
	ctx := context.Background()
	a := memberListOf(t, "p1", "p2", "p3")
	for _, same := range []memberList{memberListOf(t, "p3", "p1", "p2"), memberListOf(t, "p1", "p2", "p3", "p1")} {
		if !sameMembers(a, same) || !sameMembers(same, a) {
			t.Errorf("%s and %s are not the same members", a, same)
		}
		if ok, _ := same.ListSemanticEquals(ctx, a); !ok {
			t.Errorf("%s is not semantically equal to %s", same, a)
		}
		if a.Equal(same) {
			t.Errorf("%s Equal %s: Equal must be the list's own", a, same)
		}
	}
	withUnknown, d := types.ListValue(types.StringType, []attr.Value{types.StringValue("p1"), types.StringUnknown()})
	if d.HasError() {
		t.Fatal(d)
	}
	for _, other := range []memberList{
		memberListOf(t, "p1", "p2"),
		memberListOf(t, "p1", "p2", "p4"),
		memberListOf(t, "p1", "p2", "p2"),
		{ListValue: withUnknown},
		{ListValue: basetypes.NewListNull(types.StringType)},
		{ListValue: basetypes.NewListUnknown(types.StringType)},
	} {
		if sameMembers(a, other) || sameMembers(other, a) {
			t.Errorf("%s and %s are the same members", a, other)
		}
		if ok, _ := other.ListSemanticEquals(ctx, a); ok {
			t.Errorf("%s is semantically equal to %s", other, a)
		}
	}
	if !sameMembers(memberListOf(t), memberListOf(t)) ||
		sameMembers(memberListOf(t), memberList{ListValue: basetypes.NewListNull(types.StringType)}) {
		t.Error("an empty list is the same as an empty one only, not as null")
	}
	if !a.Type(ctx).Equal(newMemberListType()) || a.Type(ctx).Equal(types.ListType{ElemType: types.StringType}) {
		t.Error("the value's type is not memberListType")
	}
}

// The projects a list names reach Glance once each, in the list's order.
func TestMemberIDs_onceEach(t *testing.T) {
	var diags diag.Diagnostics
	got := memberIDs(context.Background(), memberListOf(t, "p2", "p1", "p2", "p3", "p1"), &diags)
	if want := []string{"p2", "p1", "p3"}; !slices.Equal(got, want) || diags.HasError() {
		t.Errorf("memberIDs = %v (%v), want %v", got, diags, want)
	}
}
