# The image itself: uploaded and made `shared` with terraform-provider-openstack's
# openstack_images_image_v2; the glance provider then owns who it is shared with.
terraform {
  required_providers {
    openstack = {
      source = "terraform-provider-openstack/openstack"
    }
    glance = {
      source = "glancetf/glance"
    }
  }
}

provider "openstack" {
  cloud = "platform"
}

provider "glance" {
  cloud = "platform"
}

resource "openstack_images_image_v2" "golden" {
  name             = "golden-ubuntu-24.04"
  image_source_url = "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"
  container_format = "bare"
  disk_format      = "qcow2"
  visibility       = "shared" # only shared images can have members
  tags             = ["golden"]
}

variable "tenant_project_ids" {
  type = set(string)
}

resource "glance_image_members" "golden" {
  image_id   = openstack_images_image_v2.golden.id
  member_ids = var.tenant_project_ids
}
