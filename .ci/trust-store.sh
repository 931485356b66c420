#!/usr/bin/env bash
# The practice's certificates, as a TLS-inspecting network needs: a private root CA and a
# server certificate it signed (openssl), refused until update-ca-certificates puts the CA
# in the OS trust store, then trusted (directly and through a CONNECT proxy). Run as root
# by .ci/run after `cargo test` (reuses its debug build). Leaves the trust store as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

pki=$(mktemp -d)
ca=/usr/local/share/ca-certificates/hero-intake-ci-practice-ca.crt
cleanup() {
    if [[ -f "$ca" ]]; then
        rm -f "$ca"
        update-ca-certificates --fresh >/dev/null
    fi
    rm -rf "$pki"
}
trap cleanup EXIT

cat >"$pki/ca.cnf" <<'CNF'
[req]
distinguished_name = dn
x509_extensions = ca
prompt = no
[dn]
CN = Hero Intake CI practice CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
printf 'subjectAltName = DNS:hero.test, IP:127.0.0.1\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n' >"$pki/server.ext"

openssl req -x509 -new -newkey rsa:2048 -nodes -days 2 -config "$pki/ca.cnf" \
    -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -subj "/CN=hero.test" \
    -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 2 -extfile "$pki/server.ext" -out "$pki/server.pem" 2>/dev/null
export HERO_TEST_PKI_DIR="$pki"

echo "== before the CA is installed: refused with the TLS message"
cargo test --locked --test network -- --ignored --exact \
    os_trust_store_private_ca_not_yet_installed_is_refused_as_tls

echo "== update-ca-certificates with the private CA"
cp "$pki/ca.pem" "$ca"
update-ca-certificates

echo "== after: trusted, directly and through a CONNECT proxy"
cargo test --locked --test network -- --ignored --exact \
    os_trust_store_private_ca_installed_is_trusted_directly_and_through_a_proxy
echo "trust-store.sh: ok"
