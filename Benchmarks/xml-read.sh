#!/usr/bin/env bash
# Cost of reading one INSi request, per XML engine (INSiSOAP only, no network).
# Usage: Benchmarks/xml-read.sh [READS_PER_ROUND] [libxml2|foundationXML]   (default: 4000, both)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-bench --product insi-sim-xml-bench >/dev/null
.build-bench/release/insi-sim-xml-bench "$@"
