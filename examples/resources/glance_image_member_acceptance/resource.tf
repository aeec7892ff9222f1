# The image owner shares; the tenant project accepts. Each side uses its own credentials.
provider "glance" {
  alias = "owner"
  cloud = "image-publisher"
}

provider "glance" {
  alias = "tenant"
  cloud = "tenant-a"
}

resource "glance_image_member" "tenant_a" {
  provider  = glance.owner
  image_id  = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
  member_id = "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
}

resource "glance_image_member_acceptance" "tenant_a" {
  provider = glance.tenant
  image_id = glance_image_member.tenant_a.image_id
  # member_id defaults to the tenant provider's project; status defaults to "accepted".
}
