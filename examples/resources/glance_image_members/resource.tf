variable "tenant_project_ids" {
  description = "Every project the golden image is shared with."
  type        = set(string)
}

# The image's whole member list: projects not listed here lose access on the next apply.
resource "glance_image_members" "golden" {
  image_id   = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
  member_ids = var.tenant_project_ids
}

output "answers" {
  description = "Each tenant's answer: pending, accepted or rejected."
  value       = glance_image_members.golden.member_status
}
