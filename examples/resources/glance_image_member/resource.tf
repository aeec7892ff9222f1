# Share a golden image with one tenant project.
resource "glance_image_member" "tenant_a" {
  image_id  = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
  member_id = "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
}

# Or with many projects at once.
variable "tenant_projects" {
  type = set(string)
}

resource "glance_image_member" "tenants" {
  for_each  = var.tenant_projects
  image_id  = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
  member_id = each.value
}
