#!/usr/bin/env bash
# Work per call that does not depend on how fast the machine is this hour: heap allocations
# (malloc) and calls to Swift's reference counting (swift_retain, swift_release,
# swift_bridgeObjectRetain), counted with uprobes while wrk sends the benchmark's requests.
#
# The CPU time of a call moves by a fifth or more between two runs of one build on a shared
# machine (Benchmarks/README.md); these counts move by a few tenths. They tell whether a change
# removed work, not what that work cost: a retain of an immortal object or of nil is a call
# counted here and costs almost nothing.
#
# Usage: Benchmarks/http/call-counts.sh [BINARY...]
#        (default: the release build of this checkout; give several binaries, e.g. one built from
#        an older commit in a worktree, to compare them on the same requests)
# Environment: SIZE=1000 (identities in the base)  DURATION=4 (seconds counted per binary)
#              CONNECTIONS=16  PORT=18090  BUILD_SCRATCH=.build-bench
#              SERVE_OPTIONS="--findings off": at full speed the judge's budget of calls a second
#              is spent at once, and a call beyond it is not judged; under the probes the server
#              is slow enough for most calls to be judged, which is not what the benchmark
#              measures. Give SERVE_OPTIONS="" to count the defaults as they are.
# Needs perf (Debian's linux-perf) and the right to add uprobes (root). The probes it adds are
# removed at the end.
set -euo pipefail
# Binaries named relative to where the script was called from.
BINARIES=()
for bin in "$@"; do BINARIES+=("$(realpath "$bin")"); done
cd "$(dirname "$0")/../.."
. Benchmarks/http/paths.sh
if [ ${#BINARIES[@]} -gt 0 ]; then set -- "${BINARIES[@]}"; fi
SIZE=${SIZE:-1000}
DURATION=${DURATION:-4}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18090}
SERVE_OPTIONS=${SERVE_OPTIONS---findings off}
mkdir -p "$WORK"
log() { echo "== $*" >&2; }

for tool in perf wrk curl python3; do
    command -v "$tool" >/dev/null || { log "$tool is missing (perf: apt-get install linux-perf)"; exit 1; }
done

if [ $# -eq 0 ]; then
    log "building the release server"
    swift build -c release --scratch-path "$BUILD_SCRATCH" --product insi-sim >&2
    set -- "$BUILD_SCRATCH/release/insi-sim"
fi

prepare_base "$1" "$SIZE" 4000
base=$WORK/base-$SIZE.json
requests=$WORK/requests-$SIZE.txt

# The probes, on the libraries the server is linked with; those this run adds are removed at exit.
library() { ldd "$1" | awk -v name="$2" '$1 ~ "^" name { print $3; exit }'; }
LIBC=$(library "$1" libc.so)
SWIFT_CORE=$(library "$1" libswiftCore.so)
[ -n "$LIBC" ] && [ -n "$SWIFT_CORE" ] || { log "cannot find libc or libswiftCore in ldd $1"; exit 1; }
PROBES=(
    "probe_libc:malloc $LIBC malloc"
    "probe_libswiftCore:swift_retain $SWIFT_CORE swift_retain"
    "probe_libswiftCore:swift_release $SWIFT_CORE swift_release"
    "probe_libswiftCore:swift_bridgeObjectRetain $SWIFT_CORE swift_bridgeObjectRetain"
)
for bin in "$@"; do
    # The probes count calls into these two libraries: a binary linked with others would count 0.
    [ "$(library "$bin" libc.so)" = "$LIBC" ] && [ "$(library "$bin" libswiftCore.so)" = "$SWIFT_CORE" ] \
        || { log "$bin is not linked with $LIBC and $SWIFT_CORE as $1 is: count it in a run of its own"; exit 1; }
done
ADDED=()
SERVER_PID=
STAT_PID=
cleanup() {
    # perf first: a probe still in use by a running perf cannot be deleted.
    [ -n "$STAT_PID" ] && { kill -INT "$STAT_PID" 2>/dev/null || true; wait "$STAT_PID" 2>/dev/null || true; }
    [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
    for event in "${ADDED[@]:-}"; do
        [ -n "$event" ] && perf probe -q -d "$event" 2>/dev/null || true
    done
}
trap cleanup EXIT
EVENTS=()
for probe in "${PROBES[@]}"; do
    read -r event file symbol <<<"$probe"
    if ! perf probe -l 2>/dev/null | grep -q "^ *$event "; then
        perf probe -q -x "$file" "$symbol" >&2 || { log "cannot add the uprobe $symbol in $file (root is needed)"; exit 1; }
        ADDED+=("$event")
    fi
    EVENTS+=("$event")
done
EVENT_LIST=$(IFS=,; echo "${EVENTS[*]}")

echo "| build | calls counted | malloc | swift_retain | swift_release | swift_bridgeObjectRetain |"
echo "|---|---:|---:|---:|---:|---:|"
for bin in "$@"; do
    # shellcheck disable=SC2086 # SERVE_OPTIONS is a list of options
    "$bin" serve --port "$PORT" --seed "$base" $SERVE_OPTIONS >"$WORK/counts-server.log" 2>&1 &
    SERVER_PID=$!
    healthy=0
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/health" && { healthy=1; break; }
        kill -0 "$SERVER_PID" 2>/dev/null || { log "the server exited:"; cat "$WORK/counts-server.log" >&2; exit 1; }
        sleep 0.1
    done
    [ "$healthy" = 1 ] || { log "$bin did not answer /health on port $PORT within a minute"; exit 1; }
    # Warmed first: the first calls fill the pools and caches that later calls reuse.
    REQUESTS=$requests wrk -t1 -c"$CONNECTIONS" -d2s -s "$HERE/requests.lua" "http://127.0.0.1:$PORT/lps" >/dev/null
    rm -f "$WORK/counts.stat"
    perf stat -x, -e "$EVENT_LIST" -p "$SERVER_PID" -o "$WORK/counts.stat" &
    STAT_PID=$!
    sleep 0.2
    calls=$(REQUESTS=$requests wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$HERE/requests.lua" "http://127.0.0.1:$PORT/lps" \
        | awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "requests") print kv[2] } }')
    kill -INT "$STAT_PID" 2>/dev/null || true
    stat_status=0
    wait "$STAT_PID" || stat_status=$?
    STAT_PID=
    [ -s "$WORK/counts.stat" ] || { log "perf stat wrote no counts (exit status $stat_status)"; exit 1; }
    [ -n "$calls" ] && [ "$calls" -gt 0 ] || { log "wrk completed no call against $bin"; exit 1; }
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    python3 - "$bin" "$calls" "$WORK/counts.stat" "${EVENTS[@]}" <<'PY'
import sys
binary, calls, stat, events = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
counts = {}
for line in open(stat):
    fields = line.strip().split(",")
    if len(fields) > 2 and fields[2] in events and fields[0].replace(".", "").isdigit():
        counts[fields[2]] = float(fields[0])
cells = " | ".join(f"{counts[e] / calls:.1f}" if e in counts else "?" for e in events)
print(f"| `{binary}` | {calls:,} | {cells} |")
PY
done
