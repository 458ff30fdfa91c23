#!/usr/bin/env bash
# Configures one dev server of the stack with its own CLI, identically for OpenBao (`bao`, with
# BAO_ADDR/BAO_TOKEN set) and HashiCorp Vault (`vault`, with VAULT_ADDR/VAULT_TOKEN set): the
# transit key, JWT auth trusting SPIRE's JWT signing keys, the cert auth method trusting SPIRE's
# X.509 bundle, the policies and the roles.
# Usage: configure.sh CLI JWT_CONFIG_JSON X509_BUNDLE_PEM OTHER_CA_PEM   (run by up.sh, with NODE
# the project's Node; the commands' output is its log)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
cli=$1 jwt_config=$2 x509_bundle=$3 other_ca=$4
node=${NODE:-node}

admin() { echo "+ $(basename "$cli") $*"; "$cli" "$@"; }

admin secrets enable transit
admin write -f "transit/keys/$TRANSIT_KEY" type=ecdsa-p256
admin auth enable jwt
admin write auth/jwt/config "@$jwt_config"
# The signing policies are the ones `spiffe-vault policy` prints, so every run tests them: ci-sign
# (read the key, sign SHA-256 digests) and ci-verify (that, and transit verify, for
# `cosign verify --key hashivault://…`).
policy() { "$node" "$STACK_ROOT/dist/cli.js" policy --transit-path transit --transit-key "$TRANSIT_KEY" "$@"; }
policy --name ci-sign | admin policy write ci-sign -
policy --name ci-verify --verify | admin policy write ci-verify -
admin policy write ci-nosign - <<POLICY
path "transit/keys/$TRANSIT_KEY" { capabilities = ["read"] }
POLICY
role=(role_type=jwt user_claim=sub "bound_audiences=$AUDIENCE" "bound_subject=$SPIFFE_ID")
admin write auth/jwt/role/ci "${role[@]}" token_policies=ci-sign,ci-verify token_ttl=60s token_max_ttl=60s
admin write auth/jwt/role/ci-nosign "${role[@]}" token_policies=ci-nosign token_ttl=60s token_max_ttl=60s
admin write auth/jwt/role/ci-short "${role[@]}" token_policies=ci-sign token_ttl=5s token_max_ttl=5s
# The cert auth method (X.509-SVID login): roles trusting SPIRE's X.509 bundle, bound to the
# workload's SPIFFE ID or to another one, and one trusting an unrelated CA (untrusted chain).
admin auth enable cert
cert_role=(token_ttl=60s token_max_ttl=60s)
admin write auth/cert/certs/ci-cert "certificate=@$x509_bundle" "allowed_uri_sans=$SPIFFE_ID" \
  token_policies=ci-sign,ci-verify "${cert_role[@]}"
admin write auth/cert/certs/ci-cert-short "certificate=@$x509_bundle" "allowed_uri_sans=$SPIFFE_ID" \
  token_policies=ci-sign token_ttl=5s token_max_ttl=5s
admin write auth/cert/certs/ci-cert-other "certificate=@$x509_bundle" \
  "allowed_uri_sans=spiffe://$TRUST_DOMAIN/ci/someone-else" token_policies=ci-sign "${cert_role[@]}"
admin write auth/cert/certs/ci-cert-untrusted "certificate=@$other_ca" "allowed_uri_sans=$SPIFFE_ID" \
  token_policies=ci-sign "${cert_role[@]}"
