#!/usr/bin/env python3
"""What collapsing copies costs a search, in one run of one binary: `--copies all` against
`--copies collapse`, cold (a fresh `newsindex search --json` process per query) and warm
(`newsindex serve`, one client, `copies=all` and `copies=collapse` on the same server).

Usage: copies_search.py NEWSINDEX INDEX [--reps N] [--queries reuters|chronam|both]

The two modes alternate query by query and round by round, so a busy machine slows both
alike; each query's time is the median of its rounds, and the ratio is that of the sums of
the medians. Queries: bench.py's and questions.py's keyword sets (the fallbacks included) and
copies_cost.py's. Prints one JSON object.
"""
import argparse
import json
import statistics
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

QUERIES = {
    "reuters": ["oil", "crude prices", '"interest rates"', "said", "opec output quota",
                "belief protective", "revealed bridges", "goverment budjet", "oil prices",
                "bank rate", "trade deficit", "wheat", "dollar", "merger", "earnings", "coffee",
                "gold", "japan"],
    "chronam": ["submarine", "german submarine", '"united states"', "war", "city",
                "villa bandits", "belief protective", "revealed bridges", "prcsident wilson",
                "washington tlie", "germany", "president wilson", "mexico", "congress",
                "snow storm"],
}


def load():
    return float(open("/proc/loadavg").read().split()[0])


def cold(binary, index, query, mode):
    start = time.perf_counter()
    subprocess.run([binary, "--index", index, "-q", "search", query, "--copies", mode, "--json"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def warm(addr, query, mode):
    url = f"http://{addr}/api/search?limit=10&copies={mode}&q=" + urllib.parse.quote(query)
    start = time.perf_counter()
    try:
        urllib.request.urlopen(url).read()
    except urllib.error.HTTPError as error:
        error.read()
    return time.perf_counter() - start


def ratio(times, queries):
    sums = {}
    for mode in ("all", "collapse"):
        sums[mode] = sum(statistics.median(times[(q, mode)]) for q in queries)
    return {"all_ms": round(sums["all"] * 1000, 1), "collapse_ms": round(sums["collapse"] * 1000, 1),
            "ratio": round(sums["collapse"] / sums["all"], 3)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("index")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--queries", default="both", choices=["reuters", "chronam", "both"])
    args = parser.parse_args()
    queries = (QUERIES["reuters"] + QUERIES["chronam"] if args.queries == "both"
               else QUERIES[args.queries])
    loads = [load()]
    times = {}
    for rep in range(args.reps):
        for query in queries:
            modes = ("all", "collapse") if rep % 2 == 0 else ("collapse", "all")
            for mode in modes:
                times.setdefault((query, mode), []).append(cold(args.binary, args.index, query, mode))
    loads.append(load())
    cold_result = ratio(times, queries)
    server = subprocess.Popen([args.binary, "--index", args.index, "serve", "--addr", "127.0.0.1:0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        addr = server.stderr.readline().split("http://")[1].split("/")[0]
        for query in queries:
            for mode in ("all", "collapse"):
                warm(addr, query, mode)
        times = {}
        for rep in range(args.reps):
            for query in queries:
                modes = ("all", "collapse") if rep % 2 == 0 else ("collapse", "all")
                for mode in modes:
                    times.setdefault((query, mode), []).append(warm(addr, query, mode))
    finally:
        server.terminate()
        server.wait()
    loads.append(load())
    print(json.dumps({"index": args.index, "queries": len(queries), "reps": args.reps,
                      "cold": cold_result, "warm": ratio(times, queries), "load_average": loads}))


if __name__ == "__main__":
    main()
