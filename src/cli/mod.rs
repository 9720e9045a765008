//! The command line: clap types ([`Cli`], [`Command`]) and [`run`], which dispatches to the
//! library.
//!
//! This tree is the binary's, outside the library: nothing in `newsindex` sees clap types,
//! prints or exits. Flags are resolved into [`Settings`] and the library's own values first;
//! `human` writes text for people, `output` picks it or the JSON contract.

mod human;
mod output;
mod progress;
mod settings;
mod warnings;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use newsindex::index::UpdateOptions;

use self::output::OutputFormat;
use self::settings::Settings;
use newsindex::choice::Choice;
use newsindex::date::DateRange;
use newsindex::diagnostic::Severity;
use newsindex::error::{Error, ExitCode, Result};
use newsindex::export::{
    ExportEvent, ExportFormat, ExportSettings, ExportSource, ExportTarget, export,
};
use newsindex::index::{IndexEvent, NewsIndex};
use newsindex::search::{
    CopiesMode, Counted, Group, Note, Period, SearchRequest, SortOrder, passage,
};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (for search: at least one hit)
  1  no hits (search), or no such article (show)
  2  usage error, invalid query, date or offset, or invalid newsindex.toml
  3  index missing, locked, incompatible or corrupt
  4  indexing or export finished but skipped some input files or articles
  5  I/O error (cannot read the corpus, write output or listen on the address)
  130 indexing interrupted by Ctrl-C or SIGTERM (work so far is committed)";

/// Index a folder of news articles and search it: ranked passages filtered by date and source.
#[derive(Debug, Parser)]
#[command(name = "newsindex", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// Where the index lives [default: the user's data folder, e.g. ~/.local/share/newsindex/index]
    #[arg(long, global = true, value_name = "DIR", env = "NEWSINDEX_INDEX")]
    pub index: Option<PathBuf>,

    /// Show more detail (repeat for debug logs)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print nothing but errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// When to colour output (NO_COLOR is honoured by `auto`)
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorArg,

    /// What to do
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or refresh the index from a folder of articles (text, Markdown, JSON, CSV, HTML,
    /// NITF/NewsML, Reuters SGML, WARC)
    #[command(long_about = index_long_about())]
    Index(IndexArgs),
    /// Search the index: ranked articles with their best matching passages
    Search(SearchArgs),
    /// Print one whole article with its metadata
    Show(ShowArgs),
    /// Summarise the index: articles, date span, sources, size
    Stats(StatsArgs),
    /// Write every article as NDJSON for Quickwit, or as _bulk pairs for Elasticsearch/OpenSearch
    Export(ExportArgs),
    /// Chart how many matching articles appeared per year, month or day
    Timeline(TimelineArgs),
    /// Serve the search page and the JSON API over HTTP
    Serve(ServeArgs),
    /// List every copy of an article in date order with what differs, and where its passages
    /// were reprinted
    Copies(CopiesArgs),
}

/// `newsindex copies`.
#[derive(Debug, Args)]
pub struct CopiesArgs {
    /// The article id, as search prints it
    #[arg(
        value_name = "ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub id: Option<String>,
    /// Every pair of copies in the index, as JSON (articles, and passages of OCR pages)
    #[arg(long)]
    pub all: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

/// `newsindex index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folders (or files) to index
    #[arg(value_name = "DIR", required_unless_present = "prune")]
    pub paths: Vec<PathBuf>,
    /// Start from an empty index
    #[arg(long)]
    pub rebuild: bool,
    /// Remove the articles of indexed folders that no longer exist (`stats` lists the folders)
    #[arg(long)]
    pub prune: bool,
    /// Skip files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Memory budget of the index writer, in MiB (files read and documents not yet indexed are
    /// held to a 128th of it)
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub memory: usize,
    /// Threads for parsing and indexing [default: all cores]
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Store no copy signatures for the files read in this run: their articles are never
    /// grouped as copies (indexing is cheaper; for measuring what detection costs, or
    /// archives without copies)
    #[arg(long)]
    pub no_copy_detection: bool,
    /// Commit at least every this many seconds, so an interrupted run keeps its work
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_commit_interval)]
    pub commit_interval: Duration,
    /// Print a JSON summary of the run on stdout (counts, time, every warning)
    #[arg(long)]
    pub json: bool,
}

/// Which articles a query looks at: the date span, the sources, and whether any word will do
/// (`search` and `timeline` take the same ones).
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only articles on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles on or before this date, the whole period included (YYYY, YYYY-MM or YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only articles from this source (repeat for several)
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Match articles with any of the words (a search ranks those holding more of them in one
    /// place higher)
    #[arg(long, conflicts_with = "all")]
    pub any: bool,
    /// Require every plain word, even in a question (a question's words are otherwise ranked,
    /// not all required)
    #[arg(long)]
    pub all: bool,
    /// Read --from/--to (and the timeline's periods) as UTC days, instead of each article's
    /// calendar day as published
    #[arg(long)]
    pub utc: bool,
}

/// `newsindex search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "exact phrases", "near words"~5, prefix*, fuzzy~1, AND/OR/NOT, +must,
    /// -mustnot, title:word, source:name (a query starting with - goes after --)
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Dates, sources, any word.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Order of the hits
    #[arg(long, value_name = "ORDER", default_value = "relevance", value_parser = choice::<SortOrder>())]
    pub sort: SortOrder,
    /// Number of hits to show (0: only count the matching articles)
    #[arg(short = 'n', long, value_name = "N", default_value = "10",
          allow_negative_numbers = true, value_parser = parse_count)]
    pub limit: usize,
    /// Number of hits to skip (for paging)
    #[arg(long, value_name = "N", default_value = "0",
          allow_negative_numbers = true, value_parser = parse_count)]
    pub offset: usize,
    /// Passages to show per article [default: 1, or 3 with --json]
    #[arg(long, value_name = "N")]
    pub passages: Option<usize>,
    /// What a hit is: an article with its best passages, or one passage (`none`)
    #[arg(long, value_name = "GROUP", default_value = "article", value_parser = choice::<Group>())]
    pub group: Group,
    /// Show why each hit ranks where it does (BM25 explanation and passage scores)
    #[arg(long)]
    pub explain: bool,
    /// Print one JSON object (see the README for the contract)
    #[arg(long)]
    pub json: bool,
    /// Add the number of matching articles per source and per year
    #[arg(long)]
    pub facets: bool,
    /// What the facets count: every matching article, or each story once however many
    /// articles carry it (implies --facets)
    #[arg(long, value_name = "WHAT", value_parser = choice::<Counted>())]
    pub facets_by: Option<Counted>,
    /// Copies of one story: collapse them into one hit listing the others (the default), or
    /// show every copy as a hit of its own (`all`, a little faster)
    #[arg(long, value_name = "HOW", default_value = "collapse", value_parser = choice::<CopiesMode>())]
    pub copies: CopiesMode,
    /// Also find reworded and OCR-damaged reprints of the shown passages of OCR pages, by
    /// aligning them with other papers' articles of the same week (implies --copies collapse;
    /// slower)
    #[arg(long)]
    pub reuse: bool,
}

/// `newsindex timeline`.
#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The query, as for search ("" charts the whole archive)
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// One bar per year, month or day
    #[arg(long, value_name = "PERIOD", default_value = "month", value_parser = choice::<Period>())]
    pub by: Period,
    /// Count every matching article, or each story once however many articles carry it
    #[arg(long, value_name = "WHAT", default_value = "articles", value_parser = choice::<Counted>())]
    pub count: Counted,
    /// Dates, sources, any word.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print the counts as JSON (sources too)
    #[arg(long)]
    pub json: bool,
}

/// `newsindex serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the bound address is printed)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Threads for searches; more requests wait in line [default: 32 per core, at least 64]
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Longest a request may take, in seconds; a slower one answers 503 saying so
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_budget)]
    pub budget: Duration,
    /// Let pages on this origin call the API from a browser (repeat for more, or '*' for any)
    /// [default: none]
    #[arg(long, value_name = "ORIGIN", value_parser = newsindex::server::Cors::check_origin)]
    pub cors: Vec<String>,
    /// Keep server paths private: hits and articles name files relative to their archive, and
    /// /api/stats leaves out the index folder and the indexed folders
    #[arg(long)]
    pub public: bool,
}

/// `index --help`'s description: every file ending it reads, from the readers' own table.
fn index_long_about() -> String {
    format!(
        "Build or refresh the index from a folder of articles.\n\nFiles read, by name ending: {}.",
        newsindex::parse::extensions_text()
    )
}

/// Reads `-n`/`--offset`: a whole number of at least 0. Negative numbers reach this parser
/// (rather than clap's "use `-- -1`" tip, which would make them query words) and are refused.
fn parse_count(text: &str) -> std::result::Result<usize, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number of at least 0"))
}

/// Reads `--budget`: a number of seconds from a millisecond to a day.
fn parse_budget(text: &str) -> std::result::Result<Duration, String> {
    parse_seconds(text, 0.001, 86_400.0)
}

/// Reads `--commit-interval`: a number of seconds from 10 ms to a week.
fn parse_commit_interval(text: &str) -> std::result::Result<Duration, String> {
    parse_seconds(text, 0.01, 604_800.0)
}

/// Reads a number of seconds within `low..=high`; anything else (negative, NaN, a word) is
/// refused with the range to give, never replaced by a default.
fn parse_seconds(text: &str, low: f64, high: f64) -> std::result::Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !seconds.is_finite() || !(low..=high).contains(&seconds) {
        return Err(format!(
            "'{text}': give a number of seconds from {low} to {high}"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// `newsindex show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article id, as search prints it
    #[arg(value_name = "ID")]
    pub id: String,
    /// Show only the passage holding this character offset of the body (a passage's `start`
    /// in search results), with its neighbours
    #[arg(long, value_name = "OFFSET")]
    pub at: Option<usize>,
    /// With --at: passages to show before and after it
    #[arg(long, value_name = "N", default_value_t = 1, requires = "at")]
    pub context: usize,
    /// Print the article as JSON
    #[arg(long)]
    pub json: bool,
}

/// `newsindex stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print the figures as JSON
    #[arg(long)]
    pub json: bool,
}

/// `newsindex export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// An archive folder or file to read, or an index folder (one holding meta.json) [default: the index]
    #[arg(value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// Line format: quickwit (NDJSON) or es-bulk (Elasticsearch/OpenSearch _bulk pairs)
    #[arg(long, value_name = "FORMAT", default_value = "quickwit", value_parser = choice::<ExportFormat>())]
    pub format: ExportFormat,
    /// Where to write: a file, or - for standard output; with --batch-bytes, a folder [default: -]
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Split the output into part-00001.ndjson, part-00002.ndjson… in the --out folder, each at most N bytes (Quickwit takes up to 10 MiB a request)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_bytes: Option<u64>,
    /// When reading a folder, skip larger files with a warning
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,
}

/// `--color`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    /// Colour when writing to a terminal and NO_COLOR is unset
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// The parser of a [`Choice`]: its names offered with their help (aliases accepted, not
/// offered), read into the library's own value, so the names are spelled once.
fn choice<T: Choice + Send + Sync + Clone>() -> impl clap::builder::TypedValueParser<Value = T> {
    let offered = T::NAMES.iter().map(|(name, _, help)| {
        let value = clap::builder::PossibleValue::new(*name);
        if help.is_empty() {
            value.hide(true)
        } else {
            value.help(*help)
        }
    });
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(offered).try_map(|name: String| T::from_name(&name))
}

/// Runs the parsed command line and returns the exit code.
///
/// # Errors
/// Any [`Error`]; `main` prints it and exits with [`Error::exit_code`].
// Longer than most: one match over the subcommands, each arm a few lines that hand over to the
// library or to a `run_*` function; splitting it would only move the match.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let settings = Settings::resolve(
        cli.index.clone(),
        cli.verbose,
        cli.quiet,
        color_choice(cli.color),
    );
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match cli.command {
        Command::Index(args) => run_index(&settings, args)?,
        Command::Search(args) => run_search(&settings, args, &mut out)?,
        Command::Show(args) => {
            let index = NewsIndex::open(&settings.index_dir)?;
            let article = index.article(&args.id)?;
            let format = if args.json {
                OutputFormat::Json
            } else {
                OutputFormat::Human {
                    color: settings.color,
                }
            };
            match args.at {
                None => output::write_article(&mut out, &article, format)?,
                Some(offset) => {
                    let context = passage::context(&article.body, offset, args.context)
                        .ok_or_else(|| Error::InvalidOffset {
                            id: article.id.clone(),
                            offset,
                            reason: match article.body.chars().count() {
                                0 => "the article has no body text".to_string(),
                                length => format!("the body has {length} characters"),
                            },
                        })?;
                    output::write_context(&mut out, &article, &context, format)?;
                }
            }
            ExitCode::Success
        }
        Command::Stats(args) => {
            let index = NewsIndex::open(&settings.index_dir)?;
            let stats = index.stats()?;
            let format = if args.json {
                OutputFormat::Json
            } else {
                OutputFormat::Human {
                    color: settings.color,
                }
            };
            output::write_stats(&mut out, &stats, format)?;
            ExitCode::Success
        }
        Command::Export(args) => run_export(&settings, args, &mut out)?,
        Command::Copies(args) => {
            let index = NewsIndex::open(&settings.index_dir)?;
            let format = if args.json {
                OutputFormat::Json
            } else {
                OutputFormat::Human {
                    color: settings.color,
                }
            };
            match &args.id {
                Some(id) => {
                    let report = newsindex::search::copies::copies_of(&index, id)?;
                    output::write_copies(&mut out, &report, format)?;
                }
                None => {
                    let pairs = newsindex::search::copies::all_pairs(&index)?;
                    newsindex::output::json::write(&mut out, &pairs).map_err(Error::WriteOutput)?;
                }
            }
            ExitCode::Success
        }
        Command::Timeline(args) => run_timeline(&settings, args, &mut out)?,
        Command::Serve(args) => {
            let index = NewsIndex::open_live(&settings.index_dir)?;
            let quiet = settings.quiet;
            let shown_index = settings.index_dir.display().to_string();
            let options = newsindex::server::ServeOptions {
                threads: args
                    .threads
                    .unwrap_or_else(newsindex::server::default_threads),
                budget: args.budget,
                cors: newsindex::server::Cors::from_origins(&args.cors),
                public: args.public,
            };
            newsindex::server::run(index, &args.addr, &options, |bound| {
                if !quiet {
                    let mut err = std::io::stderr().lock();
                    writeln!(
                        err,
                        "newsindex: serving '{shown_index}' at http://{bound}/ (Ctrl-C to stop)"
                    )
                    .ok();
                }
            })?;
            ExitCode::Success
        }
    };
    out.flush().map_err(Error::WriteOutput)?;
    Ok(code)
}

impl Cli {
    /// Whether what goes to stderr (log lines, the progress bar) may be coloured: `--color`,
    /// and for `auto` a terminal on stderr and no `NO_COLOR`.
    pub fn stderr_color(&self) -> bool {
        match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => std::io::stderr().is_terminal() && no_color_unset(),
        }
    }
}

/// True unless `NO_COLOR` is set to something (<https://no-color.org>).
fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn color_choice(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::io::stdout().is_terminal() && no_color_unset(),
    }
}

// Longer than most: the Ctrl-C handler, the progress bar and the event printer share one run's state; the
// terminal's side of indexing reads best in one place.
fn run_index(settings: &Settings, args: IndexArgs) -> Result<ExitCode> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let index_settings = UpdateOptions {
        rebuild: args.rebuild,
        prune: args.prune,
        max_file_size: args.max_file_size,
        memory_bytes: args.memory.saturating_mul(1024 * 1024),
        threads,
        copy_detection: !args.no_copy_detection,
        commit_interval: args.commit_interval,
        stop: Arc::new(AtomicBool::new(false)),
    };
    let stop = Arc::clone(&index_settings.stop);
    // The first Ctrl-C (or SIGTERM) stops the run cleanly; a second one ends it at once.
    // Without the handler Ctrl-C still ends the run, committing nothing since the last commit:
    // worth saying, not worth refusing to index.
    if let Err(error) = ctrlc::set_handler(move || {
        if stop.swap(true, Ordering::SeqCst) {
            std::process::exit(ExitCode::Interrupted as i32);
        }
    }) {
        tracing::warn!("Ctrl-C will not stop indexing cleanly: {error}");
    }
    let quiet = settings.quiet;
    let verbose = settings.verbose;
    let progress = progress::Progress::new(!quiet && std::io::stderr().is_terminal());
    let mut warnings = warnings::Warnings::new(verbose > 0);
    if args.json {
        warnings = warnings.keeping_all();
    }
    let mut report_event = |event: IndexEvent| {
        let mut err = std::io::stderr().lock();
        match event {
            IndexEvent::Walked { files } => progress.set_files(files),
            IndexEvent::FileDone => progress.file_done(),
            IndexEvent::Phase(phase) => progress.phase(phase),
            IndexEvent::Diagnostic(diagnostic) => {
                let line = match diagnostic.severity() {
                    Severity::Warning => match warnings.add(&diagnostic) {
                        Some(line) if !quiet => line,
                        _ => return,
                    },
                    Severity::Note if verbose > 0 => format!("newsindex: {diagnostic}"),
                    Severity::Note => return,
                };
                progress.suspend(|| writeln!(err, "{line}")).ok();
            }
        }
    };
    let report = newsindex::index::update(
        &settings.index_dir,
        &args.paths,
        &index_settings,
        &mut report_event,
    )?;
    progress.finish();
    if !quiet {
        let mut err = std::io::stderr().lock();
        for line in warnings.summary() {
            writeln!(err, "{line}").ok();
        }
        if !args.json {
            writeln!(err, "{}", report.summary()).ok();
        }
    }
    if args.json {
        let mut out = std::io::stdout().lock();
        output::write_index_summary(
            &mut out,
            &output::IndexSummary::new(&report, warnings.all()),
        )?;
        out.flush().map_err(Error::WriteOutput)?;
    }
    Ok(if report.interrupted {
        ExitCode::Interrupted
    } else if report.has_skipped() {
        ExitCode::Skipped
    } else {
        ExitCode::Success
    })
}

fn run_search(settings: &Settings, args: SearchArgs, out: &mut impl Write) -> Result<ExitCode> {
    let dates = DateRange::parse_bounds(
        args.filter.from.as_deref(),
        args.filter.to.as_deref(),
        ["--from", "--to"],
    )?;
    let request = SearchRequest {
        query: args.query.join(" "),
        dates,
        sources: args.filter.source,
        sort: args.sort,
        limit: args.limit,
        offset: args.offset,
        match_any: args.filter.any,
        match_all: args.filter.all,
        passages: args.passages.unwrap_or(if args.json { 3 } else { 1 }),
        group: args.group,
        explain: args.explain,
        facets: (args.facets || args.facets_by.is_some()).then_some(Period::Year),
        copies: if args.reuse {
            CopiesMode::Collapse
        } else {
            args.copies
        },
        facets_by: args.facets_by.unwrap_or_default(),
        reuse: args.reuse,
    };
    let mut index = NewsIndex::open(&settings.index_dir)?;
    if args.filter.utc {
        index.read_days_in_utc();
    }
    let results = newsindex::search::search(&index, &request)?;
    if !settings.quiet {
        let mut err = std::io::stderr().lock();
        for note in &results.notes {
            // People read the closest-match note at the top of the results.
            if args.json || *note != Note::Closest {
                writeln!(err, "newsindex: note: {note}").ok();
            }
        }
    }
    let format = if args.json {
        OutputFormat::Json
    } else {
        OutputFormat::Human {
            color: settings.color,
        }
    };
    // One write for the page, not one per line (stdout is line-buffered).
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    output::write_results(&mut buffered, &results, &request, format)?;
    buffered.flush().map_err(Error::WriteOutput)?;
    // The process ends with this command and its memory maps and caches go with it: tearing
    // the opened index down piece by piece (unmapping each file) would only spend time.
    std::mem::forget(index);
    // Exit 1 says no article matches; an empty page of matching articles (`-n 0`, an offset
    // past the end) is still a success.
    Ok(if results.total == 0 {
        ExitCode::NoHits
    } else {
        ExitCode::Success
    })
}

fn run_export(settings: &Settings, args: ExportArgs, out: &mut impl Write) -> Result<ExitCode> {
    let source = match &args.path {
        Some(path) => ExportSource::detect(path),
        None => ExportSource::Index(settings.index_dir.clone()),
    };
    let export_settings = ExportSettings {
        format: args.format,
        target: ExportTarget::new(args.out.as_deref(), args.batch_bytes)?,
        max_file_size: args.max_file_size,
    };
    let (quiet, verbose) = (settings.quiet, settings.verbose);
    let mut warnings = warnings::Warnings::new(verbose > 0);
    let mut report_event = |event: ExportEvent| {
        let mut err = std::io::stderr().lock();
        match event {
            ExportEvent::Diagnostic(diagnostic) => match diagnostic.severity() {
                Severity::Warning => {
                    if let Some(line) = warnings.add(&diagnostic).filter(|_| !quiet) {
                        writeln!(err, "{line}").ok();
                    }
                }
                Severity::Note if verbose > 0 => {
                    writeln!(err, "newsindex: {diagnostic}").ok();
                }
                Severity::Note => {}
            },
        }
    };
    let report = export(&source, &export_settings, out, &mut report_event)?;
    if !quiet {
        let mut err = std::io::stderr().lock();
        for line in warnings.summary() {
            writeln!(err, "{line}").ok();
        }
        writeln!(err, "{}", report.summary()).ok();
    }
    Ok(if report.has_skipped() {
        ExitCode::Skipped
    } else {
        ExitCode::Success
    })
}

fn run_timeline(settings: &Settings, args: TimelineArgs, out: &mut impl Write) -> Result<ExitCode> {
    let request = SearchRequest {
        query: args.query.join(" "),
        dates: DateRange::parse_bounds(
            args.filter.from.as_deref(),
            args.filter.to.as_deref(),
            ["--from", "--to"],
        )?,
        sources: args.filter.source,
        match_any: args.filter.any,
        match_all: args.filter.all,
        facets_by: args.count,
        ..SearchRequest::default()
    };
    let by = args.by;
    let mut index = NewsIndex::open(&settings.index_dir)?;
    if args.filter.utc {
        index.read_days_in_utc();
    }
    let facets = newsindex::search::facets(&index, &request, by)?;
    let format = if args.json {
        OutputFormat::Json
    } else {
        OutputFormat::Human {
            color: settings.color,
        }
    };
    output::write_timeline(out, &facets, format)?;
    Ok(if facets.total == 0 {
        ExitCode::NoHits
    } else {
        ExitCode::Success
    })
}
