#!/usr/bin/env bash
# npm test: starts a private real stack (its own STACK_DIR outside the repo, so a developer's
# .stack is untouched), runs the unit and integration tests against it, and always stops it.
# The stack runs OpenBao and HashiCorp Vault side by side: every test runs with OpenBao, then
# the files that talk to a Vault server (VAULT_FACING below) run again with HashiCorp Vault.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
t0=$(date +%s%N)

STACK_DIR=$(mktemp -d /tmp/svs-test.XXXXXX)
export STACK_DIR
TEST_TMP=
node_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ -n "$node_pid" ]; then kill -TERM "$node_pid" 2>/dev/null || true; fi
  bash "$root/scripts/stack/down.sh" || true
  rm -rf "$STACK_DIR"
  if [ -n "$TEST_TMP" ]; then rm -rf "$TEST_TMP"; fi
}
trap cleanup EXIT
# Signals: clean up (via the EXIT trap) and exit with the conventional status.
trap 'exit 130' INT
trap 'exit 143' TERM
# The tests' TMPDIR: every temp folder the tests and the runs they start make, removed at the end.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/svs-tmp.XXXXXX")

# The integration tests run dist/ as the runner does: build it from the sources first.
node "$root/scripts/build.ts" >/dev/null
bash "$root/scripts/stack/up.sh"
export STACK_ENV_FILE=$STACK_DIR/env

# The integration files that talk to a Vault server: the second pass runs them on the other one.
VAULT_FACING=(stack attest-images server-differences transit action-login action-sign-blobs action-sign-images action-faults cli-auth cli-exec
  cli-sign-blob cli-sign-image cli-verify-image image-signing gitlab-component act-workflows diagnose cli-go-migration
  registry-credential-helper cli-namespace cert-login action-proxy proxy-upstream published-cli runners-guide
  cli-proxy cli-proxy-audit cli-proxy-faults attest-blobs faults faults-registry faults-signal-login
  doctor-transit-registry troubleshooting-guide policy-setup action-doctor doctor-workload-vault doctor-login
  leak-matrix vault-cluster faults-vault-killed)

seconds() { local ms=$((($(date +%s%N) - $1) / 1000000)); echo "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"; }

# run_pass SERVER FILE...: node --test with STACK_VAULT=SERVER, in the background + wait, so a
# TERM/INT to this script runs the traps at once (bash defers traps while a foreground child runs).
# Sets pass_status.
run_pass() {
  local server=$1 start
  shift
  start=$(date +%s%N)
  echo "[test] --- with STACK_VAULT=$server: $*" >&2
  pass_status=0
  TMPDIR=$TEST_TMP STACK_VAULT=$server node --test --test-reporter=spec --test-concurrency=1 "$@" &
  node_pid=$!
  wait "$node_pid" || pass_status=$?
  node_pid=
  echo "[test] --- STACK_VAULT=$server: node --test exit $pass_status in $(seconds "$start") s" >&2
}

status=0
run_pass openbao "__tests__/unit/**/*.test.ts" "__tests__/integration/**/*.test.ts"
[ "$pass_status" = 0 ] || status=$pass_status
files=()
for name in "${VAULT_FACING[@]}"; do files+=("__tests__/integration/$name.test.ts"); done
run_pass hashicorp "${files[@]}"
[ "$pass_status" = 0 ] || status=$pass_status

echo "[test] total $(seconds "$t0") s (exit $status)" >&2
exit "$status"
