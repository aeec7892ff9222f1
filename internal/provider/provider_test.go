package provider

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// testAccProviders serves the provider in-process to the terraform binary on PATH.
var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"glance": providerserver.NewProtocol6WithError(New("test")()),
}

// providerProducer configures the provider as the image owner from the local cloud's
// clouds.yaml (OS_CLIENT_CONFIG_FILE).
const providerProducer = `
provider "glance" {
  cloud = "producer"
}
`

// providerVia configures the provider as cloud, talking to Glance through url (a proxy).
func providerVia(cloud, url string) string {
	return fmt.Sprintf("provider \"glance\" {\n  cloud          = %q\n  image_endpoint = %q\n}\n", cloud, url)
}

// directClient is the provider's own client for tests that call a resource's methods
// directly, logged in as a cloud of the local cloud's clouds.yaml.
func directClient(t *testing.T, cloud string) *glanceclient.Client {
	t.Helper()
	cfg, err := glanceclient.Resolve(map[string]string{"cloud": cloud}, nil, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	client, err := glanceclient.New(context.Background(), cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// emptyState is a null state of the resource's schema, ready to Set.
func emptyState(r resource.Resource) tfsdk.State {
	ctx := context.Background()
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	return tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
}
