#!/usr/bin/env bash
# Search cost against bases of growing size (INSiCore only, no network): the indexes must make
# it flat. Usage: Benchmarks/core-search.sh [SIZE ...] [relaxed]   (default: 100 100000; relaxed:
# under the relaxed name rule)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product insi-sim-core-bench >/dev/null
.build/release/insi-sim-core-bench "$@"
