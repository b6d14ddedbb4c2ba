#!/usr/bin/env bash
# Throughput of the release server with the judge on and off (`serve --findings on|off`), in
# alternating rounds so that a busy machine hurts both sides alike. Uses the HTTP benchmark's
# request generator and wrk script (Benchmarks/http): a synthetic base, real traits and Vitale
# requests, 64 connections. Besides throughput it reports the server's CPU time per request
# (user + system, from /proc), which a machine shared with other work disturbs much less.
#
# Usage: Benchmarks/judge-cost.sh      Environment: ROUNDS=3 DURATION=10 CONNECTIONS=64 SIZE=1000 PORT=18090
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
SIZE=${SIZE:-1000}
PORT=${PORT:-18090}
WORK=.build-bench/judge-cost
mkdir -p "$WORK"
command -v wrk >/dev/null || { echo "judge-cost: wrk is needed (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product insi-sim >&2
BIN=.build/release/insi-sim
[ -f "$WORK/base-$SIZE.json" ] || "$BIN" seed generate --count "$SIZE" --out "$WORK/base-$SIZE.json" >&2
[ -f "$WORK/requests-$SIZE.txt" ] || python3 Benchmarks/http/make-requests.py "$WORK/base-$SIZE.json" "$WORK/requests-$SIZE.txt" --count 4000 >&2

server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; true' EXIT
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run() {  # findings: on|off; prints "requests/s cpu-µs-per-request"
    "$BIN" serve --port "$PORT" --seed "$WORK/base-$SIZE.json" --log-level warning --findings "$1" >"$WORK/server.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
    local before after output
    before=$(cpu_ticks "$server")
    output=$(REQUESTS=$WORK/requests-$SIZE.txt wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s Benchmarks/http/requests.lua \
        "http://127.0.0.1:$PORT/lps" 2>&1)
    after=$(cpu_ticks "$server")
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
    local rate requests
    rate=$(echo "$output" | awk '/^Requests\/sec/ { print $2 }')
    requests=$(echo "$output" | awk '/requests in/ { print $1 }')
    python3 -c "print(f'{$rate:.0f} {($after - $before) / $(getconf CLK_TCK) * 1e6 / $requests:.1f}')"
}
echo "| round | off: req/s | off: CPU µs/req | on: req/s | on: CPU µs/req | throughput on/off | CPU on/off |"
echo "|---|---:|---:|---:|---:|---:|---:|"
ratios=()
for round in $(seq "$ROUNDS"); do
    # Which side runs first alternates, so that a machine getting busier or quieter favours neither.
    if [ $((round % 2)) -eq 1 ]; then
        read -r off_rate off_cpu < <(run off); read -r on_rate on_cpu < <(run on)
    else
        read -r on_rate on_cpu < <(run on); read -r off_rate off_cpu < <(run off)
    fi
    throughput=$(python3 -c "print(f'{$on_rate/$off_rate:.3f}')")
    cpu=$(python3 -c "print(f'{$on_cpu/$off_cpu:.3f}')")
    ratios+=("$throughput $cpu")
    echo "| $round | $off_rate | $off_cpu | $on_rate | $on_cpu | $throughput | $cpu |"
done
printf '%s\n' "${ratios[@]}" | python3 -c "
import statistics, sys
rows = [tuple(map(float, line.split())) for line in sys.stdin if line.strip()]
print(f'| median | | | | | {statistics.median(r[0] for r in rows):.3f} | {statistics.median(r[1] for r in rows):.3f} |')"
