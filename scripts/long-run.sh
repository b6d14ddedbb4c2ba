#!/usr/bin/env bash
# Long run of one release server: 1,000,000 mixed requests (valid SOAP calls, invalid XML,
# HTTP-layer errors, oversized heads, fragmented and slow requests, early closes) over
# loopback, with the server's RSS and the time per 100,000 requests. Fails when the server
# dies, an answer is not the expected one, or RSS or time per block is not flat (tolerances:
# scripts/long_run.py).
#
#   scripts/long-run.sh [REQUESTS [OPTIONS]]   (default 1000000; OPTIONS: see scripts/long_run.py --help,
#                                            e.g. --without-http-layer-errors)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-1000000}
swift build -c release --product insi-sim > /dev/null
exec python3 scripts/long_run.py "${@:2}" --server .build/release/insi-sim --resources Resources \
    --corpus Fuzz/Corpus/soap-request --requests "$REQUESTS" --block "$(( REQUESTS >= 1000000 ? 100000 : (REQUESTS / 10 > 0 ? REQUESTS / 10 : 1) ))"
