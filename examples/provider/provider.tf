terraform {
  required_providers {
    glance = {
      source  = "glancetf/glance"
      version = "~> 0.1"
    }
  }
}

# Credentials from a clouds.yaml entry; any attribute set here wins over it.
provider "glance" {
  cloud = "producer"
}

# Or everything explicit (each attribute also reads its OS_* environment variable).
provider "glance" {
  alias               = "explicit"
  auth_url            = "https://keystone.example.com:5000/v3"
  region              = "RegionOne"
  user_name           = "image-publisher"
  user_domain_name    = "Default"
  password            = var.password
  project_name        = "golden-images"
  project_domain_name = "Default"
}

# Or an application credential: scoped to its project, no user password anywhere.
provider "glance" {
  alias                         = "appcred"
  auth_url                      = "https://keystone.example.com:5000/v3"
  application_credential_id     = "4c6a3b0e2f5d4f1a9b8c7d6e5f4a3b2c"
  application_credential_secret = var.application_credential_secret
}

# Or nothing at all: every value from the environment, for example an openrc file
# (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_TENANT_NAME, ...) or OS_CLOUD.
provider "glance" {
  alias = "environment"
}

variable "password" {
  type      = string
  sensitive = true
}

variable "application_credential_secret" {
  type      = string
  sensitive = true
}
