variable "tenant_project_ids" {
  description = "Every project the golden image is shared with."
  type        = set(string)
}

# The newest image tagged "golden", rather than a hard-coded ID.
data "glance_image" "golden" {
  tags        = ["golden"]
  most_recent = true
}

# The image's whole member list: projects not listed here lose access on the next apply.
resource "glance_image_members" "golden" {
  image_id   = data.glance_image.golden.id
  member_ids = var.tenant_project_ids
}

output "answers" {
  description = "Each tenant's answer: pending, accepted or rejected."
  value       = glance_image_members.golden.member_status
}
