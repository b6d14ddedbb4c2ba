#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite
# (unit tests, raw TCP tests against the real server, conformance and zeep tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test "$@"
