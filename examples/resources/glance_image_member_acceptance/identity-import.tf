# The same by identity (Terraform 1.12+); member_id is optional (the provider's project), and so
# is region (the provider's).
import {
  to = glance_image_member_acceptance.tenant_a
  identity = {
    image_id  = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
    member_id = "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
  }
}
