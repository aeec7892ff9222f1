package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// Resources and data sources take the provider's client; before the provider is configured
// there is none yet (no error), and provider data of another type is reported, not ignored.
func TestConfiguredClient_take(t *testing.T) {
	t.Parallel()
	var c configuredClient
	if diags := c.take(nil); diags.HasError() || c.client != nil {
		t.Errorf("nil provider data: %v, client %v", diags, c.client)
	}
	diags := c.take("a string")
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "handed its resources a string") || c.client != nil {
		t.Errorf("provider data of another type: %v", diags)
	}
	client := glanceclient.NewStatic("http://glance:9292", "t", "p", glanceclient.ImageAPIv2)
	if diags := c.take(client); diags.HasError() || c.client != client {
		t.Errorf("the client: %v", diags)
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
