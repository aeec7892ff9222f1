package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func memberSetOf(t *testing.T, ids ...string) memberSet {
	t.Helper()
	elems := make([]attr.Value, len(ids))
	for i, id := range ids {
		elems[i] = types.StringValue(id)
	}
	set, d := types.SetValue(types.StringType, elems)
	if d.HasError() {
		t.Fatal(d)
	}
	return memberSet{SetValue: set}
}

// member_ids compares as a set (order aside), and says so to the framework's semantic
// equality, which then keeps the prior value without comparing element by element.
func TestMemberSet_equality(t *testing.T) {
	ctx := context.Background()
	a, b := memberSetOf(t, "p1", "p2", "p3"), memberSetOf(t, "p3", "p1", "p2")
	if !a.Equal(b) {
		t.Error("the same members in another order are not equal")
	}
	if same, _ := a.SetSemanticEquals(ctx, b); !same {
		t.Error("the same members are not semantically equal")
	}
	for _, other := range []memberSet{
		memberSetOf(t, "p1", "p2"),
		memberSetOf(t, "p1", "p2", "p4"),
		{SetValue: basetypes.NewSetNull(types.StringType)},
		{SetValue: basetypes.NewSetUnknown(types.StringType)},
	} {
		if a.Equal(other) || other.Equal(a) {
			t.Errorf("%s equals %s", a, other)
		}
		if same, _ := a.SetSemanticEquals(ctx, other); same {
			t.Errorf("%s is semantically equal to %s", a, other)
		}
	}
	if !a.Type(ctx).Equal(newMemberSetType()) || a.Type(ctx).Equal(types.SetType{ElemType: types.StringType}) {
		t.Error("the value's type is not memberSetType")
	}
}

// A set with a string twice is refused; a set with unknown elements is checked no further.
func TestMemberSetType_validate(t *testing.T) {
	ctx := context.Background()
	set := func(elems ...tftypes.Value) tftypes.Value {
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
	}
	s := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	p := path.Root("member_ids")
	if d := newMemberSetType().Validate(ctx, set(s("a"), s("b")), p); d.HasError() {
		t.Errorf("distinct members: %v", d)
	}
	if d := newMemberSetType().Validate(ctx, set(s("a"), unknown), p); d.HasError() {
		t.Errorf("an unknown member: %v", d)
	}
	d := newMemberSetType().Validate(ctx, set(s("a"), s("b"), s("a")), p)
	if !d.HasError() || !strings.Contains(d[0].Detail(), `"a" twice`) {
		t.Errorf("a member twice: %v; want an error naming it", d)
	}
}
