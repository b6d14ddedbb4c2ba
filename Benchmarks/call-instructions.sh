#!/usr/bin/env bash
# Instructions per call: the call bench's work (Benchmarks/call.sh: HTTP parse, endpoint,
# response encoding) counted by valgrind's callgrind, which executes the program on a simulated
# CPU. The count does not depend on the machine's load: two runs of one build agree to about
# 0.3% (Swift seeds its hashing per process), where CPU time moves by 5% (call.sh) or a fifth
# (run.sh).
# It says whether a change removed work, not what that work costs: a cache miss is one
# instruction here.
#
# Usage: Benchmarks/call-instructions.sh [BINARY...]
#        (default: this checkout's release insi-sim-call-bench; give several, e.g. one built in a
#        worktree of an older commit, to compare them on the same requests)
# Environment: SIZE=1000 (identities in the base: a search costs about the same in a larger
#              one, and valgrind loads a million-identity base slowly)  CALLS=4000
#              BENCH_OPTIONS="--findings off": the judge's budget of calls a second is spent in
#              the first milliseconds at full speed; under valgrind most calls would be judged
#              (BENCH_OPTIONS="" counts the defaults as they are).
# Needs valgrind (Debian's valgrind). About 20 s a binary.
set -euo pipefail
BINARIES=()
for bin in "$@"; do BINARIES+=("$(realpath "$bin")"); done
cd "$(dirname "$0")/.."
. Benchmarks/http/paths.sh
SIZE=${SIZE:-1000}
CALLS=${CALLS:-4000}
BENCH_OPTIONS=${BENCH_OPTIONS---findings off}
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
swift build -c release --scratch-path "$BUILD_SCRATCH" --product insi-sim >/dev/null
if [ ${#BINARIES[@]} -eq 0 ]; then
    swift build -c release --scratch-path "$BUILD_SCRATCH" --product insi-sim-call-bench >/dev/null
    BINARIES=("$BUILD_SCRATCH/release/insi-sim-call-bench")
fi
mkdir -p "$WORK"
prepare_base "$BUILD_SCRATCH/release/insi-sim" "$SIZE" 4000
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
read -r -a bench_options <<< "$BENCH_OPTIONS"
for bin in "${BINARIES[@]}"; do
    # Only what CallLoop.call runs is counted (its mangled name: "call" is a substitution
    # there, as the module's name holds the word; the bench keeps it out of line), not the
    # loading of the base.
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --collect-atstart=no \
        '--toggle-collect=*8CallLoopV0C0y*' "$bin" --seed "$WORK/base-$SIZE.json" \
        --requests "$WORK/requests-$SIZE.txt" --rounds 1 --calls "$CALLS" ${bench_options[@]+"${bench_options[@]}"} > "$out/log" 2>&1 \
        || { cat "$out/log" >&2; exit 1; }
    total=$(awk '/^totals:/ { print $2 }' "$out/callgrind.out")
    if [ -z "$total" ] || [ "$total" = 0 ]; then
        echo "$bin: nothing counted (was CallLoop.call renamed? see --toggle-collect)" >&2
        exit 1
    fi
    echo "$bin: $(( total / CALLS )) instructions a call ($CALLS calls, $SIZE identities, $BENCH_OPTIONS)"
done
