// The search page: reads its state from the URL, asks the JSON API, and draws the results,
// the sources and the coverage timeline. Text from the archive only ever enters the page
// through textContent and text nodes, never as markup.
"use strict";

const PAGE_SIZE = 10;
const MAX_OFFSET = 10000;
const MAX_BARS = 1500;
const SVG = "http://www.w3.org/2000/svg";

const $ = (id) => document.getElementById(id);

/** The search as the URL holds it. */
function readState() {
  const params = new URLSearchParams(location.search);
  const page = parseInt(params.get("page") || "1", 10);
  const by = params.get("by");
  return {
    q: params.get("q") || "",
    from: params.get("from") || "",
    to: params.get("to") || "",
    sources: params.getAll("source"),
    sort: ["relevance", "newest", "oldest"].includes(params.get("sort")) ? params.get("sort") : "relevance",
    page: Number.isFinite(page) && page > 0 ? page : 1,
    by: ["year", "month", "day"].includes(by) ? by : "",
    article: params.get("article") || "",
  };
}

function stateUrl(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  for (const source of state.sources) params.append("source", source);
  if (state.sort !== "relevance") params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  if (state.by) params.set("by", state.by);
  if (state.article) params.set("article", state.article);
  const query = params.toString();
  return query ? "?" + query : location.pathname;
}

let state = readState();
let archive = null; // /api/stats, for the date span of the whole archive
let sourceNames = new Map(); // source key -> the name its articles write, from /api/stats
let lastHits = new Map(); // id -> hit of the page on screen
let lastResults = null; // the answer on screen, with the order it was asked in
let generation = 0; // answers to older requests are dropped
let inFlight = null; // the AbortController of the search on its way
let returnTo = ""; // the id of the result an article was opened from, to focus on return

/** Moves to `next` state, adding a history entry, and shows it. */
function go(changes, options = {}) {
  state = Object.assign({}, state, changes);
  const url = stateUrl(state);
  const data = options.fromSearch ? { fromSearch: true } : null;
  if (options.replace) history.replaceState(data, "", url);
  else history.pushState(data, "", url);
  show();
}

window.addEventListener("popstate", () => {
  state = readState();
  show();
});

async function api(path, params, signal) {
  const query = params ? "?" + params.toString() : "";
  const response = await fetch(path + query, { headers: { Accept: "application/json" }, signal });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    const message = body && typeof body.error === "string" ? body.error : "the server answered " + response.status;
    const error = new Error(message);
    error.status = response.status;
    error.parameter = body && typeof body.parameter === "string" ? body.parameter : "";
    throw error;
  }
  return body;
}

function filterParams(withSources) {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set("q", state.q.trim());
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  if (withSources) for (const source of state.sources) params.append("source", source);
  return params;
}

// ---------------------------------------------------------------- dates

const DATE_PATTERN = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** The first day of a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` period, as a UTC Date. */
function periodStart(text) {
  const [y, m, d] = text.split("-").map((part) => parseInt(part, 10));
  const date = new Date(Date.UTC(2000, (m || 1) - 1, d || 1));
  date.setUTCFullYear(y);
  return date;
}

/** The first day after the period. */
function periodEnd(text) {
  const date = periodStart(text);
  const parts = text.split("-").length;
  if (parts === 1) date.setUTCFullYear(date.getUTCFullYear() + 1);
  else if (parts === 2) date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCDate(date.getUTCDate() + 1);
  return date;
}

function label(date, by) {
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  const month = String(date.getUTCMonth() + 1).padStart(2, "0");
  const day = String(date.getUTCDate()).padStart(2, "0");
  if (by === "year") return year;
  if (by === "month") return year + "-" + month;
  return year + "-" + month + "-" + day;
}

function nextPeriod(date, by) {
  const next = new Date(date.getTime());
  if (by === "year") next.setUTCFullYear(next.getUTCFullYear() + 1);
  else if (by === "month") next.setUTCMonth(next.getUTCMonth() + 1);
  else next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

function truncate(date, by) {
  const start = new Date(date.getTime());
  if (by === "year") start.setUTCMonth(0, 1);
  else if (by === "month") start.setUTCDate(1);
  return start;
}

const DAY_MS = 86400000;

/** False once /api/stats has said no article of the archive has a date. */
function archiveDated() {
  return !archive || Boolean(archive.earliest);
}

/** The name to show for a source key: how its articles write it, else the key. */
function sourceName(key, raw) {
  if (key && sourceNames.has(key)) return sourceNames.get(key);
  if (raw) return raw.trim().replace(/\.+$/, "");
  return key || "";
}

/** The period a timeline should count by for the span on screen. */
function autoPeriod() {
  let first = state.from ? periodStart(state.from) : archive && archive.earliest ? periodStart(archive.earliest) : null;
  let last = state.to ? periodEnd(state.to) : archive && archive.latest ? periodEnd(archive.latest) : null;
  if (!first || !last) return "month";
  const days = (last - first) / DAY_MS;
  if (days <= 92) return "day";
  if (days <= 366 * 8) return "month";
  return "year";
}

function longDate(text) {
  if (!text) return "Undated";
  const day = text.slice(0, 10);
  if (!DATE_PATTERN.test(day)) return text;
  const date = periodStart(day);
  return date.toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
}

function periodName(text) {
  const date = periodStart(text);
  const parts = text.split("-").length;
  if (parts === 1) return text;
  if (parts === 2) return date.toLocaleDateString("en-GB", { timeZone: "UTC", month: "long", year: "numeric" });
  return longDate(text);
}

// ---------------------------------------------------------------- text

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/** Joins highlight ranges separated only by one or two spaces, so a phrase is marked once. */
function mergeRanges(chars, ranges) {
  const sorted = ranges
    .filter((r) => Array.isArray(r) && r.length === 2 && r[0] < r[1])
    .map((r) => [r[0], r[1]])
    .sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start >= last[1]) {
      const gap = chars.slice(last[1], start);
      if (gap.length > 0 && gap.length <= 2 && gap.every((c) => c === " ")) {
        last[1] = end;
        continue;
      }
    }
    if (last && start < last[1]) {
      last[1] = Math.max(last[1], end);
      continue;
    }
    merged.push([start, end]);
  }
  return merged;
}

/**
 * Appends chars[from, to) to `parent`, the parts inside `ranges` (character offsets, as the
 * API counts them: Unicode code points) wrapped in <mark>.
 */
function appendMarked(parent, chars, from, to, ranges) {
  let at = from;
  for (const [start, end] of ranges) {
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    if (e <= s) continue;
    if (s > at) parent.appendChild(document.createTextNode(chars.slice(at, s).join("")));
    parent.appendChild(element("mark", null, chars.slice(s, e).join("")));
    at = e;
  }
  if (at < to) parent.appendChild(document.createTextNode(chars.slice(at, to).join("")));
}

// ---------------------------------------------------------------- showing a state

function show() {
  syncForm();
  if (state.article) {
    showArticle(state.article);
  } else {
    document.title = state.q ? state.q + " · Archive search" : "Archive search";
    $("article-view").hidden = true;
    $("search-view").hidden = false;
    runSearch();
  }
}

function syncForm() {
  $("q").value = state.q;
  $("from").value = state.from;
  $("to").value = state.to;
  offerDateOrders(archiveDated());
  $("sort").value = archiveDated() ? state.sort : "relevance";
  $("clear-dates").hidden = !(state.from || state.to);
  const active = (state.from || state.to ? 1 : 0) + state.sources.length;
  $("refine-toggle").textContent = active ? "Filters (" + active + " on)" : "Filters";
  clearError();
  const by = state.by || autoPeriod();
  for (const button of document.querySelectorAll(".zoom button")) {
    button.setAttribute("aria-pressed", String(button.dataset.by === by));
  }
}

/** Offers the date orders only where some article has a date (the one chosen stays). */
function offerDateOrders(dated) {
  for (const option of $("sort").options) {
    if (option.value === "relevance") continue;
    const offered = dated || option.value === state.sort;
    option.hidden = !offered;
    option.disabled = !offered;
  }
}

/** The order a search is asked in: newest first for an empty query in a dated archive. */
function searchSort() {
  if (!archiveDated()) return "relevance";
  return !state.q.trim() && state.sort === "relevance" ? "newest" : state.sort;
}

/** The parameters of /api/search for the state on screen, `limit` hits from `offset`. */
function searchParams(limit, offset, passages) {
  const params = filterParams(true);
  const sort = searchSort();
  if (sort !== "relevance") params.set("sort", sort);
  params.set("limit", String(limit));
  params.set("offset", String(offset));
  params.set("passages", String(passages));
  // People read stories: the page asks for copies collapsed (the API's default lists all).
  params.set("copies", "collapse");
  return params;
}

async function runSearch() {
  const mine = ++generation;
  // A newer search makes the one on its way pointless: cancel it rather than wait for it.
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  const by = state.by || autoPeriod();
  const sort = searchSort();
  const offset = Math.min((state.page - 1) * PAGE_SIZE, MAX_OFFSET);
  const timelineParams = filterParams(true);
  timelineParams.set("by", by);
  const sourceParams = filterParams(false);
  sourceParams.set("by", "year");
  const results = $("results");
  results.setAttribute("aria-busy", "true");
  $("summary").textContent = "Searching…";
  $("downloads").hidden = true;
  try {
    const [answer, timeline, sources] = await Promise.all([
      api("/api/search", searchParams(PAGE_SIZE, offset, 2), controller.signal),
      api("/api/facets", timelineParams, controller.signal),
      state.sources.length ? api("/api/facets", sourceParams, controller.signal) : null,
    ]);
    if (mine !== generation) return;
    drawResults(answer, sort);
    drawTimeline(timeline);
    drawSources((sources || timeline).sources);
    focusReturn();
  } catch (error) {
    if (mine !== generation || error.name === "AbortError") return;
    showError(error);
  } finally {
    if (mine === generation) {
      results.removeAttribute("aria-busy");
      inFlight = null;
    }
  }
}

/** After coming back from an article, the keyboard is where it was: on that result's link. */
function focusReturn() {
  if (!returnTo) return;
  const link = document.querySelector('#hits a[data-id="' + CSS.escape(returnTo) + '"]');
  returnTo = "";
  if (link) link.focus();
}

/** Each field the API may name, and what to write in it. */
const FIELDS = {
  q: { input: "q", label: "Search words",
       help: "Write words or \"a phrase\"; a word followed by a colon is read as a field, so write it without the colon to search for it." },
  from: { input: "from", label: "From", help: "Write a year, a month or a day, like 2019, 2019-05 or 2019-05-17." },
  to: { input: "to", label: "To", help: "Write a year, a month or a day, like 2019, 2019-05 or 2019-05-17, no earlier than From." },
  source: { input: "source-filter", label: "Sources", help: "Choose the sources from the list." },
  sort: { input: "sort", label: "Order", help: "" },
};

function clearError() {
  $("form-error").hidden = true;
  for (const id of ["q", "from", "to", "source-filter"]) {
    $(id).removeAttribute("aria-invalid");
    $(id).removeAttribute("aria-errormessage");
  }
}

/** Says what went wrong in words, marking the field the answer names and what to type in it. */
function showError(error) {
  $("hits").replaceChildren();
  $("pager").hidden = true;
  $("summary").textContent = "";
  $("notes").replaceChildren();
  $("notes").hidden = true;
  $("downloads").hidden = true;
  let name = error.parameter || "";
  // A `source:` inside the query is the query's mistake, not the list's.
  if (name === "source" && !state.sources.length) name = "q";
  const field = FIELDS[name];
  const box = $("form-error");
  if (field) {
    const reason = error.message.replace(/^[a-z]+: */, "");
    box.textContent = field.label + ": " + reason.charAt(0).toUpperCase() + reason.slice(1) + ". " + field.help;
    const input = $(field.input);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-errormessage", "form-error");
    if (input.closest(".refine")) setRefineOpen(true);
  } else if (error.status === 503) {
    box.textContent = "The search took too long and was stopped. " + error.message.replace(/^[^;]*; */, "").replace(/^t/, "T") + ".";
  } else {
    box.textContent = "The search could not run: " + error.message + ".";
  }
  box.hidden = false;
}

function drawResults(results, sort) {
  const hits = $("hits");
  hits.replaceChildren();
  lastHits = new Map();
  lastResults = { results, sort };
  const first = (state.page - 1) * PAGE_SIZE + 1;
  const total = results.total;
  let summary;
  if (total === 0) summary = "No articles match.";
  else if (results.hits.length === 0) summary = total.toLocaleString("en-GB") + (total === 1 ? " article matches" : " articles match") + "; the last is on page " + Math.ceil(total / PAGE_SIZE) + ".";
  else {
    const noun = total === 1 ? "article" : "articles";
    const order = sort === "newest" ? ", newest first" : sort === "oldest" ? ", oldest first"
      : state.q.trim() ? ", best match first" : "";
    const stories = results.stories != null && results.stories !== total
      ? results.stories.toLocaleString("en-GB") + (results.stories === 1 ? " story" : " stories") + " ("
      : "";
    summary = stories + total.toLocaleString("en-GB") + " " + noun + (state.q.trim() ? " match" + (total === 1 ? "es" : "") : " in view") +
      (stories ? ")" : "") + order + ". Showing " + first + "–" + (first + results.hits.length - 1) + ".";
  }
  $("summary").textContent = summary;
  // How the query was read: closest matches, a question, corrected spellings, ignored words.
  const notes = $("notes");
  notes.replaceChildren();
  for (const note of results.notes || []) {
    const line = element("li", "note");
    line.textContent = note.charAt(0).toUpperCase() + note.slice(1) + ".";
    notes.appendChild(line);
  }
  notes.hidden = notes.children.length === 0;
  hits.start = first;
  for (const hit of results.hits) {
    lastHits.set(hit.id, hit);
    const item = element("li", "hit");
    const meta = element("p", "hit-meta");
    if (hit.source) meta.appendChild(element("span", "hit-source", sourceName(hit.source_key, hit.source)));
    // In an archive without dates, "Undated" on every hit says nothing.
    if (hit.date || archiveDated()) {
      meta.appendChild(element("time", "hit-date", longDate(hit.date)));
      if (hit.date) meta.lastChild.dateTime = hit.date.slice(0, 10);
    }
    item.appendChild(meta);
    const heading = element("h3", "hit-title");
    const link = element("a", null, hit.title || "(untitled)");
    link.href = stateUrl(Object.assign({}, state, { article: hit.id }));
    link.dataset.id = hit.id;
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      returnTo = hit.id;
      go({ article: hit.id }, { fromSearch: true });
    });
    heading.appendChild(link);
    item.appendChild(heading);
    for (const passage of hit.passages || []) {
      const chars = Array.from(passage.text.replace(/\s/g, " "));
      const paragraph = element("p", "passage");
      appendMarked(paragraph, chars, 0, chars.length, mergeRanges(chars, passage.highlights || []));
      item.appendChild(paragraph);
      if (passage.reprints && passage.reprints.length) item.appendChild(drawCopies(passage.reprints, "Passage reprinted in "));
    }
    if (hit.byline) item.appendChild(element("p", "hit-byline", "By " + hit.byline));
    if (hit.copies && hit.copies.length) item.appendChild(drawCopies(hit.copies, "Also carried by "));
    hits.appendChild(item);
  }
  const pages = Math.ceil(Math.min(total, MAX_OFFSET + PAGE_SIZE) / PAGE_SIZE);
  $("pager").hidden = pages <= 1;
  $("previous").disabled = state.page <= 1;
  $("next").disabled = state.page >= pages;
  $("page-info").textContent = "Page " + state.page + " of " + Math.max(pages, 1);
  const shown = Math.min(total, MAX_DOWNLOAD);
  $("downloads-label").textContent = total > MAX_DOWNLOAD
    ? "Download the first " + MAX_DOWNLOAD + ":"
    : "Download " + (total === 1 ? "this result" : "these " + shown + " results") + ":";
  $("downloads").hidden = total === 0;
}

// ---------------------------------------------------------------- downloads

const MAX_DOWNLOAD = 100; // the API's largest page

/** Saves `text` as a file named `name` through a temporary link. */
function save(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = element("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** One CSV field: quoted, quotes doubled; text a spreadsheet would run as a formula is defused. */
function csvField(value) {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
  return '"' + text.replace(/"/g, '""') + '"';
}

/** The hits as CSV: one row per hit, the JSON contract's fields as columns, first passage. */
function toCsv(results) {
  const columns = ["id", "date", "source", "source_key", "title", "byline", "url", "score", "path", "passage"];
  const rows = [columns.join(",")];
  for (const hit of results.hits) {
    const passage = hit.passages && hit.passages[0] ? hit.passages[0].text : "";
    rows.push(columns.map((c) => csvField(c === "passage" ? passage : hit[c])).join(","));
  }
  return rows.join("\r\n") + "\r\n";
}

/** `path` relative to the indexed folder holding it: the page shows no server paths. */
function archivePath(path) {
  let best = "";
  for (const root of (archive && archive.roots) || []) {
    const base = root.replace(/[\\/]+$/, "");
    const inside = path.startsWith(base + "/") || path.startsWith(base + "\\");
    if (inside && base.length > best.length) best = base;
  }
  return best ? path.slice(best.length + 1).replace(/\\/g, "/") : path;
}

/** The results on screen, up to the API's largest page from the first, as JSON or CSV. */
async function download(kind) {
  const answer = await api("/api/search", searchParams(MAX_DOWNLOAD, 0, 1));
  for (const hit of answer.hits) hit.path = archivePath(hit.path);
  const stem = "newsindex-" + (state.q.trim().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 40) || "latest");
  if (kind === "json") save(stem + ".json", "application/json", JSON.stringify(answer, null, 2) + "\n");
  else save(stem + ".csv", "text/csv;charset=utf-8", "\ufeff" + toCsv(answer));
}

// A story's other copies (or a passage's reprints), collapsed until asked for.
function drawCopies(copies, label) {
  const box = element("details", "copies");
  box.appendChild(element("summary", null, label + copies.length + (copies.length === 1 ? " other" : " others")));
  const list = element("ul");
  for (const copy of copies) {
    const line = element("li");
    const link = element("a", null, (copy.source || "No source") + ", " + longDate(copy.date));
    link.href = stateUrl(Object.assign({}, state, { article: copy.id }));
    line.appendChild(link);
    line.appendChild(document.createTextNode(copy.kind === "reuse"
      ? " · " + copy.aligned_words + " words aligned"
      : " · similarity " + copy.similarity.toFixed(2)));
    list.appendChild(line);
  }
  box.appendChild(list);
  return box;
}

function drawSources(sources) {
  const list = $("sources");
  list.replaceChildren();
  // One source has nothing to choose between.
  const single = Boolean(archive) && archive.sources.length <= 1 && !state.sources.length;
  $("sources-panel").hidden = single;
  $("sources-panel").parentElement.classList.toggle("no-sources", single);
  const shown = new Map(sources.map((s) => [s.source, s.articles]));
  for (const selected of state.sources) {
    if (!shown.has(selected)) shown.set(selected, 0);
  }
  if (shown.size === 0) {
    list.appendChild(element("li", "empty", "No sources for this search."));
    return;
  }
  let index = 0;
  for (const [source, articles] of shown) {
    const item = element("li");
    const id = "source-" + index++;
    const box = element("input");
    box.type = "checkbox";
    box.id = id;
    box.checked = state.sources.includes(source);
    box.addEventListener("change", () => {
      const sources = box.checked ? state.sources.concat([source]) : state.sources.filter((s) => s !== source);
      go({ sources, page: 1 });
    });
    const labelNode = element("label");
    labelNode.htmlFor = id;
    labelNode.appendChild(element("span", "source-name", sourceName(source)));
    item.dataset.name = (sourceName(source) + " " + source).toLowerCase();
    labelNode.appendChild(element("span", "count", articles.toLocaleString("en-GB")));
    item.append(box, labelNode);
    list.appendChild(item);
  }
  const filter = $("source-filter");
  filter.hidden = shown.size <= 12;
  filterSources();
}

/** Shows the sources whose name holds what is typed in the filter box. */
function filterSources() {
  const wanted = $("source-filter").value.trim().toLowerCase();
  for (const item of $("sources").children) {
    if (item.dataset.name !== undefined) item.hidden = Boolean(wanted) && !item.dataset.name.includes(wanted);
  }
}

// ---------------------------------------------------------------- the timeline

let bars = []; // [{period, articles}] on screen
let cursor = -1; // keyboard position
let anchor = -1; // start of a keyboard or pointer selection
let lastTimeline = null;

/** Every period of the span on screen, empty ones as zero. */
function fillPeriods(facets) {
  const by = facets.by;
  // What the counts count (the API's `counted`): stories when asked for, else articles.
  const counted = new Map(facets.dates.map((p) => [p.period, p.stories != null ? p.stories : p.articles]));
  let first = facets.dates.length ? periodStart(facets.dates[0].period) : null;
  let last = facets.dates.length ? periodStart(facets.dates[facets.dates.length - 1].period) : null;
  if (state.from) first = truncate(periodStart(state.from), by);
  if (state.to) last = truncate(new Date(periodEnd(state.to).getTime() - DAY_MS), by);
  if (!first || !last || first > last) return [];
  const filled = [];
  for (let at = first; at <= last && filled.length < MAX_BARS; at = nextPeriod(at, by)) {
    const name = label(at, by);
    filled.push({ period: name, articles: counted.get(name) || 0 });
  }
  return filled;
}

function drawTimeline(facets) {
  lastTimeline = facets;
  const box = $("timeline");
  box.replaceChildren();
  bars = fillPeriods(facets);
  cursor = -1;
  anchor = -1;
  const section = $("timeline-section");
  // An archive without dates has no timeline to show; a search without dated matches, a line.
  section.hidden = !archiveDated();
  section.classList.toggle("quiet", bars.length === 0);
  offerDateOrders(archiveDated() && (facets.total === 0 || facets.undated < facets.total));
  if (bars.length === 0) {
    box.appendChild(element("p", "empty", facets.total ? "None of the matching articles is dated." : "Nothing to chart."));
    return;
  }
  const width = Math.max(box.clientWidth, 280);
  const height = 150;
  const top = 18, bottom = 24;
  const plot = height - top - bottom;
  const most = Math.max(1, ...bars.map((b) => b.articles));
  const step = width / bars.length;
  const gap = step > 6 ? Math.min(2, step * 0.2) : 0;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("tabindex", "0");
  svg.setAttribute("role", "group");
  const unit = facets.by === "year" ? "year" : facets.by === "month" ? "month" : "day";
  const undated = facets.undated ? ", " + facets.undated + " undated" : "";
  const what = facets.counted === "stories" ? "stories" : "articles";
  $("timeline-heading").textContent = "Coverage over time (" + what + ")";
  svg.setAttribute("aria-label", "Matching " + what + " per " + unit + ", " + bars[0].period + " to " +
    bars[bars.length - 1].period + ", at most " + most + " in one " + unit + undated);
  svg.setAttribute("aria-describedby", "timeline-help");

  const axis = document.createElementNS(SVG, "line");
  axis.setAttribute("x1", "0");
  axis.setAttribute("x2", String(width));
  axis.setAttribute("y1", String(top + plot + 0.5));
  axis.setAttribute("y2", String(top + plot + 0.5));
  axis.setAttribute("class", "axis");
  svg.appendChild(axis);

  const peak = document.createElementNS(SVG, "text");
  peak.setAttribute("x", "2");
  peak.setAttribute("y", "11");
  peak.setAttribute("class", "tick");
  peak.textContent = most.toLocaleString("en-GB") + (most === 1 ? " article" : " articles");
  svg.appendChild(peak);

  bars.forEach((bar, index) => {
    const hit = document.createElementNS(SVG, "rect");
    hit.setAttribute("x", String(index * step));
    hit.setAttribute("y", String(top));
    hit.setAttribute("width", String(Math.max(step, 1)));
    hit.setAttribute("height", String(plot));
    hit.setAttribute("class", "slot");
    hit.dataset.index = String(index);
    const title = document.createElementNS(SVG, "title");
    title.textContent = periodName(bar.period) + ": " + bar.articles.toLocaleString("en-GB") +
      (bar.articles === 1 ? " article" : " articles");
    hit.appendChild(title);
    svg.appendChild(hit);
    const h = bar.articles ? Math.max(2, (bar.articles / most) * plot) : 0;
    const rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", String(index * step + gap / 2));
    rect.setAttribute("y", String(top + plot - h));
    rect.setAttribute("width", String(Math.max(step - gap, 0.8)));
    rect.setAttribute("height", String(h));
    rect.setAttribute("class", "bar");
    rect.dataset.index = String(index);
    svg.appendChild(rect);
  });

  // Period labels under the axis, spaced so they do not overlap.
  const labelWidth = facets.by === "year" ? 40 : facets.by === "month" ? 62 : 80;
  const every = Math.max(1, Math.ceil(labelWidth / step));
  let lastEnd = -Infinity;
  for (let index = 0; index < bars.length; index += every) {
    const half = bars[index].period.length * 3.4;
    const x = Math.min(Math.max(index * step + step / 2, half), width - half);
    if (x - half < lastEnd + 8) continue;
    lastEnd = x + half;
    const text = document.createElementNS(SVG, "text");
    text.setAttribute("x", String(x));
    text.setAttribute("y", String(height - 6));
    text.setAttribute("class", "tick");
    text.setAttribute("text-anchor", "middle");
    text.textContent = bars[index].period;
    svg.appendChild(text);
  }

  const selection = document.createElementNS(SVG, "rect");
  selection.setAttribute("class", "selection");
  selection.setAttribute("y", String(top));
  selection.setAttribute("height", String(plot));
  selection.setAttribute("visibility", "hidden");
  svg.appendChild(selection);

  const indexAt = (event) => {
    const box = svg.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * width;
    return Math.min(bars.length - 1, Math.max(0, Math.floor(x / step)));
  };
  const mark = (from, to) => {
    const low = Math.min(from, to), high = Math.max(from, to);
    selection.setAttribute("x", String(low * step));
    selection.setAttribute("width", String((high - low + 1) * step));
    selection.setAttribute("visibility", "visible");
    for (const rect of svg.querySelectorAll(".bar")) {
      const i = Number(rect.dataset.index);
      rect.classList.toggle("chosen", i >= low && i <= high);
    }
  };
  let dragging = false;
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    dragging = true;
    anchor = indexAt(event);
    mark(anchor, anchor);
    svg.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  svg.addEventListener("pointermove", (event) => {
    if (dragging) mark(anchor, indexAt(event));
  });
  svg.addEventListener("pointerup", (event) => {
    if (!dragging) return;
    dragging = false;
    applyRange(anchor, indexAt(event));
  });
  svg.addEventListener("pointercancel", () => {
    dragging = false;
    selection.setAttribute("visibility", "hidden");
  });
  svg.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity, PageUp: -10, PageDown: 10 };
    if (event.key in moves) {
      event.preventDefault();
      const start = cursor < 0 ? (moves[event.key] < 0 ? bars.length : -1) : cursor;
      cursor = Math.min(bars.length - 1, Math.max(0, start + moves[event.key]));
      if (!event.shiftKey || anchor < 0) anchor = cursor;
      mark(anchor, cursor);
      const low = Math.min(anchor, cursor), high = Math.max(anchor, cursor);
      const count = bars.slice(low, high + 1).reduce((sum, b) => sum + b.articles, 0);
      const span = low === high ? periodName(bars[low].period) : periodName(bars[low].period) + " to " + periodName(bars[high].period);
      $("timeline-status").textContent = span + ": " + count + (count === 1 ? " article" : " articles");
    } else if ((event.key === "Enter" || event.key === " ") && cursor >= 0) {
      event.preventDefault();
      applyRange(anchor, cursor);
    } else if (event.key === "Escape") {
      cursor = anchor = -1;
      selection.setAttribute("visibility", "hidden");
      for (const rect of svg.querySelectorAll(".bar.chosen")) rect.classList.remove("chosen");
    }
  });
  box.appendChild(svg);
}

/** Narrows the dates to bars low..high; a zoom level finer than the bars is picked by itself. */
function applyRange(a, b) {
  const low = Math.min(a, b), high = Math.max(a, b);
  if (!bars[low] || !bars[high]) return;
  const from = bars[low].period;
  const to = bars[high].period;
  if (from === state.from && to === state.to) return;
  go({ from, to, page: 1, by: "" });
}

let resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (lastTimeline && !state.article) drawTimeline(lastTimeline);
  }, 150);
});

// ---------------------------------------------------------------- the article view

async function showArticle(id) {
  const mine = ++generation;
  const view = $("article-view");
  $("search-view").hidden = true;
  view.hidden = false;
  $("article-title").textContent = "Loading…";
  $("article-source").textContent = "";
  $("article-meta").textContent = "";
  $("article-body").replaceChildren();
  $("article-footer").replaceChildren();
  // The passages of this very article that the query finds, to mark its words in the text.
  const query = state.q.trim();
  const path = "/api/articles/" + encodeURIComponent(id);
  const passages = query
    ? api(path + "/passages", new URLSearchParams({ q: query })).catch(() => null)
    : Promise.resolve(null);
  let article, found;
  try {
    [article, found] = await Promise.all([api(path), passages]);
  } catch (error) {
    if (mine !== generation) return;
    $("article-title").textContent = error.status === 404 ? "No such article" : "The article could not be loaded";
    $("article-meta").textContent = error.message;
    return;
  }
  if (mine !== generation) return;
  document.title = (article.title || "Untitled") + " · Archive search";
  const listed = lastHits.get(article.id);
  $("article-source").textContent = sourceName(listed ? listed.source_key : "", article.source);
  $("article-title").textContent = article.title || "(untitled)";
  const meta = $("article-meta");
  const time = element("time", null, longDate(article.date));
  if (article.date) time.dateTime = article.date.slice(0, 10);
  meta.appendChild(time);
  if (article.byline) meta.appendChild(document.createTextNode(" · By " + article.byline));

  const chars = Array.from(article.body || "");
  const ranges = [];
  if (found && found.id === article.id) {
    for (const passage of found.passages || []) {
      for (const [s, e] of passage.highlights || []) ranges.push([passage.start + s, passage.start + e]);
    }
  }
  const marks = mergeRanges(chars, ranges);
  const body = $("article-body");
  let start = 0;
  const flush = (end) => {
    let s = start, e = end;
    while (s < e && /\s/.test(chars[s])) s++;
    while (e > s && /\s/.test(chars[e - 1])) e--;
    if (e > s) {
      const paragraph = element("p");
      appendMarked(paragraph, chars, s, e, marks);
      body.appendChild(paragraph);
    }
  };
  for (let i = 0; i + 1 < chars.length; i++) {
    if (chars[i] === "\n" && chars[i + 1] === "\n") {
      flush(i);
      start = i + 2;
      i++;
    }
  }
  flush(chars.length);

  const footer = $("article-footer");
  if (article.url && /^https?:\/\//i.test(article.url)) {
    const link = element("a", null, "Read the original");
    link.href = article.url;
    link.rel = "noopener noreferrer";
    footer.appendChild(link);
    footer.appendChild(document.createTextNode(" · "));
  }
  footer.appendChild(document.createTextNode("Article id " + article.id));
  const first = body.querySelector("mark");
  view.focus({ preventScroll: true });
  if (first) first.scrollIntoView({ block: "center" });
  else window.scrollTo(0, 0);
}

// ---------------------------------------------------------------- controls

function readDate(input) {
  const value = input.value.trim();
  if (value && !DATE_PATTERN.test(value)) {
    const box = $("form-error");
    box.textContent = input.labels[0].textContent + ": write a year, a month or a day, like 2019, 2019-05 or 2019-05-17.";
    box.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return null;
  }
  input.removeAttribute("aria-invalid");
  return value;
}

function submitForm() {
  const from = readDate($("from"));
  if (from === null) return;
  const to = readDate($("to"));
  if (to === null) return;
  const dateChanged = from !== state.from || to !== state.to;
  go({ q: $("q").value.trim(), from, to, sort: $("sort").value, page: 1, article: "", by: dateChanged ? "" : state.by });
}

/** Back to the results: through history when the article was opened from them. */
function closeArticle() {
  returnTo = returnTo || state.article;
  if (history.state && history.state.fromSearch) history.back();
  else go({ article: "" });
}

/** "2,225 articles from 3 sources, 1 May 2019 to …", leaving out what the archive lacks. */
function archiveSummary(stats) {
  const count = stats.articles.toLocaleString("en-GB") + (stats.articles === 1 ? " article" : " articles");
  const sources = stats.sources.length;
  const from = sources === 1 ? " from " + (stats.sources[0].name || stats.sources[0].source)
    : sources > 1 ? " from " + sources.toLocaleString("en-GB") + " sources" : "";
  const span = stats.earliest && stats.latest
    ? ", " + longDate(stats.earliest) + " to " + longDate(stats.latest)
    : stats.articles ? ", undated" : "";
  return count + from + span;
}

/** Opens or closes the filters (a panel of their own on narrow screens). */
function setRefineOpen(open) {
  document.body.classList.toggle("refine-open", open);
  $("refine-toggle").setAttribute("aria-expanded", String(open));
}

function start() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitForm();
  });
  for (const id of ["from", "to"]) {
    $(id).addEventListener("change", submitForm);
  }
  $("sort").addEventListener("change", submitForm);
  $("clear-dates").addEventListener("click", () => go({ from: "", to: "", page: 1, by: "" }));
  $("previous").addEventListener("click", () => {
    go({ page: Math.max(1, state.page - 1) });
    $("results").focus();
  });
  $("next").addEventListener("click", () => {
    go({ page: state.page + 1 });
    $("results").focus();
  });
  $("back").addEventListener("click", closeArticle);
  $("source-filter").addEventListener("input", filterSources);
  $("refine-toggle").addEventListener("click", () => setRefineOpen(!document.body.classList.contains("refine-open")));
  for (const kind of ["json", "csv"]) {
    $("download-" + kind).addEventListener("click", () => download(kind).catch((error) => {
      $("downloads-label").textContent = "The download failed (" + error.message + "):";
    }));
  }
  for (const button of document.querySelectorAll(".zoom button")) {
    button.addEventListener("click", () => go({ by: button.dataset.by }, { replace: true }));
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement.tagName !== "INPUT" && !state.article) {
      event.preventDefault();
      $("q").focus();
    } else if (event.key === "Escape" && state.article) {
      closeArticle();
    }
  });
  api("/api/stats")
    .then((stats) => {
      archive = stats;
      sourceNames = new Map(stats.sources.map((s) => [s.source, s.name || s.source]));
      $("archive-summary").textContent = archiveSummary(stats);
    })
    .catch(() => {})
    .finally(show);
}

start();
