#!/usr/bin/env python3
"""Cold queries of two or more newsindex binaries in the same run: the benchmark's query set
(bench.py's QUERIES) as fresh `search` processes, rounds interleaved (order reversed every
other round) so the machine's load falls on each alike. Prints wall p50/p95 and CPU p50
(user + system, getrusage) per binary and each one's ratio to the first, then wall p50/p95 per
query kind.

  bench/cold_cmp.py ROUNDS NAME=BINARY:INDEX [NAME=BINARY:INDEX ...]

The corpus's queries are chosen by the index path: 'reuters' or 'scale' in it, else the January
1916 set.
"""
import os, resource, statistics, subprocess, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import QUERIES  # noqa: E402


def command(binary, index, words, options):
    cmd = [binary, "--index", index, "search", *words, "--limit", "10", "--color", "never"]
    for key, value in options.items():
        cmd += [f"--{key}", value]
    return cmd


def main():
    rounds = int(sys.argv[1])
    tools = []
    for spec in sys.argv[2:]:
        name, rest = spec.split("=", 1)
        binary, index = rest.split(":")
        tools.append((name, binary, index))
    wall = {name: [] for name, _, _ in tools}
    kinds = {}
    cpu = {name: [] for name, _, _ in tools}
    for round_ in range(rounds + 1):
        for name, binary, index in tools if round_ % 2 == 0 else tools[::-1]:
            corpus = next((c for c in ("reuters", "scale") if c in index), "chronam")
            for kind, words, options in QUERIES[corpus]:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run(command(binary, index, words, options), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                took = (time.perf_counter() - started) * 1000
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if round_ > 0:  # the first round warms the page cache
                    wall[name].append(took)
                    kinds.setdefault(kind, {}).setdefault(name, []).append(took)
                    cpu[name].append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    base = tools[0][0]
    for name, _, _ in tools:
        times = sorted(wall[name])
        p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
        c50 = statistics.median(cpu[name])
        print(f"{name:10s} wall p50 {p50:6.2f} ms p95 {p95:6.2f}  cpu p50 {c50:6.2f} ms  "
              f"ratio wall {p50 / statistics.median(wall[base]):.3f} cpu {c50 / statistics.median(cpu[base]):.3f}")
    for kind, by_tool in kinds.items():
        cells = []
        for name, _, _ in tools:
            times = sorted(by_tool[name])
            cells.append(f"{name} {statistics.median(times):5.2f} / {times[int(0.95 * (len(times) - 1))]:5.2f}")
        print(f"  {kind:12s} p50 / p95 ms: " + ",  ".join(cells))
    print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main()
