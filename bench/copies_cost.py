#!/usr/bin/env python3
"""The cost of copy detection, measured in one run: build time and index size with and
without it, and search time with copies collapsed against `--copies all`.

Usage: copies_cost.py BASE_NEWSINDEX NEW_NEWSINDEX WORKDIR CORPUS_DIR... [--reps N]
       [--quiet-below LOAD] [--searches/--no-searches]

BASE_NEWSINDEX is `off` (NEW_NEWSINDEX itself, indexing with `--no-copy-detection`: the
same build with detection off) or a build without copy detection; NEW_NEWSINDEX a build
with it. Both index the same folders into WORKDIR/base and WORKDIR/new, alternately
(--reps times each, the median kept), then NEW_NEWSINDEX runs each query of QUERIES with
`--copies all` and with `--copies collapse` (the default), alternately, --reps times; the
median of the summed wall times is reported. Search times are whole process runs (opening
the index included), as a user sees them. Prints one JSON object.

The builds run in pairs, the order alternating from one pair to the next (base first, then
new first), and each pair gives a ratio of its own: `paired` reports the median of those
ratios with a 95% bootstrap interval of the median (2,000 resamples, a fixed seed), which
a run-to-run drift of the machine shifts far less than it shifts the medians of each side.
With `--quiet-below LOAD`, each pair waits (five minutes at most) until the one-minute load
average is below LOAD, and the loads seen are reported.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import time

from bench import median_interval, wait_for_quiet

QUERIES = [
    "oil prices", "bank rate", "trade deficit", "wheat", "dollar", "opec", "merger",
    "earnings", "coffee", "gold", "japan", "interest rates", "villa bandits", "war",
    "germany", "president wilson", "mexico", "submarine", "congress", "snow storm",
]


def size(folder):
    return sum(
        os.path.getsize(os.path.join(root, name))
        for root, _, names in os.walk(folder)
        for name in names
    )


def cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(binary, index, corpora, options=()):
    shutil.rmtree(index, ignore_errors=True)
    start, start_cpu = time.perf_counter(), cpu()
    subprocess.run([binary, "--index", index, "-q", "index", *options, *corpora], check=False)
    return time.perf_counter() - start, cpu() - start_cpu


def searches(binary, index, mode):
    start = time.perf_counter()
    for query in QUERIES:
        subprocess.run(
            [binary, "--index", index, "-q", "search", *query.split(), "--copies", mode, "--json"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("workdir")
    parser.add_argument("corpora", nargs="+")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--quiet-below", type=float, default=None)
    parser.add_argument("--searches", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    base_index = os.path.join(args.workdir, "base")
    new_index = os.path.join(args.workdir, "new")
    base_times, new_times = [], []
    base, options = (args.new, ["--no-copy-detection"]) if args.base == "off" else (args.base, [])
    loads = []
    for rep in range(args.reps):
        if args.quiet_below is not None:
            loads.append(round(wait_for_quiet(False, args.quiet_below), 2))
        if rep % 2 == 0:
            base_times.append(build(base, base_index, args.corpora, options))
            new_times.append(build(args.new, new_index, args.corpora))
        else:
            new_times.append(build(args.new, new_index, args.corpora))
            base_times.append(build(base, base_index, args.corpora, options))
    all_times, collapse_times = [], []
    for _ in range(args.reps if args.searches else 0):
        all_times.append(searches(args.new, new_index, "all"))
        collapse_times.append(searches(args.new, new_index, "collapse"))
    base_cpu = statistics.median(t[1] for t in base_times)
    new_cpu = statistics.median(t[1] for t in new_times)
    base_build = statistics.median(t[0] for t in base_times)
    new_build = statistics.median(t[0] for t in new_times)
    base_size, new_size = size(base_index), size(new_index)
    paired = {
        "pairs": args.reps,
        "build_wall": median_interval([n[0] / b[0] for b, n in zip(base_times, new_times)]),
        "build_cpu": median_interval([n[1] / b[1] for b, n in zip(base_times, new_times)]),
    }
    if loads:
        paired["load_before_each_pair"] = [min(loads), max(loads)]
    report = {
        "corpora": args.corpora,
        "build_seconds": {"without": round(base_build, 2), "with": round(new_build, 2),
                          "ratio": round(new_build / base_build, 3)},
        "build_cpu_seconds": {"without": round(base_cpu, 2), "with": round(new_cpu, 2),
                              "ratio": round(new_cpu / base_cpu, 3)},
        "index_bytes": {"without": base_size, "with": new_size,
                        "ratio": round(new_size / base_size, 3)},
        "paired": paired,
    }
    if args.searches:
        search_all = statistics.median(all_times)
        search_collapse = statistics.median(collapse_times)
        report["search_seconds_for_%d_queries" % len(QUERIES)] = {
            "copies_all": round(search_all, 3), "collapse": round(search_collapse, 3),
            "ratio": round(search_collapse / search_all, 3)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
