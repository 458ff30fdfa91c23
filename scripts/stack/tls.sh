#!/usr/bin/env bash
# The stack's TLS listeners, for the cert auth method (X.509-SVID login over mutual TLS): a CA
# and a 127.0.0.1 server certificate made with openssl, and for each dev server an extra config
# file with two more listeners: one that asks clients for a certificate (Vault's default) and
# one with tls_disable_client_certs (to show the "no client certificate" refusal). The dev
# servers keep their plain-http listener; `server -dev -config=FILE` adds these to it.
# Usage: tls.sh STATE_DIR NAME TLS_PORT TLS_CLUSTER NOCC_PORT NOCC_CLUSTER   (writes DIR/NAME-tls.hcl)
#        tls.sh STATE_DIR --ca                                             (writes DIR/tls/)
set -euo pipefail
dir=$1
if [ "$2" = --ca ]; then
  t=$dir/tls
  mkdir -p "$t"
  quiet() { "$@" 2> "$t/openssl.log" || { cat "$t/openssl.log" >&2; return 1; }; }
  quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -keyout "$t/ca.key" -out "$t/ca.pem" -subj /CN=spiffe-vault-stack-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
  quiet openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$t/server.key" -out "$t/server.csr" -subj /CN=127.0.0.1
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$t/server.ext"
  quiet openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial \
    -days 2 -out "$t/server.pem" -extfile "$t/server.ext"
  chmod 600 "$t/ca.key" "$t/server.key"
  exit 0
fi
name=$2 tls_port=$3 tls_cluster=$4 nocc_port=$5 nocc_cluster=$6
cat > "$dir/$name-tls.hcl" <<CONF
listener "tcp" {
  address = "127.0.0.1:$tls_port"
  cluster_address = "127.0.0.1:$tls_cluster"
  tls_cert_file = "$dir/tls/server.pem"
  tls_key_file = "$dir/tls/server.key"
}
listener "tcp" {
  address = "127.0.0.1:$nocc_port"
  cluster_address = "127.0.0.1:$nocc_cluster"
  tls_cert_file = "$dir/tls/server.pem"
  tls_key_file = "$dir/tls/server.key"
  tls_disable_client_certs = true
}
CONF
