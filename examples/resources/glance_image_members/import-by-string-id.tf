# Adopt an image's current member list (Terraform 1.5+): the ID is the image ID.
import {
  to = glance_image_members.golden
  id = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
}
