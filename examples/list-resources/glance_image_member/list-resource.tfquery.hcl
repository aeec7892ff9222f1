# Every membership of one image; leave config out for every shared image the project owns.
list "glance_image_member" "golden" {
  provider         = glance
  include_resource = true

  config {
    image_id = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
  }
}
