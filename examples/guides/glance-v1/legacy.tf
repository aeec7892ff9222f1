# Sharing an image on a cloud whose image service serves only Glance's Image API v1.
terraform {
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
  }
}

provider "glance" {
  cloud = var.cloud # credentials of the project that owns the image

  # Optional. Unset, the catalog's image endpoint is used, and the provider reads its version
  # document once to find that it speaks only v1.
  image_endpoint = var.image_endpoint

  # Optional: "1" skips that read.
  # image_api_version = "1"
}

variable "cloud" {
  type    = string
  default = "legacy"
}

variable "image_endpoint" {
  type    = string
  default = null
}

variable "image_id" {
  type = string
}

variable "tenants" {
  description = "Tenant project ID => whether it may share the image further (can_share, v1 only)."
  type        = map(bool)
}

resource "glance_image_member" "tenant" {
  for_each  = var.tenants
  image_id  = var.image_id
  member_id = each.key
  can_share = each.value
}
