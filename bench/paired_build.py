#!/usr/bin/env python3
"""Index build throughput of newsindex against tantivy-cli, measured in alternating pairs
(`bench.paired_builds`, which `bench/bench.py` runs for the build goals too).

Usage: paired_build.py NEWSINDEX TANTIVY WORKDIR CORPUS_DIR CORPUS_JSONL [--pairs N]
       [--quiet-below LOAD] [--base OTHER_NEWSINDEX]

Each pair builds the corpus with both tools as `bench/bench.py` runs them (newsindex reads
the folder, tantivy-cli the same articles as one JSON-lines stream on stdin, `-t 2`), the
order alternating from one pair to the next, each pair started once the one-minute load
average is below LOAD (default 1.0). Prints one JSON object: tantivy-cli's time over
newsindex's per pair (above 1: newsindex builds faster), wall and CPU, and newsindex's peak
RSS over tantivy-cli's, each as the median of the pairs with a 95% bootstrap interval.

With `--base OTHER_NEWSINDEX`, the pairs are NEWSINDEX against that other build of newsindex
instead of tantivy-cli (TANTIVY is then not run): the base's time over NEWSINDEX's (above 1:
NEWSINDEX builds faster) and NEWSINDEX's peak RSS over the base's, for a change's before and
after.
"""

import argparse
import json
from pathlib import Path

from bench import Newsindex, TantivyCli, paired_builds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("newsindex")
    parser.add_argument("tantivy")
    parser.add_argument("workdir", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("jsonl", type=Path)
    parser.add_argument("--pairs", type=int, default=21)
    parser.add_argument("--quiet-below", type=float, default=1.0)
    parser.add_argument("--base", help="another newsindex build to pair with, instead of tantivy-cli")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    ours = Newsindex(args.newsindex, args.workdir)
    if args.base:
        (args.workdir / "base").mkdir(exist_ok=True)
        theirs = Newsindex(args.base, args.workdir / "base")
        theirs.name = "newsindex (base)"
    else:
        theirs = TantivyCli(args.tantivy, args.workdir)
    result = paired_builds(ours, theirs, args.corpus, args.jsonl, args.pairs, args.quiet_below)
    print(json.dumps({"corpus": str(args.corpus), **result}))


if __name__ == "__main__":
    main()
