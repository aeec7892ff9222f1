package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// modelField is one attribute of a resource's model: its name in the schema and the field
// that holds it (a *types.String, *types.Bool or *timeouts.Value).
//
// The hot paths of glance_image_member (every refresh reads the state, every create reads the
// plan and writes the state) read and write the model through its field list instead of the
// framework's Get and Set, which find the fields by reflection and compile a regular expression
// per field on every call (terraform-plugin-framework issue 725): 6% of the provider's CPU in
// the profile of an apply of 300 memberships. model_fields_test.go holds each list to its
// schema and to what the framework's own Get and Set make of the same model.
type modelField struct {
	name  string
	value any
}

// readModel fills fields from raw, a value of the schema's type (a plan or a state).
func readModel(ctx context.Context, schemaType attr.Type, raw tftypes.Value, fields []modelField) diag.Diagnostics {
	var diags diag.Diagnostics
	attrTypes, err := objectAttrTypes(schemaType, fields)
	var values map[string]tftypes.Value
	if err == nil {
		err = raw.As(&values)
	}
	for _, f := range fields {
		if err != nil {
			break
		}
		var v attr.Value
		if v, err = attrTypes[f.name].ValueFromTerraform(ctx, values[f.name]); err != nil {
			break
		}
		err = assign(f, v)
	}
	if err != nil {
		diags.AddError("Value Conversion Error", "The provider could not read its own plan or state: "+err.Error()+
			". This is a bug in the provider: please report it.")
	}
	return diags
}

// modelValue is the value of the schema's type that fields hold (for State.Set).
func modelValue(ctx context.Context, schemaType attr.Type, fields []modelField) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	_, err := objectAttrTypes(schemaType, fields)
	values := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		if err != nil {
			break
		}
		var v attr.Value
		if v, err = valueOf(f); err == nil {
			values[f.name], err = v.ToTerraformValue(ctx)
		}
	}
	objType := schemaType.TerraformType(ctx)
	if err == nil {
		err = tftypes.ValidateValue(objType, values) // a field of another type: an error, not NewValue's panic
	}
	if err != nil {
		diags.AddError("Value Conversion Error", "The provider could not write its state: "+err.Error()+
			". This is a bug in the provider: please report it.")
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(objType, values), diags
}

// setModel makes state what fields hold.
func setModel(ctx context.Context, state *tfsdk.State, fields []modelField) diag.Diagnostics {
	v, diags := modelValue(ctx, state.Schema.Type(), fields)
	if !diags.HasError() {
		diags.Append(state.Set(ctx, v)...)
	}
	return diags
}

// objectAttrTypes are the schema's attribute types, when fields name each of them once.
func objectAttrTypes(schemaType attr.Type, fields []modelField) (map[string]attr.Type, error) {
	obj, ok := schemaType.(basetypes.ObjectType)
	if !ok {
		return nil, fmt.Errorf("the schema's type is %T, not an object", schemaType)
	}
	if len(obj.AttrTypes) != len(fields) {
		return nil, fmt.Errorf("the schema has %d attributes, the model %d", len(obj.AttrTypes), len(fields))
	}
	for _, f := range fields {
		if obj.AttrTypes[f.name] == nil {
			return nil, fmt.Errorf("the schema has no attribute %q", f.name)
		}
	}
	return obj.AttrTypes, nil
}

func assign(f modelField, v attr.Value) error {
	var ok bool
	switch p := f.value.(type) {
	case *types.String:
		*p, ok = v.(types.String)
	case *types.Bool:
		*p, ok = v.(types.Bool)
	case *timeouts.Value:
		*p, ok = v.(timeouts.Value)
	}
	if !ok {
		return fmt.Errorf("attribute %q: cannot put a %T in a %T", f.name, v, f.value)
	}
	return nil
}

func valueOf(f modelField) (attr.Value, error) {
	switch p := f.value.(type) {
	case *types.String:
		return *p, nil
	case *types.Bool:
		return *p, nil
	case *timeouts.Value:
		return *p, nil
	}
	return nil, fmt.Errorf("attribute %q: a field of type %T", f.name, f.value)
}
