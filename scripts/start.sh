#!/usr/bin/env bash
# Installs what the server needs (only that, and only what is missing), builds insi-sim in
# release mode and starts the simulator on its embedded default base. Extra arguments go to
# `insi-sim serve` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
swift build -c release --product insi-sim
exec .build/release/insi-sim serve "$@"
