#!/usr/bin/env bash
# Runs every fuzz harness (Fuzz/) with libFuzzer and AddressSanitizer for SECONDS each
# (default 60), then prints executions and coverage per harness.
#
#   scripts/fuzz.sh [SECONDS]
#
# Environment: FUZZ_HARNESSES="http-parser seed" to run some only; FUZZ_PARALLEL=2 to run two at
# a time; FUZZ_SCRATCH (default .build-fuzz) for the build and what runs leave behind:
#   $FUZZ_SCRATCH/corpus/<harness>/   inputs found (the seed corpus Fuzz/Corpus/<harness> is only read)
#   $FUZZ_SCRATCH/findings/           crash-*, leak-*, timeout-*, oom-* files: the inputs that broke something
#   $FUZZ_SCRATCH/logs/<harness>.log  libFuzzer's output
# Exits non-zero when any harness found something. Replay a finding with a plain build:
#   swift build --product fuzz-<harness> && .build/debug/fuzz-<harness> FILE
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-60}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
PARALLEL=${FUZZ_PARALLEL:-1}
read -r -a HARNESSES <<< "${FUZZ_HARNESSES:-http-parser chunked-body soap-request seed change-log call-judge}"

# Longest input per harness, and its dictionary (Fuzz/Dictionaries).
max_len() {
    case "$1" in
        http-parser) echo 4096 ;; chunked-body) echo 1024 ;; soap-request) echo 8192 ;;
        seed) echo 8192 ;; change-log) echo 1024 ;; call-judge) echo 8192 ;; *) echo 4096 ;;
    esac
}
dictionary() {
    case "$1" in
        http-parser|chunked-body) echo Fuzz/Dictionaries/http.dict ;;
        soap-request|call-judge) echo Fuzz/Dictionaries/soap.dict ;; seed) echo Fuzz/Dictionaries/seed.dict ;;
    esac
}

# -sanitize=fuzzer instruments every module for coverage and links libFuzzer's main; FUZZING
# makes each harness define LLVMFuzzerTestOneInput; -enable-testing lets harnesses use internal
# API in a release build; gold cannot link the result (internal error), lld can.
echo "== building the harnesses (release, -sanitize=fuzzer,address) in $SCRATCH"
mkdir -p "$SCRATCH/logs"
for name in "${HARNESSES[@]}"; do
    if ! swift build -c release --scratch-path "$SCRATCH" --product "fuzz-$name" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -enable-testing -Xswiftc -use-ld=lld \
        > "$SCRATCH/logs/build-$name.log" 2>&1; then
        grep -v "Cannot export local symbol" "$SCRATCH/logs/build-$name.log" | grep -E -A3 "error" >&2 || true
        echo "build of fuzz-$name failed: $SCRATCH/logs/build-$name.log" >&2
        exit 2
    fi
done
BIN="$SCRATCH/release"

mkdir -p "$SCRATCH/findings" "$SCRATCH/logs"
# The Swift backtracer would catch the signals that libFuzzer and ASan report on.
export SWIFT_BACKTRACE=enable=no
# Leak checking at exit sees the Swift runtime's caches; a per-request leak shows as RSS growth
# (libFuzzer's -rss_limit_mb and the long-run script) instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:symbolize=1}

run_one() {
    local name=$1
    local corpus="$SCRATCH/corpus/$name"
    mkdir -p "$corpus"
    local args=(-max_total_time="$SECONDS_EACH" -max_len="$(max_len "$name")" -timeout=20 -rss_limit_mb=2048
                -print_final_stats=1 -artifact_prefix="$SCRATCH/findings/$name-")
    local dict
    dict=$(dictionary "$name")
    [[ -n $dict ]] && args+=(-dict="$dict")
    local status=0
    "$BIN/fuzz-$name" "${args[@]}" "$corpus" "Fuzz/Corpus/$name" > "$SCRATCH/logs/$name.log" 2>&1 || status=$?
    echo "$status" > "$SCRATCH/logs/$name.status"
}

echo "== fuzzing ${#HARNESSES[@]} harnesses, ${SECONDS_EACH} s each, $PARALLEL at a time"
running=0
for name in "${HARNESSES[@]}"; do
    # Earlier findings are kept aside, so that this run's count is its own.
    mkdir -p "$SCRATCH/findings/earlier"
    find "$SCRATCH/findings" -maxdepth 1 -name "$name-*" -type f -exec mv -t "$SCRATCH/findings/earlier" {} +
    run_one "$name" &
    running=$((running + 1))
    if (( running >= PARALLEL )); then wait -n || true; running=$((running - 1)); fi
done
wait || true

failed=0
printf '%-14s %12s %9s %7s %7s %8s  %s\n' harness executions exec/s cov ft corpus findings
for name in "${HARNESSES[@]}"; do
    log="$SCRATCH/logs/$name.log"
    status=$(cat "$SCRATCH/logs/$name.status" 2>/dev/null || echo "?")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    execs=$(grep -o 'stat::number_of_executed_units:[[:space:]]*[0-9]*' "$log" | grep -o '[0-9]*$' \
        || grep -o '^#[0-9]*' <<< "$last" | tr -d '#' || echo "?")
    rate=$(grep -o 'stat::average_exec_per_sec:[[:space:]]*[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' <<< "$last" | grep -o '[0-9]*$' || echo "?")
    ft=$(grep -o 'ft: [0-9]*' <<< "$last" | grep -o '[0-9]*$' || echo "?")
    corpus=$(grep -o 'corp: [0-9]*' <<< "$last" | grep -o '[0-9]*$' || echo "?")
    findings=$(find "$SCRATCH/findings" -maxdepth 1 -name "$name-*" -type f | wc -l)
    verdict="none"
    if [[ $status != 0 || $findings != 0 ]]; then
        failed=1
        verdict="$findings file(s), exit $status: see $log"
    fi
    printf '%-14s %12s %9s %7s %7s %8s  %s\n' "$name" "$execs" "$rate" "$cov" "$ft" "$corpus" "$verdict"
done
if (( failed )); then
    echo "== fuzzing found something: the inputs are in $SCRATCH/findings" >&2
    for log in "$SCRATCH"/logs/*.log; do grep -h -m3 -E 'INVARIANT BROKEN|ERROR: AddressSanitizer|ERROR: libFuzzer|Fatal error' "$log" >&2 || true; done
    exit 1
fi
echo "== no finding"
