#!/usr/bin/env bash
# stack:up — starts the real local test stack: a SPIRE server and agent, two Vault servers
# configured alike for SPIFFE JWT login and transit signing (an OpenBao and a HashiCorp Vault dev
# server), and three OCI registries: crane's (with the referrers API), Debian's docker-registry
# (Distribution 2.8, without it) and a docker-registry that wants a password (htpasswd). All state
# lives in one fresh temp dir; $STACK_DIR/env (default <repo>/.stack/env) tells tests how to
# reach it. Its VAULT_ADDR and STACK_ADMIN_TOKEN name the server STACK_VAULT chooses (openbao,
# the default, or hashicorp); both servers are also there under STACK_OPENBAO_* and
# STACK_HASHICORP_*, and the tests' loadStackEnv() follows STACK_VAULT at the time they run. If the stack recorded in $STACK_DIR
# is still running, this reports it and exits 0 (it does not restart it: a developer's running
# demo or tests keep their stack). A half-dead recorded stack is stopped and replaced.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
t0=$(date +%s%N)

mkdir -p "$STACK_DIR"
if [ -f "$STATE_FILE" ]; then
  old_dir=$(kv_get "$STATE_FILE" STACK_STATE_DIR)
  running=1
  for name in "${STACK_PROCS[@]}"; do
    ours "$(kv_get "$STATE_FILE" "STACK_PID_$name")" "$old_dir" || running=0
  done
  if [ "$running" = 1 ] && [ -f "$ENV_FILE" ]; then
    log "a stack is already running (env: $ENV_FILE); stop it with: npm run stack:down"
    exit 0
  fi
  log "replacing an incomplete stack recorded in $STACK_DIR"
  bash "$here/down.sh"
fi

case "${STACK_VAULT:=openbao}" in openbao | hashicorp) ;; *)
  log "STACK_VAULT must be openbao or hashicorp, not '$STACK_VAULT'"; exit 2 ;;
esac
BIN=$("$STACK_ROOT/scripts/install-tools.sh" spire openbao vault cosign cosign2 crane docker-registry act | tail -n1)
NODE=$("$STACK_ROOT/scripts/node24.sh")/node
# A developer's own Vault/OpenBao settings (token, namespace, TLS, ...) must not leak into the
# dev server or the setup commands.
while read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(VAULT|BAO)_' || true)

S=$(mktemp -d /tmp/svs.XXXXXX)
touch "$S/.svs-stack"   # down.sh removes only directories carrying this file
rm -f "$ENV_FILE"
printf 'STACK_STATE_DIR=%s\n' "$S" > "$STATE_FILE"

ok=0
# On any failure: say where, stop what was started, remove the temp dir.
trap 'log "FAILED at line $LINENO: $BASH_COMMAND"' ERR
trap '[ "$ok" = 1 ] || { log "stack:up failed; stopping what was started"; bash "$here/down.sh" >&2 || true; }' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ports=$("$NODE" "$here/helper.ts" free-ports 14)
read -r SPIRE_PORT BAO_PORT VAULT_PORT REGISTRY_PORT REGISTRY2_PORT REGISTRY_AUTH_PORT \
  BAO_TLS_PORT BAO_TLS_CLUSTER BAO_NOCC_PORT BAO_NOCC_CLUSTER \
  VAULT_TLS_PORT VAULT_TLS_CLUSTER VAULT_NOCC_PORT VAULT_NOCC_CLUSTER <<< "$ports"
SERVER_SOCK=$S/$SERVER_SOCK_NAME
AGENT_SOCK=$S/$AGENT_SOCK_NAME
BAO_ROOT_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
VAULT_ROOT_TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
export SECRET_PATTERN="$BAO_ROOT_TOKEN|$VAULT_ROOT_TOKEN"   # masked in any log tail shown below
BAO_URL=http://127.0.0.1:$BAO_PORT
VAULT_URL=http://127.0.0.1:$VAULT_PORT
# Each dev server also listens with TLS (tls.sh): for the cert auth method (X.509-SVID login).
bash "$here/tls.sh" "$S" --ca
bash "$here/tls.sh" "$S" bao "$BAO_TLS_PORT" "$BAO_TLS_CLUSTER" "$BAO_NOCC_PORT" "$BAO_NOCC_CLUSTER"
bash "$here/tls.sh" "$S" vault "$VAULT_TLS_PORT" "$VAULT_TLS_CLUSTER" "$VAULT_NOCC_PORT" "$VAULT_NOCC_CLUSTER"
# OpenBao (2.3.2+) refuses to enable audit devices through the API unless told to; tests enable
# a file audit device for a while to see which requests reached the server, as on Vault.
echo 'unsafe_allow_api_audit_creation = true' >> "$S/bao-tls.hcl"

cat > "$S/server.conf" <<CONF
server {
  bind_address = "127.0.0.1"
  bind_port = "$SPIRE_PORT"
  socket_path = "$SERVER_SOCK"
  trust_domain = "$TRUST_DOMAIN"
  data_dir = "$S/server"
  log_level = "INFO"
  # The server's entry cache reloads every 5 s by default; see the agent's sync_interval.
  experimental { cache_reload_interval = "1s" }
}
plugins {
  DataStore "sql" {
    plugin_data {
      database_type = "sqlite3"
      connection_string = "$S/server/datastore.sqlite3"
    }
  }
  NodeAttestor "join_token" { plugin_data {} }
  KeyManager "memory" { plugin_data {} }
}
CONF
cat > "$S/agent.conf" <<CONF
agent {
  server_address = "127.0.0.1"
  server_port = "$SPIRE_PORT"
  socket_path = "$AGENT_SOCK"
  trust_domain = "$TRUST_DOMAIN"
  trust_bundle_path = "$S/bootstrap.pem"
  data_dir = "$S/agent"
  log_level = "INFO"
  # With the server's cache_reload_interval: a new entry or a restarted agent is ready in ~1 s
  # instead of ~5 s (the defaults).
  experimental { sync_interval = "1s" }
}
plugins {
  NodeAttestor "join_token" { plugin_data {} }
  KeyManager "memory" { plugin_data {} }
  WorkloadAttestor "unix" { plugin_data {} }
}
CONF
mkdir -p "$S/server" "$S/agent"
# docker-registry: filesystem storage in the temp dir, loopback only; the second one wants a
# password (bcrypt htpasswd, the lowest cost: it is checked on every request).
REGISTRY_AUTH_USER=signer
REGISTRY_AUTH_PASSWORD=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
htpasswd -Bbn -C 4 "$REGISTRY_AUTH_USER" "$REGISTRY_AUTH_PASSWORD" > "$S/htpasswd"
registry_conf() { # NAME PORT [AUTH-YAML]
  cat <<CONF
version: 0.1
log: { level: warn, accesslog: { disabled: true } }
storage:
  filesystem: { rootdirectory: "$S/$1" }
  delete: { enabled: true }
http:
  addr: "127.0.0.1:$2"
  secret: "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
${3:-}
CONF
}
registry_conf registry2 "$REGISTRY2_PORT" > "$S/registry2.yml"
registry_conf registry-auth "$REGISTRY_AUTH_PORT" \
  "auth: { htpasswd: { realm: spiffe-vault-test, path: \"$S/htpasswd\" } }" > "$S/registry-auth.yml"

# Start the independent servers at once, then wait for each.
start_proc SPIRE_SERVER "$S" "$S/spire-server.log" "$BIN/spire-server" run -config "$S/server.conf"
PID_SPIRE_SERVER=$START_PID
# The dev servers' root tokens go through the environment, never argv.
start_proc BAO "$S" "$S/bao.log" env BAO_DEV_ROOT_TOKEN_ID="$BAO_ROOT_TOKEN" HOME="$S" \
  "$BIN/bao" server -dev -dev-listen-address="127.0.0.1:$BAO_PORT" -dev-no-store-token -config="$S/bao-tls.hcl"
PID_BAO=$START_PID
start_proc VAULT "$S" "$S/vault.log" env VAULT_DEV_ROOT_TOKEN_ID="$VAULT_ROOT_TOKEN" HOME="$S" \
  "$BIN/vault" server -dev -dev-listen-address="127.0.0.1:$VAULT_PORT" -dev-no-store-token \
  -config="$S/vault-tls.hcl"
PID_VAULT=$START_PID
start_proc REGISTRY "$S" "$S/registry.log" "$BIN/crane" registry serve --address "127.0.0.1:$REGISTRY_PORT"
PID_REGISTRY=$START_PID
start_proc REGISTRY2 "$S" "$S/registry2.log" "$BIN/docker-registry" serve "$S/registry2.yml"
PID_REGISTRY2=$START_PID
start_proc REGISTRY_AUTH "$S" "$S/registry-auth.log" "$BIN/docker-registry" serve "$S/registry-auth.yml"
PID_REGISTRY_AUTH=$START_PID

wait_until 60 "$PID_SPIRE_SERVER" "$S/spire-server.log" "spire-server healthcheck" \
  "$BIN/spire-server" healthcheck -socketPath "$SERVER_SOCK"
"$BIN/spire-server" bundle show -socketPath "$SERVER_SOCK" > "$S/bootstrap.pem"
# The workload entry hangs off the node alias that every join token below maps to, so it
# survives agent restarts (each restart attests with a new token: see ctl.sh). Its DNS name
# becomes the X.509-SVID's subject CN, which Vault's cert auth method needs as its alias name.
"$BIN/spire-server" entry create -socketPath "$SERVER_SOCK" -parentID "$NODE_ID" \
  -spiffeID "$SPIFFE_ID" -dns "$WORKLOAD_DNS_NAME" -selector "unix:uid:$(id -u)" > "$S/entry.log"

agent_start "$BIN" "$S"
PID_SPIRE_AGENT=$START_PID

http_ok() { curl -fsS --noproxy '*' -m 2 "$1"; }
wait_until 60 "$PID_BAO" "$S/bao.log" "OpenBao /v1/sys/health" http_ok "$BAO_URL/v1/sys/health"
wait_until 60 "$PID_VAULT" "$S/vault.log" "HashiCorp Vault /v1/sys/health" http_ok "$VAULT_URL/v1/sys/health"
wait_until 30 "$PID_REGISTRY" "$S/registry.log" "registry GET /v2/" http_ok "http://127.0.0.1:$REGISTRY_PORT/v2/"
wait_until 30 "$PID_REGISTRY2" "$S/registry2.log" "docker-registry GET /v2/" http_ok "http://127.0.0.1:$REGISTRY2_PORT/v2/"
http_401() { [ "$(curl -sS --noproxy '*' -m 2 -o /dev/null -w '%{http_code}' "$1")" = 401 ]; }
wait_until 30 "$PID_REGISTRY_AUTH" "$S/registry-auth.log" "docker-registry (htpasswd) GET /v2/ → 401" \
  http_401 "http://127.0.0.1:$REGISTRY_AUTH_PORT/v2/"

# Both servers, configured alike with their own CLIs: transit key, JWT auth trusting SPIRE's JWT
# signing keys, policies and roles (configure.sh).
"$BIN/spire-server" bundle show -format spiffe -socketPath "$SERVER_SOCK" > "$S/bundle.jwks"
"$NODE" "$here/helper.ts" jwt-config "$S/bundle.jwks" "$S/jwt-config.json"
NODE=$NODE BAO_ADDR=$BAO_URL BAO_TOKEN=$BAO_ROOT_TOKEN bash "$here/configure.sh" "$BIN/bao" "$S/jwt-config.json" "$S/bootstrap.pem" "$S/tls/ca.pem" \
  > "$S/bao-setup.log" 2>&1 &
bao_setup=$!
NODE=$NODE VAULT_ADDR=$VAULT_URL VAULT_TOKEN=$VAULT_ROOT_TOKEN bash "$here/configure.sh" "$BIN/vault" "$S/jwt-config.json" "$S/bootstrap.pem" "$S/tls/ca.pem" \
  > "$S/vault-setup.log" 2>&1 &
vault_setup=$!
wait "$bao_setup" || { log "FAILED: configuring OpenBao"; show_log "$S/bao-setup.log"; exit 1; }
wait "$vault_setup" || { log "FAILED: configuring HashiCorp Vault"; show_log "$S/vault-setup.log"; exit 1; }

agent_wait_ready "$BIN" "$S" "$PID_SPIRE_AGENT"

tmp=$(mktemp "$STACK_DIR/env.XXXXXX")
cat > "$tmp" <<ENV
STACK_VAULT=$STACK_VAULT
VAULT_ADDR=$(if [ "$STACK_VAULT" = hashicorp ]; then echo "$VAULT_URL"; else echo "$BAO_URL"; fi)
STACK_ADMIN_TOKEN=$(if [ "$STACK_VAULT" = hashicorp ]; then echo "$VAULT_ROOT_TOKEN"; else echo "$BAO_ROOT_TOKEN"; fi)
STACK_OPENBAO_ADDR=$BAO_URL
STACK_OPENBAO_ROOT_TOKEN=$BAO_ROOT_TOKEN
STACK_HASHICORP_ADDR=$VAULT_URL
STACK_HASHICORP_ROOT_TOKEN=$VAULT_ROOT_TOKEN
STACK_OPENBAO_TLS_ADDR=https://127.0.0.1:$BAO_TLS_PORT
STACK_OPENBAO_NO_CLIENT_CERT_ADDR=https://127.0.0.1:$BAO_NOCC_PORT
STACK_HASHICORP_TLS_ADDR=https://127.0.0.1:$VAULT_TLS_PORT
STACK_HASHICORP_NO_CLIENT_CERT_ADDR=https://127.0.0.1:$VAULT_NOCC_PORT
STACK_TLS_CA_FILE=$S/tls/ca.pem
STACK_CERT_ROLE=ci-cert
STACK_CERT_ROLE_SHORT=ci-cert-short
STACK_CERT_ROLE_OTHER_ID=ci-cert-other
STACK_CERT_ROLE_UNTRUSTED=ci-cert-untrusted
SPIFFE_ENDPOINT_SOCKET=unix://$AGENT_SOCK
STACK_ROLE=ci
STACK_ROLE_NOSIGN=ci-nosign
STACK_ROLE_SHORT=ci-short
STACK_AUDIENCE=$AUDIENCE
STACK_SPIFFE_ID=$SPIFFE_ID
STACK_NODE_ID=$NODE_ID
STACK_TRUST_DOMAIN=$TRUST_DOMAIN
STACK_TRANSIT_KEY=$TRANSIT_KEY
STACK_REGISTRY=127.0.0.1:$REGISTRY_PORT
STACK_REGISTRY2=127.0.0.1:$REGISTRY2_PORT
STACK_REGISTRY_AUTH=127.0.0.1:$REGISTRY_AUTH_PORT
STACK_REGISTRY_AUTH_USER=$REGISTRY_AUTH_USER
STACK_REGISTRY_AUTH_PASSWORD=$REGISTRY_AUTH_PASSWORD
STACK_BIN=$BIN
STACK_STATE_DIR=$S
STACK_SPIRE_SERVER_SOCKET=$SERVER_SOCK
STACK_AGENT_SOCKET=$AGENT_SOCK
STACK_CTL=$here/ctl.sh
STACK_PID_SPIRE_SERVER=$PID_SPIRE_SERVER
STACK_PID_SPIRE_AGENT=$PID_SPIRE_AGENT
STACK_PID_BAO=$PID_BAO
STACK_PID_VAULT=$PID_VAULT
STACK_PID_REGISTRY=$PID_REGISTRY
STACK_PID_REGISTRY2=$PID_REGISTRY2
STACK_PID_REGISTRY_AUTH=$PID_REGISTRY_AUTH
ENV
chmod 600 "$tmp"
mv -f "$tmp" "$ENV_FILE"
ok=1
elapsed=$((($(date +%s%N) - t0) / 1000000))
log "stack is up in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s (env: $ENV_FILE, logs: $S)"
