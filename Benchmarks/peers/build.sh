#!/usr/bin/env bash
# Builds the benchmark peers (release), each its own package (Benchmarks/peers/peer-NAME) with its scratch path under
# .build-peers/NAME (ignored by git; kept between runs, so only the first build is slow).
# Usage: Benchmarks/peers/build.sh [NAME ...]   (default: hummingbird vapor flyingfox)
# Prints NAME<TAB>binary for each peer built.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
for name in "${@:-hummingbird vapor flyingfox}"; do
    for peer in $name; do
        scratch=$ROOT/.build-peers/$peer
        swift build -c release --package-path "$ROOT/Benchmarks/peers/peer-$peer" --scratch-path "$scratch" >&2
        printf '%s\t%s\n' "$peer" "$scratch/release/Peer"
    done
done
