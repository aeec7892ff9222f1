package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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
