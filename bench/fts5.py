"""Load a benchmark corpus folder into an SQLite FTS5 table: the SQLite baseline's index build.

Reads the same files newsindex reads (text files with a Title/Date/Source header, or JSON
lines), and stores title, body and date with the porter stemmer and diacritics folding.
Usage: fts5.py DB FOLDER
"""

import json
import sqlite3
import sys
from pathlib import Path


def articles(folder):
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".jsonl":
            for line in text.splitlines():
                if line.strip():
                    record = json.loads(line)
                    yield record.get("title", ""), record.get("body", ""), record.get("date", "")
            continue
        head, _, body = text.partition("\n\n")
        fields = {}
        for line in head.splitlines():
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        yield fields.get("title", ""), body, fields.get("date", "")


def main():
    db, folder = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, date UNINDEXED, "
                "tokenize='porter unicode61 remove_diacritics 2')")
    con.executemany("INSERT INTO docs VALUES (?, ?, ?)", articles(folder))
    con.commit()
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()


if __name__ == "__main__":
    main()
