#!/usr/bin/env python3
"""The server's CPU per warm request for two or more newsindex binaries in the same run: each
`serve` is asked the benchmark's `/api/search` paths (one per line in PATHS, as bench.py's
server load asks them) by one client, rounds interleaved, after one warm-up round; the CPU is
the sum of the server's threads' run time (/proc/PID/task/*/schedstat), which the load of
other processes on the machine changes far less than wall time.

  bench/warm_cpu.py ROUNDS PATHS NAME=BINARY=INDEX [NAME=BINARY=INDEX ...]
"""
import glob, statistics, sys, time, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from warm import start  # noqa: E402


def cpu_ms(pid):
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            total += int(open(path).read().split()[0])
        except OSError:
            pass
    return total / 1e6


def main():
    rounds = int(sys.argv[1])
    paths = [line.strip() for line in open(sys.argv[2]) if line.strip()]
    servers = []
    try:
        for spec in sys.argv[3:]:
            name, binary, index = spec.split("=")
            server, addr = start(binary, index)
            servers.append((name, server, addr, [], []))
        for round_ in range(rounds + 1):
            for _, server, addr, cpus, walls in servers:
                cpu_before, started = cpu_ms(server.pid), time.perf_counter()
                for path in paths:
                    urllib.request.urlopen(f"http://{addr}{path}").read()
                if round_ > 0:
                    cpus.append((cpu_ms(server.pid) - cpu_before) / len(paths))
                    walls.append((time.perf_counter() - started) * 1000 / len(paths))
    finally:
        for _, server, *_ in servers:
            server.terminate()
            server.wait()
    base = statistics.median(servers[0][3])
    for name, _, _, cpus, walls in servers:
        print(f"{name:8s} server CPU per request {statistics.median(cpus):.3f} ms "
              f"(ratio {statistics.median(cpus) / base:.3f}), wall per request {statistics.median(walls):.3f} ms")


if __name__ == "__main__":
    main()
