#!/usr/bin/env python3
"""Warm query latency in `newsindex serve` for two or more binaries in the same run, rounds
interleaved so the machine's load falls on each alike (issue 17's warm figures).

  bench/warm.py --corpus chronam NAME=BINARY=INDEX [NAME=BINARY=INDEX ...]

Each server answers the benchmark's query set and the adhoc questions (as bench/questions.py),
one client, `limit=10` with passages; a warm-up round, then ROUNDS rounds. Prints p50/p95 ms
and each binary's ratio to the first.
"""
import argparse, statistics, subprocess, sys, time, urllib.error, urllib.parse, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from questions import BENCH_SET, KEYWORDS, load, pct, questions  # noqa: E402


def start(binary, index):
    server = subprocess.Popen([binary, "--index", index, "serve", "--addr", "127.0.0.1:0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    return server, line.split("http://")[1].split("/")[0]


def ask(addr, query):
    url = f"http://{addr}/api/search?limit=10&q=" + urllib.parse.quote(query)
    started = time.perf_counter()
    try:
        urllib.request.urlopen(url).read()
    except urllib.error.HTTPError as e:
        e.read()
    return (time.perf_counter() - started) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="chronam", choices=["reuters", "chronam"])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--set", default="all", choices=["all", "bench"],
                    help="all: benchmark set, keywords, fallbacks and questions; bench: the benchmark set")
    ap.add_argument("bins", nargs="+", help="NAME=BINARY=INDEX")
    args = ap.parse_args()
    asked = BENCH_SET[args.corpus]
    if args.set == "all":
        asked = asked + KEYWORDS[args.corpus] + questions(20)[::3]
    servers = []
    try:
        for spec in args.bins:
            name, binary, index = spec.split("=")
            server, addr = start(binary, index)
            servers.append((name, server, addr, []))
        print(f"load average before: {load()}; {len(asked)} queries x {args.rounds} rounds", file=sys.stderr)
        for round_ in range(args.rounds + 1):
            for query in asked:
                for _, _, addr, times in servers:
                    took = ask(addr, query)
                    if round_ > 0:
                        times.append(took)
        print(f"load average after: {load()}", file=sys.stderr)
    finally:
        for _, server, _, _ in servers:
            server.terminate()
            server.wait()
    first = None
    print(f"| binary | corpus | queries | p50 ms | p95 ms | mean ms | mean vs {servers[0][0]} |")
    print("|---|---|---|---|---|---|---|")
    for name, _, _, times in servers:
        mean = statistics.mean(times)
        first = first or mean
        print(f"| {name} | {args.corpus} | {len(times)} | {pct(times, 50):.2f} | {pct(times, 95):.2f} | "
              f"{mean:.2f} | {first / mean:.2f}x faster |")


if __name__ == "__main__":
    main()
