# The tenant's side: find the golden image shared with this project by name before answering,
# and accept it. "all", not "pending": once accepted, the image must still be found.
data "glance_image" "shared_golden" {
  name          = "golden-ubuntu-24.04"
  member_status = "all"
}

resource "glance_image_member_acceptance" "golden" {
  image_id = data.glance_image.shared_golden.id
}
