# Sourced by the HTTP benchmark's scripts (run.sh, call-counts.sh), from the repository's root:
# where they build and what they keep, and the bases and requests both draw on.
ROOT=$PWD
HERE=$ROOT/Benchmarks/http
SCRATCH=$ROOT/.build-bench
WORK=$SCRATCH/http-bench
# The release build's scratch path (another one, e.g. a worktree's own release build, saves a rebuild).
BUILD_SCRATCH=${BUILD_SCRATCH:-$SCRATCH}

# prepare_base SERVER_BINARY SIZE REQUEST_COUNT: a synthetic base of SIZE identities
# ($WORK/base-SIZE.json, with the seconds its generation took) and REQUEST_COUNT requests drawn
# from it ($WORK/requests-SIZE.txt), each made once and kept.
prepare_base() {
    local bin=$1 size=$2 count=$3 base=$WORK/base-$2.json start
    if [ ! -s "$base" ] || [ ! -s "$base.seconds" ]; then
        echo "== generating a base of $size identities" >&2
        start=$(date +%s.%N)
        "$bin" seed generate --count "$size" --out "$base" >&2
        awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$base.seconds"
    fi
    if [ ! -s "$WORK/requests-$size.txt" ] || [ "$base" -nt "$WORK/requests-$size.txt" ]; then
        echo "== drawing $count requests from the base of $size" >&2
        python3 "$HERE/make-requests.py" "$base" "$WORK/requests-$size.txt" --count "$count" >&2
    fi
}
