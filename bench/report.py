"""Render bench/bench.py's results JSON as the Markdown tables of BENCHMARKS.md.

Usage: report.py RESULTS.json  (prints Markdown to stdout)
Ratios compare newsindex with the best peer that measured the same thing in the same run:
above 1.0 means newsindex is better (faster, smaller, leaner).
"""

import json
import sys

TOOLS = ["newsindex", "tantivy-cli", "SQLite FTS5", "Xapian", "ripgrep"]
NAMES = {"reuters": "Reuters-21578", "chronam": "Chronicling America, January 1916", "sample": "sample_corpus",
         "scale": "Scale corpus (recombined real paragraphs)"}


def cell(entry, fn):
    if entry is None or not entry.get("available"):
        return "not installed"
    try:
        value = fn(entry)
    except (KeyError, TypeError, ZeroDivisionError):
        return "n/a"
    return "n/a" if value is None else value


def ratio(ours, peers, higher_is_better):
    peers = [p for p in peers if isinstance(p, (int, float)) and p > 0]
    if not isinstance(ours, (int, float)) or ours <= 0 or not peers:
        return "n/a"
    best = max(peers) if higher_is_better else min(peers)
    return f"{(ours / best) if higher_is_better else (best / ours):.2f}x"


def numbers(corpus, fn):
    out = {}
    for tool in TOOLS:
        entry = corpus["tools"].get(tool)
        try:
            out[tool] = fn(entry) if entry and entry.get("available") else None
        except (KeyError, TypeError, ZeroDivisionError):
            out[tool] = None
    return out


def render(results):
    lines = []
    m = results["machine"]
    lines.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}. "
                 f"Run started {results['started']}; {results['reps']} runs per query.")
    versions = ", ".join(f"{k} {v}" for k, v in results["versions"].items() if v)
    lines.append(f"Versions: {versions}.")
    lines.append("")
    for corpus in results["corpora"]:
        mb = corpus["bytes"] / 1e6
        lines.append(f"### {NAMES.get(corpus['corpus'], corpus['corpus'])}: {corpus['files']:,} files, {mb:.1f} MB")
        lines.append("")
        present = [t for t in TOOLS if t in corpus["tools"]]
        loads = [f"{t} {corpus['tools'][t]['load_before']:.2f}" for t in present
                 if isinstance(corpus["tools"][t], dict) and "load_before" in corpus["tools"][t]]
        if loads:
            lines.append("Load average (1 min) before each tool: " + ", ".join(loads) + ".")
            lines.append("")
        lines.append("| measure | " + " | ".join(present) + " | newsindex vs best peer |")
        lines.append("|---|" + "---|" * (len(present) + 1))

        def row(label, fn, value_fn=None, higher_is_better=False):
            cells = [str(cell(corpus["tools"].get(t), fn)) for t in present]
            r = "n/a"
            if value_fn:
                vals = numbers(corpus, value_fn)
                r = ratio(vals.get("newsindex"), [v for k, v in vals.items() if k != "newsindex"], higher_is_better)
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {r} |")

        row("index build, wall", lambda e: f"{e['build']['wall']:.2f} s ({mb / e['build']['wall']:.1f} MB/s)",
            lambda e: mb / e["build"]["wall"], higher_is_better=True)
        row("index build, CPU", lambda e: f"{e['build']['cpu']:.2f} s", lambda e: e["build"]["cpu"])
        row("index build, peak RSS", lambda e: f"{e['build']['rss_mb']:.0f} MB", lambda e: e["build"]["rss_mb"])
        row("index size / corpus", lambda e: f"{e['index_bytes'] / corpus['bytes']:.2f}",
            lambda e: e["index_bytes"] / corpus["bytes"])
        row("no-op re-run", lambda e: f"{e['noop']['wall']:.2f} s ({100 * e['noop']['wall'] / e['build']['wall']:.1f}% of build)",
            lambda e: e["noop"]["wall"])
        row("re-run after changing 1% of files",
            lambda e: f"{e['change_1pct']['wall']:.2f} s ({e['changed_files']} files)", None)
        queries = next((e["queries"] for e in corpus["tools"].values() if e.get("queries")), {})
        for label in queries:
            row(f"query p50 / p95, {label}",
                lambda e, label=label: f"{e['queries'][label]['p50']:.1f} / {e['queries'][label]['p95']:.1f} ms",
                lambda e, label=label: e["queries"][label]["p50"])
        lines.append("")
        floors = corpus["floors"]
        lines.append(f"Floors: reading every byte (`cat`) {floors['cat']['wall']:.2f} s; "
                     f"a tokenize pass (`wc -w`) {floors['tokenize (wc -w)']['wall']:.2f} s; "
                     f"process spawn (`true`) p50 {floors['spawn']['p50']:.1f} ms.")
        lines.append("")
        paired = corpus.get("paired_build")
        if paired:
            wall, cpu = paired["throughput"]["wall"], paired["throughput"]["cpu"]
            median = paired["median_wall_s"]
            lines.append(f"The build rows above are one run of each tool. In {paired['pairs']} alternating pairs "
                         f"after them: newsindex {median['newsindex']:.2f} s and tantivy-cli "
                         f"{median['tantivy-cli']:.2f} s (medians); newsindex's throughput against "
                         f"tantivy-cli's {interval_text(wall)} in wall time and "
                         f"{interval_text(cpu)} in CPU time.")
            lines.append("")
    lines += goals(results)
    return "\n".join(lines)


def verdict(ratio, bound, above):
    """A goal on the median of alternating pairs with its 95% interval: met (True) when the
    whole interval is on the goal's side of `bound` (`above` it, or else below it), missed
    (False) when it is wholly on the other, else "spread": within the spread."""
    low, high = ratio["interval_95"]
    if (low >= bound) if above else (high <= bound):
        return True
    if (high < bound) if above else (low > bound):
        return False
    return "spread"


def interval_text(ratio, pairs=None):
    """A paired median with its 95% interval (and the number of pairs, when given)."""
    low, high = ratio["interval_95"]
    count = f", {pairs} pairs" if pairs else ""
    return f"{ratio['median']:.2f}x (95%: {low:.2f}–{high:.2f}{count})"


def goals(results):
    """Each goal of issue 17 with its measured figure and whether the run met it."""
    rows = []

    def goal(text, corpus, figure, met):
        verdict = {None: "n/a", "spread": "within the spread", True: "met", False: "**missed**"}[met]
        rows.append(f"| {text} | {corpus} | {figure} | {verdict} |")

    for corpus in results["corpora"]:
        name = corpus["corpus"]
        ours = corpus["tools"].get("newsindex") or {}
        peer = corpus["tools"].get("tantivy-cli") or {}
        if not ours.get("build"):
            continue
        paired = corpus.get("paired_build")
        if paired:
            speed, rss, pairs = paired["throughput"]["wall"], paired["rss"], paired["pairs"]
            mb = paired["median_rss_mb"]
            goal("index build ≥ 1.0x tantivy-cli's throughput, our file reads counted", name,
                 interval_text(speed, pairs), verdict(speed, 1.0, True))
            goal("index build ≥ 1.5x tantivy-cli's throughput (the goal)", name, interval_text(speed, pairs),
                 verdict(speed, 1.5, True))
            goal("peak RSS ≤ tantivy-cli's", name, f"{mb['newsindex']:.0f} / {mb['tantivy-cli']:.0f} MB, "
                 + interval_text(rss, pairs), verdict(rss, 1.0, False))
        elif peer.get("build"):
            speed = peer["build"]["wall"] / ours["build"]["wall"]
            goal("index build ≥ 1.0x tantivy-cli's throughput, our file reads counted", name, f"{speed:.2f}x (one run)",
                 speed >= 1.0)
            goal("index build ≥ 1.5x tantivy-cli's throughput (the goal)", name, f"{speed:.2f}x (one run)",
                 speed >= 1.5)
            rss = ours["build"]["rss_mb"] / peer["build"]["rss_mb"]
            goal("peak RSS ≤ tantivy-cli's", name, f"{ours['build']['rss_mb']:.0f} / {peer['build']['rss_mb']:.0f} MB "
                 f"= {rss:.2f}x (one run)", rss <= 1.0)
        else:
            goal("index build ≥ 1.0x / 1.5x tantivy-cli's throughput", name, "tantivy-cli not run", None)
        measured = [q for q in ours.get("queries", {}).values() if q]
        if measured:
            p50 = max(q["p50"] for q in measured)
            p95 = max(q["p95"] for q in measured)
            goal("cold query p50 < 5 ms and p95 < 10 ms (slowest query of the set)", name,
                 f"{p50:.1f} / {p95:.1f} ms", p50 < 5 and p95 < 10)
        warm_ = ours.get("warm")
        if warm_:
            floor = warm_.get("floor_p50")
            goal("warm query (server, passages) p50 < 1 ms and p95 < 5 ms", name,
                 f"{warm_['p50']:.2f} / {warm_['p95']:.2f} ms"
                 + (f" (the client's floor, `/health`: {floor:.2f} ms p50)" if floor else ""),
                 warm_["p50"] < 1 and warm_["p95"] < 5)
        server = ours.get("server")
        if server:
            eight, many = server["8"], server["64"]
            goal("server ≥ 2,000 req/s at 8 clients, p99 < 20 ms", name,
                 f"{eight['rps']:,.0f} req/s, p99 {eight['p99']:.1f} ms",
                 eight["rps"] >= 2000 and eight["p99"] < 20)
            goal("no errors at 64 clients", name, f"{many['errors']} errors, {many['rps']:,.0f} req/s",
                 many["errors"] == 0)
        elif "server" in ours:
            goal("server ≥ 2,000 req/s at 8 clients, p99 < 20 ms", name, "wrk not installed", None)
        size = ours["index_bytes"] / corpus["bytes"]
        goal("index size ≤ 0.8x the corpus (bodies stored)", name, f"{size:.2f}x", size <= 0.8)
    if not rows:
        return []
    return ["### Goals of issue 17", "", "| goal | corpus | measured | status |", "|---|---|---|---|", *rows, ""]


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        print(render(json.load(f)))
