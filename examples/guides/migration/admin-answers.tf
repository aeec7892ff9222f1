# An admin answers for many member projects at once: the image owner shares the image with
# each tenant, and the admin accepts it on each tenant's behalf, with no tenant credentials.
terraform {
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
  }
}

provider "glance" {
  cloud = "platform"
}

# Credentials with the admin role (Glance's modify_member policy lets an admin answer for any
# member project).
provider "glance" {
  alias = "admin"
  cloud = "admin"
}

variable "image_id" {
  type = string
}

variable "tenant_project_ids" {
  type = set(string)
}

resource "glance_image_member" "tenant" {
  for_each  = var.tenant_project_ids
  image_id  = var.image_id
  member_id = each.value
}

resource "glance_image_member_acceptance" "tenant" {
  for_each  = glance_image_member.tenant
  provider  = glance.admin
  image_id  = each.value.image_id
  member_id = each.value.member_id
  status    = "accepted"
}
