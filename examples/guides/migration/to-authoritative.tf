# Many openstack_images_image_access_v2 (one per project, with for_each) become one
# authoritative glance_image_members. There is no move from many resources into one, so
# forget the old ones without destroying them, and import the image's member list. Keep the
# openstack provider for this apply: the state it forgets belongs to that provider.
terraform {
  required_version = ">= 1.7"
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
    openstack = {
      source = "terraform-provider-openstack/openstack"
    }
  }
}

provider "glance" {
  cloud = "platform"
}

provider "openstack" {
  cloud = "platform"
}

variable "image_id" {
  type = string
}

variable "tenant_project_ids" {
  type = set(string)
}

removed {
  from = openstack_images_image_access_v2.tenants

  lifecycle {
    destroy = false
  }
}

import {
  to = glance_image_members.golden
  id = var.image_id
}

resource "glance_image_members" "golden" {
  image_id   = var.image_id
  member_ids = var.tenant_project_ids
}
