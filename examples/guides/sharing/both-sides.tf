# Both sides in one configuration: one provider block per project, told apart by alias.
# Provider blocks cannot use for_each, so each accepting project has its own block.
terraform {
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
  }
}

provider "glance" {
  alias = "owner"
  cloud = "platform"
}

provider "glance" {
  alias = "tenant_a"
  cloud = "tenant-a"
}

provider "glance" {
  alias = "tenant_b"
  cloud = "tenant-b"
}

variable "golden_image_id" {
  type = string
}

variable "tenant_project_ids" {
  description = "Project IDs of tenant-a and tenant-b."
  type        = object({ a = string, b = string })
}

resource "glance_image_members" "golden" {
  provider   = glance.owner
  image_id   = var.golden_image_id
  member_ids = [var.tenant_project_ids.a, var.tenant_project_ids.b]
}

resource "glance_image_member_acceptance" "tenant_a" {
  provider = glance.tenant_a
  image_id = var.golden_image_id

  depends_on = [glance_image_members.golden]
}

resource "glance_image_member_acceptance" "tenant_b" {
  provider = glance.tenant_b
  image_id = var.golden_image_id
  status   = "rejected"

  depends_on = [glance_image_members.golden]
}
