# Who has not answered yet? (as the image's owner)
data "glance_image" "golden" {
  name = "golden-ubuntu-24.04"
}

data "glance_image_members" "waiting" {
  image_id = data.glance_image.golden.id
  status   = "pending"
}

output "projects_still_pending" {
  value = data.glance_image_members.waiting.members[*].member_id
}
