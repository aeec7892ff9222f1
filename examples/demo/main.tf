# The demo run by `make demo`: the producer project shares its image with the consumer
# project, the consumer accepts it, and both sides read the result. Credentials come from the
# local cloud's clouds.yaml (OS_CLIENT_CONFIG_FILE): one provider configuration per project.
terraform {
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
  }
}

# The image's owner.
provider "glance" {
  cloud = "producer"
}

# The project the image is shared with.
provider "glance" {
  alias = "consumer"
  cloud = "consumer"
}

variable "image_name" {
  type        = string
  default     = "devcloud-shared"
  description = "The image to share: owned by the producer project, visibility shared."
}

variable "member_id" {
  type        = string
  description = "The project to share it with."
}

# Found by name, not a hard-coded ID.
data "glance_image" "shared" {
  name       = var.image_name
  visibility = "shared"
}

# The producer shares it...
resource "glance_image_member" "demo" {
  image_id  = data.glance_image.shared.id
  member_id = var.member_id
}

# ...and the consumer accepts it, with its own credentials.
resource "glance_image_member_acceptance" "demo" {
  provider = glance.consumer
  image_id = glance_image_member.demo.image_id
  status   = "accepted"
}

# The consumer's inbox: the images shared with it.
data "glance_shared_images" "inbox" {
  provider   = glance.consumer
  depends_on = [glance_image_member_acceptance.demo]
}

output "owner_sees" {
  description = "The membership as the owner's state has it after the last refresh."
  value = {
    image  = data.glance_image.shared.name
    member = glance_image_member.demo.member_id
    status = glance_image_member.demo.status
  }
}

output "consumer_inbox" {
  description = "The images shared with the consumer, with its answer."
  value       = [for i in data.glance_shared_images.inbox.images : "${i.name} (${i.id}) from ${i.owner}: ${i.member_status}"]
}
