#!/usr/bin/env python3
"""Checks that a speed change left every answer as it was: two newsindex binaries on the same
index, `search --json` and `/api/search` compared byte for byte.

  bench/same_answers.py OLD_BIN NEW_BIN CORPUS=INDEX [CORPUS=INDEX ...]   (CORPUS: reuters, chronam)

When the new binary needs another schema version, give each its own index of the same files:
CORPUS=OLD_INDEX,NEW_INDEX.

Queries: the benchmark set, keywords and fallbacks of bench/questions.py and every second adhoc
question. The command line is asked plain, with --explain, --group none --limit 20 and --sort
newest; the server with passages=3, group=none and explain=true, twice (the second answer may
come from what the server kept). Prints each difference and the count; exits 1 on any.
"""
import subprocess, sys, urllib.parse, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from questions import BENCH_SET, KEYWORDS, questions  # noqa: E402
from warm import start  # noqa: E402


def main():
    old, new, *pairs = sys.argv[1:]
    compared = differ = 0
    for pair in pairs:
        corpus, indexes = pair.split("=")
        old_index, new_index = (indexes.split(",") + [indexes])[:2]
        asked = BENCH_SET[corpus] + KEYWORDS[corpus] + questions(20)[::2]
        for q in asked:
            for extra in [[], ["--explain"], ["--group", "none", "--limit", "20"], ["--sort", "newest"]]:
                outs = [subprocess.run([b, "--index", i, "search", "--json", "--limit", "10", q, *extra],
                                       capture_output=True).stdout for b, i in ((old, old_index), (new, new_index))]
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
                                outs.append(urllib.request.urlopen(url).read())
                            except urllib.error.HTTPError as e:
                                outs.append(e.read())
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
