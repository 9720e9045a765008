#!/usr/bin/env bash
# Instructions executed by an index build (callgrind's Ir), for one or more newsindex binaries:
# a measure of work that other load on the machine does not change.
# Usage: bench/ir.sh CORPUS_DIR BIN [BIN...]   (about 50x slower than the build itself)
set -euo pipefail
corpus=$1; shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for bin in "$@"; do
    valgrind --tool=callgrind --callgrind-out-file="$work/out" "$bin" --index "$work/index" \
        index --quiet "$corpus" >/dev/null 2>"$work/log"
    echo "$(basename "$corpus") $bin Ir=$(grep -m1 '^summary:' "$work/out" | cut -d' ' -f2)"
    rm -rf "$work/index" "$work/out"
done
