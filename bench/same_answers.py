#!/usr/bin/env python3
"""Checks that a speed change left every answer as it was: two newsindex binaries on the same
index, `search --json` and `/api/search` compared byte for byte.

  bench/same_answers.py OLD_BIN NEW_BIN CORPUS=INDEX [CORPUS=INDEX ...] [--ignore KEY]   (CORPUS: reuters, chronam)

When the new binary needs another schema version, give each its own index of the same files:
CORPUS=OLD_INDEX,NEW_INDEX.

Queries: the benchmark set, keywords and fallbacks of bench/questions.py and every second adhoc
question. The command line is asked plain, with --explain, --group none --limit 20 and --sort
newest; the server with passages=3, group=none and explain=true, twice (the second answer may
come from what the server kept). Prints each difference and the count; exits 1 on any.

`--ignore KEY` (repeatable) leaves a top-level key of the JSON answers out of the comparison,
for a change that is meant to move one figure only (the approximate story count `stories`,
say): the rest must still be the same byte for byte.
"""
import json, subprocess, sys, urllib.parse, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from questions import BENCH_SET, KEYWORDS, questions  # noqa: E402
from warm import start  # noqa: E402


def without(answer, ignored):
    """`answer` with the top-level keys `ignored` left out, if it is a JSON object."""
    if not ignored:
        return answer
    try:
        value = json.loads(answer)
    except ValueError:
        return answer
    if isinstance(value, dict):
        for key in ignored:
            value.pop(key, None)
    return json.dumps(value, sort_keys=True).encode()


def main():
    args, ignored = [], []
    argv = iter(sys.argv[1:])
    for arg in argv:
        if arg == "--ignore":
            ignored.append(next(argv))
        else:
            args.append(arg)
    old, new, *pairs = args
    compared = differ = 0
    for pair in pairs:
        corpus, indexes = pair.split("=")
        old_index, new_index = (indexes.split(",") + [indexes])[:2]
        asked = BENCH_SET[corpus] + KEYWORDS[corpus] + questions(20)[::2]
        for q in asked:
            for extra in [[], ["--explain"], ["--group", "none", "--limit", "20"], ["--sort", "newest"]]:
                outs = [without(subprocess.run([b, "--index", i, "search", "--json", "--limit", "10", q, *extra],
                                               capture_output=True).stdout, ignored)
                        for b, i in ((old, old_index), (new, new_index))]
                compared += 1
                if outs[0] != outs[1]:
                    differ += 1
                    print("differs:", corpus, "search", q, *extra)
        servers = [start(b, i) for b, i in ((old, old_index), (new, new_index))]
        try:
            for _ in range(2):
                for q in asked:
                    for extra in ["&passages=3", "&group=none&limit=20", "&explain=true"]:
                        outs = []
                        for _, addr in servers:
                            url = f"http://{addr}/api/search?limit=10&q={urllib.parse.quote(q)}{extra}"
                            try:
                                outs.append(without(urllib.request.urlopen(url).read(), ignored))
                            except urllib.error.HTTPError as e:
                                outs.append(without(e.read(), ignored))
                        compared += 1
                        if outs[0] != outs[1]:
                            differ += 1
                            print("differs:", corpus, "/api/search", q, extra)
        finally:
            for server, _ in servers:
                server.terminate()
                server.wait()
    print(f"{compared} answers compared, {differ} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
