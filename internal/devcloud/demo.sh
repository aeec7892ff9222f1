#!/usr/bin/env bash
# demo.sh — `make demo`: the whole story of sharing an image on the local cloud, told by
# Terraform. The producer project shares its image with the consumer project; the consumer
# accepts it through a second provider configuration; the owner's refresh shows `accepted`;
# the consumer's inbox lists it; destroy issues the remove-member call and Glance's member
# list is empty again. Expects the provider binary in $1 and a running devcloud (make demo
# does both).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bindir=$1
dir=${DEVCLOUD_DIR:-$repo/.devcloud}
# shellcheck source=/dev/null
. "$dir/env"

work="$dir/demo"
rm -rf "$work" && mkdir -p "$work"
cp "$repo/examples/demo/main.tf" "$work/"
# A filesystem mirror holding the binary just built: Terraform installs it like a released
# provider, so no development-override warnings clutter the output.
plugin="$work/mirror/registry.terraform.io/glancetf/glance/0.0.1/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$plugin" && cp "$bindir/terraform-provider-glance" "$plugin/terraform-provider-glance_v0.0.1"
cat >"$work/demo.tfrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["glancetf/glance"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/demo.tfrc" TF_IN_AUTOMATION=1
export TF_VAR_member_id=$GLANCE_DEVCLOUD_CONSUMER_PROJECT_ID
image=$GLANCE_DEVCLOUD_SHARED_IMAGE_ID consumer=$GLANCE_DEVCLOUD_CONSUMER_PROJECT_ID
members() { (cd "$repo" && go run ./internal/devcloud/devcloudctl members -cloud producer "$image"); }
tf() { terraform -chdir="$work" "$@" -no-color; }
step() { printf '\n== %s\n' "$*"; }

step "0. Glance before: members of image devcloud-shared ($image), as the producer sees them"
members | tee "$work/before.txt"
if grep -q "member $consumer" "$work/before.txt"; then
  echo "(left over from an interrupted run: removing it, so the demo starts clean)"
  (cd "$repo" && go run ./internal/devcloud/devcloudctl unshare -cloud producer "$image" "$consumer")
fi
tf init -input=false >/dev/null

step "1. terraform apply: the producer shares the image with project consumer ($consumer), and the consumer accepts it"
tf apply -auto-approve -input=false -compact-warnings | grep -E ': Creation complete|^Apply complete'

step "2. terraform apply -refresh-only: the owner's refresh reads the consumer's answer"
tf apply -refresh-only -auto-approve -input=false -compact-warnings >/dev/null
tf output owner_sees | tee "$work/owner-sees.txt"
grep -q '"status" = "accepted"' "$work/owner-sees.txt"

step "3. The consumer's inbox (data.glance_shared_images, with the consumer's credentials)"
tf output consumer_inbox | tee "$work/inbox.txt"
grep -q "$image.*accepted" "$work/inbox.txt"

step "4. terraform plan: nothing to change"
tf plan -detailed-exitcode -input=false >/dev/null && echo "No changes."

step "5. Glance after apply"
members | tee "$work/after-apply.txt"
grep -q "member $consumer status accepted" "$work/after-apply.txt"

step "6. terraform destroy: the consumer's answer goes back to pending, then the remove-member call"
tf destroy -auto-approve -input=false -compact-warnings | grep -E ': Destruction complete|^Destroy complete'

step "7. Glance after destroy"
members | tee "$work/after-destroy.txt"
if grep -q "member $consumer" "$work/after-destroy.txt"; then
  echo "demo: FAILED, the membership is still there" >&2
  exit 1
fi
echo
echo "demo: OK — shared, accepted, seen from both sides, removed."
