#!/usr/bin/env bash
# The work of one call on an event loop, system calls left out: HTTP parse, SOAP endpoint (read,
# checks, search, answer, log line, journal, metrics), response encoding, all on one thread of a
# release build, on the HTTP benchmark's base and requests. Steadier than a full HTTP run: it
# tells whether a change to the serving path saved work (Benchmarks/README.md, "Measuring a
# change"); what the kernel and the scheduling of two loops beside wrk cost is for run.sh.
# Usage: Benchmarks/call.sh [--calls N] [--rounds N] [--log-level LEVEL] [--findings on|off] [--threads N]
#        (20,000 calls a round, best of 15 rounds, defaults of `insi-sim serve`)
# Environment: SIZE=1000000 (identities in the base, generated once and kept, as for run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/http/paths.sh
SIZE=${SIZE:-1000000}
swift build -c release --scratch-path "$BUILD_SCRATCH" --product insi-sim >/dev/null
swift build -c release --scratch-path "$BUILD_SCRATCH" --product insi-sim-call-bench >/dev/null
mkdir -p "$WORK"
prepare_base "$BUILD_SCRATCH/release/insi-sim" "$SIZE" 4000
exec "$BUILD_SCRATCH/release/insi-sim-call-bench" --seed "$WORK/base-$SIZE.json" --requests "$WORK/requests-$SIZE.txt" "$@"
