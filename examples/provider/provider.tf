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

variable "password" {
  type      = string
  sensitive = true
}
