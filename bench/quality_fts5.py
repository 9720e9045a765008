"""SQLite FTS5 baseline for the ranking-quality evaluation (see BENCHMARKS.md, "Ranking quality").

Loads the articles the evaluation exported (JSON lines: id, title, body) into an FTS5 table
(porter stemmer, diacritics folded, as bench/fts5.py does), runs each query with bm25()
ranking (title weighted 2, body 1, as newsindex boosts titles) and snippet() on the body, and
writes, per query, the ten best article ids and where the top hit's snippet lies in its body
(character offsets). The Rust test scores these exactly as it scores newsindex.

Usage: quality_fts5.py ARTICLES.jsonl QUERIES.jsonl RESULTS.jsonl
Exits 3 when this Python's SQLite has no FTS5.
"""

import json
import sqlite3
import sys

SNIPPET_TOKENS = 48  # about 300 characters, the size of a newsindex passage window
ELLIPSIS = "\u2026"


def fts5_query(query):
    """A quoted phrase stays a phrase; plain words are each quoted (FTS5 ANDs them)."""
    if query.startswith('"'):
        return query
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def snippet_range(body, snippet):
    """Character range of the snippet's text inside the body, or None."""
    text = snippet.strip().strip(ELLIPSIS).strip()
    if not text:
        return None
    at = body.find(text)
    if at < 0:
        return None
    return [at, at + len(text)]


def main():
    articles_path, queries_path, results_path = sys.argv[1:4]
    con = sqlite3.connect(":memory:")
    try:
        con.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
    except sqlite3.OperationalError as error:
        print(f"no FTS5 in this SQLite: {error}", file=sys.stderr)
        sys.exit(3)
    bodies = {}
    with open(articles_path, encoding="utf-8") as lines:
        rows = []
        for line in lines:
            article = json.loads(line)
            bodies[article["id"]] = article["body"]
            rows.append((article["id"], article["title"], article["body"]))
        con.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
    con.commit()
    with open(queries_path, encoding="utf-8") as lines, open(results_path, "w", encoding="utf-8") as out:
        for line in lines:
            query = json.loads(line)["query"]
            try:
                rows = con.execute(
                    "SELECT id, snippet(docs, 2, '', '', ?, ?) FROM docs WHERE docs MATCH ? "
                    "ORDER BY bm25(docs, 0.0, 2.0, 1.0), rowid LIMIT 10",
                    (ELLIPSIS, SNIPPET_TOKENS, fts5_query(query)),
                ).fetchall()
            except sqlite3.OperationalError:
                rows = []
            ids = [row[0] for row in rows]
            passage = snippet_range(bodies[rows[0][0]], rows[0][1]) if rows else None
            out.write(json.dumps({"ids": ids, "passage": passage}) + "\n")


if __name__ == "__main__":
    main()
