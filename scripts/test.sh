#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite
# (unit tests, raw TCP tests against the real server, conformance and zeep tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build test
# The Dockerfile against this machine's toolchain and scripts/image-smoke.sh (reading it only;
# the image itself is tried by `sudo scripts/image-smoke.sh`, too slow for every run).
scripts/image-smoke.sh --check
swift build --build-tests
# One test at a time: several tests start servers, child processes and timeouts, and on a
# 2-core machine running them all at once stretches the time-bounded checks (28 s in all).
swift test --no-parallel "$@"
