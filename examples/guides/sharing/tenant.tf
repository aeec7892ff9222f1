# A tenant's configuration: accept what the platform project shares with it.
terraform {
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
  }
}

provider "glance" {
  cloud = "tenant-a" # credentials scoped to the tenant's own project
}

variable "platform_project_id" {
  type = string
}

data "glance_shared_images" "platform" {
  owner = var.platform_project_id
}

resource "glance_image_member_acceptance" "platform" {
  for_each = { for img in data.glance_shared_images.platform.images : img.id => img }

  image_id = each.key
}
