# One result per image the project owns that has members: its whole member list.
list "glance_image_members" "all" {
  provider         = glance
  include_resource = true
}
