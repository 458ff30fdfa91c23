#!/usr/bin/env bash
# stack:down — stops the processes the stack in $STACK_DIR started (by their recorded pids,
# TERM then KILL), removes its temp dir and $STACK_DIR/env + state. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

if [ ! -f "$STATE_FILE" ]; then
  rm -f "$ENV_FILE"
  log "no stack recorded in $STACK_DIR; nothing to stop"
  exit 0
fi
dir=$(kv_get "$STATE_FILE" STACK_STATE_DIR)
for name in "${STACK_PROCS[@]}"; do
  stop_pid "$(kv_get "$STATE_FILE" "STACK_PID_$name")" "$dir"
done
# Remove only a temp dir that up.sh made (guards against a corrupted state file).
if [ -n "$dir" ] && [ -f "$dir/.svs-stack" ]; then rm -rf "$dir"; fi
rm -f "$ENV_FILE" "$STATE_FILE"
log "stack stopped"
