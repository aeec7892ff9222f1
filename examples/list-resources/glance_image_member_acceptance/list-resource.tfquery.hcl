# The images shared with the provider's project that it has not answered yet.
list "glance_image_member_acceptance" "inbox" {
  provider         = glance
  include_resource = true

  config {
    status = "pending"
  }
}
