//! Web archives: WARC files written by warcio (the Python WARC library of Webrecorder) from the
//! shared evaluation pages, with revisit, non-HTML, chunked, gzip-encoded and truncated records,
//! and an ARC file written here, all read by the real binary.
//!
//! The pages are read from `../shared/corpora`; only the archive built in a temporary folder
//! holds them.

use std::process::Command;

use serde_json::Value;

use crate::util::{TestCorpus, shared_corpora, skip};

/// Writes `web.warc.gz` and `cut.warc` into `dir` from the first `pages` pages of dates.json,
/// and the same pages as `.html` files into `dir/pages`; prints the JSON list of `[url, file]`
/// written as response records.
const BUILD_WARC: &str = r#"
import gzip, io, json, os, sys
from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders
corpus, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
labels = json.load(open(os.path.join(corpus, "dates.json"), encoding="utf-8"))
items = [(u, it) for u, it in labels.items()
         if os.path.exists(os.path.join(corpus, "pages", it["file"] + ".gz"))][:count]
def http(extra=()):
    return StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *extra], protocol="HTTP/1.1")
def page(it):
    return gzip.open(os.path.join(corpus, "pages", it["file"] + ".gz")).read()
written = []
with open(os.path.join(out, "web.warc.gz"), "wb") as f:
    w = WARCWriter(f, gzip=True)
    date = {"WARC-Date": "2021-06-01T12:00:00Z"}
    for url, it in items:
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(page(it)), http_headers=http(), warc_headers_dict=date))
        written.append([url, it["file"]])
        os.makedirs(os.path.join(out, "pages"), exist_ok=True)
        open(os.path.join(out, "pages", it["file"]), "wb").write(page(it))
    url, it = items[0]
    w.write_record(w.create_revisit_record(url, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url, "2021-06-01T12:00:00Z", http_headers=http()))
    w.write_record(w.create_warc_record("http://x.example/logo.png", "response", payload=io.BytesIO(b"\x89PNG\r\n\x1a\n"),
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"), warc_headers_dict=date))
    body = gzip.compress(b"<html><head><title>Chunked page</title></head><body><p>Sent in chunks and gzipped by the server.</p></body></html>")
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 40]), body[i:i + 40]) for i in range(0, len(body), 40)) + b"0\r\n\r\n"
    w.write_record(w.create_warc_record("http://x.example/chunked", "response", payload=io.BytesIO(chunked),
        http_headers=http([("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")]), warc_headers_dict=date))
    written.append(["http://x.example/chunked", None])
    w.write_record(w.create_warc_record("http://x.example/request", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
with open(os.path.join(out, "cut.warc"), "wb") as f:
    w = WARCWriter(f, gzip=False)
    for url, it in items[:2]:
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(page(it)), http_headers=http()))
data = open(os.path.join(out, "cut.warc"), "rb").read()
open(os.path.join(out, "cut.warc"), "wb").write(data[:len(data) - 2000])
print(json.dumps(written))
"#;

/// True when `import warcio` works, after installing it from PyPI if it was missing.
fn has_warcio(test: &str) -> bool {
    let import = || {
        Command::new("python3")
            .args(["-c", "import warcio"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if import() {
        return true;
    }
    let _ = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "warcio"])
        .output();
    if import() {
        return true;
    }
    skip(
        test,
        "python3 with warcio (pip install warcio) is not available",
    );
    false
}

fn url_has_date(url: &str) -> bool {
    url.split('/')
        .filter(|part| part.len() == 4 && part.starts_with("20"))
        .count()
        > 0
}

fn export_lines(corpus: &TestCorpus) -> (Vec<Value>, String, Option<i32>) {
    let output = corpus
        .cmd()
        .args(["-v", "export", "--format", "es-bulk"])
        .arg(corpus.archive())
        .output()
        .unwrap();
    let lines = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("body").is_some())
        .collect();
    (
        lines,
        String::from_utf8_lossy(&output.stderr).to_string(),
        output.status.code(),
    )
}

#[test]
fn issue_13_warc_records_from_warcio_become_articles_with_their_urls_and_dates() {
    let test = "issue_13_warc_records_from_warcio_become_articles_with_their_urls_and_dates";
    let Some(corpora) = shared_corpora(test) else {
        return;
    };
    if !has_warcio(test) {
        return;
    }
    let corpus = TestCorpus::new();
    let built = Command::new("python3")
        .args(["-c", BUILD_WARC])
        .arg(corpora.join("html-extraction"))
        .arg(corpus.archive())
        .arg("40")
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let written: Vec<(String, Option<String>)> = serde_json::from_slice(&built.stdout).unwrap();
    let (articles, stderr, code) = export_lines(&corpus);
    let from_warc: Vec<&Value> = articles
        .iter()
        .filter(|a| a["path"].as_str().unwrap().ends_with("web.warc.gz"))
        .collect();
    assert_eq!(from_warc.len(), written.len(), "{stderr}");
    for ((url, file), article) in written.iter().zip(&from_warc) {
        assert_eq!(article["url"].as_str(), Some(url.as_str()));
        let date = article["date"]
            .as_str()
            .unwrap_or_else(|| panic!("undated {url}"));
        // The same page saved as a file has the same date, or none and the WARC's crawl date
        // stands in (the URL's date path can only add one).
        let Some(file) = file else { continue };
        let saved = articles
            .iter()
            .find(|a| {
                a["path"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("pages/{file}"))
            })
            .unwrap_or_else(|| panic!("{file} not read"));
        match saved["date"].as_str() {
            Some(day) => assert!(
                date.starts_with(&day[..10]) || url_has_date(url),
                "{url}: {date} in the WARC, {day} as a file"
            ),
            None => assert!(
                date.starts_with("2021-06-01") || url_has_date(url),
                "{url}: {date}"
            ),
        }
    }
    let chunked = from_warc.last().unwrap();
    assert!(
        chunked["body"].as_str().unwrap().contains("Sent in chunks"),
        "{chunked}"
    );
    assert!(chunked["date"].as_str().unwrap().starts_with("2021-06-01"));
    assert!(stderr.contains("skipped 1 revisit records"), "{stderr}");
    assert!(
        stderr.contains("skipped 1 records whose payload is not HTML"),
        "{stderr}"
    );
    // The cut file gives its whole record and the readable part of the cut one, and says so.
    let from_cut = articles
        .iter()
        .filter(|a| a["path"].as_str().unwrap().ends_with("cut.warc"))
        .count();
    assert_eq!(from_cut, 2, "{stderr}");
    assert!(stderr.contains("cut.warc: record at byte"), "{stderr}");
    assert!(stderr.contains("is truncated"), "{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
    // Offsets are the record keys: a second run gives the same ids.
    let ids = |lines: &[Value]| lines.iter().map(|a| a["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&articles), ids(&export_lines(&corpus).0));
    // Indexing reads the same articles, and searching finds the chunked page.
    corpus.index();
    let hits = corpus.search_json(&["Sent in chunks"]);
    assert_eq!(hits.hits.len(), 1);
}

#[test]
fn issue_13_arc_files_and_broken_archives_are_read_without_crashing() {
    let corpus = TestCorpus::new();
    let page = "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>Old page</title></head><body><p>An article kept by an ARC crawl in 2001.</p></body></html>";
    let description =
        "1 0 Alexa Internet\nURL IP-address Archive-date Content-type Archive-length\n";
    let arc = format!(
        "filedesc://crawl.arc 0.0.0.0 20010203040506 text/plain {}\n{description}\nhttp://old.example/2001/02/01/story.html 10.0.0.1 20010203040506 text/html {}\n{page}\n",
        description.len(),
        page.len()
    );
    corpus.write("crawl.arc", &arc);
    corpus.write(
        "broken.warc",
        "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\n",
    );
    corpus.write("noise.warc.gz", b"\x1f\x8b\x08\x00 not really gzip");
    let (articles, stderr, code) = export_lines(&corpus);
    assert_eq!(articles.len(), 1, "{stderr}");
    assert_eq!(
        articles[0]["url"],
        "http://old.example/2001/02/01/story.html"
    );
    assert!(
        articles[0]["date"]
            .as_str()
            .unwrap()
            .starts_with("2001-02-01")
    );
    assert!(stderr.contains("broken.warc"), "{stderr}");
    assert!(
        stderr.contains("Content-Length 'many' is not a number"),
        "{stderr}"
    );
    assert!(stderr.contains("noise.warc.gz"), "{stderr}");
    assert_eq!(code, Some(4), "{stderr}");
}
