#!/usr/bin/env python3
"""Index build throughput of newsindex against tantivy-cli, measured in pairs.

Usage: paired_build.py NEWSINDEX TANTIVY WORKDIR CORPUS_DIR CORPUS_JSONL [--pairs N]
       [--quiet-below LOAD]

Each pair builds the corpus with both tools as `bench/bench.py` runs them (newsindex reads
the folder, tantivy-cli the same articles as one JSON-lines stream on stdin, `-t 2`), the
order alternating from one pair to the next, each pair started once the one-minute load
average is below LOAD (default 1.0). Reports, per pair, tantivy-cli's wall time over
newsindex's (its throughput ratio: above 1 means newsindex builds faster) and the same for
CPU time, as the median of the pairs with a 95% bootstrap interval, and each tool's median
peak RSS. One run per tool cannot tell a few percent apart on a 2-core machine; the median of
paired ratios can, and its interval says how well.
"""

import argparse
import json
import statistics
from pathlib import Path

from bench import Newsindex, TantivyCli, wait_for_quiet
from copies_cost import median_interval


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("newsindex")
    parser.add_argument("tantivy")
    parser.add_argument("workdir", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("--pairs", type=int, default=21)
    parser.add_argument("--quiet-below", type=float, default=1.0)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    ours, theirs = Newsindex(args.newsindex, args.workdir), TantivyCli(args.tantivy, args.workdir)
    runs = {"newsindex": [], "tantivy-cli": []}
    loads = []
    for pair in range(args.pairs):
        loads.append(round(wait_for_quiet(False, args.quiet_below), 2))
        order = [ours, theirs] if pair % 2 == 0 else [theirs, ours]
        for tool in order:
            runs[tool.name].append(tool.build(args.corpus, args.jsonl))
    pairs = list(zip(runs["newsindex"], runs["tantivy-cli"]))
    print(json.dumps({
        "corpus": str(args.corpus),
        "pairs": args.pairs,
        "load_before_each_pair": [min(loads), max(loads)],
        "throughput_vs_tantivy_cli": {
            "wall": median_interval([t["wall"] / n["wall"] for n, t in pairs]),
            "cpu": median_interval([t["cpu"] / n["cpu"] for n, t in pairs]),
        },
        "median_wall_s": {name: round(statistics.median(r["wall"] for r in rs), 3)
                          for name, rs in runs.items()},
        "median_peak_rss_mb": {name: round(statistics.median(r["rss_mb"] for r in rs), 1)
                               for name, rs in runs.items()},
        "peak_rss_ratio": median_interval([n["rss_mb"] / t["rss_mb"] for n, t in pairs]),
    }))


if __name__ == "__main__":
    main()
