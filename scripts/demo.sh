#!/usr/bin/env bash
# npm run demo: the main job end to end on the local real stack. Uses a running stack
# (.stack/env from `npm run stack:up`) or starts a temporary one and stops it afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node "$root/scripts/build.ts" >/dev/null
if [ -f "$root/.stack/env" ] && [ -z "${STACK_ENV_FILE:-}" ]; then
  export STACK_ENV_FILE="$root/.stack/env"
elif [ -z "${STACK_ENV_FILE:-}" ]; then
  STACK_DIR=$(mktemp -d)
  export STACK_DIR STACK_ENV_FILE="$STACK_DIR/env"
  trap 'bash "$root/scripts/stack/down.sh" >/dev/null 2>&1 || true; rm -rf "$STACK_DIR"' EXIT INT TERM
  bash "$root/scripts/stack/up.sh" >&2
fi
node "$root/scripts/demo.ts"
