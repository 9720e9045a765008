#!/usr/bin/env python3
"""Query latency of questions, fallbacks and keyword searches, cold and warm, for one or more
newsindex binaries in the same run (the "Questions: latency" table of BENCHMARKS.md).

  bench/questions.py --bin NAME=PATH=REUTERS_INDEX[=CHRONAM_INDEX] [--bin ...]

(each binary reads its own indexes: index formats change between versions)

Cold: a fresh `newsindex search --json --limit 10` process per query (the adhoc collections'
questions, lower-cased, and the keyword set below) against an index of Reuters-21578. Warm:
`newsindex serve` on each index, one client asking each query in turn, 5 rounds after a
warm-up round. Prints the load average before each tool, and p50/p95 in milliseconds.
"""
import argparse, json, os, statistics, subprocess, sys, time, urllib.parse, urllib.request
from pathlib import Path

ADHOC = Path(__file__).resolve().parent.parent.parent / "shared/corpora/adhoc"

KEYWORDS = {
    "reuters": ["oil", "crude prices", '"interest rates"', "said", "opec output quota",
                "belief protective", "revealed bridges", "goverment budjet", "coffee zzyzx"],
    "chronam": ["submarine", "german submarine", '"united states"', "city", "villa bandits",
                "belief protective", "revealed bridges", "prcsident wilson", "washington tlie"],
}


# bench.py's query set (words only; its date options left out) and the two fallbacks the issue
# names, for the warm figures the targets speak of.
BENCH_SET = {
    "reuters": ["oil", "crude prices", '"interest rates"', "said", "belief protective", "revealed bridges"],
    "chronam": ["submarine", "german submarine", '"united states"', "war", "city",
                "belief protective", "revealed bridges"],
}


def questions(limit_per_collection):
    out = []
    for name in ["cisi", "cran", "med", "lisa", "npl"]:
        lines = (ADHOC / name / "queries.tsv").read_text().splitlines()
        out += [l.split("\t", 1)[1].lower() for l in lines[:limit_per_collection]]
    return out


def load():
    return open("/proc/loadavg").read().split()[0]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def cold(binary, index, queries):
    times = []
    for q in queries:
        start = time.perf_counter()
        subprocess.run([binary, "--index", index, "search", "--json", "--limit", "10", q],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return times


def warm(binary, index, queries, rounds=5):
    server = subprocess.Popen([binary, "--index", index, "serve", "--addr", "127.0.0.1:0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    addr = line.split("http://")[1].split("/")[0]
    times = []
    try:
        for round_ in range(rounds + 1):
            for q in queries:
                url = f"http://{addr}/api/search?limit=10&q=" + urllib.parse.quote(q)
                start = time.perf_counter()
                try:
                    urllib.request.urlopen(url).read()
                except urllib.error.HTTPError as e:
                    e.read()
                if round_ > 0:
                    times.append((time.perf_counter() - start) * 1000)
    finally:
        server.terminate()
        server.wait()
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", required=True,
                    help="NAME=PATH=REUTERS_INDEX[=CHRONAM_INDEX]")
    ap.add_argument("--per-collection", type=int, default=20, help="questions per collection")
    args = ap.parse_args()
    asked = questions(args.per_collection)
    rows = []
    for spec in args.bin:
        name, path, reuters, *chronam = spec.split("=")
        chronam = chronam[0] if chronam else None
        print(f"load average before {name} cold questions: {load()}", file=sys.stderr)
        t = cold(path, reuters, asked)
        rows.append((name, "cold, questions on Reuters", len(t), t))
        print(f"load average before {name} cold keywords: {load()}", file=sys.stderr)
        t = cold(path, reuters, KEYWORDS["reuters"] * 3)
        rows.append((name, "cold, keywords and fallbacks on Reuters", len(t), t))
        for corpus, index in [("reuters", reuters), ("chronam", chronam)]:
            if not index:
                continue
            print(f"load average before {name} warm {corpus}: {load()}", file=sys.stderr)
            t = warm(path, index, KEYWORDS[corpus] + asked[::4])
            rows.append((name, f"warm (server), {corpus}: keywords, fallbacks, questions", len(t), t))
            t = warm(path, index, BENCH_SET[corpus], rounds=20)
            rows.append((name, f"warm (server), {corpus}: the benchmark's set and fallbacks", len(t), t))
    print("| binary | what | queries | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for name, what, n, t in rows:
        print(f"| {name} | {what} | {n} | {pct(t, 50):.2f} | {pct(t, 95):.2f} | {max(t):.2f} |")


if __name__ == "__main__":
    main()
