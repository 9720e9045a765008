//! A web page's main text, found the way trafilatura finds it: the first element that names
//! itself the article body, pruned of page furniture (class and id patterns, link-dense
//! blocks), its paragraphs kept; a paragraph-cluster guess when that is much longer, and the
//! page's loose paragraphs when both are short. No per-site rules.

use scraper::{ElementRef, Node};

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "footer", "aside", "button", "select", "svg",
    "iframe", "figure", "menu", "dialog", "object", "canvas", "input", "textarea", "label",
    "video", "audio", "picture", "map", "embed", "applet", "head",
];

/// Elements that start a new paragraph.
#[rustfmt::skip]
const BLOCKS: &[&str] = &[
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th", "hr", "address",
    "body", "center",
];

/// Elements whose text is article text when the body has enough paragraphs; text outside them
/// (stray words in `<div>`s and `<span>`s: buttons, labels, teasers) is then left out.
#[rustfmt::skip]
const TEXT_ELEMENTS: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "code", "q",
    "td", "th",
];

/// Below this many characters an extraction is "short" and the next guess is tried
/// (trafilatura's `MIN_EXTRACTED_SIZE`).
const MIN_EXTRACTED: usize = 250;

/// Class or id substrings of page furniture (trafilatura's discard list, minus its per-site
/// entries); checked on `div`, `section`, `span`, `p`, lists and tables below the body.
#[rustfmt::skip]
const FURNITURE: &[&str] = &[
    "footer", "related", "viral", "share-", "sharing", "social", "sociable", "syndication",
    "embedded", "newsletter", "subnav", "cookie", "tags", "sidebar", "banner", "meta", "menu",
    "navigation", "navbar", "navbox", "breadcrumb", "bread-crumb", "author", "button", "byline",
    "rating", "widget", "attachment", "timestamp", "user-info", "user-profile", "-ad-", "-icon",
    "article-infos", "nfoline", "outbrain", "taboola", "criteo", "consent", "modal",
    "permission", "next-", "-stories", "most-popular", "mostpopular", "premium", "overlay",
    "paid-content", "paidcontent", "paywall", "obfuscated", "blurred", "teaser",
    "comments-title", "nocomments", "-reply-", "akismet", "hide-", "hidden", "noprint",
    "notloaded", "caption", "promo", "advert", "subscribe", "print-only", "skip-link",
    "pagination", "pager",
];

/// Class or id prefixes of page furniture (trafilatura: `starts-with`).
const FURNITURE_PREFIXES: &[&str] = &[
    "shar", "nav", "post-nav", "jp-", "comment", "reply-", "disqus", "dsq-", "ad-", "ads",
];

/// Whole class or id words of page furniture.
const FURNITURE_WORDS: &[&str] = &["ad", "share", "comments", "sponsored", "print"];

/// Class or id substrings of the element that holds an article's body, in trafilatura's order
/// of trust: each group is tried in turn and its first element in the page wins.
const BODY_MARKS: &[&[&str]] = &[
    &[
        "post-text",
        "post_text",
        "post-body",
        "post-entry",
        "postentry",
        "post-content",
        "post_content",
        "postcontent",
        "post_inner_wrapper",
        "article-text",
        "articletext",
        "entry-content",
        "article-content",
        "article__content",
        "article-body",
        "article__body",
        "articlebody",
        "articlecontent",
        "page-content",
        "text-content",
        "body-text",
        "article__container",
        "art-content",
    ],
    &["<article>"],
    &[
        "post-bodycopy",
        "storycontent",
        "story-content",
        "theme-content",
        "blog-content",
        "section-content",
        "single-content",
        "single-post",
        "main-column",
        "wpb_text_column",
        "story-body",
        "field-body",
        "fulltext",
    ],
    &[
        "content-main",
        "content_main",
        "content-body",
        "contentbody",
        "content__body",
        "main-content",
        "maincontent",
    ],
    &["<main>"],
];

/// The article's paragraphs, without the title heading.
pub(super) fn extract(root: ElementRef, title: &str) -> Vec<String> {
    let body = first_named(root, "body").unwrap_or(root);
    let mut best: Vec<String> = Vec::new();
    for marks in BODY_MARKS {
        let Some(container) = find_container(body, marks) else {
            continue;
        };
        let mut paragraphs: Vec<String> = leads_before(container)
            .into_iter()
            .flat_map(|lead| Walker::run(lead, title, Mode::AllText))
            .collect();
        paragraphs.extend(extract_from(container, title));
        for sibling in same_class_followers(body, container) {
            paragraphs.extend(extract_from(sibling, title));
        }
        if length(&paragraphs) >= MIN_EXTRACTED || paragraphs.len() > 1 {
            best = paragraphs;
            break;
        }
        if length(&paragraphs) > length(&best) {
            best = paragraphs;
        }
    }
    // A second opinion, as trafilatura asks readability: the element whose own paragraphs hold
    // the most text, taken when it has more than twice the text (the body split over siblings).
    if let Some(cluster) = paragraph_cluster(body) {
        let paragraphs = extract_from(cluster, title);
        if length(&paragraphs) > 2 * length(&best) {
            best = paragraphs;
        }
    }
    if length(&best) < MIN_EXTRACTED {
        let loose = loose_paragraphs(body, title);
        if length(&loose) > length(&best) {
            best = loose;
        }
    }
    if best.is_empty() {
        best = collect_all(body, title);
    }
    best
}

fn length(paragraphs: &[String]) -> usize {
    paragraphs.iter().map(|p| p.chars().count()).sum()
}

/// The first element of the page (not inside furniture) that `marks` names.
fn find_container<'a>(body: ElementRef<'a>, marks: &[&str]) -> Option<ElementRef<'a>> {
    let mut stack = vec![body];
    // Document order, without descending into furniture.
    let mut order = Vec::new();
    while let Some(element) = stack.pop() {
        order.push(element);
        let children: Vec<ElementRef> = element
            .child_elements()
            .filter(|c| !is_furniture(c, false))
            .collect();
        stack.extend(children.into_iter().rev());
    }
    order.into_iter().find(|element| {
        let value = element.value();
        let name = value.name();
        if marks.contains(&"<article>") {
            return name == "article";
        }
        if marks.contains(&"<main>") {
            return name == "main"
                || value.attr("role") == Some("main")
                || (matches!(name, "div" | "section" | "article")
                    && super::marks(value).any(|m| m.starts_with("main")));
        }
        if !matches!(name, "article" | "div" | "main" | "section") {
            return false;
        }
        if marks.len() > 20 && value.attr("itemprop") == Some("articleBody") {
            return true;
        }
        super::marks(value).any(|mark| marks.iter().any(|m| mark.contains(m)))
    })
}

/// Class or id words of an article's standfirst, which pages often set just before the body's
/// container rather than inside it ("lead", "intro", "excerpt", Typo3's "teaser-text").
#[rustfmt::skip]
const LEAD_WORDS: &[&str] = &[
    "lead", "intro", "introduction", "excerpt", "summary", "standfirst", "subtitle",
    "subheadline", "chapo", "dek", "abstract", "teaser",
];

/// How many levels above the body's container its standfirst is looked for.
const LEAD_LEVELS: usize = 3;

/// The standfirst elements before `container`, within a few levels above it: elements whose
/// class names a lead, and the paragraphs of an article `<header>`.
fn leads_before(container: ElementRef) -> Vec<ElementRef> {
    let Some(scope) = container
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take(LEAD_LEVELS)
        .last()
    else {
        return Vec::new();
    };
    let mut leads: Vec<ElementRef> = Vec::new();
    for element in scope.descendent_elements() {
        if element.id() == container.id() {
            break;
        }
        if leads
            .iter()
            .any(|lead| element.ancestors().any(|a| a.id() == lead.id()))
        {
            continue;
        }
        let value = element.value();
        let marked = super::marks(value).any(|mark| {
            mark.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|word| LEAD_WORDS.contains(&word))
        });
        let in_header = value.name() == "p"
            && element
                .ancestors()
                .take_while(|a| a.id() != scope.id())
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().name() == "header");
        let chars = paragraph_chars(element).max(if marked { own_chars(element) } else { 0 });
        if (marked || in_header)
            && matches!(value.name(), "div" | "p" | "section" | "span" | "h2" | "h3")
            && (LEAD_MIN_CHARS..=LEAD_MAX_CHARS).contains(&chars)
            && !is_link_dense(element)
            && !element
                .ancestors()
                .filter_map(ElementRef::wrap)
                .take_while(|a| a.id() != scope.id())
                .any(|a| is_furniture(&a, false))
        {
            leads.push(element);
        }
    }
    leads
}

/// A standfirst is a sentence or a short paragraph, not a label and not a whole article.
const LEAD_MIN_CHARS: usize = 40;
const LEAD_MAX_CHARS: usize = 1500;

fn own_chars(element: ElementRef) -> usize {
    element
        .text()
        .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
        .sum()
}

/// The elements after `container` in the page that carry exactly its class and are not inside
/// it: a body the CMS split into several text modules (paragraph continuity).
fn same_class_followers<'a>(
    body: ElementRef<'a>,
    container: ElementRef<'a>,
) -> Vec<ElementRef<'a>> {
    let Some(class) = container
        .value()
        .attr("class")
        .filter(|c| !c.trim().is_empty())
    else {
        return Vec::new();
    };
    let name = container.value().name();
    let mut found: Vec<ElementRef> = Vec::new();
    let mut after = false;
    for element in body.descendent_elements() {
        if element.id() == container.id() {
            after = true;
            continue;
        }
        if !after || element.value().name() != name || element.value().attr("class") != Some(class)
        {
            continue;
        }
        let nested = element
            .ancestors()
            .any(|a| a.id() == container.id() || found.iter().any(|f| f.id() == a.id()));
        let in_furniture = element
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| is_furniture(&a, false));
        if !nested && !in_furniture {
            found.push(element);
        }
    }
    found
}

/// The element whose own `<p>` children hold the most text (readability's core idea).
fn paragraph_cluster(body: ElementRef) -> Option<ElementRef> {
    body.descendent_elements()
        .filter(|e| !is_furniture(e, false))
        .map(|e| {
            let own: usize = e
                .child_elements()
                .filter(|c| c.value().name() == "p")
                .map(|p| p.text().map(|t| t.trim().chars().count()).sum::<usize>())
                .sum();
            (own, e)
        })
        .filter(|(own, _)| *own > 0)
        .max_by_key(|(own, _)| *own)
        .map(|(_, e)| e)
        .filter(|e| {
            !e.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| is_furniture(&a, false))
        })
}

/// Every paragraph of the page outside furniture (trafilatura's "wild text" recovery).
fn loose_paragraphs(body: ElementRef, title: &str) -> Vec<String> {
    Walker::run(body, title, Mode::Paragraphs)
}

fn collect_all(body: ElementRef, title: &str) -> Vec<String> {
    Walker::run(body, title, Mode::AllText)
}

/// The container's paragraphs: text elements only when they hold enough text, else all text.
fn extract_from(container: ElementRef, title: &str) -> Vec<String> {
    let paragraphs = Walker::run(container, title, Mode::Paragraphs);
    if length(&paragraphs) < MIN_EXTRACTED {
        return Walker::run(container, title, Mode::AllText);
    }
    paragraphs
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Only text inside [`TEXT_ELEMENTS`].
    Paragraphs,
    /// All text.
    AllText,
}

/// Headings up to this long ("Most read", "Weitere Nachrichten") head a block of links; longer
/// ones are sentences (a standfirst set as `<h2>`) and stay even with nothing after them.
const ORPHAN_HEADING_CHARS: usize = 60;

/// One pass over a container, gathering paragraphs.
struct Walker<'t> {
    title: &'t str,
    mode: Mode,
    /// Characters of paragraph text in the container: furniture patterns spare an element holding
    /// most of it (`<div class="sidebar-and-content">` wraps the article, it is not a sidebar).
    container_chars: usize,
    current: String,
    /// Paragraphs, each marked true when it is a heading.
    paragraphs: Vec<(String, bool)>,
}

impl<'t> Walker<'t> {
    fn run(container: ElementRef, title: &'t str, mode: Mode) -> Vec<String> {
        let mut walker = Walker {
            title,
            mode,
            container_chars: paragraph_chars(container),
            current: String::new(),
            paragraphs: Vec::new(),
        };
        walker.walk(container, false);
        walker.push_paragraph(false);
        walker.finish()
    }

    /// Drops headings that head nothing: the last paragraph, or followed by another heading
    /// (their list of links was furniture and has gone).
    fn finish(self) -> Vec<String> {
        let count = self.paragraphs.len();
        let headings: Vec<bool> = self.paragraphs.iter().map(|(_, h)| *h).collect();
        self.paragraphs
            .into_iter()
            .enumerate()
            .filter(|(i, (text, heading))| {
                !heading
                    || text.chars().count() > ORPHAN_HEADING_CHARS
                    || (i + 1 < count && !headings[i + 1])
            })
            .map(|(_, (text, _))| text)
            .collect()
    }

    /// Appends the text under `element`, starting a new paragraph at block elements. A heading
    /// equal to the title is left out: it is the title, not the text.
    fn walk(&mut self, element: ElementRef, inside_text: bool) {
        for child in element.children() {
            match child.value() {
                // Line ends in the markup are spaces; only <br> breaks a line.
                Node::Text(text) if self.mode == Mode::AllText || inside_text => {
                    self.current
                        .push_str(&text.replace(['\n', '\r', '\t'], " "));
                }
                Node::Element(value) => {
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let guarded = is_furniture(&child, true) || name_is(child, "form");
                    if (guarded && !self.holds_most_text(child)) || is_link_dense(child) {
                        continue;
                    }
                    let name = value.name();
                    if name == "br" {
                        self.current.push('\n');
                        continue;
                    }
                    let heading = is_heading(name);
                    if heading
                        && !self.title.is_empty()
                        && clean(&child.text().collect::<String>()) == self.title
                    {
                        continue;
                    }
                    let block = BLOCKS.contains(&name);
                    if block {
                        self.push_paragraph(false);
                    }
                    let inside =
                        inside_text || TEXT_ELEMENTS.contains(&name) || has_own_text(child);
                    self.walk(child, inside);
                    if block {
                        self.push_paragraph(heading);
                    }
                }
                _ => {}
            }
        }
    }

    fn holds_most_text(&self, element: ElementRef) -> bool {
        paragraph_chars(element) * 2 > self.container_chars
    }

    fn push_paragraph(&mut self, heading: bool) {
        let lines: Vec<String> = self
            .current
            .split('\n')
            .map(clean)
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            self.paragraphs.push((lines.join("\n"), heading));
        }
        self.current.clear();
    }
}

/// True for an element that holds running text itself, not only in child elements: text
/// written straight into a `<div>` with `<br>`s, as older pages and some CMSs do.
fn has_own_text(element: ElementRef) -> bool {
    let own: usize = element
        .children()
        .filter_map(|node| node.value().as_text())
        .map(|text| text.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    own >= OWN_TEXT_CHARS
}

/// Characters of text directly inside an element that make it a text element.
const OWN_TEXT_CHARS: usize = 50;

fn name_is(element: ElementRef, name: &str) -> bool {
    element.value().name() == name
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Characters of text inside `<p>` elements under `element`.
fn paragraph_chars(element: ElementRef) -> usize {
    let own = |e: ElementRef| -> usize {
        e.text()
            .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
            .sum()
    };
    if element.value().name() == "p" {
        return own(element);
    }
    element
        .descendent_elements()
        .filter(|e| e.value().name() == "p")
        .map(own)
        .sum()
}

/// True for elements that are never article text: by tag, hidden, or by a class or id that
/// names furniture. `below_body` applies the class patterns, which are meant for the parts of
/// a body (a `<div class="meta">` inside it), not for the page's outer layout.
fn is_furniture(element: &ElementRef, below_body: bool) -> bool {
    let value = element.value();
    let name = value.name();
    if SKIPPED.contains(&name) || (!below_body && name == "header") {
        return true;
    }
    if value.attr("hidden").is_some() || value.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = value.attr("style") {
        let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if let Some(role) = value.attr("role")
        && matches!(
            role,
            "navigation" | "complementary" | "contentinfo" | "banner" | "menu" | "dialog"
        )
    {
        return true;
    }
    if !below_body {
        return false;
    }
    if !matches!(
        name,
        "div" | "section" | "span" | "p" | "ul" | "ol" | "li" | "table" | "dl" | "small"
    ) {
        return false;
    }
    super::marks(value).any(|mark| {
        mark.split_whitespace().any(|word| {
            FURNITURE_WORDS.contains(&word)
                || FURNITURE_PREFIXES.iter().any(|p| word.starts_with(p))
                || FURNITURE.iter().any(|f| word.contains(f))
        })
    })
}

/// Link-dense blocks: menus, lists of headlines, tag clouds (trafilatura's link density test).
/// A short block whose text is mostly links, or whose links are mostly very short, goes.
fn is_link_dense(element: ElementRef) -> bool {
    let name = element.value().name();
    let (limit, is_list) = match name {
        "p" => (200, false),
        "div" | "section" | "td" => (if has_next_element(element) { 100 } else { 300 }, false),
        "ul" | "ol" | "dl" | "table" => (usize::MAX, true),
        _ => return false,
    };
    let mut links = 0usize;
    let mut short_links = 0usize;
    let mut link_chars = 0usize;
    for link in element
        .descendent_elements()
        .filter(|e| e.value().name() == "a")
    {
        let text = clean(&link.text().collect::<String>());
        let chars = text.chars().count();
        if chars > 0 {
            links += 1;
            link_chars += chars;
            if chars < 10 {
                short_links += 1;
            }
        }
    }
    if links == 0 {
        return false;
    }
    let chars = clean(&element.text().collect::<String>()).chars().count();
    if is_list {
        // A list of links (related stories, "most popular") rather than a list in the text.
        return links > 1 && link_chars * 10 > chars * 7;
    }
    chars < limit && (link_chars * 10 > chars * 8 || (links > 1 && short_links * 10 > links * 8))
}

fn has_next_element(element: ElementRef) -> bool {
    element
        .next_siblings()
        .any(|node| node.value().is_element())
}

/// Collapses whitespace runs (no-break spaces too) to one space and trims.
pub(super) fn clean(text: &str) -> String {
    text.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn first_named<'a>(root: ElementRef<'a>, name: &str) -> Option<ElementRef<'a>> {
    if root.value().name() == name {
        return Some(root);
    }
    root.descendent_elements()
        .find(|e| e.value().name() == name)
}
