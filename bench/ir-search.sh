#!/usr/bin/env bash
# Instructions executed by one cold search (callgrind's Ir, the whole process: start, open,
# search, print), for one or more newsindex binaries on the same index: a measure of work that
# the machine's load and phase do not change, where wall times of a few milliseconds move by
# more than the change measured (BENCHMARKS.md, "Cold searches in instructions").
# Usage: bench/ir-search.sh INDEX QUERY BIN [BIN...]   (about 50x slower than the search)
set -euo pipefail
index=$1; query=$2; shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for bin in "$@"; do
    if ! valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --index "$index" \
        search "$query" --limit 10 --color never >/dev/null 2>"$out.log"; then
        cat "$out.log" >&2
        exit 1
    fi
    rm -f "$out.log"
    echo "$query $bin Ir=$(grep -m1 '^summary:' "$out" | cut -d' ' -f2)"
done
