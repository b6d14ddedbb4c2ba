#!/usr/bin/env bash
# Installs what insi-sim needs and is missing: the system libraries Foundation links against
# for XML (libxml2) and HTTP clients (libcurl), pkg-config (SwiftPM finds libxml2's headers
# with it), and python zeep for the third-party SOAP client test.
# Safe to run again: it only installs what is absent.
set -euo pipefail

need_apt=()
for pkg in libcurl4-openssl-dev libxml2-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "setup: installing ${need_apt[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "${INSI_SIM_SKIP_PYTHON:-0}" != "1" ] && command -v python3 >/dev/null 2>&1; then
    if ! python3 -c "import zeep" >/dev/null 2>&1; then
        echo "setup: installing python zeep (SOAP client used by the tests)"
        python3 -m pip install -q zeep || echo "setup: could not install zeep; the zeep test will be skipped"
    fi
fi

command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (6.0 or later) is required: https://swift.org/install" >&2; exit 1; }
