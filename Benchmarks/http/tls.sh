# The TLS runs of the HTTP benchmark, sourced by run.sh (which defines BIN, WORK, HERE, NGINX,
# DURATION, PORT, PIDS and the helpers log, now, cpu_ticks, wait_for_health) and run after
# its plain runs. insi-sim serves a TLS listener (--security open: the transport is measured,
# not the strict checks) and nginx serves its canned answer with the same certificate and TLS
# settings (nginx-tls.conf), one after the other, on the base of the first size:
#
#   keep-alive   TLS_CONNECTIONS connections, each reusing its connection        (wrk: server
#                authentication only; tls-load: mutual TLS)
#   new-conn     NEW_CONNECTIONS connections, a new connection and a full handshake for every
#                call (Connection: close)                                        (same tools)
#
# wrk cannot present a client certificate: the mutual-TLS rows use tls-load.c, built here
# against the system's OpenSSL. Results go to $WORK/tls-results.tsv; tls_table prints them.
# Environment: TLS_CONNECTIONS=64  NEW_CONNECTIONS=16  TLS_PORT=18443  NGINX_TLS_PORT=18444

TLS_CONNECTIONS=${TLS_CONNECTIONS:-64}
NEW_CONNECTIONS=${NEW_CONNECTIONS:-16}
TLS_PORT=${TLS_PORT:-18443}
NGINX_TLS_PORT=${NGINX_TLS_PORT:-18444}
TLS_RESULTS=$WORK/tls-results.tsv

# tls_measure TOOL MODE AUTH TARGET PORT CONNECTIONS PIDS... : one run, one line of tls-results.tsv
tls_measure() {
    local tool=$1 mode=$2 auth=$3 target=$4 port=$5 connections=$6
    shift 6
    local before=0 after=0 pid output threads=2
    [ "$connections" -lt 2 ] && threads=1
    for pid in "$@"; do before=$(( before + $(cpu_ticks "$pid") )); done
    if [ "$tool" = wrk ]; then
        output=$(REQUESTS=$REQUEST_FILE CONNECTION_CLOSE=$([ "$mode" = new-conn ] && echo 1 || echo 0) \
            timeout $(( DURATION + 60 )) wrk -t"$threads" -c"$connections" -d"${DURATION}s" --timeout 5s \
            -s "$HERE/requests.lua" "https://localhost:$port/lps" 2>&1) || { log "wrk failed: $output"; exit 1; }
    else
        local options=(--port "$port" --connections "$connections" --seconds "$DURATION" --body "$TLS_BODY"
                       --action "$TLS_ACTION" --cacert "$TLS_PKI/ca.pem")
        [ "$auth" = mtls ] && options+=(--cert "$TLS_PKI/insi-auto.pem" --key "$TLS_PKI/insi-auto-key.pem")
        [ "$mode" = new-conn ] && options+=(--new-connections)
        output=$(timeout $(( DURATION + 60 )) "$TLS_LOAD" "${options[@]}" 2>&1) || { log "tls-load failed: $output"; exit 1; }
    fi
    for pid in "$@"; do after=$(( after + $(cpu_ticks "$pid") )); done
    local result
    result=$(grep '^RESULT' <<<"$output" | head -1)
    [ -n "$result" ] || { log "no result from $tool: $output"; exit 1; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$auth" "$tool" "$target" "$connections" \
        "$(awk -v t=$(( after - before )) -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }')" "${result#RESULT }" >> "$TLS_RESULTS"
    log "TLS $mode $auth $tool $target c=$connections: $(sed 's/ connect=.*//' <<<"${result#RESULT }")"
}

# tls_rows TARGET PORT AUTH PIDS... : the runs of one server in one authentication mode
tls_rows() {
    local target=$1 port=$2 auth=$3
    shift 3
    if [ "$auth" = server ]; then
        tls_measure wrk keep-alive server "$target" "$port" "$TLS_CONNECTIONS" "$@"
        tls_measure wrk new-conn server "$target" "$port" "$NEW_CONNECTIONS" "$@"
    fi
    tls_measure tls-load keep-alive "$auth" "$target" "$port" "$TLS_CONNECTIONS" "$@"
    tls_measure tls-load new-conn "$auth" "$target" "$port" "$NEW_CONNECTIONS" "$@"
}

tls_benchmark() {
    local base=$1
    : > "$TLS_RESULTS"
    TLS_PKI=$WORK/tls-pki
    "$BIN" certs generate --out "$TLS_PKI" --force >/dev/null
    TLS_LOAD=$WORK/tls-load
    cc -O2 -o "$TLS_LOAD" "$HERE/tls-load.c" -lssl -lcrypto -lpthread
    # tls-load repeats one request: the first traits request of the mix.
    TLS_BODY=$WORK/tls-body.xml
    grep -m1 '^T|' "$REQUEST_FILE" | cut -c3- | tr -d '\n' > "$TLS_BODY"
    TLS_ACTION=urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite

    local auth verify pid
    for auth in server mtls; do
        verify=""
        [ "$auth" = mtls ] && verify="ssl_verify_client on; ssl_client_certificate $TLS_PKI/ca.pem;"
        local dir=$WORK/nginx-tls
        rm -rf "$dir" && mkdir -p "$dir/www"
        cp "$WORK/canned.xml" "$dir/www/canned.xml"
        : > "$dir/www/lps"
        sed -e "s|@PORT@|$NGINX_TLS_PORT|g" -e "s|@DIR@|$dir|g" -e "s|@PKI@|$TLS_PKI|g" -e "s|@VERIFY@|$verify|g" \
            "$HERE/nginx-tls.conf" > "$dir/nginx.conf"
        "$NGINX" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" &
        pid=$!
        PIDS+=("$pid")
        local client=()
        [ "$auth" = mtls ] && client=(--cert "$TLS_PKI/insi-auto.pem" --key "$TLS_PKI/insi-auto-key.pem")
        wait_for_health "$pid" "https://localhost:$NGINX_TLS_PORT/lps" --cacert "$TLS_PKI/ca.pem" "${client[@]}" --data-binary @"$TLS_BODY"
        # shellcheck disable=SC2046
        tls_rows nginx "$NGINX_TLS_PORT" "$auth" "$pid" $(pgrep -P "$pid" | tr '\n' ' ')
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true

        local tls_options=(--tls-port "$TLS_PORT" --tls-cert "$TLS_PKI/server.pem" --tls-key "$TLS_PKI/server-key.pem")
        [ "$auth" = mtls ] && tls_options+=(--client-ca "$TLS_PKI/ca.pem")
        "$BIN" serve --port "$PORT" "${tls_options[@]}" --security open --seed "$base" --log-level warning >"$WORK/server-tls.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        wait_for_health "$pid" "http://127.0.0.1:$PORT/health"
        tls_rows insi-sim "$TLS_PORT" "$auth" "$pid"
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

# The Markdown table of the TLS runs, each insi-sim row against nginx's of the same run.
tls_table() {
    python3 - "$TLS_RESULTS" "$DURATION" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    mode, auth, tool, target, connections, cpu, fields = line.rstrip("\n").split("\t")
    values = {k: int(v) for k, v in (item.split("=") for item in fields.split())}
    rps = values["requests"] / (values["duration_us"] / 1e6)
    errors = values["connect"] + values["read"] + values["write"] + values["status"] + values["timeout"]
    rows.append(dict(mode=mode, auth=auth, tool=tool, target=target, c=int(connections), cpu=float(cpu), rps=rps, errors=errors, **values))
nginx = {(r["mode"], r["auth"], r["tool"]): r for r in rows if r["target"] == "nginx"}
print("\n### TLS (%s s per run; insi-sim with --security open, nginx with the same certificate and TLS settings)\n" % sys.argv[2])
print("keep-alive: each connection reuses its connection; new-conn: a new connection and a full handshake (RSA 2048, TLS 1.3) for every call. "
      "server: server authentication only; mtls: the client presents insi-auto.pem. wrk cannot present a client certificate: "
      "the mtls rows, and the tls-load rows, come from Benchmarks/http/tls-load.c (one blocking OpenSSL thread per connection).\n")
print("| mode | authentication | tool | server | connections | requests/s | vs nginx | p50 (ms) | p99 (ms) | errors | server CPU/request (µs) |")
print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    ref = nginx.get((r["mode"], r["auth"], r["tool"]))
    ratio = "1.00" if r["target"] == "nginx" else ("%.2f" % (r["rps"] / ref["rps"]) if ref else "-")
    cpu_us = r["cpu"] / r["requests"] * 1e6 if r["requests"] else 0
    print("| %s | %s | %s | %s | %d | %s | %s | %.2f | %.2f | %d | %.1f |" % (
        r["mode"], r["auth"], r["tool"], "nginx (canned answer)" if r["target"] == "nginx" else "insi-sim", r["c"],
        "{:,.0f}".format(r["rps"]), ratio, r["p50_us"] / 1000, r["p99_us"] / 1000, r["errors"], cpu_us))
sims = {(r["mode"], r["auth"], r["tool"]): r for r in rows if r["target"] == "insi-sim"}
key = ("keep-alive", "server", "wrk")
if key in sims and key in nginx:
    ratio = sims[key]["rps"] / nginx[key]["rps"]
    print("\n- %s keep-alive over TLS, 64 connections: throughput ≥ 50%% of nginx's canned answer: %.2f" % ("✅" if ratio >= 0.5 else "❌", ratio))
PY
}
