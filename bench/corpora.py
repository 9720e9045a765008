"""Build the benchmark corpora from the real texts in ../shared/corpora.

Every tool in the benchmark reads the same files:

- reuters/: Reuters-21578, one text file per story (21,578; UNPROC stories keep their raw
  text, title-only briefs an empty body), with a `Title:`/`Date:`/`Source:` header.
- chronam/: Chronicling America, January 1916, one text file per front page (2,294), with a
  `Date:` (from the path) and `Source:` (the newspaper, from metadata.tsv) header.
- scale/: N articles made by recombining real paragraphs of both corpora and re-dating them
  over 1900-2024, written as JSON lines files of 10,000 articles (only with --scale).

Each corpus is also written as `<name>.jsonl` ({"id", "title", "body", "date"}) for the
tools that take JSON lines (tantivy-cli) or are loaded by a script (SQLite FTS5).
None of this text is committed: it is rebuilt from ../shared/corpora on each machine.
"""

import html
import json
import os
import shutil
import random
import re
from pathlib import Path

STORY = re.compile(r"<REUTERS(?P<attrs>[^>]*)>(?P<inner>.*?)</REUTERS>", re.S)
ATTR = re.compile(r'(\w+)="([^"]*)"')
MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}


def tag(inner, name):
    m = re.search(rf"<{name}>(.*?)</{name}>", inner, re.S)
    return m.group(1) if m else None


def unescape(text):
    text = html.unescape(text or "")
    return "".join(c for c in text if c in "\n\t" or ord(c) >= 32)


def reuters_date(raw):
    m = re.match(r"\s*(\d{1,2})-([A-Z]{3})-(\d{4})", raw or "")
    if not m or m.group(2) not in MONTHS:
        return ""
    return f"{int(m.group(3)):04d}-{MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}"


def header(title, date, source, body):
    lines = [f"Title: {title}"]
    if date:
        lines.append(f"Date: {date}")
    lines.append(f"Source: {source}")
    return "\n".join(lines) + "\n\n" + body.strip() + "\n"


def build_reuters(corpora, out):
    files = out / "reuters"
    files.mkdir(parents=True, exist_ok=True)
    records = []
    for sgm in sorted((corpora / "reuters21578" / "sgm-data").glob("reut2-*.sgm")):
        text = sgm.read_bytes().decode("latin-1")
        for m in STORY.finditer(text):
            attrs = dict(ATTR.findall(m.group("attrs")))
            inner = m.group("inner")
            newid = attrs.get("NEWID", str(len(records)))
            title = " ".join(unescape(tag(inner, "TITLE")).split())
            body = unescape(tag(inner, "BODY"))
            if tag(inner, "TITLE") is None and tag(inner, "BODY") is None:
                body = unescape(re.sub(r"<[^>]+>", " ", tag(inner, "TEXT") or ""))
            body = re.sub(r"\n {2,}", "\n\n", body.replace("\r", ""))
            date = reuters_date(tag(inner, "DATE"))
            rel = f"{int(newid) // 1000:02d}/{int(newid):05d}.txt"
            path = files / rel
            path.parent.mkdir(exist_ok=True)
            path.write_text(header(title or "(untitled)", date, "Reuters", body), encoding="utf-8")
            records.append({"id": newid, "title": title, "body": body, "date": date})
    write_jsonl(out / "reuters.jsonl", records)
    return len(records)


def build_chronam(corpora, out):
    root = corpora / "chronam-1916"
    papers = {}
    with open(root / "metadata.tsv", encoding="utf-8") as meta:
        next(meta)
        for line in meta:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 6:
                papers[cols[0]] = (cols[1], cols[5])
    files = out / "chronam"
    records = []
    for page in sorted((root / "dates").rglob("*.txt")):
        rel = page.relative_to(root).as_posix()
        date, paper = papers.get(rel, ("", "unknown"))
        body = page.read_bytes().decode("utf-8", "replace")
        target = files / page.relative_to(root / "dates")
        target.parent.mkdir(parents=True, exist_ok=True)
        title = f"{paper.rstrip('.')} {date}"
        target.write_text(header(title, date, paper.rstrip(". "), body), encoding="utf-8")
        records.append({"id": rel, "title": title, "body": body, "date": date})
    write_jsonl(out / "chronam.jsonl", records)
    return len(records)


def build_scale(out, articles, seed=1916):
    """Recombines real paragraphs into `articles` articles, re-dated over 1900-2024."""
    paragraphs = []
    for name in ("reuters.jsonl", "chronam.jsonl"):
        with open(out / name, encoding="utf-8") as f:
            for line in f:
                body = json.loads(line)["body"]
                paragraphs.extend(p.strip() for p in body.split("\n\n") if len(p.strip()) > 80)
    rng = random.Random(seed)
    files = out / "scale"
    files.mkdir(parents=True, exist_ok=True)
    per_file = 10_000
    written = 0
    sources = ["Reuters", "AP", "AFP", "The Sun", "Evening Star", "Daily Herald"]
    while written < articles:
        path = files / f"{written // per_file:05d}.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for _ in range(min(per_file, articles - written)):
                body = "\n\n".join(rng.choice(paragraphs) for _ in range(rng.randint(2, 8)))
                title = " ".join(body.split()[: rng.randint(4, 9)])
                day = rng.randint(0, 45_000)
                y, rest = 1900 + day // 365, day % 365
                date = f"{min(y, 2024):04d}-{min(rest // 30, 11) + 1:02d}-{rest % 28 + 1:02d}"
                f.write(json.dumps({"id": str(written), "title": title, "date": date,
                                    "source": rng.choice(sources), "body": body}) + "\n")
                written += 1
    return written


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def corpus_bytes(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def ensure(corpora, out, names, scale=0):
    """Builds what is missing; returns {name: (folder, articles)}."""
    out.mkdir(parents=True, exist_ok=True)
    built = {}
    stamp = out / "built.json"
    done = json.loads(stamp.read_text()) if stamp.exists() else {}
    for name in names:
        wanted = scale if name == "scale" else done.get(name)
        if name in done and done[name] == wanted and (out / name).is_dir():
            built[name] = done[name]
            continue
        if name == "reuters":
            count = build_reuters(corpora, out)
        elif name == "chronam":
            count = build_chronam(corpora, out)
        elif name == "scale":
            shutil.rmtree(out / name, ignore_errors=True)
            count = build_scale(out, scale)
        else:
            raise SystemExit(f"unknown corpus {name}")
        built[name] = count
        done[name] = count
        stamp.write_text(json.dumps(done))
    return built


if __name__ == "__main__":
    import sys
    here = Path(__file__).resolve().parent
    print(ensure(here.parent.parent / "shared" / "corpora", Path(sys.argv[1]), sys.argv[2:]))
    os._exit(0)
