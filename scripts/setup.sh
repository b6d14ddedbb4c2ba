#!/usr/bin/env bash
# Installs the Debian packages insi-sim needs for a purpose, only those missing (safe to run
# again: it does nothing when all are there).
#
#   scripts/setup.sh [PURPOSE...]     PURPOSE: build, test, runtime, image-smoke (default: build test)
#
#   build        compile and run the server and the CLI  (scripts/start.sh, the Dockerfile's builder)
#   test         the test suite's extra tools            (scripts/test.sh, with build)
#   runtime      what the release binary loads, alone    (the Dockerfile's runtime stage)
#   image-smoke  try the image without Docker            (scripts/image-smoke.sh, with build)
set -euo pipefail

# One line per package: the purpose that needs it, the Debian package, why.
packages() {
    cat <<'EOF'
build        pkg-config            SwiftPM finds the C libraries' headers with it
build        libxml2-dev           INSiSOAP reads requests with libxml2; FoundationXML links it
build        libcurl4-openssl-dev  INSiClient calls INSi through libcurl (HTTPS with client certificates)
build        libssl-dev            OpenSSL 3: the TLS listeners of HTTPServer and the test PKI of INSiPKI
build        libxmlsec1-dev        CPx card assertions: XML signatures (xmlsec1 on libxml2 and OpenSSL)
test         python3-zeep          the third-party SOAP client of Tests/zeep (Debian's python3)
test         chromium              the browser the web console's test drives headless (Tests/console)
test         python3-websocket     drives Chromium over its DevTools protocol (Tests/console, Debian's python3)
test         python3-requests      its HTTP client, which presents the client certificate over mutual TLS
test         curl                  the third-party client of the mutual-TLS tests (curl --cert)
test         openssl               the throwaway PKIs of the TLS and card tests (Tests/tls: python3's ssl serves it)
test         xmlsec1               a third party verifies the card assertions we sign
runtime      libcurl4              INSiClient's transport loads it (the client commands: lookup, vitale, verify, rehearse)
runtime      libxml2               INSiSOAP and FoundationXML load it
runtime      libssl3               OpenSSL 3, loaded for TLS (serve --tls-dir) and certs generate
runtime      libxmlsec1-openssl    CPx card assertions: signing and checking them (with libxmlsec1)
runtime      ca-certificates       HTTPS from the client commands to a real service
runtime      curl                  the image's HEALTHCHECK
image-smoke  debootstrap           the minimal Debian root the image's runtime stage is laid out in
image-smoke  rsync                 copies of the build context that keep the release build incremental
image-smoke  iproute2              a network namespace of its own for the image's server
EOF
}

purposes=("$@")
[ "${#purposes[@]}" -gt 0 ] || purposes=(build test)
known=$(packages | awk '{ print $1 }' | sort -u | tr '\n' ' ')
wanted=()
for purpose in "${purposes[@]}"; do
    case " $known" in
        *" $purpose "*) ;;
        *) echo "setup: unknown purpose '$purpose' (known: ${known% })" >&2; exit 2 ;;
    esac
    while read -r for_purpose package _; do
        [ "$for_purpose" = "$purpose" ] && wanted+=("$package")
    done < <(packages)
done

missing=()
for package in "${wanted[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for purpose in "${purposes[@]}"; do
    case "$purpose" in
        build|image-smoke)
            command -v swift >/dev/null 2>&1 || {
                echo "setup: the Swift toolchain (6.0 or later) is required: https://swift.org/install" >&2
                exit 1
            } ;;
        test)
            # Debian's package serves Debian's interpreter, not another python3 earlier on PATH
            # (pyenv, a virtualenv): the zeep test looks for /usr/bin/python3 first.
            /usr/bin/python3 -c "import zeep" 2>/dev/null || {
                echo "setup: /usr/bin/python3 cannot import zeep although python3-zeep is installed" >&2
                exit 1
            }
            /usr/bin/python3 -c "import websocket" 2>/dev/null || {
                echo "setup: /usr/bin/python3 cannot import websocket although python3-websocket is installed" >&2
                exit 1
            } ;;
    esac
done
