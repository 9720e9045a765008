#!/usr/bin/env python3
"""Issue 17's memory goal on the scale corpus: a build's peak memory bounded by `--memory`.

Usage: memory_bound.py NEWSINDEX DATA_DIR [--articles 200000,1000000] [--memory 256]

Builds the scale corpus of `bench/corpora.py` in DATA_DIR/scale (JSON-lines files of 10,000
articles; DATA_DIR must hold `reuters.jsonl` and `chronam.jsonl`, as `bench/run` leaves them
in target/bench/data), then indexes the first N articles of it for each N of --articles (a
folder of links to the first N/10,000 files), each into a fresh index, waiting for a load
average under 1 first. While each build runs, /proc/PID/status is read every 50 ms:
`RssAnon` is the memory the process allocated, `RssFile` the pages of files it maps (the
index's own segments while tantivy merges them, which the kernel may drop at will); the
maximum RSS is the kernel's (`wait4`).

The goal is met when the peak of anonymous memory at the largest N is at most twice the
budget and at most 10% above the peak at the smallest N: set by `--memory`, not by the
archive's size. File-backed pages are reported beside it, not judged: they grow with the
index. Prints a table and the verdict.
"""

import argparse
import os
import sys
import shutil
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora  # noqa: E402
from bench import wait_for_quiet  # noqa: E402

PER_FILE = 10_000


def status_kb(pid):
    """(RssAnon, RssFile) of `pid` in KiB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["RssAnon"].split()[0]), int(fields["RssFile"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def build(newsindex, folder, index, memory):
    """Indexes `folder` into a fresh `index`; returns wall s, CPU s and peaks in MB."""
    shutil.rmtree(index, ignore_errors=True)
    started = time.perf_counter()
    pid = os.spawnv(os.P_NOWAIT, newsindex,
                    [newsindex, "--index", str(index), "index", "--quiet", "--memory", str(memory),
                     str(folder)])
    anon = mapped = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        sample = status_kb(pid)
        if sample:
            anon, mapped = max(anon, sample[0]), max(mapped, sample[1])
        time.sleep(0.05)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{newsindex} failed on {folder}: exit {os.waitstatus_to_exitcode(status)}")
    return {"wall": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
            "anon_mb": anon / 1024, "file_mb": mapped / 1024, "rss_mb": usage.ru_maxrss / 1024}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("newsindex")
    parser.add_argument("data", type=Path)
    parser.add_argument("--articles", default="200000,1000000")
    parser.add_argument("--memory", type=int, default=256, help="the budget, in MiB")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.articles.split(","))
    if sizes[0] < PER_FILE or any(n % PER_FILE for n in sizes):
        raise SystemExit(f"--articles must be multiples of {PER_FILE}")
    corpora.ensure(None, args.data, ["scale"], scale=sizes[-1])
    files = sorted((args.data / "scale").glob("*.jsonl"))
    work = args.data / "memory-bound"
    rows = []
    for articles in sizes:
        folder = work / f"corpus-{articles}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for file in files[: articles // PER_FILE]:
            (folder / file.name).symlink_to(file.resolve())
        load = wait_for_quiet(False)
        row = build(args.newsindex, folder, work / "index", args.memory)
        row.update(articles=articles, load=load)
        rows.append(row)
        shutil.rmtree(work / "index", ignore_errors=True)
    print(f"Scale corpus, `newsindex index --memory {args.memory}` (MB; load average before each build):")
    print()
    print("| articles | wall | CPU | peak anonymous | peak file-backed | peak RSS | load |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['articles']:,} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['anon_mb']:.0f} | "
              f"{r['file_mb']:.0f} | {r['rss_mb']:.0f} | {r['load']:.2f} |")
    first, last = rows[0], rows[-1]
    budget = args.memory * 1024 * 1024 / 1e6
    met = last["anon_mb"] <= 2 * budget and last["anon_mb"] <= 1.1 * first["anon_mb"]
    print()
    print(f"Goal, peak memory bounded by --memory on {last['articles']:,} articles: anonymous "
          f"{last['anon_mb']:.0f} MB, {last['anon_mb'] / budget:.2f}x the budget and "
          f"{last['anon_mb'] / first['anon_mb']:.2f}x the peak at {first['articles']:,}: "
          f"{'met' if met else 'missed'}. File-backed pages (merges) {last['file_mb']:.0f} MB, "
          f"not bounded.")


if __name__ == "__main__":
    main()
