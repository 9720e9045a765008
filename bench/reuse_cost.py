#!/usr/bin/env python3
"""What collapsing copies costs a search, before and after reprints by alignment: each query
run by each binary with `--copies all` and `--copies collapse`, interleaved, several times;
the median time of each, summed over the queries, and the ratios in the same run.

    python3 bench/reuse_cost.py INDEX_DIR OLD_NEWSINDEX NEW_NEWSINDEX [--repeats N]
        [--old-index DIR]

One-shot processes (index opened each time), `--json`, 10 hits, 3 passages each.
`--old-index` is the same archive indexed by the old binary, when its schema differs.
"""

import argparse
import statistics
import subprocess
import time

QUERIES = [
    "villa bandits",
    "montenegro",
    "carranza",
    "submarine",
    "bergen fire",
    "huerta",
    "appam",
    "lansing",
    "persia",
    "cold wave",
]


def run(binary, index, query, mode):
    started = time.perf_counter()
    subprocess.run(
        [binary, "--index", index, "search", *query.split(), "--json", "--copies", mode],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("index")
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--old-index")
    args = parser.parse_args()
    combos = [(b, m) for b in ("old", "new") for m in ("all", "collapse")]
    times = {c: {q: [] for q in QUERIES} for c in combos}
    for _ in range(args.repeats):
        for query in QUERIES:
            for combo in combos:
                binary = getattr(args, combo[0])
                index = args.old_index if combo[0] == "old" and args.old_index else args.index
                times[combo][query].append(run(binary, index, query, combo[1]))
    total = {c: sum(statistics.median(times[c][q]) for q in QUERIES) for c in combos}
    for c in combos:
        print(f"{c[0]:>3} --copies {c[1]:<8} {total[c] * 1000 / len(QUERIES):7.1f} ms per search (median)")
    for b in ("old", "new"):
        print(f"{b}: collapse / all = {total[(b, 'collapse')] / total[(b, 'all')]:.2f}")
    print(f"added by alignment per collapsed search: "
          f"{(total[('new', 'collapse')] - total[('old', 'collapse')]) * 1000 / len(QUERIES):.1f} ms")


if __name__ == "__main__":
    main()
