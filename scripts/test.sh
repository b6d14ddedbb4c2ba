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
# In parallel: each test has its own server on an ephemeral port, its own folders, its own
# clock, and waits on events rather than times, so the tests overlap their waits (child
# processes, handshakes). Skipped tests still print "➜ Test … skipped" (.ci/run reads them).
swift test "$@"
