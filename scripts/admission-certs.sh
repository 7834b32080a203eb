#!/usr/bin/env bash
# Makes a local certificate authority and a serving certificate for the admission webhook (docs/DEPLOY-GATE.md,
# "Kubernetes admission") with openssl: ca.crt/ca.key, tls.crt/tls.key in OUT_DIR. The serving certificate names the
# in-cluster service (SERVICE.NAMESPACE.svc), localhost and 127.0.0.1. Put ca.crt, base64-encoded, in the webhook
# configurations' caBundle (deploy/kubernetes/README section of README.md).
#
# usage: scripts/admission-certs.sh [OUT_DIR] [SERVICE] [NAMESPACE]   (defaults: ./certs mpg-gate mpg)
set -euo pipefail
OUT_DIR="${1:-certs}"
SERVICE="${2:-mpg-gate}"
NAMESPACE="${3:-mpg}"
DAYS="${CERT_DAYS:-365}"
mkdir -p "$OUT_DIR"
cd "$OUT_DIR"

openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout ca.key -out ca.crt -days "$DAYS" \
  -subj "/CN=mpg admission CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  2>/dev/null

cat > server.ext <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:${SERVICE},DNS:${SERVICE}.${NAMESPACE},DNS:${SERVICE}.${NAMESPACE}.svc,DNS:${SERVICE}.${NAMESPACE}.svc.cluster.local,DNS:localhost,IP:127.0.0.1
EXT
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout tls.key -out server.csr \
  -subj "/CN=${SERVICE}.${NAMESPACE}.svc" 2>/dev/null
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days "$DAYS" -extfile server.ext \
  2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 600 ca.key tls.key
echo "admission-certs: wrote $(pwd)/{ca.crt,ca.key,tls.crt,tls.key} for ${SERVICE}.${NAMESPACE}.svc"
