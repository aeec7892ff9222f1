# The newest golden Ubuntu image this project shares, found by tag and property instead of a
# hard-coded ID, shared with every tenant.
data "glance_image" "golden" {
  tags        = ["golden"]
  properties  = { os_distro = "ubuntu" }
  visibility  = "shared"
  most_recent = true
}

variable "tenant_project_ids" {
  type = set(string)
}

resource "glance_image_members" "golden" {
  image_id   = data.glance_image.golden.id
  member_ids = var.tenant_project_ids
}
