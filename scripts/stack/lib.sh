# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file
# Shared by up.sh, down.sh and ctl.sh: where the stack's files are, and how its processes are
# started, recognised, stopped and waited for.

STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_DIR=${STACK_DIR:-$STACK_ROOT/.stack}
STATE_FILE=$STACK_DIR/state
ENV_FILE=$STACK_DIR/env
# Every process the stack starts carries this variable (value: the stack's temp dir) in its
# environment, so down.sh stops only processes it started even if a recorded pid was reused.
MARKER_VAR=SVS_STACK_STATE
# Names of the recorded processes, in the order they are stopped.
STACK_PROCS=(SPIRE_AGENT REGISTRY REGISTRY2 REGISTRY_AUTH BAO VAULT SPIRE_SERVER)

TRUST_DOMAIN=spiffe-vault.test
NODE_ID=spiffe://$TRUST_DOMAIN/ci-node
SPIFFE_ID=spiffe://$TRUST_DOMAIN/ci/runner
WORKLOAD_DNS_NAME=ci-runner.$TRUST_DOMAIN
AUDIENCE=vault
TRANSIT_KEY=cosign
SERVER_SOCK_NAME=server.sock
AGENT_SOCK_NAME=agent.sock

log() { printf '[stack] %s\n' "$*" >&2; }

# kv_get FILE KEY: the value of KEY in a KEY=value file ('' if absent).
kv_get() { sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -n1; }

# kv_set FILE KEY VALUE: replaces or appends KEY atomically (temp file + rename).
kv_set() {
  local file=$1 key=$2 value=$3 tmp
  tmp=$(mktemp "$file.XXXXXX")
  { if [ -f "$file" ]; then grep -v "^$key=" "$file" || true; fi
    printf '%s=%s\n' "$key" "$value"; } > "$tmp"
  mv -f "$tmp" "$file"
}

# alive PID: the process exists and is not a zombie.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$(printf '%s' "${stat##*) }" | cut -c1)" != Z ]
}

# ours PID STATE_DIR: the process was started by the stack whose temp dir is STATE_DIR.
ours() {
  [ -n "$1" ] && alive "$1" &&
    tr '\0' '\n' < "/proc/$1/environ" 2>/dev/null | grep -qxF "$MARKER_VAR=$2"
}

# stop_pid PID STATE_DIR: TERM, wait up to 5 s, then KILL. Ignores processes not ours.
stop_pid() {
  local pid=$1 dir=$2 i
  ours "$pid" "$dir" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do alive "$pid" || return 0; sleep 0.1; done
  log "pid $pid ignored TERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do alive "$pid" || return 0; sleep 0.1; done
}

# start_proc NAME STATE_DIR LOGFILE CMD...: starts CMD in the background, detached from our
# stdio (so callers that capture output do not wait for it), and records its pid in the state
# file as STACK_PID_<NAME>. Sets START_PID.
start_proc() {
  local name=$1 dir=$2 logf=$3; shift 3
  env "$MARKER_VAR=$dir" "$@" < /dev/null >> "$logf" 2>&1 &
  START_PID=$!
  kv_set "$STATE_FILE" "STACK_PID_$name" "$START_PID"
}

# show_log FILE: the last lines of a log, with secrets masked (OpenBao's dev banner prints the
# root token; SECRET_PATTERN, when set, masks other known values).
show_log() {
  [ -f "$1" ] || return 0
  log "last lines of $1:"
  local exprs=(-e 's/(Root Token|Unseal Key|token)([:=] *)[^ ]+/\1\2<redacted>/I')
  [ -z "${SECRET_PATTERN:-}" ] || exprs+=(-e "s/$SECRET_PATTERN/<redacted>/g")
  tail -n 40 "$1" | sed -E "${exprs[@]}" >&2
}

# wait_until TIMEOUT_S PID LOGFILE WHAT CMD...: polls CMD (quietly) until it succeeds. Fails
# (message + log tail) when the timeout passes or the process PID dies first.
wait_until() {
  local timeout=$1 pid=$2 logf=$3 what=$4 deadline; shift 4
  deadline=$(($(date +%s) + timeout))
  until "$@" > /dev/null 2>&1; do
    if ! alive "$pid"; then log "FAILED: $what: the process (pid $pid) exited"; show_log "$logf"; return 1; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then log "FAILED: $what: not within ${timeout}s"; show_log "$logf"; return 1; fi
    sleep 0.2
  done
}

# agent_start BIN STATE_DIR: starts the SPIRE agent with a new join token. The agent keeps its
# private key in memory, so a restarted agent cannot reuse its old SVID and must attest again,
# and a join token is valid once: each start gets a fresh token. Every token maps to the same
# node alias NODE_ID, the parent of the workload entry. Sets START_PID.
agent_start() {
  local bin=$1 dir=$2 token
  token=$("$bin/spire-server" token generate -socketPath "$dir/$SERVER_SOCK_NAME" \
    -spiffeID "$NODE_ID" -ttl 600 | sed -n 's/^Token: //p')
  [ -n "$token" ] || { log "FAILED: spire-server token generate"; return 1; }
  start_proc SPIRE_AGENT "$dir" "$dir/spire-agent.log" \
    "$bin/spire-agent" run -config "$dir/agent.conf" -joinToken "$token"
}

# agent_wait_ready BIN STATE_DIR PID: waits until the agent is healthy and hands this uid its
# JWT-SVID (registration entries reach an agent a few seconds after they are created).
agent_wait_ready() {
  local bin=$1 dir=$2 pid=$3
  wait_until 60 "$pid" "$dir/spire-agent.log" "spire-agent healthcheck" \
    "$bin/spire-agent" healthcheck -socketPath "$dir/$AGENT_SOCK_NAME"
  wait_until 60 "$pid" "$dir/spire-agent.log" "spire-agent api fetch jwt" \
    "$bin/spire-agent" api fetch jwt -audience "$AUDIENCE" -socketPath "$dir/$AGENT_SOCK_NAME"
}
