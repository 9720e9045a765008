"""Benchmark newsindex against the tools a user would pick instead, on the same files.

Run through `bench/run` (see BENCHMARKS.md). For each corpus it measures:
- index build from the files: wall, CPU, peak RSS, throughput, index bytes / corpus bytes;
- a no-op re-run and a re-run after changing 1% of the files (tools that can do it);
- query latency as a cold process (start, open, search, print), p50 and p95 over N runs,
  for one word, two words, a phrase, a date-filtered, a date-sorted and a many-hits query;
and the floors: reading every byte (cat), a tokenize pass (wc -w), process spawn (true).
For newsindex also the warm queries through `serve` (one client, p50/p95 over the query set)
and the server under load (wrk at 1, 8 and 64 clients: requests/s, p99, errors), the figures
issue 17's goals speak of (`report.py` prints each goal as met, missed or within the
spread). Then newsindex and tantivy-cli build the corpus again in alternating pairs
(`--build-pairs`), for the build goals: one run of each cannot tell a few percent apart.
Peers: tantivy-cli 0.24 (JSON lines in), SQLite FTS5 (python3 sqlite3 loads; the sqlite3
shell queries with bm25 and snippet), Xapian (omindex + quest), ripgrep (no index).
A peer that is not installed is reported as such, never estimated.
"""

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import corpora

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

QUERIES = {
    "reuters": [
        ("one word", ["oil"], {}),
        ("two words", ["crude prices"], {}),
        ("phrase", ['"interest rates"'], {}),
        ("date filter", ["oil"], {"from": "1987-03-01", "to": "1987-03-31"}),
        ("date sort", ["oil"], {"sort": "newest"}),
        ("many hits", ["said"], {}),
    ],
    "chronam": [
        ("one word", ["submarine"], {}),
        ("two words", ["german submarine"], {}),
        ("phrase", ['"united states"'], {}),
        ("date filter", ["war"], {"from": "1916-01-10", "to": "1916-01-20"}),
        ("date sort", ["war"], {"sort": "newest"}),
        ("many hits", ["city"], {}),
    ],
    "scale": [
        ("one word", ["submarine"], {}),
        ("two words", ["crude prices"], {}),
        ("phrase", ['"interest rates"'], {}),
        ("date filter", ["oil"], {"from": "1950", "to": "1959"}),
        ("date sort", ["oil"], {"sort": "newest"}),
        ("many hits", ["said"], {}),
    ],
}


def run_timed(cmd, stdin=None, cwd=None):
    """Runs cmd under /usr/bin/time; returns wall s, cpu s, peak RSS MB."""
    fmt = "%e %U %S %M"
    started = time.perf_counter()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as inp:
        proc = subprocess.run(["/usr/bin/time", "-f", fmt, *cmd], stdin=inp, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, cwd=cwd)
    wall = time.perf_counter() - started
    last = proc.stderr.decode(errors="replace").strip().splitlines()[-1].split()
    if proc.returncode not in (0, 4):
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-800:]}")
    return {"wall": wall, "cpu": float(last[1]) + float(last[2]), "rss_mb": int(last[3]) / 1024}


def latency(cmd, reps, env=None):
    """p50/p95 wall milliseconds of `cmd` as a cold process over `reps` runs (after one warm-up)."""
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"p50": statistics.median(times), "p95": p95}


def serve(binary, index):
    """Starts `newsindex serve` on a free port; returns the process and its host:port."""
    server = subprocess.Popen([binary, "--index", str(index), "serve", "--addr", "127.0.0.1:0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    return server, line.split("http://")[1].split("/")[0]


def api_path(words, options):
    params = {"q": " ".join(words), "limit": "10", **options}
    return "/api/search?" + urllib.parse.urlencode(params)


def warm(binary, index, queries, rounds):
    """p50/p95 ms of each query of the set asked in turn of one server by one client."""
    server, addr = serve(binary, index)
    times, floor = [], []

    def ask(path):
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://{addr}{path}") as response:
            response.read()
        return (time.perf_counter() - started) * 1000

    try:
        for round_ in range(rounds + 1):
            for _, words, options in queries:
                took = ask(api_path(words, options))
                # The client's own floor: the same request made of `/health`, which searches
                # nothing (a fresh connection and urllib's work each time, as for a search).
                health = ask("/health")
                if round_ > 0:
                    times.append(took)
                    floor.append(health)
    finally:
        server.terminate()
        server.wait()
    times.sort()
    return {"p50": statistics.median(times), "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
            "n": len(times), "floor_p50": statistics.median(floor)}


def server_load(binary, index, queries, work, seconds):
    """wrk against /api/search over the query set at 1, 8 and 64 clients; None without wrk."""
    if shutil.which("wrk") is None:
        return None
    paths = work / "wrk-paths.txt"
    paths.write_text("".join(api_path(words, options) + "\n" for _, words, options in queries))
    server, addr = serve(binary, index)
    out = {}
    try:
        for clients in (1, 8, 64):
            run = subprocess.run(["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--latency",
                                  "-s", str(HERE / "wrk-paths.lua"), f"http://{addr}"],
                                 capture_output=True, text=True, env={**os.environ, "PATHS_FILE": str(paths)})
            line = next((l for l in run.stdout.splitlines() if l.startswith("RESULT")), "")
            fields = dict(kv.split("=") for kv in line.split()[1:])
            out[str(clients)] = {"rps": float(fields.get("rps", 0)), "p50": float(fields.get("p50_ms", 0)),
                                 "p99": float(fields.get("p99_ms", 0)),
                                 "errors": int(fields.get("socket_errors", 0)) + int(fields.get("non_2xx", 0))}
    finally:
        server.terminate()
        server.wait()
    return out


def dir_bytes(path):
    return corpora.corpus_bytes(path)


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return None


class Newsindex:
    name = "newsindex"

    def __init__(self, binary, work):
        self.bin = str(binary)
        self.index = work / "newsindex-index"

    def available(self):
        return Path(self.bin).exists()

    def build(self, folder, jsonl):
        shutil.rmtree(self.index, ignore_errors=True)
        return run_timed([self.bin, "--index", str(self.index), "index", "--quiet", str(folder)])

    def rerun(self, folder):
        return run_timed([self.bin, "--index", str(self.index), "index", "--quiet", str(folder)])

    def size(self):
        return dir_bytes(self.index)

    def query(self, words, options):
        cmd = [self.bin, "--index", str(self.index), "search", *words, "--limit", "10", "--color", "never"]
        for key, value in options.items():
            cmd += [f"--{key}", value]
        return cmd


class TantivyCli:
    name = "tantivy-cli"

    def __init__(self, binary, work):
        self.bin = str(binary) if binary else None
        self.index = work / "tantivy-cli-index"

    def available(self):
        return self.bin is not None and Path(self.bin).exists()

    def build(self, folder, jsonl):
        shutil.rmtree(self.index, ignore_errors=True)
        self.index.mkdir(parents=True)
        text = {"indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"}, "stored": True,
                "fast": False}
        schema = [
            {"name": "id", "type": "text",
             "options": {"indexing": {"record": "basic", "fieldnorms": False, "tokenizer": "raw"}, "stored": True,
                         "fast": False}},
            {"name": "title", "type": "text", "options": text},
            {"name": "body", "type": "text", "options": text},
            {"name": "date", "type": "text",
             "options": {"indexing": {"record": "basic", "fieldnorms": False, "tokenizer": "raw"}, "stored": True,
                         "fast": False}},
        ]
        meta = {"index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
                "segments": [], "schema": schema, "opstamp": 0}
        (self.index / "meta.json").write_text(json.dumps(meta))
        return run_timed([self.bin, "index", "-i", str(self.index), "-t", "2"], stdin=jsonl)

    def size(self):
        return dir_bytes(self.index)

    def query(self, words, options):
        if options:
            return None
        return [self.bin, "search", "-i", str(self.index), "-q", " ".join(words)]


class Fts5:
    name = "SQLite FTS5"

    def __init__(self, work):
        self.db = work / "fts5.db"

    def available(self):
        return shutil.which("sqlite3") is not None

    def build(self, folder, jsonl):
        if self.db.exists():
            self.db.unlink()
        return run_timed([sys.executable, str(HERE / "fts5.py"), str(self.db), str(folder)])

    def size(self):
        return self.db.stat().st_size

    def query(self, words, options):
        match = " ".join(words).replace("'", "''")
        where = f"docs MATCH '{match}'"
        if "from" in options:
            where += f" AND date >= '{options['from']}' AND date <= '{options['to']}'"
        order = "date DESC" if options.get("sort") == "newest" else "bm25(docs, 2.0, 1.0)"
        sql = (f"SELECT title, date, snippet(docs, 1, '[', ']', '…', 40) FROM docs WHERE {where} "
               f"ORDER BY {order} LIMIT 10; SELECT count(*) FROM docs WHERE {where};")
        return ["sqlite3", str(self.db), sql]


class Xapian:
    name = "Xapian"

    def __init__(self, work):
        self.db = work / "xapian-db"

    def available(self):
        return shutil.which("omindex") is not None and shutil.which("quest") is not None

    def build(self, folder, jsonl):
        shutil.rmtree(self.db, ignore_errors=True)
        return run_timed(["omindex", "--db", str(self.db), "--url", "/", "--stemmer", "english", str(folder)])

    def rerun(self, folder):
        return run_timed(["omindex", "--db", str(self.db), "--url", "/", "--stemmer", "english", str(folder)])

    def size(self):
        return dir_bytes(self.db)

    def query(self, words, options):
        if options:
            return None
        return ["quest", "-d", str(self.db), "-m", "10", "-s", "english", " ".join(words)]


class Ripgrep:
    name = "ripgrep"

    def __init__(self, folder):
        self.folder = folder

    def available(self):
        return shutil.which("rg") is not None

    def query(self, words, options):
        text = " ".join(words)
        if options or (" " in text and not text.startswith('"')):
            return None
        return ["rg", "-l", "-i", "-w", "-F", text.strip('"'), str(self.folder)]


def wait_for_quiet(smoke, limit=1.0, patience=300):
    """Waits (up to `patience` seconds) for the 1-minute load average to fall under `limit`, so
    no build or test slows one tool more than another; returns the load average measured."""
    started = time.time()
    while not smoke and os.getloadavg()[0] >= limit and time.time() - started < patience:
        time.sleep(5)
    return os.getloadavg()[0]


def median_interval(ratios, resamples=2000, seed=17):
    """The median of `ratios` and a 95% percentile-bootstrap interval of it (fixed seed)."""
    rng = random.Random(seed)
    medians = sorted(
        statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(resamples)
    )
    low, high = medians[int(0.025 * resamples)], medians[int(0.975 * resamples) - 1]
    return {"median": round(statistics.median(ratios), 3),
            "interval_95": [round(low, 3), round(high, 3)],
            "min": round(min(ratios), 3), "max": round(max(ratios), 3)}


def paired_builds(ours, theirs, folder, jsonl, pairs, quiet_below=1.0):
    """Builds `folder` with newsindex (`ours`) and tantivy-cli (`theirs`, the same articles as
    JSON lines) in `pairs` pairs, the order alternating, each pair started once the load average
    is below `quiet_below`: tantivy-cli's time over newsindex's per pair (its throughput ratio,
    above 1 when newsindex is faster), wall and CPU, as the median with a 95% bootstrap interval,
    and newsindex's peak RSS over tantivy-cli's the same way. One run per tool cannot tell a few
    percent apart on a 2-core machine; the median of paired ratios can, and its interval says
    how well."""
    runs = {ours.name: [], theirs.name: []}
    loads = []
    for pair in range(pairs):
        loads.append(round(wait_for_quiet(False, quiet_below), 2))
        for tool in ([ours, theirs] if pair % 2 == 0 else [theirs, ours]):
            runs[tool.name].append(tool.build(folder, jsonl))
    both = list(zip(runs[ours.name], runs[theirs.name]))
    return {
        "pairs": pairs,
        "load_before_each_pair": [min(loads), max(loads)],
        "throughput": {"wall": median_interval([t["wall"] / n["wall"] for n, t in both]),
                       "cpu": median_interval([t["cpu"] / n["cpu"] for n, t in both])},
        "rss": median_interval([n["rss_mb"] / t["rss_mb"] for n, t in both]),
        "median_wall_s": {name: round(statistics.median(r["wall"] for r in rs), 3)
                          for name, rs in runs.items()},
        "median_rss_mb": {name: round(statistics.median(r["rss_mb"] for r in rs), 1)
                          for name, rs in runs.items()},
    }


def bench_corpus(name, folder, jsonl, args, binaries, work):
    result = {"corpus": name, "files": sum(1 for p in folder.rglob("*") if p.is_file()),
              "bytes": dir_bytes(folder), "tools": {}, "floors": {}}
    files = [str(p) for p in sorted(folder.rglob("*")) if p.is_file()]
    # Floors (also warm the page cache, so every tool reads from memory).
    result["floors"]["cat"] = run_timed(["sh", "-c", f"find '{folder}' -type f -exec cat {{}} + > /dev/null"])
    result["floors"]["tokenize (wc -w)"] = run_timed(["sh", "-c", f"find '{folder}' -type f -exec cat {{}} + | wc -w"])
    result["floors"]["spawn"] = latency(["true"], args.reps)
    del files
    tools = [Newsindex(binaries["newsindex"], work), TantivyCli(binaries.get("tantivy"), work), Fts5(work),
             Xapian(work), Ripgrep(folder)]
    if args.only:
        tools = [t for t in tools if t.name in args.only]
    for tool in tools:
        entry = {"available": tool.available()}
        result["tools"][tool.name] = entry
        if not entry["available"]:
            continue
        entry["load_before"] = wait_for_quiet(args.smoke)
        print(f"  {tool.name} (load average before: {entry['load_before']:.2f})", flush=True)
        if hasattr(tool, "build"):
            entry["build"] = tool.build(folder, jsonl)
            entry["index_bytes"] = tool.size()
        if hasattr(tool, "rerun"):
            entry["noop"] = tool.rerun(folder)
            if isinstance(tool, Newsindex) and not args.smoke:
                touched = change_one_percent(folder)
                entry["changed_files"] = touched
                entry["change_1pct"] = tool.rerun(folder)
        entry["queries"] = {}
        query_set = QUERIES[name if name in QUERIES else "reuters"]
        for label, words, options in query_set:
            cmd = tool.query(words, options)
            entry["queries"][label] = latency(cmd, args.reps) if cmd else None
        if isinstance(tool, Newsindex):
            entry["warm"] = warm(tool.bin, tool.index, query_set, rounds=args.reps)
            if not args.smoke:
                entry["server"] = server_load(tool.bin, tool.index, query_set, work, args.server_seconds)
    ours = next((t for t in tools if isinstance(t, Newsindex)), None)
    theirs = next((t for t in tools if isinstance(t, TantivyCli)), None)
    if (args.build_pairs > 0 and not args.smoke and ours is not None and ours.available()
            and theirs is not None and theirs.available() and jsonl is not None):
        print(f"  {args.build_pairs} builds of newsindex and tantivy-cli in alternating pairs", flush=True)
        result["paired_build"] = paired_builds(ours, theirs, folder, jsonl, args.build_pairs)
    return result


def change_one_percent(folder):
    """Appends a sentence to every 100th file (in name order), or to the body of the first
    article of a JSON-lines file; returns how many files changed."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    touched = 0
    for path in files[::100]:
        if path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
            first = json.loads(lines[0])
            first["body"] += "\n\nThis article was corrected."
            lines[0] = json.dumps(first) + "\n"
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(lines)
        else:
            with open(path, "a", encoding="utf-8") as f:
                f.write("\nThis article was corrected.\n")
        touched += 1
    return touched


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1), "os": platform.platform()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default=str(ROOT / "target" / "bench"), help="where corpora and indexes go")
    parser.add_argument("--corpora", default="reuters,chronam", help="comma-separated: reuters, chronam, scale")
    parser.add_argument("--scale", type=int, default=1_000_000, help="articles in the scale corpus")
    parser.add_argument("--reps", type=int, default=20, help="runs per query")
    parser.add_argument("--server-seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--smoke", action="store_true", help="smallest corpus, one repetition, newsindex only")
    parser.add_argument("--only", action="append", help="run only this tool (repeatable)")
    parser.add_argument("--newsindex", default=str(ROOT / "target" / "release" / "newsindex"))
    parser.add_argument("--tantivy-cli", default=shutil.which("tantivy"))
    parser.add_argument("--results", help="write results JSON here (default: WORK/results.json)")
    parser.add_argument("--build-pairs", type=int, default=11,
                        help="builds of newsindex and tantivy-cli in alternating pairs, for the build goals (0: none)")
    args = parser.parse_args()
    work = Path(args.work)
    shared = ROOT.parent / "shared" / "corpora"
    names = args.corpora.split(",")
    if args.smoke:
        names, args.reps, args.only = ["sample"], 1, ["newsindex"]
    results = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "reps": args.reps,
               "versions": {"newsindex": version([args.newsindex, "--version"]),
                            "tantivy-cli": "0.24.0" if args.tantivy_cli else None,
                            "sqlite3": version(["sqlite3", "--version"]),
                            "omindex": version(["omindex", "--version"]), "ripgrep": version(["rg", "--version"])},
               "corpora": []}
    for name in names:
        print(f"corpus {name}", flush=True)
        if name == "sample":
            folder, jsonl = ROOT / "sample_corpus", None
        else:
            if not shared.is_dir():
                raise SystemExit(f"{shared} is missing: the benchmark corpora are built from it")
            corpora.ensure(shared, work / "data", ["reuters", "chronam"] if name == "scale" else [name],
                           scale=args.scale)
            if name == "scale":
                corpora.ensure(shared, work / "data", ["scale"], scale=args.scale)
            folder, jsonl = work / "data" / name, work / "data" / f"{name}.jsonl"
        run_dir = work / "run" / name
        run_dir.mkdir(parents=True, exist_ok=True)
        binaries = {"newsindex": args.newsindex, "tantivy": args.tantivy_cli}
        results["corpora"].append(bench_corpus(name, folder, jsonl if jsonl and jsonl.exists() else None, args,
                                               binaries, run_dir))
    out = Path(args.results) if args.results else work / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
