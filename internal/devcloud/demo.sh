#!/usr/bin/env bash
# demo.sh — `make demo`: share the local cloud's image from producer with consumer through
# Terraform, show the membership, destroy it (the remove-member call) and show it is gone.
# Expects the provider binary in $1 and a running devcloud (make demo does both).
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
# dev_overrides: Terraform uses the binary we just built, no registry involved.
cat >"$work/dev.tfrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/glancetf/glance" = "$bindir"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" TF_IN_AUTOMATION=1
export TF_VAR_image_id=$GLANCE_DEVCLOUD_SHARED_IMAGE_ID TF_VAR_member_id=$GLANCE_DEVCLOUD_CONSUMER_PROJECT_ID
members() { (cd "$repo" && go run ./internal/devcloud/devcloudctl members -cloud producer "$GLANCE_DEVCLOUD_SHARED_IMAGE_ID"); }
tf() { terraform -chdir="$work" "$@"; }

echo "== Glance before: members of image $GLANCE_DEVCLOUD_SHARED_IMAGE_ID (as producer)"
members | tee "$work/before.txt"
if grep -q "member $GLANCE_DEVCLOUD_CONSUMER_PROJECT_ID" "$work/before.txt"; then
  echo "(left over from an interrupted run: removing it, so the demo starts clean)"
  (cd "$repo" && go run ./internal/devcloud/devcloudctl unshare -cloud producer "$GLANCE_DEVCLOUD_SHARED_IMAGE_ID" "$GLANCE_DEVCLOUD_CONSUMER_PROJECT_ID")
fi
echo
echo "== terraform apply: share it with project consumer ($GLANCE_DEVCLOUD_CONSUMER_PROJECT_ID)"
tf apply -auto-approve -input=false -no-color
echo
echo "== Glance after apply"
members | tee "$work/after-apply.txt"
grep -q "member $GLANCE_DEVCLOUD_CONSUMER_PROJECT_ID status pending" "$work/after-apply.txt"
echo
echo "== terraform plan: nothing to change"
tf plan -detailed-exitcode -input=false -no-color >/dev/null && echo "No changes."
echo
echo "== terraform destroy: the remove-member call"
tf destroy -auto-approve -input=false -no-color
echo
echo "== Glance after destroy"
members | tee "$work/after-destroy.txt"
if grep -q "member $GLANCE_DEVCLOUD_CONSUMER_PROJECT_ID" "$work/after-destroy.txt"; then
  echo "demo: FAILED, the membership is still there" >&2
  exit 1
fi
echo
echo "demo: OK — shared, shown, removed."
