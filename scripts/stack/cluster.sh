#!/usr/bin/env bash
# A Raft cluster of the server the stack tests (STACK_VAULT: openbao, the default, or hashicorp)
# on loopback, next to the stack's dev servers: 3 nodes (HA: one active, two standbys) or 1 (a
# single server with real storage, to kill and restart). Integrated storage, retry_join among the
# nodes, initialized with one unseal key (kept in the cluster's dir, mode 0600) and configured
# like the dev servers (configure.sh). Tests start it when they need it; up.sh does not.
#   cluster.sh start [--nodes 1|3] [DIR]  start, init, unseal, configure; DIR defaults to
#                                         <stack temp dir>/raft-cluster
#   cluster.sh stop [DIR]         stop the nodes, remove DIR
#   cluster.sh kill IDX [DIR]     SIGKILL node IDX, keeping its data
#   cluster.sh restart IDX [DIR]  start node IDX again from its data and unseal it
#   cluster.sh boot IDX [DIR]     start node IDX again from its data, left sealed
#   cluster.sh unseal IDX [DIR]   unseal node IDX and wait until it serves
#   cluster.sh seal IDX [DIR]     seal node IDX (sys/seal through that node; a Vault standby,
#                                 which cannot seal, is restarted and left sealed)
# DIR/env: CLUSTER_NODE<i>_ADDR, CLUSTER_PID_NODE<i>, CLUSTER_ROOT_TOKEN_FILE, CLUSTER_DIR,
# CLUSTER_NODES, CLUSTER_SERVER. The stack is found through STACK_ENV_FILE (default $STACK_DIR/env).
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
t0=$(date +%s%N)

usage() { log "usage: cluster.sh start [--nodes 1|3] [DIR] | stop [DIR] | kill|restart|boot|unseal|seal IDX [DIR]"; exit 2; }
cmd=${1:-}; shift || true
count=3
case "$cmd" in
  start)
    if [ "${1:-}" = --nodes ]; then count=${2:-}; shift 2 || usage; fi
    [[ "$count" =~ ^[13]$ ]] || usage
    idx='' ;;
  stop) idx='' ;;
  kill | restart | boot | unseal | seal) idx=${1:-}; shift || true; [[ "$idx" =~ ^[0-2]$ ]] || usage ;;
  *) usage ;;
esac
stack_env=${STACK_ENV_FILE:-$ENV_FILE}
if [ -f "$stack_env" ]; then
  BIN=$(kv_get "$stack_env" STACK_BIN)
  S=$(kv_get "$stack_env" STACK_STATE_DIR)
elif [ "$cmd" != stop ]; then
  log "no stack env at $stack_env (run: npm run stack:up)"; exit 1
fi
D=${1:-${S:?no stack env and no DIR}/raft-cluster}
# start_proc records pids in STATE_FILE: here, the cluster's own env file.
STATE_FILE=$D/env
if [ "$cmd" = start ]; then
  server=${STACK_VAULT:-$(kv_get "$stack_env" STACK_VAULT)}
else
  count=$(kv_get "$STATE_FILE" CLUSTER_NODES)
  server=$(kv_get "$STATE_FILE" CLUSTER_SERVER)
fi
count=${count:-3}
[ -z "$idx" ] || [ "$idx" -lt "$count" ] || { log "no node $idx: the cluster has $count"; exit 2; }
# The server's CLI and the prefix of its variables (VAULT_ADDR or BAO_ADDR, ...).
case "${server:=openbao}" in
  openbao) CLI=bao P=BAO_ ;;
  hashicorp) CLI=vault P=VAULT_ ;;
  *) log "STACK_VAULT must be openbao or hashicorp, not '$server'"; exit 2 ;;
esac
mapfile -t NODES < <(seq 0 $((count - 1)))
while read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(VAULT|BAO)_' || true)

addr() { kv_get "$STATE_FILE" "CLUSTER_NODE$1_ADDR"; }
# on IDX CMD...: CMD with the node's address (and the root token, once there is one) in the
# variables of the server's CLI; exported by the shell, so the token never goes on a command line.
on() {
  local node=$1; shift
  (
    export "${P}ADDR=$(addr "$node")"
    if [ -f "$D/root-token" ]; then export "${P}TOKEN=$(cat "$D/root-token")"; fi
    "$@"
  )
}
http_code() { curl -sS --noproxy '*' -m 2 -o /dev/null -w '%{http_code}' "$@" || true; }
# sys/health: 200 active, 429 standby, 503 sealed, 501 not initialized.
health_is() { [ "$(http_code "$(addr "$1")/v1/sys/health")" = "$2" ]; }
listening() { health_is "$1" 501 || health_is "$1" 503; }
unsealed() { health_is "$1" 200 || health_is "$1" 429; }
# A restarted node is ready when it serves: alone, as the active node; in a cluster, as a standby
# that knows the active node (until then Vault answers 500 "active cluster node not found").
knows_leader() { curl -fsS --noproxy '*' -m 2 "$(addr "$1")/v1/sys/leader" | grep -q '"leader_address":"http'; }
ready() { if [ "$count" = 1 ]; then health_is "$1" 200; else unsealed "$1" && knows_leader "$1"; fi; }
unseal() { # IDX: the key goes in a request body from a 0600 file, never on a command line.
  curl -fsS --noproxy '*' -m 5 -o /dev/null -X PUT --data "@$D/unseal.json" "$(addr "$1")/v1/sys/unseal"
}
start_node() { # IDX
  start_proc "NODE$1" "$D" "$D/node$1.log" env HOME="$D" "$BIN/$CLI" server -config="$D/node$1.hcl"
  kv_set "$STATE_FILE" "CLUSTER_PID_NODE$1" "$START_PID"
  wait_until 20 "$START_PID" "$D/node$1.log" "node $1 listening" listening "$1"
}
pid_of() { kv_get "$STATE_FILE" "CLUSTER_PID_NODE$1"; }
kill_node() { # IDX
  local pid
  pid=$(pid_of "$1")
  if ours "$pid" "$D"; then kill -KILL "$pid"; while alive "$pid"; do sleep 0.05; done; fi
}
elapsed() { local ms=$((($(date +%s%N) - t0) / 1000000)); echo "$((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"; }

case "$cmd" in
  stop)
    [ -f "$STATE_FILE" ] || { log "no cluster in $D"; exit 0; }
    for i in "${NODES[@]}"; do stop_pid "$(pid_of "$i")" "$D"; done
    if [ -f "$D/.svs-cluster" ]; then rm -rf "$D"; fi
    log "cluster stopped"
    exit 0 ;;
  kill)
    kill_node "$idx"
    exit 0 ;;
  restart | boot | unseal)
    if [ "$cmd" != unseal ]; then
      ! ours "$(pid_of "$idx")" "$D" || { log "node $idx is running"; exit 1; }
      start_node "$idx"
      [ "$cmd" = restart ] || exit 0
    fi
    unseal "$idx"
    wait_until 20 "$(pid_of "$idx")" "$D/node$idx.log" "node $idx unsealed" ready "$idx"
    log "node $idx serves again ($cmd) in $(elapsed)"
    exit 0 ;;
  seal)
    if [ "$server" = hashicorp ] && ! health_is "$idx" 200; then
      # Vault seals its active node only ("cannot seal when in standby mode; please restart
      # instead"): a standby is started again from its data and left sealed.
      kill_node "$idx"
      start_node "$idx"
    else
      on "$idx" "$BIN/$CLI" operator seal > /dev/null
    fi
    exit 0 ;;
esac

# start
[ ! -e "$D" ] || { log "$D exists: stop that cluster first (cluster.sh stop $D)"; exit 1; }
mkdir -p "$D"
chmod 700 "$D"
touch "$D/.svs-cluster" "$STATE_FILE"
kv_set "$STATE_FILE" CLUSTER_NODES "$count"
kv_set "$STATE_FILE" CLUSTER_SERVER "$server"
ok=0
trap 'log "FAILED at line $LINENO: $BASH_COMMAND"' ERR
trap '[ "$ok" = 1 ] || { log "cluster start failed; stopping it"; for i in "${NODES[@]}"; do show_log "$D/node$i.log"; done; bash "$0" stop "$D" || true; }' EXIT
NODE=$("$STACK_ROOT/scripts/node24.sh")/node
read -r -a ports <<< "$("$NODE" "$here/helper.ts" free-ports $((2 * count)))"
for i in "${NODES[@]}"; do kv_set "$STATE_FILE" "CLUSTER_NODE${i}_ADDR" "http://127.0.0.1:${ports[$i]}"; done
for i in "${NODES[@]}"; do
  mkdir -p "$D/node$i"
  {
    echo "storage \"raft\" {"
    echo "  path = \"$D/node$i\""
    echo "  node_id = \"node$i\""
    # A leader is elected in ~1 s instead of ~5 s (the default multiplier is 5).
    echo "  performance_multiplier = 1"
    # Autopilot promotes a joined node to voter when it reconciles (every 10 s by default).
    echo "  autopilot_reconcile_interval = \"500ms\""
    echo "  autopilot_update_interval = \"250ms\""
    for j in "${NODES[@]}"; do
      [ "$j" = "$i" ] || echo "  retry_join { leader_api_addr = \"$(addr "$j")\" }"
    done
    echo "}"
    echo "listener \"tcp\" {"
    echo "  address = \"127.0.0.1:${ports[$i]}\""
    echo "  cluster_address = \"127.0.0.1:${ports[$((i + count))]}\""
    echo "  tls_disable = true"
    echo "}"
    echo "api_addr = \"$(addr "$i")\""
    echo "cluster_addr = \"https://127.0.0.1:${ports[$((i + count))]}\""
    echo "log_level = \"info\""
    if [ "$server" = openbao ]; then
      # As on the dev server (up.sh): the load benchmark enables a file audit device for a while.
      echo "unsafe_allow_api_audit_creation = true"
    else
      # Vault locks its memory unless told not to; its docs advise against it with raft storage
      # (and a process without CAP_IPC_LOCK cannot).
      echo "disable_mlock = true"
    fi
  } > "$D/node$i.hcl"
done
for i in "${NODES[@]}"; do start_node "$i"; done

(umask 077 && on 0 "$BIN/$CLI" operator init -key-shares=1 -key-threshold=1 -format=json > "$D/init.json")
(umask 077
  "$NODE" -e 'const i = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    require("fs").writeFileSync(process.argv[2], JSON.stringify({ key: i.unseal_keys_b64[0] }));
    require("fs").writeFileSync(process.argv[3], i.root_token);' "$D/init.json" "$D/unseal.json" "$D/root-token")
kv_set "$STATE_FILE" CLUSTER_ROOT_TOKEN_FILE "$D/root-token"
kv_set "$STATE_FILE" CLUSTER_DIR "$D"
unseal 0
wait_until 20 "$(pid_of 0)" "$D/node0.log" "node 0 active" health_is 0 200
configure() {
  on 0 env NODE="$NODE" bash "$here/configure.sh" "$BIN/$CLI" \
    "$S/jwt-config.json" "$S/bootstrap.pem" "$S/tls/ca.pem" > "$D/setup.log" 2>&1
}
if [ "$count" = 1 ]; then
  configure || { log "FAILED: configuring the server"; show_log "$D/setup.log"; exit 1; }
  chmod 600 "$STATE_FILE"
  ok=1
  log "single $server server with raft storage is up in $(elapsed) (env: $STATE_FILE)"
  exit 0
fi
# Autopilot promotes a joined node to voter after it has been stable for 10 s by default.
# (`operator raft autopilot set-config -server-stabilization-time` leaves it unchanged on OpenBao.)
on 0 "$BIN/$CLI" write sys/storage/raft/autopilot/configuration server_stabilization_time=500ms > /dev/null
# Configured while the others join (writes commit on the active node alone until they vote).
configure &
setup=$!
# retry_join would join the others within its 2 s retry interval; an explicit join is at once.
# Each then needs the key to finish joining.
for i in 1 2; do on "$i" "$BIN/$CLI" operator raft join "$(addr 0)" > /dev/null; unseal "$i"; done
for i in 1 2; do wait_until 20 "$(pid_of "$i")" "$D/node$i.log" "node $i standby" health_is "$i" 429; done
voters() { on 0 "$BIN/$CLI" operator raft list-peers -format=json | grep -c '"voter": true' | grep -qx 3; }
wait_until 20 "$(pid_of 0)" "$D/node0.log" "3 raft voters" voters

wait "$setup" || { log "FAILED: configuring the cluster"; show_log "$D/setup.log"; exit 1; }
chmod 600 "$STATE_FILE"
ok=1
log "raft cluster of $server is up in $(elapsed) (env: $STATE_FILE)"
