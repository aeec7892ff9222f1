package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// planRegion, without a cloud: which region a glance_image_member plans for, from its
// configuration, its state and the provider's region, and what it says about it. Glance is
// never asked (the endpoints do not answer).
func TestPlanRegion(t *testing.T) {
	const one, two = "RegionOne", "RegionTwo"
	for _, tc := range []struct {
		name                       string
		provider, configured, prev string // "" for none; prev is the state's region ("" no state)
		wantRegion                 string
		wantReplace                bool
		wantWarning, wantError     string
	}{
		{name: "created in the provider's region", provider: one, wantRegion: one},
		{name: "created in another region", provider: one, configured: two, wantRegion: two},
		{name: "stays where it is", provider: one, prev: one, wantRegion: one},
		{name: "stays when the provider's region changes", provider: two, prev: one, wantRegion: one,
			wantWarning: "Resource stays in its region RegionOne"},
		{name: "configured as in state", provider: two, configured: one, prev: one, wantRegion: one},
		{name: "moved by its configuration", provider: one, configured: two, prev: one, wantRegion: two,
			wantReplace: true, wantWarning: "Changing region replaces the resource"},
		{name: "a region the cloud lacks", provider: one, configured: "Nowhere", wantError: `region "Nowhere"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			home := glanceclient.NewStaticRegions(
				map[string]string{one: "http://127.0.0.1:1", two: "http://127.0.0.1:2"}, tc.provider, "token", "owner",
				glanceclient.ImageAPIv2,
			)
			source := &clientSource{login: func(context.Context) (*glanceclient.Client, error) { return home, nil }}
			r := &imageMemberResource{configuredClient: configuredClient{source: source}}
			config := memberModelIn(t, r, tc.configured, false)
			req := resource.ModifyPlanRequest{
				Config: tfsdk.Config(config),
				Plan:   tfsdk.Plan{Schema: config.Schema, Raw: memberModelIn(t, r, tc.configured, true).Raw},
				State:  emptyState(r),
			}
			if tc.prev != "" {
				req.State = memberModelIn(t, r, tc.prev, false)
			}
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			client := r.planRegion(ctx, req, &resp)

			var errors, warnings []string
			for _, d := range resp.Diagnostics {
				if d.Severity().String() == "Error" {
					errors = append(errors, d.Summary()+": "+d.Detail())
				} else {
					warnings = append(warnings, d.Summary())
				}
			}
			if tc.wantError != "" {
				if client != nil || len(errors) != 1 || !strings.Contains(errors[0], tc.wantError) {
					t.Fatalf("client %v, errors %q; want no client and an error naming %s", client, errors, tc.wantError)
				}
				return
			}
			if len(errors) > 0 || client == nil || client.Region != tc.wantRegion {
				t.Fatalf("errors %q, client %v; want the client of %s", errors, client, tc.wantRegion)
			}
			var planned types.String
			resp.Plan.GetAttribute(ctx, path.Root("region"), &planned)
			if planned.ValueString() != tc.wantRegion {
				t.Errorf("planned region %s, want %s", planned, tc.wantRegion)
			}
			if replace := len(resp.RequiresReplace) > 0; replace != tc.wantReplace {
				t.Errorf("replace %v, want %v", replace, tc.wantReplace)
			}
			if want := tc.wantWarning; (want == "") != (len(warnings) == 0) ||
				(want != "" && !strings.HasPrefix(warnings[0], want)) {
				t.Errorf("warnings %q, want %q", warnings, want)
			}
		})
	}
}

// memberModelIn is a glance_image_member's configuration, plan (unknown computed values) or
// state (known ones) in region ("" for null).
func memberModelIn(t *testing.T, r resource.Resource, region string, planned bool) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	s := emptyState(r)
	var none timeouts.Value
	if d := s.GetAttribute(ctx, path.Root("timeouts"), &none); d.HasError() {
		t.Fatal(d)
	}
	computed := types.StringNull()
	if planned {
		computed = types.StringUnknown()
	}
	m := imageMemberModel{
		ID: computed, ImageID: types.StringValue(exampleImageID), MemberID: types.StringValue("p1"),
		Region: types.StringNull(), CanShare: types.BoolValue(false), Status: computed, CreatedAt: computed,
		UpdatedAt: computed, Schema: computed, Timeouts: none,
	}
	if region != "" {
		m.Region = types.StringValue(region)
	}
	if d := s.Set(ctx, m); d.HasError() {
		t.Fatal(d)
	}
	return s
}
