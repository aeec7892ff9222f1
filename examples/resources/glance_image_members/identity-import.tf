# The same by identity (Terraform 1.12+); region is optional (the provider's).
import {
  to = glance_image_members.golden
  identity = {
    image_id = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
    region   = "RegionOne"
  }
}
