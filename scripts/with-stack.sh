#!/usr/bin/env bash
# Runs a command against the real stack: the one `npm run stack:up` started (.stack/env), or a
# temporary one that is stopped afterwards. The command finds the stack through STACK_ENV_FILE.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node "$root/scripts/build.ts" >/dev/null
if [ -z "${STACK_ENV_FILE:-}" ] && [ -f "$root/.stack/env" ]; then
  export STACK_ENV_FILE="$root/.stack/env"
elif [ -z "${STACK_ENV_FILE:-}" ]; then
  STACK_DIR=$(mktemp -d)
  export STACK_DIR STACK_ENV_FILE="$STACK_DIR/env"
  trap 'bash "$root/scripts/stack/down.sh" >/dev/null 2>&1 || true; rm -rf "$STACK_DIR"' EXIT INT TERM
  bash "$root/scripts/stack/up.sh" >&2
fi
"$@"
