#!/usr/bin/env python3
"""Evaluates copy detection: the pairs an index groups against exact Jaccard by brute force.

Usage: copies_eval.py NEWSINDEX INDEX_DIR [--min-precision P] [--min-recall R] [--show N]

Reads every article of the index (`newsindex export --format es-bulk`) and what the index
groups (`newsindex copies --all`: article pairs, passage pairs of OCR pages, and the
passages compared). Truth is computed here independently: words as the index folds them
(split at non-alphanumeric characters, words of 40 bytes or more dropped, lower-cased,
accents folded; a hyphen at a line's end before a lower-case letter joined), word
5-shingles, and every pair with exact Jaccard >= 0.8 (found exactly with a prefix filter:
two sets with J >= t share one of the first |A| - ceil(t |A|) + 1 shingles of each in a
global order). Pairs inside one article are not counted for passages.

Prints precision and recall for articles and for passages, the pairs missed and those
wrongly grouped (with their exact Jaccard), as JSON on the last line; exits 1 when a floor
is not met.
"""

import argparse
import json
import math
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict

THRESHOLD = 0.8
SHINGLE = 5
MIN_SHINGLES = 5
WORD = re.compile(r"[^\W_]+", re.UNICODE)
HYPHEN = re.compile(r"-\n(?=[^\W\d_])")


def fold(word):
    word = word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def shingles(text):
    text = HYPHEN.sub(lambda m: "" if text[m.end()].islower() else m.group(0), text)
    words = [fold(w) for w in WORD.findall(text) if len(w.encode()) < 40]
    if not words:
        return frozenset()
    n = min(SHINGLE, len(words))
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def similar_pairs(sets):
    """Every pair (i, j), i < j, of `sets` (a list of frozensets) with Jaccard >= THRESHOLD."""
    frequency = defaultdict(int)
    for s in sets:
        for x in s:
            frequency[x] += 1
    postings = defaultdict(list)
    pairs = {}
    order = sorted(range(len(sets)), key=lambda i: len(sets[i]))
    for i in order:
        s = sets[i]
        if not s:
            continue
        ranked = sorted(s, key=lambda x: (frequency[x], x))
        prefix = len(s) - math.ceil(THRESHOLD * len(s)) + 1
        candidates = set()
        for x in ranked[:prefix]:
            candidates.update(postings[x])
            postings[x].append(i)
        for j in candidates:
            t = sets[j]
            if len(t) < THRESHOLD * len(s):
                continue
            common = len(s & t)
            jac = common / (len(s) + len(t) - common)
            if jac >= THRESHOLD:
                pairs[(min(i, j), max(i, j))] = jac
    return pairs


def exact(a, b):
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("newsindex")
    parser.add_argument("index")
    parser.add_argument("--min-precision", type=float, default=0.0)
    parser.add_argument("--min-recall", type=float, default=0.0)
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args()

    export = subprocess.run(
        [args.newsindex, "--index", args.index, "-q", "export", args.index, "--format", "es-bulk"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    bodies, meta = {}, {}
    for line in export.splitlines():
        record = json.loads(line)
        if "body" in record:
            bodies[record["id"]] = record["body"]
            meta[record["id"]] = (record.get("source_raw"), record.get("date"))
    grouped = json.loads(
        subprocess.run(
            [args.newsindex, "--index", args.index, "-q", "copies", "--all"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )

    report = {}
    ok = True

    # Articles.
    ids = sorted(bodies)
    sets = [shingles(bodies[i]) for i in ids]
    sets = [s if len(s) >= MIN_SHINGLES else frozenset() for s in sets]
    truth = {(ids[i], ids[j]): jac for (i, j), jac in similar_pairs(sets).items()}
    found = {(a, b): sim for a, b, sim in grouped["articles"]}
    report["articles"] = score("articles", truth, found, lambda p: exact(*[sets[ids.index(x)] for x in p]), args.show)

    # Passages of OCR pages.
    compared = [tuple(p) for p in grouped["compared"]]
    if compared:
        texts = [bodies[i][s:e] for i, s, e in compared]
        psets = [shingles(t) for t in texts]
        raw = similar_pairs(psets)
        truth = {}
        for (i, j), jac in raw.items():
            if compared[i][0] != compared[j][0]:
                a, b = sorted([compared[i], compared[j]])
                truth[(a, b)] = jac
        found = {}
        for a, b, sim in grouped["passages"]:
            a, b = sorted([tuple(a), tuple(b)])
            found[(a, b)] = sim
        where = {p: k for k, p in enumerate(compared)}

        def passage_jaccard(pair):
            a, b = pair
            sa = psets[where[a]] if a in where else shingles(bodies[a[0]][a[1] : a[2]])
            sb = psets[where[b]] if b in where else shingles(bodies[b[0]][b[1] : b[2]])
            return exact(sa, sb)

        report["passages"] = score("passages", truth, found, passage_jaccard, args.show)
        report["passages"]["compared"] = len(compared)

    for name, part in report.items():
        if part["truth"] == 0 and part["grouped"] == 0:
            continue
        if part["precision"] < args.min_precision or part["recall"] < args.min_recall:
            ok = False
            print(f"FLOOR NOT MET for {name}: precision {part['precision']:.3f}, recall {part['recall']:.3f}")
    print(json.dumps(report))
    return 0 if ok else 1


def score(name, truth, found, jaccard_of, show):
    hit = set(truth) & set(found)
    missed = sorted(set(truth) - set(found))
    wrong = sorted(set(found) - set(truth))
    precision = len(hit) / len(found) if found else 1.0
    recall = len(hit) / len(truth) if truth else 1.0
    print(f"{name}: {len(truth)} pairs with exact Jaccard >= {THRESHOLD}, {len(found)} grouped, "
          f"{len(hit)} both: precision {precision:.3f}, recall {recall:.3f}")
    for pair in missed[:show]:
        print(f"  missed  {pair}  exact {truth[pair]:.3f}")
    for pair in wrong[:show]:
        print(f"  wrongly grouped  {pair}  index {found[pair]:.3f}  exact {jaccard_of(pair):.3f}")
    return {
        "truth": len(truth),
        "grouped": len(found),
        "precision": precision,
        "recall": recall,
        "missed": [list(p) + [truth[p]] for p in missed[:show]],
        "wrong": [list(p) + [found[p]] for p in wrong[:show]],
    }


if __name__ == "__main__":
    sys.exit(main())
