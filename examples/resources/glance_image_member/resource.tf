# The image to share, looked up by name rather than hard-coded.
data "glance_image" "golden" {
  name = "golden-ubuntu-24.04"
}

# Share it with one tenant project.
resource "glance_image_member" "tenant_a" {
  image_id  = data.glance_image.golden.id
  member_id = "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
}

# Or with many projects at once.
variable "tenant_projects" {
  type = set(string)
}

resource "glance_image_member" "tenants" {
  for_each  = var.tenant_projects
  image_id  = data.glance_image.golden.id
  member_id = each.value
}
