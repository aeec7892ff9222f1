# The demo run by `make demo`: the producer project shares its image with the consumer
# project. Credentials come from the local cloud's clouds.yaml (OS_CLIENT_CONFIG_FILE).
terraform {
  required_providers {
    glance = {
      source = "glancetf/glance"
    }
  }
}

provider "glance" {
  cloud = "producer"
}

variable "image_id" {
  type        = string
  description = "The image to share (owned by the producer project, visibility shared)."
}

variable "member_id" {
  type        = string
  description = "The project to share it with."
}

resource "glance_image_member" "demo" {
  image_id  = var.image_id
  member_id = var.member_id
}

output "membership" {
  value = {
    id         = glance_image_member.demo.id
    status     = glance_image_member.demo.status
    created_at = glance_image_member.demo.created_at
  }
}
