#!/usr/bin/env bash
# HTTP benchmark of the simulator, with nginx as the upper bound of HTTP on this machine.
#
# Builds the release server, generates synthetic bases (cached under .build-bench/http-bench),
# and drives the servers over loopback with wrk and real traits/Vitale requests drawn from the
# base (70% 00, 20% 01, 10% 02 among traits, plus 10% Vitale). Benchmarks/README.md explains
# the method and keeps the history.
#
# 1. The comparison: on the largest base at COMPARE_CONNECTIONS connections, in ROUNDS
#    interleaved rounds (A B C A B C ...), nginx answering a canned answer inline, insi-sim as
#    shipped (defaults: one log line per call), insi-sim at --log-level warning and insi-sim with
#    one event loop more than cores (--event-loops = cores + 1); with PEERS=1
#    also the Swift peers (Benchmarks/peers: Hummingbird, Vapor, FlyingFox) serving the same
#    canned answer. The table shows the median of the rounds.
# 2. The sweep: 1/16/64/256 connections on each base, insi-sim with defaults, against nginx.
# Writes Markdown tables to stdout and to Benchmarks/results/latest.md.
#
# Usage: Benchmarks/http/run.sh
# Environment: SIZES="1000 1000000"  CONNECTIONS="1 16 64 256"  DURATION=10 (seconds per run)
#              ROUNDS=3  COMPARE_CONNECTIONS=64  PEERS=0 (1: build and run the Swift peers)
#              SWEEP=1 (0: the comparison only)  WRK_THREADS=1
#              PORT=18080 (and the next ones for the other servers)  NGINX_PORT=18081
#              REQUESTS_PER_BASE=4000  BUILD_SCRATCH=.build-bench (the release build's scratch path)
#              TLS=1 (0: no TLS runs) and those of tls.sh (TLS_CONNECTIONS, NEW_CONNECTIONS, TLS_PORT,
#              NGINX_TLS_PORT): keep-alive and new connections, server and mutual authentication,
#              against nginx over TLS with the same certificate and settings
set -euo pipefail
cd "$(dirname "$0")/../.."
. Benchmarks/http/paths.sh
SIZES=${SIZES:-"1000 1000000"}
CONNECTIONS=${CONNECTIONS:-"1 16 64 256"}
DURATION=${DURATION:-10}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
REQUESTS_PER_BASE=${REQUESTS_PER_BASE:-4000}
ROUNDS=${ROUNDS:-3}
COMPARE_CONNECTIONS=${COMPARE_CONNECTIONS:-64}
PEERS=${PEERS:-0}
SWEEP=${SWEEP:-1}
WRK_THREADS=${WRK_THREADS:-1}
PEER_NAMES="hummingbird vapor flyingfox"
mkdir -p "$WORK" "$ROOT/Benchmarks/results"
RESULTS=$WORK/results.tsv
COMPARISON=$WORK/comparison.tsv
: > "$RESULTS"
: > "$COMPARISON"

PIDS=()
cleanup() {
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "== $*" >&2; }

# --- tools ---------------------------------------------------------------------------------
install_packages() {
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    fi
}
missing=()
command -v wrk >/dev/null || missing+=(wrk)
{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    install_packages "${missing[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
CLK_TCK=$(getconf CLK_TCK)

# --- build and bases -----------------------------------------------------------------------
log "building the release server"
swift build -c release --scratch-path "$BUILD_SCRATCH" --product insi-sim >&2
BIN=$BUILD_SCRATCH/release/insi-sim
PEER_BINS=$WORK/peers.tsv
: > "$PEER_BINS"
if [ "$PEERS" = 1 ]; then
    log "building the Swift peers (the first build takes about 15 minutes; cached in .build-peers/)"
    "$ROOT/Benchmarks/peers/build.sh" $PEER_NAMES > "$PEER_BINS"
fi

for size in $SIZES; do
    prepare_base "$BIN" "$size" "$REQUESTS_PER_BASE"
done

# --- helpers -------------------------------------------------------------------------------
now() { date +%s.%N; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# CPU ticks of each of insi-sim's event loops (threads named http-loop-N): lines "N TICKS",
# sorted for join, so that run_load can tell how the connections' work fell on the loops.
# Nothing for other servers (and a success all the same: the script runs under set -e).
loop_ticks() {
    local task name
    for task in /proc/"$1"/task/*; do
        name=$(cat "$task/comm" 2>/dev/null) || continue
        [[ $name == http-loop-* ]] || continue
        echo "${name#http-loop-} $(awk '{ print $14 + $15 }' "$task/stat")"
    done | sort
}
status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

wait_for_health() {  # pid url [curl options]
    local deadline=$(( $(date +%s) + 180 ))
    local pid=$1 url=$2
    shift 2
    until curl -sf -o /dev/null --max-time 1 "$@" "$url"; do
        kill -0 "$pid" 2>/dev/null || { log "the server exited; its log:"; cat "$WORK"/server-*.log >&2; exit 1; }
        [ "$(date +%s)" -lt "$deadline" ] || { log "no answer from $url within 180 s"; exit 1; }
        sleep 0.02
    done
}

SERVER_PID=
start_server() {  # base-file (empty: the default base) [port] [serve options...]
    local base=$1 port=${2:-$PORT} started
    shift $(( $# < 2 ? $# : 2 ))
    started=$(now)
    local seed=()
    [ -n "$base" ] && seed=(--seed "$base")
    "$BIN" serve --port "$port" "${seed[@]}" "$@" >"$WORK/server-$port.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for_health "$SERVER_PID" "http://127.0.0.1:$port/health"
    STARTUP=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# run_load TARGET BASE CONNECTIONS PORT CPU_PIDS... : one wrk run, one line of $OUT (results.tsv
# unless told otherwise)
OUT=$RESULTS
run_load() {
    local target=$1 base=$2 connections=$3 port=$4
    shift 4
    local threads=$WRK_THREADS
    [ "$connections" -lt "$threads" ] && threads=$connections
    local before=0 after=0 pid
    for pid in "$@"; do before=$(( before + $(cpu_ticks "$pid") )); done
    local loops_before
    loops_before=$(loop_ticks "$1")
    local output
    # wrk's own CPU too: it shares the machine's cores with the server, so it bounds the rate.
    output=$(REQUESTS=$REQUEST_FILE timeout $(( DURATION + 60 )) python3 "$HERE/child-cpu.py" "$WORK/wrk-cpu" \
        wrk -t"$threads" -c"$connections" -d"${DURATION}s" --timeout 5s \
        -s "$HERE/requests.lua" "http://127.0.0.1:$port/lps" 2>&1) || { log "wrk failed: $output"; exit 1; }
    for pid in "$@"; do after=$(( after + $(cpu_ticks "$pid") )); done
    local result peak
    result=$(grep '^RESULT' <<<"$output" | head -1)
    [ -n "$result" ] || { log "no result from wrk: $output"; exit 1; }
    result="$result wrk_cpu_us=$(cat "$WORK/wrk-cpu")"
    result="$result$(join <(echo "$loops_before") <(loop_ticks "$1") | awk '{ printf " loop%s_ticks=%d", $1, $3 - $2 }')"
    peak=0
    for pid in "$@"; do peak=$(( peak + $(status_kb "$pid" VmHWM) )); done
    # target base connections cpu_seconds peak_kb RESULT-fields...
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$base" "$connections" \
        "$(awk -v t=$(( after - before )) -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }')" "$peak" "${result#RESULT }" >> "$OUT"
    log "$target base=$base c=$connections: $(sed 's/ connect=.*//' <<<"${result#RESULT }")"
}

# --- the canned answer: our own answer to ADRTROIS DOMINIQUE -------------------------------
log "recording the canned answer (ADRTROIS DOMINIQUE on the default base)"
start_server ""
python3 - "$PORT" "$WORK/canned.xml" <<'PY'
import http.client, sys
port, out = int(sys.argv[1]), sys.argv[2]
body = open("Benchmarks/http/make-requests.py").read()
scope = {}
exec(compile(body.replace('if __name__ == "__main__":', 'if False:'), "make-requests.py", "exec"), scope)
xml = scope["traits"](1, "ADRTROIS", ["DOMINIQUE"], "F", "1997-02-26").split("|", 1)[1]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
connection.request("POST", "/lps", body=xml.encode(), headers={"Content-Type": 'application/soap+xml; charset=utf-8; action="urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"'})
response = connection.getresponse()
answer = response.read()
if response.status != 200 or b"CodeCR>00<" not in answer:
    sys.exit("the recorded answer is not a 00: HTTP %d %r" % (response.status, answer[:500]))
open(out, "wb").write(answer)
print("canned answer: %d bytes" % len(answer), file=sys.stderr)
PY
stop_server

# --- nginx: the canned answer inline (`return 200 '…'`) -------------------------------------
NGINX_DIR=$WORK/nginx
NGINX_PID=
start_nginx() {
    rm -rf "$NGINX_DIR"
    mkdir -p "$NGINX_DIR"
    python3 - "$HERE/nginx.conf" "$WORK/canned.xml" "$NGINX_PORT" "$NGINX_DIR" > "$NGINX_DIR/nginx.conf" <<'PY'
import sys
template, answer, port, directory = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3], sys.argv[4]
if "$" in answer:
    sys.exit("the canned answer cannot be written inline: it holds a $ (an nginx variable)")
inline = answer.replace("\\", "\\\\").replace("'", "\\'")
print(template.replace("@PORT@", port).replace("@DIR@", directory).replace("@ANSWER@", inline), end="")
PY
    "$NGINX" -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    wait_for_health "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/lps" --data-binary @"$WORK/canned.xml"
    if ! cmp -s <(curl -sf --data-binary @"$WORK/canned.xml" "http://127.0.0.1:$NGINX_PORT/lps") "$WORK/canned.xml"; then
        log "nginx does not answer the canned answer byte for byte"; exit 1
    fi
    NGINX_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
}
stop_nginx() {
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
}

# --- the comparison: interleaved rounds on the largest base ---------------------------------
# Every server runs for the whole comparison (idle ones cost nothing); each round drives each
# of them once, in the same order, so that a slow patch of the machine hits all of them.
largest=${SIZES##* }
REQUEST_FILE=$WORK/requests-$largest.txt
TARGETS=()
declare -A TARGET_PORT TARGET_PIDS
log "comparison: starting the servers (insi-sim on $largest identities, three times)"
start_nginx
TARGETS+=(nginx); TARGET_PORT[nginx]=$NGINX_PORT; TARGET_PIDS[nginx]=$NGINX_PIDS
start_server "$WORK/base-$largest.json" "$PORT"
TARGETS+=(insi-sim); TARGET_PORT[insi-sim]=$PORT; TARGET_PIDS[insi-sim]=$SERVER_PID
start_server "$WORK/base-$largest.json" $(( PORT + 2 )) --log-level warning
TARGETS+=(insi-sim-warning); TARGET_PORT[insi-sim-warning]=$(( PORT + 2 )); TARGET_PIDS[insi-sim-warning]=$SERVER_PID
# One event loop per core is the default; this row has one more (the client shares the cores).
start_server "$WORK/base-$largest.json" $(( PORT + 3 )) --event-loops "$(( $(nproc) + 1 ))"
TARGETS+=(insi-sim-loop-more); TARGET_PORT[insi-sim-loop-more]=$(( PORT + 3 )); TARGET_PIDS[insi-sim-loop-more]=$SERVER_PID
peer_port=$(( PORT + 4 ))
while IFS=$'\t' read -r name binary; do
    [ -n "$name" ] || continue
    PEER_PORT=$peer_port PEER_ANSWER=$WORK/canned.xml "$binary" >"$WORK/peer-$name.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_for_health "$pid" "http://127.0.0.1:$peer_port/health"
    TARGETS+=("$name"); TARGET_PORT[$name]=$peer_port; TARGET_PIDS[$name]=$pid
    peer_port=$(( peer_port + 1 ))
done < "$PEER_BINS"
OUT=$COMPARISON
for round in $(seq 1 "$ROUNDS"); do
    for target in "${TARGETS[@]}"; do
        # shellcheck disable=SC2086
        run_load "$target" "$round" "$COMPARE_CONNECTIONS" "${TARGET_PORT[$target]}" ${TARGET_PIDS[$target]}
    done
done
OUT=$RESULTS
log "comparison done; stopping its servers"
for target in "${TARGETS[@]}"; do
    [ "$target" = nginx ] && continue
    # shellcheck disable=SC2086
    kill ${TARGET_PIDS[$target]} 2>/dev/null || true
done
stop_nginx
for target in "${TARGETS[@]}"; do
    [ "$target" = nginx ] && continue
    # shellcheck disable=SC2086
    for pid in ${TARGET_PIDS[$target]}; do wait "$pid" 2>/dev/null || true; done
done

# --- the sweep: connections and bases --------------------------------------------------------
STARTUPS=$WORK/startups.tsv
: > "$STARTUPS"
if [ "$SWEEP" = 1 ]; then
    start_nginx
    REQUEST_FILE=$WORK/requests-${SIZES%% *}.txt
    for connections in $CONNECTIONS; do
        # shellcheck disable=SC2086
        run_load nginx - "$connections" "$NGINX_PORT" $NGINX_PIDS
    done
    stop_nginx
    for size in $SIZES; do
        base=$WORK/base-$size.json
        REQUEST_FILE=$WORK/requests-$size.txt
        log "starting the simulator on $size identities"
        start_server "$base"
        rss=$(status_kb "$SERVER_PID" VmRSS)
        hwm=$(status_kb "$SERVER_PID" VmHWM)
        codes=$(python3 "$HERE/check-codes.py" "$PORT" "$REQUEST_FILE" 500)
        log "start-up $STARTUP s, RSS $((rss / 1024)) MB (peak $((hwm / 1024)) MB); $codes"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$(cat "$base.seconds")" "$(stat -c %s "$base")" "$STARTUP" "$rss" "$hwm" "$codes" >> "$STARTUPS"
        for connections in $CONNECTIONS; do
            run_load insi-sim "$size" "$connections" "$PORT" "$SERVER_PID"
        done
        stop_server
    done
fi

# --- TLS: the simulator and nginx over TLS (tls.sh) -------------------------------------------
if [ "${TLS:-1}" = 1 ]; then
    # shellcheck source=Benchmarks/http/tls.sh
    . "$HERE/tls.sh"
    REQUEST_FILE=$WORK/requests-${SIZES%% *}.txt
    tls_benchmark "$WORK/base-${SIZES%% *}.json"
fi

# --- the tables ----------------------------------------------------------------------------
python3 "$HERE/tables.py" "$COMPARISON" "$RESULTS" "$STARTUPS" "$DURATION" "$ROUNDS" "$COMPARE_CONNECTIONS" "$largest" "$WRK_THREADS" \
    > "$ROOT/Benchmarks/results/latest.md"
if [ "${TLS:-1}" = 1 ]; then tls_table >> "$ROOT/Benchmarks/results/latest.md"; fi
cat "$ROOT/Benchmarks/results/latest.md"
