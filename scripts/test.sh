#!/usr/bin/env bash
# npm test: starts a private real stack (its own STACK_DIR outside the repo, so a developer's
# .stack is untouched), runs the unit and integration tests against it, and always stops it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
t0=$(date +%s%N)

STACK_DIR=$(mktemp -d /tmp/svs-test.XXXXXX)
export STACK_DIR
node_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ -n "$node_pid" ]; then kill -TERM "$node_pid" 2>/dev/null || true; fi
  bash "$root/scripts/stack/down.sh" || true
  rm -rf "$STACK_DIR"
}
trap cleanup EXIT
# Signals: clean up (via the EXIT trap) and exit with the conventional status.
trap 'exit 130' INT
trap 'exit 143' TERM

# The integration tests run dist/ as the runner does: build it from the sources first.
node "$root/scripts/build.ts" >/dev/null
bash "$root/scripts/stack/up.sh"
export STACK_ENV_FILE=$STACK_DIR/env

# In the background + wait, so a TERM/INT to this script runs the traps at once (bash defers
# traps while a foreground child runs).
status=0
node --test --test-reporter=spec --test-concurrency=1 \
  "__tests__/unit/**/*.test.ts" "__tests__/integration/**/*.test.ts" &
node_pid=$!
wait "$node_pid" || status=$?
node_pid=

elapsed=$((($(date +%s%N) - t0) / 1000000))
echo "[test] total $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s (node --test exit $status)" >&2
exit "$status"
