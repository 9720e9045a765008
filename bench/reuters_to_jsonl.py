#!/usr/bin/env python3
"""Convert Reuters-21578 SGML (reut2-NNN.sgm) into JSON lines newsindex can read, for load runs.

Usage: reuters_to_jsonl.py SGM_DIR OUT_DIR

Writes OUT_DIR/reut2-NNN.jsonl, one {"id", "title", "date", "source", "dateline", "body"}
object per story. The corpus is for research use only: write the output to a temporary
folder, never into the repository.
"""

import html
import json
import pathlib
import re
import sys

STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)


def tag(text, name):
    found = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
    return html.unescape(found.group(1)) if found else ""


def date_of(text):
    found = re.match(r"\s*(\d{1,2}-[A-Z]{3}-\d{4} \d{2}:\d{2}:\d{2}\.\d+)", text)
    return found.group(1) if found else text.strip()


def clean(text):
    text = re.sub(r"[\x00-\x08\x0b-\x1f]", "", text)
    text = re.sub(r"\s*Reuter\s*$", "", text.strip())
    paragraphs = re.split(r"\n\s{3,}", text)
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def convert(path, out_dir):
    raw = path.read_bytes().decode("latin-1")
    lines = []
    for attributes, story in STORY.findall(raw):
        newid = re.search(r'NEWID="(\d+)"', attributes)
        body = tag(story, "BODY")
        if not body and 'TYPE="UNPROC"' in story:
            body = html.unescape(re.sub(r"<[^>]+>", "", story.split("<TEXT", 1)[-1].split(">", 1)[-1]))
        record = {
            "id": newid.group(1) if newid else None,
            "title": " ".join(tag(story, "TITLE").split()),
            # Some dates carry stray letters after the time ("...00:02:59.13RM").
            "date": date_of(tag(story, "DATE")),
            "source": "Reuters",
            "dateline": " ".join(tag(story, "DATELINE").split()).rstrip(" -"),
            "body": clean(body),
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    (out_dir / (path.stem + ".jsonl")).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    total = sum(convert(path, out_dir) for path in sorted(source.glob("reut2-*.sgm")))
    print(f"{total} stories written to {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
