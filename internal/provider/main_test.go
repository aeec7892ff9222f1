package provider

import (
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// TestMain builds the provider binary for the acceptance tests that need Terraform to run
// it as users do: with two aliased provider blocks Terraform starts one plugin process per
// block, while in-process tests share one server between them (the last configure wins).
func TestMain(m *testing.M) { tfcli.Main(m) }

// builtProvider runs the binary TestMain built, one process per provider block.
var builtProvider = map[string]tfresource.ExternalProvider{
	"glance": {Source: "glancetf/glance"},
}
