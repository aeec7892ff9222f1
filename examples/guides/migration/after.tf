# After: the same memberships, managed by glance. `terraform plan` shows both resources as
# moved, with no change to make.
terraform {
  required_version = ">= 1.8"
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
  }
}

provider "glance" {
  cloud = "platform"
}

provider "glance" {
  alias = "tenant"
  cloud = "tenant-a"
}

variable "image_id" {
  type = string
}

variable "tenant_project_id" {
  type = string
}

resource "glance_image_member" "tenant_a" {
  image_id  = var.image_id
  member_id = var.tenant_project_id
}

resource "glance_image_member_acceptance" "tenant_a" {
  provider = glance.tenant
  image_id = var.image_id
  # status = "accepted" is the default.

  depends_on = [glance_image_member.tenant_a]
}

moved {
  from = openstack_images_image_access_v2.tenant_a
  to   = glance_image_member.tenant_a
}

moved {
  from = openstack_images_image_access_accept_v2.tenant_a
  to   = glance_image_member_acceptance.tenant_a
}
