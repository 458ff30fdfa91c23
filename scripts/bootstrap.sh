#!/usr/bin/env bash
# Runs a command on the project's Node (see .node-version) with npm dependencies installed.
# Used by the npm scripts a newcomer runs first (test, demo), so a fresh clone needs nothing else.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node_bin=$("$root/scripts/node24.sh")
export PATH="$node_bin:$root/node_modules/.bin:$PATH"
stamp="$root/node_modules/.lock-stamp"
want=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[bootstrap] installing npm packages" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$stamp"
fi
exec "$@"
