#!/usr/bin/env bash
# Builds the Terraform and OpenTofu versions the test matrix runs beside the Terraform on PATH
# into DIR (bash build-tools.sh DIR), from the Go module proxy, once: a binary already there is
# kept. Each is built from a copy of its source without the cloud remote-state backends (azure,
# consul, cos, gcs, kubernetes, oci, oss, pg, s3): Terraform's go.mod replaces them (and
# internal/legacy, which only they use) with nested modules that a module download does not
# contain; OpenTofu's would build, but their SDKs are most of its compile time. The local, http,
# inmem, remote and cloud backends stay, which is all that tests with local state need.
set -euo pipefail

dest=$(realpath -m "${1:?usage: build-tools.sh DIR}")
mkdir -p "$dest"
export GOFLAGS=-mod=mod

# source MODULE@VERSION prints the module's directory in the module cache, downloading it.
source_dir() {
  (cd / && go mod download -json "$1") | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}

# build NAME VERSION MODULE builds MODULE's ./cmd/NAME (Terraform: the module root) as
# DIR/NAME-VERSION, with the version reported without its -dev marker.
build() {
  local name=$1 version=$2 module=$3 out="$dest/$1-$2"
  if [ -x "$out" ]; then
    echo "build-tools: $out is there"
    return
  fi
  local start=$SECONDS src pkg=./cmd/$name
  src=$(source_dir "$module@v$version")
  [ -n "$src" ] || { echo "build-tools: $module@v$version could not be downloaded" >&2; exit 1; }
  local copy
  copy=$(mktemp -d)
  trap 'rm -rf "$copy"' RETURN
  cp -r "$src/." "$copy"
  chmod -R u+w "$copy"
  sed -i -E '/remote-state\/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)"/d; /backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\.New\(/d' \
    "$copy/internal/backend/init/init.go"
  if [ "$name" = terraform ]; then
    sed -i '/github.com\/hashicorp\/terraform\/internal\//d' "$copy/go.mod"
    pkg=.
  fi
  src=$copy
  echo "build-tools: building $name $version from $module@v$version"
  (cd "$src" && go build -trimpath -ldflags "-X $module/version.dev=no" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  echo "build-tools: $out built in $((SECONDS - start)) s"
}

build tofu 1.12.6 github.com/opentofu/opentofu
build tofu 1.10.6 github.com/opentofu/opentofu
build terraform 1.16.2 github.com/hashicorp/terraform
