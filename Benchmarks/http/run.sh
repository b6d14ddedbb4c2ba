#!/usr/bin/env bash
# HTTP benchmark of the simulator, with nginx as the upper bound of HTTP on this machine.
#
# Builds the release server, generates synthetic bases (cached under .build-bench/http-bench),
# starts `insi-sim serve` on each and drives it over loopback with wrk and real traits/Vitale
# requests drawn from the base (70% 00, 20% 01, 10% 02 among traits, plus 10% Vitale), then the
# same load against nginx (one worker, canned answer). Then the TLS runs of tls.sh (keep-alive
# and new connections, server and mutual authentication, against nginx over TLS). Writes
# Markdown tables to stdout and to Benchmarks/results/latest.md.
#
# Usage: Benchmarks/http/run.sh
# Environment: SIZES="1000 1000000"  CONNECTIONS="1 16 64 256"  DURATION=10 (seconds per run)
#              PORT=18080  NGINX_PORT=18081  REQUESTS_PER_BASE=4000  TLS=1 (0: no TLS runs)
#              and those of tls.sh (TLS_CONNECTIONS, NEW_CONNECTIONS, TLS_PORT, NGINX_TLS_PORT)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/Benchmarks/http
SCRATCH=$ROOT/.build-bench
WORK=$SCRATCH/http-bench
SIZES=${SIZES:-"1000 1000000"}
CONNECTIONS=${CONNECTIONS:-"1 16 64 256"}
DURATION=${DURATION:-10}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
REQUESTS_PER_BASE=${REQUESTS_PER_BASE:-4000}
mkdir -p "$WORK" "$ROOT/Benchmarks/results"
RESULTS=$WORK/results.tsv
: > "$RESULTS"

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
# shellcheck source=Benchmarks/http/tls.sh
. "$HERE/tls.sh"

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
command -v cc >/dev/null || missing+=(gcc)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    install_packages "${missing[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
CLK_TCK=$(getconf CLK_TCK)

# --- build and bases -----------------------------------------------------------------------
log "building the release server"
swift build -c release --scratch-path "$SCRATCH" --product insi-sim >&2
BIN=$SCRATCH/release/insi-sim

for size in $SIZES; do
    base=$WORK/base-$size.json
    if [ ! -s "$base" ] || [ ! -s "$base.seconds" ]; then
        log "generating a base of $size identities"
        start=$(date +%s.%N)
        "$BIN" seed generate --count "$size" --out "$base" >&2
        awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$base.seconds"
    fi
    if [ ! -s "$WORK/requests-$size.txt" ] || [ "$base" -nt "$WORK/requests-$size.txt" ]; then
        log "drawing $REQUESTS_PER_BASE requests from the base of $size"
        python3 "$HERE/make-requests.py" "$base" "$WORK/requests-$size.txt" --count "$REQUESTS_PER_BASE" >&2
    fi
done

# --- helpers -------------------------------------------------------------------------------
now() { date +%s.%N; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

wait_for_health() {  # pid url [curl options]
    local deadline=$(( $(date +%s) + 180 ))
    local pid=$1 url=$2
    shift 2
    until curl -sf -o /dev/null --max-time 1 "$@" "$url"; do
        kill -0 "$pid" 2>/dev/null || { log "the server exited; its log:"; cat "$WORK/server.log" >&2; exit 1; }
        [ "$(date +%s)" -lt "$deadline" ] || { log "no answer from $url within 180 s"; exit 1; }
        sleep 0.02
    done
}

SERVER_PID=
start_server() {  # base-file (empty: the default base)
    local started
    started=$(now)
    if [ -n "$1" ]; then
        "$BIN" serve --port "$PORT" --seed "$1" --log-level warning >"$WORK/server.log" 2>&1 &
    else
        "$BIN" serve --port "$PORT" --log-level warning >"$WORK/server.log" 2>&1 &
    fi
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for_health "$SERVER_PID" "http://127.0.0.1:$PORT/health"
    STARTUP=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# run_load TARGET BASE CONNECTIONS PORT CPU_PIDS... : one wrk run, one line of results.tsv
run_load() {
    local target=$1 base=$2 connections=$3 port=$4
    shift 4
    local threads=2
    [ "$connections" -lt 2 ] && threads=1
    local before=0 after=0 pid
    for pid in "$@"; do before=$(( before + $(cpu_ticks "$pid") )); done
    local output
    output=$(REQUESTS=$REQUEST_FILE timeout $(( DURATION + 60 )) wrk -t"$threads" -c"$connections" -d"${DURATION}s" --timeout 5s \
        -s "$HERE/requests.lua" "http://127.0.0.1:$port/lps" 2>&1) || { log "wrk failed: $output"; exit 1; }
    for pid in "$@"; do after=$(( after + $(cpu_ticks "$pid") )); done
    local result peak
    result=$(grep '^RESULT' <<<"$output" | head -1)
    [ -n "$result" ] || { log "no result from wrk: $output"; exit 1; }
    peak=0
    for pid in "$@"; do peak=$(( peak + $(status_kb "$pid" VmHWM) )); done
    # target base connections cpu_seconds peak_kb RESULT-fields...
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$base" "$connections" \
        "$(awk -v t=$(( after - before )) -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }')" "$peak" "${result#RESULT }" >> "$RESULTS"
    log "$target base=$base c=$connections: $(sed 's/ connect=.*//' <<<"${result#RESULT }")"
}

# --- nginx: the canned answer is our own answer to ADRTROIS DOMINIQUE -------------------------
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

NGINX_DIR=$WORK/nginx
rm -rf "$NGINX_DIR"
mkdir -p "$NGINX_DIR/www"
cp "$WORK/canned.xml" "$NGINX_DIR/www/canned.xml"
: > "$NGINX_DIR/www/lps"  # the static module answers 405 to a POST only on an existing file
sed -e "s|@PORT@|$NGINX_PORT|g" -e "s|@DIR@|$NGINX_DIR|g" "$HERE/nginx.conf" > "$NGINX_DIR/nginx.conf"
"$NGINX" -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_for_health "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/lps" --data-binary @"$WORK/canned.xml"
NGINX_WORKERS=$(pgrep -P "$NGINX_PID" | tr '\n' ' ')
first_size=${SIZES%% *}
REQUEST_FILE=$WORK/requests-$first_size.txt
for connections in $CONNECTIONS; do
    # shellcheck disable=SC2086
    run_load nginx - "$connections" "$NGINX_PORT" "$NGINX_PID" $NGINX_WORKERS
done
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true

# --- the simulator on each base ------------------------------------------------------------
STARTUPS=$WORK/startups.tsv
: > "$STARTUPS"
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

# --- TLS: the simulator and nginx over TLS (tls.sh) -------------------------------------------
if [ "${TLS:-1}" = 1 ]; then
    REQUEST_FILE=$WORK/requests-$first_size.txt
    tls_benchmark "$WORK/base-$first_size.json"
fi

# --- the tables ----------------------------------------------------------------------------
python3 - "$RESULTS" "$STARTUPS" "$DURATION" > "$ROOT/Benchmarks/results/latest.md" <<'PY'
import sys, platform, os, datetime
results_path, startups_path, duration = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for line in open(results_path):
    target, base, connections, cpu, peak, fields = line.rstrip("\n").split("\t")
    values = dict(item.split("=") for item in fields.split())
    values = {k: int(v) for k, v in values.items()}
    rps = values["requests"] / (values["duration_us"] / 1e6)
    errors = values["connect"] + values["read"] + values["write"] + values["status"] + values["timeout"]
    rows.append(dict(target=target, base=base, c=int(connections), cpu=float(cpu), peak=int(peak), rps=rps, errors=errors, **values))
nginx = {r["c"]: r for r in rows if r["target"] == "nginx"}
print("Measured %s on %s (%d cores), wrk over loopback, %s s per run, keep-alive.\n"
      % (datetime.date.today().isoformat(), platform.node() or "this machine", os.cpu_count() or 0, duration))
print("| server | identities | connections | requests/s | vs nginx | p50 (ms) | p99 (ms) | p99.9 (ms) | errors | server CPU/request (µs) | peak RSS (MB) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    ratio = r["rps"] / nginx[r["c"]]["rps"] if r["c"] in nginx and r["target"] != "nginx" else None
    cpu_us = r["cpu"] / r["requests"] * 1e6 if r["requests"] else 0
    print("| %s | %s | %d | %s | %s | %.2f | %.2f | %.2f | %d | %.1f | %d |" % (
        "nginx (canned answer)" if r["target"] == "nginx" else "insi-sim",
        "-" if r["base"] == "-" else "{:,}".format(int(r["base"])), r["c"], "{:,.0f}".format(r["rps"]),
        "1.00" if r["target"] == "nginx" else ("%.2f" % ratio if ratio is not None else "-"),
        r["p50_us"] / 1000, r["p99_us"] / 1000, r["p999_us"] / 1000, r["errors"], cpu_us, r["peak"] // 1024))
print()
print("| identities | generated in (s) | file (MB) | start-up until /health (s) | RSS after load (MB) | peak RSS at load (MB) | answer codes in a sample |")
print("|---:|---:|---:|---:|---:|---:|---|")
for line in open(startups_path):
    size, gen, file_bytes, startup, rss, hwm, codes = line.rstrip("\n").split("\t")
    print("| {:,} | {} | {} | {} | {} | {} | {} |".format(int(size), gen, int(file_bytes) // 1_000_000, startup, int(rss) // 1024, int(hwm) // 1024, codes))
# The targets of issue 6, checked.
sims = {(r["base"], r["c"]): r for r in rows if r["target"] == "insi-sim"}
bases = sorted({int(r["base"]) for r in rows if r["target"] == "insi-sim"})
if bases:
    big, small = str(bases[-1]), str(bases[0])
    print("\nTargets (issue 6):\n")
    def line(label, ok, detail):
        print("- %s %s: %s" % ("✅" if ok else "❌", label, detail))
    if (big, 64) in sims and 64 in nginx:
        r = sims[(big, 64)]
        ratio = r["rps"] / nginx[64]["rps"]
        cpu_us = r["cpu"] / r["requests"] * 1e6
        line("64 connections, %s identities: throughput ≥ 50%% of nginx" % "{:,}".format(int(big)), ratio >= 0.5, "%.2f" % ratio)
        line("server CPU per request < 25 µs", cpu_us < 25, "%.1f µs" % cpu_us)
        line("p99 < 5 ms", r["p99_us"] < 5000, "%.2f ms" % (r["p99_us"] / 1000))
        line("zero errors", r["errors"] == 0, "%d" % r["errors"])
    if (big, 64) in sims and (small, 64) in sims and big != small:
        ratio = sims[(big, 64)]["rps"] / sims[(small, 64)]["rps"]
        line("throughput with %s ≥ 90%% of %s (64 connections)" % ("{:,}".format(int(big)), "{:,}".format(int(small))), ratio >= 0.9, "%.2f" % ratio)
    if (big, 256) in sims:
        r = sims[(big, 256)]
        line("256 connections: no errors, p99 < 20 ms", r["errors"] == 0 and r["p99_us"] < 20000,
             "%d errors, p99 %.2f ms" % (r["errors"], r["p99_us"] / 1000))
    for line_ in open(startups_path):
        size, _, _, startup, rss, _, _ = line_.rstrip("\n").split("\t")
        if size == big:
            line("%s identities loaded in < 5 s" % "{:,}".format(int(big)), float(startup) < 5, "%s s until /health" % startup)
            line("server RSS < 500 MB", int(rss) < 500 * 1024, "%d MB" % (int(rss) // 1024))
PY
[ "${TLS:-1}" = 1 ] && tls_table >> "$ROOT/Benchmarks/results/latest.md"
cat "$ROOT/Benchmarks/results/latest.md"
