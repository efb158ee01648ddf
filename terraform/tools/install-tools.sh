#!/usr/bin/env bash
# Installs what the Terraform tests need into terraform/.tools (git-ignored), from the npm registry:
#   - @cdktf/hcl2json: HashiCorp's HCL parser (Go, compiled to WASM) - parses every .tf file offline;
#   - the CDK-for-Terraform provider packages, as tarballs (npm pack, not installed: ~30 MB each
#     compressed, ~270 MB unpacked): provider-schema.mjs unpacks only the types the modules use.
# Idempotent: what is already there is not fetched again. Needs node and npm.
set -euo pipefail

HCL2JSON_VERSION=0.21.0
# Each package pins one provider version (package.json "cdktf.provider"): azurerm 4.55.0, google 6.50.0.
AZURERM_PACKAGE=@cdktf/provider-azurerm@14.23.1
GOOGLE_PACKAGE=@cdktf/provider-google@16.12.1

here="$(cd "$(dirname "$0")" && pwd)"
tools="${DBRE_TERRAFORM_TOOLS:-$here/../.tools}"
mkdir -p "$tools/providers"

for cmd in node npm; do
  command -v "$cmd" >/dev/null || { echo "install-tools: $cmd is not installed" >&2; exit 3; }
done

if [ ! -f "$tools/node_modules/@cdktf/hcl2json/package.json" ] \
  || ! grep -q "\"version\": \"$HCL2JSON_VERSION\"" "$tools/node_modules/@cdktf/hcl2json/package.json"; then
  npm install --no-audit --no-fund --no-save --prefix "$tools" "@cdktf/hcl2json@$HCL2JSON_VERSION" >&2
fi

for pkg in "$AZURERM_PACKAGE" "$GOOGLE_PACKAGE"; do
  name="${pkg%@*}"; version="${pkg##*@}"
  tarball="$tools/providers/$(echo "${name#@}" | tr / -)-$version.tgz"
  if [ ! -s "$tarball" ]; then
    (cd "$tools/providers" && npm pack --silent "$pkg" >/dev/null)
  fi
  echo "$tarball"
done
