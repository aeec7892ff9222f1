# Before: terraform-provider-openstack shares the image and the tenant accepts it.
terraform {
  required_providers {
    openstack = {
      source = "terraform-provider-openstack/openstack"
    }
  }
}

provider "openstack" {
  cloud = "platform"
}

provider "openstack" {
  alias = "tenant"
  cloud = "tenant-a"
}

variable "image_id" {
  type = string
}

variable "tenant_project_id" {
  type = string
}

resource "openstack_images_image_access_v2" "tenant_a" {
  image_id  = var.image_id
  member_id = var.tenant_project_id
}

resource "openstack_images_image_access_accept_v2" "tenant_a" {
  provider = openstack.tenant
  image_id = var.image_id
  status   = "accepted"

  depends_on = [openstack_images_image_access_v2.tenant_a]
}
