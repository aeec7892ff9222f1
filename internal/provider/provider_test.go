package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// Resources and data sources take the provider's client; before the provider is configured
// there is none yet (no error), and provider data of another type is reported, not ignored.
func TestConfiguredClient_take(t *testing.T) {
	t.Parallel()
	var c configuredClient
	if diags := c.take(nil); diags.HasError() || c.source != nil {
		t.Errorf("nil provider data: %v, source %v", diags, c.source)
	}
	diags := c.take("a string")
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "handed its resources a string") || c.source != nil {
		t.Errorf("provider data of another type: %v", diags)
	}
	client := glanceclient.NewStatic("http://glance:9292", "t", "p", glanceclient.ImageAPIv2)
	if diags := c.take(client); !diags.HasError() {
		t.Errorf("a bare client, not a source: no error")
	}
	source := withClient(client).source
	if diags := c.take(source); diags.HasError() || c.source != source {
		t.Errorf("the client's source: %v", diags)
	}
}

// With delayed_auth, the first use logs in, once; every later use shares the client, or the
// error, which the diagnostics name as the login's.
func TestClientSource_delayedLogin(t *testing.T) {
	t.Parallel()
	client := glanceclient.NewStatic("http://glance:9292", "t", "p", glanceclient.ImageAPIv2)
	logins := 0
	c := configuredClient{source: &clientSource{login: func(context.Context) (*glanceclient.Client, error) {
		logins++
		return client, nil
	}}}
	var diags diag.Diagnostics
	for range 3 {
		if got := c.root(context.Background(), "img", "", &diags); got != client {
			t.Fatalf("root = %v, want the logged-in client (%v)", got, diags)
		}
	}
	if logins != 1 {
		t.Errorf("%d logins, want 1", logins)
	}
	failing := configuredClient{source: &clientSource{login: func(context.Context) (*glanceclient.Client, error) {
		logins++
		return nil, &glanceclient.ConfigError{
			Attr: "auth_url",
			Msg:  "Cannot reach Keystone at http://k (auth_url, from OS_AUTH_URL).",
		}
	}}}
	for range 2 {
		diags = nil
		if got := failing.root(context.Background(), "img", "m", &diags); got != nil || !diags.HasError() {
			t.Fatalf("root = %v, %v; want nil and an error", got, diags)
		}
	}
	if logins != 2 {
		t.Errorf("%d logins after the failing source's two uses, want 2 in all", logins)
	}
	detail := diags[0].Detail()
	for _, want := range []string{"Image img, member m", "delayed_auth", "Cannot reach Keystone at http://k"} {
		if !strings.Contains(detail, want) {
			t.Errorf("diagnostic %q does not say %q", detail, want)
		}
	}
}

// Terraform 1.16 loses the whole run's state when a failed create returns an object: only
// there do creates return none. OpenTofu reports its own version (below 1.16).
func TestKeepsFailedCreatesIn(t *testing.T) {
	t.Parallel()
	for version, want := range map[string]bool{
		"1.16.0": false, "1.16.2": false, "1.16.3": false, "1.15.3": true, "1.11.4": true, "1.6.0": true, "1.17.0": true,
		"": true,
	} {
		if got := keepsFailedCreatesIn(version); got != want {
			t.Errorf("keepsFailedCreatesIn(%q) = %v, want %v", version, got, want)
		}
	}
	if c := withClient(glanceclient.NewStatic("http://glance:9292", "t", "p", glanceclient.ImageAPIv2)); !c.
		keepsFailedCreates() {
		t.Error("a client source made without a Terraform version does not keep failed creates")
	}
}

// A data source without a timeouts block is bounded all the same: by the read default.
func TestDataSources_readHasADefaultTimeout(t *testing.T) {
	t.Parallel()
	for _, m := range []model{&imageDataModel{}, &imageMembersDataModel{}, &sharedImagesModel{}} {
		if d, diags := m.timeout(context.Background(), crudRead); diags.HasError() || d != defaultReadTimeout {
			t.Errorf("%T: %s (%v), want %s", m, d, diags, defaultReadTimeout)
		}
	}
}

// The provider block reaches glanceclient typed: strings by setting (an alias as its setting),
// the booleans and max_retries as set, and a value only known after apply as an error on its
// attribute, never as unset.
func TestBlockSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var schemaResp provider.SchemaResponse
	New("test")().Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	typ, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	config := func(set map[string]tftypes.Value) tfsdk.Config {
		values := map[string]tftypes.Value{}
		for name, attrType := range typ.AttributeTypes {
			values[name] = tftypes.NewValue(attrType, nil)
			if v, ok := set[name]; ok {
				values[name] = v
			}
		}
		return tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, values)}
	}

	var resp provider.ConfigureResponse
	block, ok := blockSettings(ctx, config(map[string]tftypes.Value{
		"user_name":    tftypes.NewValue(tftypes.String, "u"),
		"tenant_name":  tftypes.NewValue(tftypes.String, "t"),
		"allow_reauth": tftypes.NewValue(tftypes.Bool, false),
		"max_retries":  tftypes.NewValue(tftypes.Number, 0),
		"insecure":     tftypes.NewValue(tftypes.Bool, true),
	}), &resp)
	if !ok || resp.Diagnostics.HasError() {
		t.Fatalf("blockSettings: %v", resp.Diagnostics)
	}
	if block.Settings["user_name"] != "u" || block.Settings["project_name"] != "t" || len(block.Settings) != 2 {
		t.Errorf("settings %v, want user_name u and project_name t (from tenant_name)", block.Settings)
	}
	if v, set := block.Flags["allow_reauth"]; !set || v || len(block.Flags) != 1 {
		t.Errorf("flags %v, want allow_reauth false only", block.Flags)
	}
	if block.MaxRetries == nil || *block.MaxRetries != 0 || block.Insecure == nil || !*block.Insecure {
		t.Errorf("max_retries %v, insecure %v; want 0 and true, set", block.MaxRetries, block.Insecure)
	}

	// endpoint_overrides: another service's entry is ignored with a warning; the image entry is
	// image_endpoint, and an error when image_endpoint names another service.
	overrides := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
		"compute": tftypes.NewValue(tftypes.String, "http://nova:8774"),
		"image":   tftypes.NewValue(tftypes.String, "http://glance-a:9292/v2"),
	})
	resp = provider.ConfigureResponse{}
	block, _ = blockSettings(ctx, config(map[string]tftypes.Value{"endpoint_overrides": overrides}), &resp)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary() != "Endpoint override ignored" ||
		!strings.Contains(resp.Diagnostics[0].Detail(), `endpoint_overrides["compute"] is ignored`) ||
		block.Settings["image_endpoint"] != "http://glance-a:9292/v2" {
		t.Errorf("overrides: %v, image_endpoint %q; want compute's ignored, image's taken", resp.Diagnostics,
			block.Settings["image_endpoint"])
	}
	resp = provider.ConfigureResponse{}
	_, ok = blockSettings(ctx, config(map[string]tftypes.Value{
		"endpoint_overrides": overrides,
		"image_endpoint":     tftypes.NewValue(tftypes.String, "http://glance-b:9292"),
	}), &resp)
	if ok || !resp.Diagnostics.HasError() ||
		resp.Diagnostics[len(resp.Diagnostics)-1].Summary() != "Conflicting image endpoints" {
		t.Errorf("two image endpoints: ok %v, %v; want them refused", ok, resp.Diagnostics)
	}

	for _, name := range []string{"max_retries", "insecure", "allow_reauth", "password"} {
		var resp provider.ConfigureResponse
		unknown := tftypes.NewValue(typ.AttributeTypes[name], tftypes.UnknownValue)
		_, ok := blockSettings(ctx, config(map[string]tftypes.Value{name: unknown}), &resp)
		if ok || !resp.Diagnostics.HasError() || resp.Diagnostics[0].Summary() != "Provider attribute not known yet" ||
			!strings.Contains(resp.Diagnostics[0].Detail(), name+" depends on a value that is only known after apply") {
			t.Errorf("%s unknown: ok %v, %v; want the not-known-yet error", name, ok, resp.Diagnostics)
		}
	}
}
