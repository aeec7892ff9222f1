# The image ID alone (the member is the provider's project), or <image_id>/<member_id>.
terraform import glance_image_member_acceptance.tenant_a 3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77
