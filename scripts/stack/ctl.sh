#!/usr/bin/env bash
# Fault injection for tests against a running stack:
#   ctl.sh stop  spire-agent|spire-server|bao|vault|registry   stop one process (TERM, then KILL)
#   ctl.sh start spire-agent                             start the agent again, wait until ready
#   ctl.sh status NAME                                   exit 0 if the process runs
# The new agent pid is written to $STACK_DIR/env and state, so down.sh still stops it. Only
# the agent can be restarted: a restarted SPIRE server (in-memory keys) or Vault/OpenBao dev
# server (in-memory storage) would come back as a different, unconfigured stack.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

usage() { log "usage: ctl.sh stop|start|status spire-agent|spire-server|bao|vault|registry"; exit 2; }
[ $# -eq 2 ] || usage
if [ ! -f "$STATE_FILE" ] || [ ! -f "$ENV_FILE" ]; then
  log "no running stack in $STACK_DIR (run: npm run stack:up)"; exit 1
fi
case "$2" in
  spire-agent) name=SPIRE_AGENT ;; spire-server) name=SPIRE_SERVER ;;
  bao) name=BAO ;; vault) name=VAULT ;; registry) name=REGISTRY ;; *) usage ;;
esac
dir=$(kv_get "$STATE_FILE" STACK_STATE_DIR)
pid=$(kv_get "$STATE_FILE" "STACK_PID_$name")

case "$1" in
  stop) stop_pid "$pid" "$dir" ;;
  status) ours "$pid" "$dir" ;;
  start)
    [ "$name" = SPIRE_AGENT ] || { log "only spire-agent can be restarted"; exit 2; }
    if ours "$pid" "$dir"; then log "spire-agent is already running"; exit 0; fi
    bin=$(kv_get "$ENV_FILE" STACK_BIN)
    agent_start "$bin" "$dir"
    kv_set "$ENV_FILE" STACK_PID_SPIRE_AGENT "$START_PID"
    agent_wait_ready "$bin" "$dir" "$START_PID"
    ;;
  *) usage ;;
esac
