# A tenant's inbox: accept every image the platform project shares with it.
variable "platform_project_id" {
  type = string
}

# All statuses, not just "pending": an image must stay in the list once accepted, or the
# next plan would destroy its acceptance.
data "glance_shared_images" "platform" {
  owner = var.platform_project_id
}

resource "glance_image_member_acceptance" "platform" {
  for_each = { for img in data.glance_shared_images.platform.images : img.id => img }

  image_id = each.key
}

output "images_waiting_elsewhere" {
  value = [for img in data.glance_shared_images.platform.images : img.name if img.member_status == "pending"]
}
