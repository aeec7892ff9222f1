# The platform team's configuration: share the golden image with every tenant project.
terraform {
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
  }
}

provider "glance" {
  cloud = "platform" # credentials of the project that owns the image
}

variable "golden_image_id" {
  type = string
}

variable "tenant_project_ids" {
  description = "Tenant name => project ID."
  type        = map(string)
}

# One resource per tenant: adding or removing a tenant touches only that membership, and
# members added by other means are left alone.
resource "glance_image_member" "tenant" {
  for_each = var.tenant_project_ids

  image_id  = var.golden_image_id
  member_id = each.value
}

output "answers" {
  value = { for name, m in glance_image_member.tenant : name => m.status }
}
