package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

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
