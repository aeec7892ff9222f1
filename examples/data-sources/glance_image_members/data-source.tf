# Who has not answered yet? (as the image's owner)
data "glance_image_members" "waiting" {
  image_id = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
  status   = "pending"
}

output "projects_still_pending" {
  value = data.glance_image_members.waiting.members[*].member_id
}
