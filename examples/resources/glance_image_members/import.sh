# The ID is the image ID; the import adopts the image's current member list.
terraform import glance_image_members.golden 3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77
