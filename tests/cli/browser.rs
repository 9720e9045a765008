//! The web page in headless Chromium, driven through chromedriver (W3C WebDriver over HTTP):
//! a keyword search with highlights, a date range dragged on the timeline and typed in, the
//! article view, the back button, a phone-sized window; the searching state, an undated
//! archive, a 390-px phone, dark mode, an adversarial query in the article view, focus after
//! Escape and errors marking their field. Screenshots go to `target/browser-artifacts/`.
//! Skips, saying so, when chromium or chromedriver is missing.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http;
use crate::server::{start_server, stop_server};
use crate::util::{TestCorpus, article, skip};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A program on `PATH`.
fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// chromedriver on a free port, killed on drop.
struct Driver {
    process: Child,
    addr: SocketAddr,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let driver = Driver { process, addr };
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(addr).is_ok()
                && http::get(addr, "/status").json()["value"]["ready"] == true
            {
                return driver;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// One browser session.
struct Browser<'a> {
    driver: &'a Driver,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.session);
        let _ = http::request(self.driver.addr, "DELETE", &path, None);
    }
}

impl<'a> Browser<'a> {
    fn open(driver: &'a Driver, chromium: &Path) -> Browser<'a> {
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        }}});
        let response = http::request(
            driver.addr,
            "POST",
            "/session",
            Some(&capabilities.to_string()),
        );
        let value = response.json();
        let session = value["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {}", response.body))
            .to_string();
        Browser {
            driver,
            session,
            _profile: profile,
        }
    }

    fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let body = body.to_string();
        let response = http::request(
            self.driver.addr,
            method,
            &path,
            (method == "POST").then_some(body.as_str()),
        );
        let value = response.json();
        assert_eq!(response.status, 200, "{method} {path}: {}", response.body);
        value["value"].clone()
    }

    fn go(&self, url: &str) {
        self.command("POST", "/url", json!({ "url": url }));
    }

    fn script(&self, script: &str) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
    }

    /// Waits until `script` (a function body) returns something truthy; returns it.
    fn wait_for(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self.script(script);
            let truthy = match &value {
                Value::Null | Value::Bool(false) => false,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            if started.elapsed() > Duration::from_secs(20) {
                self.screenshot("failure");
                panic!("timed out waiting for {what}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn element(&self, selector: &str) -> String {
        let value = self.command(
            "POST",
            "/element",
            json!({ "using": "css selector", "value": selector }),
        );
        value[ELEMENT].as_str().unwrap().to_string()
    }

    fn click(&self, selector: &str) {
        let id = self.element(selector);
        self.command("POST", &format!("/element/{id}/click"), json!({}));
    }

    /// Replaces the text of the input `selector` with `text` (`\u{E007}` is Enter).
    fn type_into(&self, selector: &str, text: &str) {
        let id = self.element(selector);
        self.command("POST", &format!("/element/{id}/clear"), json!({}));
        self.command(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        );
    }

    /// Drags the mouse from one viewport point to another.
    fn drag(&self, from: (f64, f64), to: (f64, f64)) {
        let point = |(x, y): (f64, f64), duration: u64| {
            json!({"type": "pointerMove", "duration": duration, "origin": "viewport",
                   "x": x.round() as i64, "y": y.round() as i64})
        };
        self.command(
            "POST",
            "/actions",
            json!({"actions": [{
                "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                "actions": [
                    point(from, 0),
                    {"type": "pointerDown", "button": 0},
                    point(((from.0 + to.0) / 2.0, to.1), 100),
                    point(to, 100),
                    {"type": "pointerUp", "button": 0},
                ],
            }]}),
        );
    }

    /// Presses keys (WebDriver key codes, e.g. `\u{E014}` for the right arrow) one after another.
    fn keys(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|key| {
                [
                    json!({"type": "keyDown", "value": key}),
                    json!({"type": "keyUp", "value": key}),
                ]
            })
            .collect();
        self.command(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// Sends a Chrome DevTools command through chromedriver.
    fn devtools(&self, cmd: &str, params: Value) -> Value {
        self.command(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": cmd, "params": params }),
        )
    }

    fn screenshot(&self, name: &str) {
        let encoded = self.command("GET", "/screenshot", json!({}));
        let png = decode_base64(encoded.as_str().unwrap());
        std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= d << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

#[test]
fn page_finds_an_article_by_keyword_and_date_in_headless_chromium() {
    let test = "page_finds_an_article_by_keyword_and_date_in_headless_chromium";
    let (Some(chromium), Some(chromedriver)) = (
        find_program(&["chromium", "chromium-browser"]),
        find_program(&["chromedriver"]),
    ) else {
        skip(test, "chromium not installed");
        return;
    };
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.copy_sample("wikinews");
    corpus.index();
    let (server, addr) = start_server(&corpus);
    let driver = Driver::start(&chromedriver);
    let browser = Browser::open(&driver, &chromium);
    let base = format!("http://{addr}/");

    // The front page charts the whole archive and lists its latest articles.
    browser.go(&base);
    browser.wait_for(
        "the timeline",
        "return document.querySelectorAll('#timeline .bar').length",
    );
    browser.wait_for(
        "the latest articles",
        "return document.querySelectorAll('#hits .hit').length === 10",
    );
    browser.screenshot("01-front-page");

    // Paging: the next ten, the page in the URL.
    browser.click("#next");
    browser.wait_for(
        "the second page",
        "return location.search.includes('page=2') && \
         /Showing 11–20\\./.test(document.getElementById('summary').textContent)",
    );

    // A keyword search: highlighted passages, the query in the URL.
    browser.type_into("#q", "security talks\u{E007}");
    browser.wait_for(
        "highlighted results",
        "return location.search.includes('q=security+talks') && \
         document.querySelectorAll('#hits mark').length > 0 && \
         /^12 articles match/.test(document.getElementById('summary').textContent)",
    );
    let marked = browser.script(
        "return Array.from(document.querySelectorAll('#hits mark'), m => m.textContent.toLowerCase())",
    );
    let marked: Vec<String> = serde_json::from_value(marked).unwrap();
    assert!(
        marked
            .iter()
            .all(|word| word.contains("secur") || word.contains("talk")),
        "{marked:?}"
    );
    let first_title =
        browser.script("return document.querySelector('#hits .hit-title a').textContent");
    assert_eq!(
        first_title,
        "Russia says they want security talks with the United States but the subject of Ukraine must be on table"
    );
    let bars_before = browser.script("return document.querySelectorAll('#timeline .bar').length");
    browser.screenshot("02-search-results");

    // Drag across the first bars of the timeline: the dates narrow, results and chart change.
    let geometry = browser.script(
        "const svg = document.querySelector('#timeline svg'); \
         svg.scrollIntoView({block: 'center'}); \
         const box = svg.getBoundingClientRect(); \
         const n = document.querySelectorAll('#timeline .bar').length; \
         return [box.left, box.top, box.width, box.height, n];",
    );
    let [left, top, width, height, bars] = serde_json::from_value::<[f64; 5]>(geometry).unwrap();
    let step = width / bars;
    let y = top + height / 2.0;
    // The first 20 months of a 2019–2024 chart: 2019-01 to 2020-08.
    browser.drag((left + step * 0.5, y), (left + step * 19.5, y));
    browser.wait_for(
        "the dragged range",
        "return location.search.includes('from=2019-01') && \
         location.search.includes('to=2020-08') && \
         document.getElementById('from').value === '2019-01'",
    );
    let summary = browser.wait_for(
        "results in the range",
        "const s = document.getElementById('summary').textContent; \
         return /^\\d+ articles? match/.test(s) && !s.startsWith('12 ') && s",
    );
    let summary = summary.as_str().unwrap().to_string();
    let dates = browser
        .script("return Array.from(document.querySelectorAll('#hits time'), t => t.dateTime)");
    let dates: Vec<String> = serde_json::from_value(dates).unwrap();
    assert!(!dates.is_empty(), "{summary}");
    assert!(
        dates
            .iter()
            .all(|d| d.as_str() >= "2019-01-01" && d.as_str() <= "2020-08-31"),
        "{dates:?}"
    );
    let bars_after = browser.wait_for(
        "the zoomed timeline",
        "return document.querySelectorAll('#timeline .bar').length",
    );
    assert_ne!(bars_before, bars_after, "the timeline did not change");
    browser.screenshot("03-dragged-date-range");

    // Typed dates, applied with Enter.
    browser.type_into("#from", "2019");
    browser.type_into("#to", "2019-12\u{E007}");
    browser.wait_for(
        "results from 2019",
        "const dates = Array.from(document.querySelectorAll('#hits time'), t => t.dateTime); \
         return location.search.includes('to=2019-12') && dates.length > 0 && \
         dates.every(d => d.startsWith('2019-'))",
    );
    browser.screenshot("04-typed-date-range");

    // The article view: the whole text, the query's words marked; back returns to the results.
    let title = browser.script("return document.querySelector('#hits .hit-title a').textContent");
    browser.click("#hits .hit-title a");
    browser.wait_for(
        "the article",
        "return !document.getElementById('article-view').hidden && \
         document.querySelectorAll('#article-body p').length > 1 && \
         document.querySelectorAll('#article-body mark').length > 0",
    );
    assert_eq!(
        browser.script("return document.getElementById('article-title').textContent"),
        title
    );
    assert!(
        browser
            .script("return location.search")
            .as_str()
            .unwrap()
            .contains("article=")
    );
    browser.screenshot("05-article");
    browser.command("POST", "/back", json!({}));
    browser.wait_for(
        "the results again",
        "return document.getElementById('article-view').hidden && \
         !location.search.includes('article=') && \
         document.querySelectorAll('#hits .hit').length > 0",
    );

    // The timeline works from the keyboard: the third month of 2019, then one bar per day.
    browser.script("document.querySelector('#timeline svg').focus()");
    browser.keys(&["\u{E014}", "\u{E014}", "\u{E014}", "\u{E007}"]);
    browser.wait_for(
        "the month chosen with the keyboard",
        "return location.search.includes('from=2019-03&to=2019-03') && \
         document.querySelectorAll('#timeline .bar').length === 31",
    );

    // A search no article answers whole says how it was read (issue 11), and so does a
    // misspelt word searched under the index's spelling.
    browser.go(&format!("{base}?q=security+qxzvj"));
    browser.wait_for(
        "the closest-match note",
        "return !document.getElementById('notes').hidden && \
         /closest matches/.test(document.getElementById('notes').textContent) && \
         document.querySelectorAll('#hits .hit').length > 0",
    );
    browser.screenshot("05b-closest-note");
    browser.go(&format!("{base}?q=Bolsonro"));
    browser.wait_for(
        "the corrected spelling",
        "return /showing results for 'Bolsonaro'/i.test(document.getElementById('notes').textContent)",
    );

    // A shared link opens the same search; a phone-sized window stacks the layout.
    browser.command(
        "POST",
        "/window/rect",
        json!({ "width": 412, "height": 900 }),
    );
    browser.go(&format!("{base}?q=election&from=2019&to=2020"));
    browser.wait_for(
        "the shared search",
        "return document.getElementById('q').value === 'election' && \
         document.querySelectorAll('#hits mark').length > 0 && \
         document.querySelectorAll('#timeline .bar').length === 24",
    );
    let overflow =
        browser.script("return document.documentElement.scrollWidth > window.innerWidth + 1");
    assert_eq!(overflow, false, "the page is wider than a phone");
    browser.screenshot("06-phone");

    drop(browser);
    drop(driver);
    stop_server(server);
}

/// chromium and chromedriver, or `None` after saying the test is skipped.
fn browser_programs(test: &str) -> Option<(PathBuf, PathBuf)> {
    match (
        find_program(&["chromium", "chromium-browser"]),
        find_program(&["chromedriver"]),
    ) {
        (Some(chromium), Some(chromedriver)) => Some((chromium, chromedriver)),
        _ => {
            skip(test, "chromium not installed");
            None
        }
    }
}

#[test]
fn issue_15_page_shows_its_work_fits_a_phone_and_keeps_the_keyboard_in_place() {
    let test = "issue_15_page_shows_its_work_fits_a_phone_and_keeps_the_keyboard_in_place";
    let Some((chromium, chromedriver)) = browser_programs(test) else {
        return;
    };
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.copy_sample("wikinews");
    corpus.index();
    let (server, addr) = start_server(&corpus);
    let driver = Driver::start(&chromedriver);
    let browser = Browser::open(&driver, &chromium);
    let base = format!("http://{addr}/");

    // One name per source: the kicker of a hit says what the sidebar says.
    browser.go(&format!("{base}?q=election"));
    browser.wait_for(
        "results",
        "return document.querySelectorAll('#hits .hit').length > 0 && \
         document.querySelectorAll('#sources .source-name').length > 0",
    );
    let names = browser.script(
        "return [Array.from(document.querySelectorAll('#hits .hit-source'), n => n.textContent), \
                 Array.from(document.querySelectorAll('#sources .source-name'), n => n.textContent)]",
    );
    let [kickers, listed]: [Vec<String>; 2] = serde_json::from_value(names).unwrap();
    assert!(
        kickers.iter().all(|name| listed.contains(name)),
        "{kickers:?} vs {listed:?}"
    );
    assert!(
        browser.script(
            "return getComputedStyle(document.querySelector('#hits .hit-source')).textTransform"
        ) == "none"
    );

    // The searching state: answers held back for a while show the old list dimmed under
    // "Searching…"; a newer search cancels the one on its way.
    browser.script(
        "window.cancelled = 0; const fetchNow = window.fetch; \
         window.fetch = (url, options) => { \
           if (options && options.signal) options.signal.addEventListener('abort', () => window.cancelled++); \
           return new Promise((resolve, reject) => setTimeout(() => fetchNow(url, options).then(resolve, reject), 1500)); };",
    );
    browser.type_into("#q", "talks\u{E007}");
    browser.wait_for(
        "the searching state",
        "const results = document.getElementById('results'); \
         return results.getAttribute('aria-busy') === 'true' && \
         document.getElementById('summary').textContent === 'Searching…' && \
         document.querySelectorAll('#hits .hit').length > 0 && \
         getComputedStyle(document.getElementById('hits')).opacity === '0.4'",
    );
    browser.screenshot("07-searching");
    browser.type_into("#q", "security\u{E007}");
    browser.wait_for(
        "the newer search's answer",
        "return document.getElementById('results').getAttribute('aria-busy') === null && \
         /^\\d+ articles match/.test(document.getElementById('summary').textContent) && \
         location.search.includes('q=security')",
    );
    let cancelled = browser.script("return window.cancelled");
    assert!(
        cancelled.as_u64().unwrap() >= 2,
        "the superseded search and facets were cancelled: {cancelled}"
    );

    // Errors say which field is wrong and what to type in it.
    browser.go(&format!("{base}?q=talks&from=2024-13"));
    let error = browser.wait_for(
        "the date error",
        "const box = document.getElementById('form-error'); return !box.hidden && box.textContent",
    );
    let error = error.as_str().unwrap().to_string();
    assert!(error.starts_with("From: "), "{error}");
    assert!(
        error.contains("like 2019, 2019-05 or 2019-05-17"),
        "{error}"
    );
    assert!(!error.contains("from:"), "no API jargon: {error}");
    assert_eq!(
        browser.script("return document.getElementById('from').getAttribute('aria-invalid')"),
        "true"
    );
    browser.screenshot("08-field-error");
    browser.go(&format!("{base}?q=headline:talks"));
    let error = browser.wait_for(
        "the query error",
        "const box = document.getElementById('form-error'); return !box.hidden && box.textContent",
    );
    assert!(
        error
            .as_str()
            .unwrap()
            .starts_with("Search words: Unknown field 'headline'"),
        "{error}"
    );
    assert_eq!(
        browser.script("return document.getElementById('q').getAttribute('aria-invalid')"),
        "true"
    );

    // The article view marks the query's words in that article, whatever the query's
    // parentheses do: `zzzz) OR (security` must not mark another article's offsets.
    browser.go(&format!("{base}?q=security+talks"));
    browser.wait_for(
        "results",
        "return document.querySelectorAll('#hits .hit-title a').length > 1",
    );
    let id = browser.script("return document.querySelectorAll('#hits .hit-title a')[1].dataset.id");
    let id = id.as_str().unwrap().to_string();
    browser.go(&format!("{base}?q=zzzz)+OR+(security&article={id}"));
    browser.wait_for(
        "the article with marks",
        "return !document.getElementById('article-view').hidden && \
         document.querySelectorAll('#article-body mark').length > 0",
    );
    let marked = browser.script(
        "return Array.from(document.querySelectorAll('#article-body mark'), m => m.textContent.toLowerCase())",
    );
    let marked: Vec<String> = serde_json::from_value(marked).unwrap();
    assert!(
        marked.iter().all(|word| word.starts_with("secur")),
        "{marked:?}"
    );
    browser.screenshot("09-article-adversarial-query");

    // From the keyboard: Enter on a result opens it, Escape comes back with focus on it.
    browser.go(&format!("{base}?q=security+talks"));
    browser.wait_for(
        "results",
        "return document.querySelectorAll('#hits .hit-title a').length > 2",
    );
    let third = browser.script(
        "const link = document.querySelectorAll('#hits .hit-title a')[2]; link.focus(); return link.dataset.id",
    );
    browser.keys(&["\u{E007}"]);
    browser.wait_for(
        "the article",
        "return !document.getElementById('article-view').hidden && \
         document.getElementById('article-title').textContent !== 'Loading…'",
    );
    browser.keys(&["\u{E00C}"]);
    let focused = browser.wait_for(
        "focus back on the result",
        "const a = document.activeElement; \
         return document.getElementById('article-view').hidden && a && a.dataset && a.dataset.id",
    );
    assert_eq!(focused, third);
    browser.screenshot("10-focus-after-escape");

    // The downloads hold the results on screen, as the JSON contract and as CSV.
    browser.script(
        "window.saved = []; save = (name, type, text) => window.saved.push([name, type, text]);",
    );
    browser.click("#download-csv");
    browser.click("#download-json");
    let saved = browser.wait_for(
        "both downloads",
        "return window.saved.length === 2 && window.saved",
    );
    let saved: Vec<[String; 3]> = serde_json::from_value(saved).unwrap();
    let total = browser.script(
        "return parseInt(document.getElementById('summary').textContent.replace(/,/g, ''), 10)",
    );
    let total = total.as_u64().unwrap() as usize;
    let csv = saved
        .iter()
        .find(|[name, ..]| name.ends_with(".csv"))
        .unwrap();
    assert_eq!(csv[0], "newsindex-security-talks.csv");
    let rows: Vec<&str> = csv[2].trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        rows[0],
        "id,date,source,source_key,title,byline,url,score,path,passage"
    );
    assert_eq!(rows.len(), total.min(100) + 1, "a row per result");
    let json = saved
        .iter()
        .find(|[name, ..]| name.ends_with(".json"))
        .unwrap();
    let results: newsindex::search::SearchResults = serde_json::from_str(&json[2]).unwrap();
    assert_eq!(results.total as usize, total);
    assert_eq!(results.hits.len(), total.min(100));
    assert!(
        results
            .hits
            .iter()
            .all(|hit| hit.path.starts_with("seed/") || hit.path.starts_with("wikinews/")),
        "archive-relative paths: {:?}",
        results.hits[0].path
    );

    // Printed, the page keeps the results and drops the controls.
    browser.devtools("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let printed = browser.script(
        "return [getComputedStyle(document.getElementById('search-form')).display, \
                 getComputedStyle(document.getElementById('hits')).display]",
    );
    assert_eq!(printed, json!(["none", "block"]));
    browser.devtools("Emulation.setEmulatedMedia", json!({"media": ""}));

    // Dark mode follows the system's choice.
    browser.devtools(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]}),
    );
    browser.go(&format!("{base}?q=security+talks"));
    browser.wait_for(
        "results in dark mode",
        "return document.querySelectorAll('#hits mark').length > 0",
    );
    let background = browser.script("return getComputedStyle(document.body).backgroundColor");
    assert_eq!(background, "rgb(22, 23, 26)");
    browser.screenshot("11-dark-mode");
    browser.devtools(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": "light"}]}),
    );

    // A 390-px phone: the first result starts above the fold, the filters wait behind a button.
    browser.command(
        "POST",
        "/window/rect",
        json!({ "width": 390, "height": 844 }),
    );
    browser.go(&format!("{base}?q=election"));
    browser.wait_for(
        "results on the phone",
        "return document.querySelectorAll('#hits .hit').length > 0",
    );
    let layout = browser.script(
        "const title = document.querySelector('#hits .hit-title').getBoundingClientRect(); \
         return [window.innerWidth, window.innerHeight, title.bottom, \
                 document.getElementById('sources-panel').offsetHeight, \
                 document.documentElement.scrollWidth];",
    );
    let [width, height, title_bottom, sources_height, scroll_width] =
        serde_json::from_value::<[f64; 5]>(layout).unwrap();
    assert!(width <= 390.0, "{width}");
    assert!(
        title_bottom < height,
        "the first result's headline ends at {title_bottom} px of {height}"
    );
    assert_eq!(sources_height, 0.0, "the sources wait behind the button");
    assert!(
        scroll_width <= width + 1.0,
        "wider than the phone: {scroll_width}"
    );
    browser.screenshot("12-phone-390");
    browser.click("#refine-toggle");
    browser.wait_for(
        "the filters panel",
        "return document.getElementById('sources-panel').offsetHeight > 0 && \
         document.getElementById('refine-toggle').getAttribute('aria-expanded') === 'true'",
    );
    let order = browser.script(
        "return document.getElementById('sources-panel').getBoundingClientRect().top < \
                document.querySelector('#hits .hit').getBoundingClientRect().top",
    );
    assert_eq!(order, true, "the filters open above the results");
    browser.screenshot("13-phone-filters");

    drop(browser);
    drop(driver);
    stop_server(server);
}

#[test]
fn issue_15_an_undated_single_source_archive_shows_no_empty_chart_or_date_orders() {
    let test = "issue_15_an_undated_single_source_archive_shows_no_empty_chart_or_date_orders";
    let Some((chromium, chromedriver)) = browser_programs(test) else {
        return;
    };
    let corpus = TestCorpus::new();
    for n in 0..14 {
        corpus.write(
            &format!("business/{n:03}.txt"),
            article(
                &format!("Market report number {n}"),
                "",
                "BBC News.",
                &format!("Shares moved in report {n}. Traders watched the market all day."),
            ),
        );
    }
    corpus.index();
    let (server, addr) = start_server(&corpus);
    let driver = Driver::start(&chromedriver);
    let browser = Browser::open(&driver, &chromium);
    browser.go(&format!("http://{addr}/"));
    browser.wait_for(
        "the latest articles",
        "return document.querySelectorAll('#hits .hit').length === 10",
    );
    let summary = browser.wait_for(
        "the archive summary",
        "const s = document.getElementById('archive-summary').textContent; \
         return s.startsWith('14') && s",
    );
    assert_eq!(summary, "14 articles from BBC News, undated");
    let hidden = browser.script(
        "return [document.getElementById('timeline-section').hidden, \
                 document.getElementById('sources-panel').hidden, \
                 Array.from(document.getElementById('sort').options).filter(o => !o.hidden).length]",
    );
    assert_eq!(
        hidden,
        json!([true, true, 1]),
        "timeline, sources, date orders"
    );
    let width = browser.script("return document.getElementById('hits').offsetWidth");
    assert!(
        width.as_f64().unwrap() > 900.0,
        "the results take the sources' place: {width}"
    );
    let kicker = browser.script("return document.querySelector('#hits .hit-source').textContent");
    assert_eq!(kicker, "BBC News", "the catalogue's full stop is dropped");
    browser.screenshot("14-undated-archive");

    drop(browser);
    drop(driver);
    stop_server(server);
}

#[test]
fn issue_15_a_long_source_list_gets_a_box_to_find_one() {
    let test = "issue_15_a_long_source_list_gets_a_box_to_find_one";
    let Some((chromium, chromedriver)) = browser_programs(test) else {
        return;
    };
    let corpus = TestCorpus::new();
    for n in 0..14 {
        corpus.write(
            &format!("paper{n:02}/story.txt"),
            article(
                &format!("Council story {n}"),
                "2020-01-01",
                &format!("THE PAPER {n:02} HERALD."),
                "The council met.",
            ),
        );
    }
    corpus.index();
    let (server, addr) = start_server(&corpus);
    let driver = Driver::start(&chromedriver);
    let browser = Browser::open(&driver, &chromium);
    browser.go(&format!("http://{addr}/?q=council"));
    browser.wait_for(
        "the source list",
        "return document.querySelectorAll('#sources li').length === 14 && \
         !document.getElementById('source-filter').hidden",
    );
    browser.type_into("#source-filter", "07");
    let shown = browser.wait_for(
        "one source left",
        "const shown = Array.from(document.querySelectorAll('#sources li')).filter(li => !li.hidden); \
         return shown.length === 1 && shown[0].textContent",
    );
    assert_eq!(
        shown, "THE PAPER 07 HERALD1",
        "the name as written, without its full stop"
    );
    drop(browser);
    drop(driver);
    stop_server(server);
}

/// A story carried by four papers is one hit on the page, saying how many others carried it;
/// the list of them opens on a click and names each paper.
#[test]
fn the_page_collapses_copies_and_lists_them_on_a_click() {
    let test = "the_page_collapses_copies_and_lists_them_on_a_click";
    let Some((chromium, chromedriver)) = browser_programs(test) else {
        return;
    };
    let corpus = crate::copies::wire_archive();
    let (server, addr) = start_server(&corpus);
    let driver = Driver::start(&chromedriver);
    let browser = Browser::open(&driver, &chromium);
    browser.go(&format!("http://{addr}/?q=terminal%20cranes"));
    browser.wait_for(
        "the collapsed hits",
        "return document.querySelectorAll('#hits .hit').length === 2",
    );
    let summary = browser.script("return document.getElementById('summary').textContent");
    assert!(
        summary
            .as_str()
            .unwrap()
            .starts_with("2 stories (5 articles match"),
        "{summary}"
    );
    let closed = browser.script(
        "const box = document.querySelector('#hits .hit details.copies'); \
         return [box.open, box.querySelector('summary').textContent, \
                 box.querySelector('li').checkVisibility()]",
    );
    assert_eq!(closed[0], json!(false), "{closed}");
    assert_eq!(closed[1], json!("Also carried by 3 others"), "{closed}");
    assert_eq!(
        closed[2],
        json!(false),
        "the list is hidden until asked for: {closed}"
    );
    browser.click("#hits .hit details.copies summary");
    let open = browser.wait_for(
        "the list of copies",
        "const box = document.querySelector('#hits .hit details.copies'); \
         const items = Array.from(box.querySelectorAll('li')); \
         return box.open && items.length === 3 && items.every((li) => li.checkVisibility()) \
           && items.map((li) => li.textContent)",
    );
    let lines: Vec<&str> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let own = browser.script(
        "return document.querySelector('#hits .hit details.copies').closest('.hit') \
           .querySelector('.hit-source').textContent",
    );
    let own = own.as_str().unwrap();
    // The other three papers that printed the story, each once; not the hit's own paper.
    let papers = [
        "Harbour Times",
        "Daily Ledger",
        "Evening Star",
        "Coast Gazette",
    ];
    assert!(papers.contains(&own), "{own}");
    for paper in papers {
        let listed = lines.iter().filter(|l| l.starts_with(paper)).count();
        assert_eq!(listed, usize::from(paper != own), "{paper}: {lines:?}");
    }
    assert!(lines.iter().all(|l| l.contains("similarity")), "{lines:?}");
    let timeline = browser.wait_for(
        "the timeline's label",
        "const h = document.getElementById('timeline-heading').textContent; \
         return h.includes('(') && h",
    );
    assert_eq!(timeline, "Coverage over time (articles)");
    browser.screenshot("copies-expanded");

    drop(browser);
    drop(driver);
    stop_server(server);
}
