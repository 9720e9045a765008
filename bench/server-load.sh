#!/usr/bin/env bash
# Load run of `newsindex serve` on loopback: requests/s and p50/p99 latency at 1, 8 and 64
# concurrent clients (wrk), per route, against GET /health as the baseline, plus the server's
# memory (RSS) before, during and after. Prints the Markdown table BENCHMARKS.md holds.
#
# Usage: bench/server-load.sh [SGM_DIR]   (default ../shared/corpora/reuters21578/sgm-data)
# Needs wrk (apt-get install wrk) and python3. DURATION (default 15s) sets each run's length.
# The Reuters text is converted into a temporary folder and deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

SGM_DIR=${1:-../shared/corpora/reuters21578/sgm-data}
DURATION=${DURATION:-15s}
WORK=$(mktemp -d)
SERVER=
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
python3 bench/reuters_to_jsonl.py "$SGM_DIR" "$WORK/archive"
cargo build --release --locked --quiet
BIN=target/release/newsindex
"$BIN" --index "$WORK/index" index "$WORK/archive" 2> "$WORK/index.log" || true
grep -v 'warning:' "$WORK/index.log" >&2
echo "$(grep -c 'warning:' "$WORK/index.log") records skipped, as the warnings said" >&2

"$BIN" --index "$WORK/index" serve --addr 127.0.0.1:0 2> "$WORK/serve.log" &
SERVER=$!
for _ in $(seq 100); do grep -q 'http://' "$WORK/serve.log" 2>/dev/null && break; sleep 0.1; done
BASE=$(grep -o 'http://[^/]*' "$WORK/serve.log" | head -1)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }

# The routes under load, each a rotation of realistic requests.
IDS=$(curl -sf "$BASE/api/search?q=oil&limit=20" | python3 -c 'import json,sys; print("\n".join(h["id"] for h in json.load(sys.stdin)["hits"]))')
QUERIES=(oil+prices bank+rates %22interest+rates%22 coffee+OR+cocoa trade+deficit wheat gold
         dollar+yen opec+output profit+rose merger takeover+bid crude+oil+prices grain+exports)
printf '/health\n' > "$WORK/health"
for q in "${QUERIES[@]}"; do printf '/api/search?q=%s&limit=10\n' "$q"; done > "$WORK/search"
for q in "${QUERIES[@]}"; do printf '/api/search?q=%s&from=1987-03&to=1987-06&sort=newest&limit=10&passages=3\n' "$q"; done > "$WORK/search-dated"
for q in "${QUERIES[@]}"; do printf '/api/facets?q=%s&by=day\n' "$q"; done > "$WORK/facets"
for id in $IDS; do printf '/api/articles/%s\n' "$id"; done > "$WORK/articles"

ROUTES=(health search search-dated facets articles)
declare -A LABEL=(
    [health]="GET /health"
    [search]="GET /api/search (14 queries, relevance)"
    [search-dated]="GET /api/search (dates, newest, 3 passages)"
    [facets]="GET /api/facets (by=day)"
    [articles]="GET /api/articles/{id} (20 ids)"
)
declare -A RPS P50 P99 ERR
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
RSS_START=$(rss)
RSS_MAX=$RSS_START
for clients in 1 8 64; do
    threads=$(( clients < 2 ? 1 : 2 ))
    for route in "${ROUTES[@]}"; do
        line=$(PATHS_FILE="$WORK/$route" wrk -t"$threads" -c"$clients" -d"$DURATION" --latency \
            -s bench/wrk-paths.lua "$BASE" | grep '^RESULT')
        eval "$(echo "$line" | sed 's/^RESULT //')"
        RPS[$route,$clients]=$rps; P50[$route,$clients]=$p50_ms; P99[$route,$clients]=$p99_ms
        ERR[$route,$clients]=$(( socket_errors + non_2xx ))
        now=$(rss); [ "$now" -gt "$RSS_MAX" ] && RSS_MAX=$now
        echo "$route c=$clients: $line rss=${now}KiB" >&2
    done
done
RSS_MATRIX=$(rss)
# Memory after the matrix, then after another minute of 64 clients searching: steady or not.
PATHS_FILE="$WORK/search" wrk -t2 -c64 -d60s -s bench/wrk-paths.lua "$BASE" | grep '^RESULT' >&2
RSS_END=$(rss)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "| route | clients | requests/s | p50 ms | p99 ms | errors | requests/s ÷ /health | p50 ÷ /health |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for route in "${ROUTES[@]}"; do
    for clients in 1 8 64; do
        echo "| ${LABEL[$route]} | $clients | ${RPS[$route,$clients]} | ${P50[$route,$clients]} | ${P99[$route,$clients]} | ${ERR[$route,$clients]} | $(ratio "${RPS[$route,$clients]}" "${RPS[health,$clients]}") | $(ratio "${P50[$route,$clients]}" "${P50[health,$clients]}") |"
    done
done
echo
echo "server RSS: ${RSS_START} KiB after start, ${RSS_MAX} KiB at most during the matrix, ${RSS_MATRIX} KiB after it, ${RSS_END} KiB after 60 s more of 64 clients searching"
echo "articles: $(curl -sf "$BASE/health")"
echo "load average (1, 5, 15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
