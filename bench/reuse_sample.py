#!/usr/bin/env python3
"""A sample of the reprinted passages `newsindex copies ID` finds by alignment (kind "reuse"),
printed side by side for judging by eye, with counts per page.

    python3 bench/reuse_sample.py NEWSINDEX INDEX_DIR [--pages N] [--seed S] [--pairs M] [--weakest]

Reads every article of the index (`newsindex export INDEX_DIR`), draws N OCR pages at random
(seed S), runs `newsindex copies ID --json` on each, and prints M of the reuse pairs found,
drawn at random (or the M with the fewest aligned words), each as the two aligned stretches
of text; then how many passages were
compared and how many were found reprinted, as copies or as reuse.
"""

import argparse
import json
import random
import subprocess
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("index")
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1916)
    parser.add_argument("--width", type=int, default=400)
    parser.add_argument(
        "--weakest",
        action="store_true",
        help="print the pairs with the fewest aligned words instead of a random draw",
    )
    args = parser.parse_args()
    exported = subprocess.run(
        [args.binary, "export", args.index], capture_output=True, check=True, text=True
    ).stdout
    articles = {}
    for line in exported.splitlines():
        record = json.loads(line)
        articles[record["id"]] = record
    rng = random.Random(args.seed)
    ids = sorted(articles)
    chosen = rng.sample(ids, min(args.pages, len(ids)))
    pairs = []
    counts = {"passages": 0, "copy": 0, "reuse": 0}
    elapsed = []
    for article_id in chosen:
        started = time.perf_counter()
        report = json.loads(
            subprocess.run(
                [args.binary, "--index", args.index, "copies", article_id, "--json"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        )
        elapsed.append(time.perf_counter() - started)
        body = articles[article_id]["body"]
        counts["passages"] += len(report["passages"])
        for passage in report["passages"]:
            for reprint in passage["reprints"]:
                counts[reprint.get("kind", "copy")] += 1
                if reprint.get("kind") == "reuse":
                    other = articles[reprint["id"]]["body"]
                    pairs.append(
                        (
                            report["source"],
                            report["date"],
                            body[reprint["own_start"] : reprint["own_end"]],
                            reprint["source"],
                            reprint["date"],
                            other[reprint["start"] : reprint["end"]],
                            reprint["similarity"],
                            reprint["aligned_words"],
                        )
                    )
    rng.shuffle(pairs)
    if args.weakest:
        pairs.sort(key=lambda pair: (pair[7], pair[6]))
    flat = lambda text: " ".join(text.split())[: args.width]
    for n, (src, date, own, other_src, other_date, other, share, words) in enumerate(
        pairs[: args.pairs], 1
    ):
        print(f"#{n} {words} words aligned, share {share}")
        print(f"  A {src} {date}: {flat(own)}")
        print(f"  B {other_src} {other_date}: {flat(other)}")
    elapsed.sort()
    print(
        f"\n{len(chosen)} pages: {counts['passages']} passages reprinted; "
        f"{counts['copy']} copies and {counts['reuse']} reuse reprints; "
        f"copies ID median {elapsed[len(elapsed) // 2] * 1000:.0f} ms",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
