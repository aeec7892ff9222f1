# The image owner shares; the tenant project accepts. Each side uses its own credentials.
provider "glance" {
  alias = "owner"
  cloud = "image-publisher"
}

provider "glance" {
  alias = "tenant"
  cloud = "tenant-a"
}

data "glance_image" "golden" {
  provider = glance.owner
  name     = "golden-ubuntu-24.04"
}

resource "glance_image_member" "tenant_a" {
  provider  = glance.owner
  image_id  = data.glance_image.golden.id
  member_id = "0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5"
}

resource "glance_image_member_acceptance" "tenant_a" {
  provider = glance.tenant
  image_id = glance_image_member.tenant_a.image_id
  # member_id defaults to the tenant provider's project; status defaults to "accepted".
}
