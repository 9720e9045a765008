//! `newsindex export`: the lines against the shipped Quickwit config and OpenSearch mapping, a
//! tantivy mirror of the Quickwit index, batches, and a real Quickwit when `QUICKWIT_BIN` is set.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

use newsindex::export::{EXPORTED_FIELDS, ExportedArticle, part_name};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

use crate::util::{TestCorpus, article, optional_skip};

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The sample corpus (294 articles) and two articles from before 1970, one known by its day
/// and one by its time in a zone west of UTC.
fn sample_with_old_articles() -> TestCorpus {
    let corpus = TestCorpus::new();
    corpus.copy_sample("seed");
    corpus.copy_sample("wikinews");
    corpus.write(
        "old/blizzard.txt",
        article(
            "Blizzard closes the roads",
            "1916-01-03",
            "The Evening Star.",
            "A blizzard closed every road north of the city.",
        ),
    );
    corpus.write(
        "old/launch.json",
        r#"{"title": "Rocket launch delayed", "date": "1965-05-01T23:10:00-05:00", "source": "AP", "body": "The launch was delayed by a blizzard of paperwork."}"#,
    );
    corpus
}

const SAMPLE_ARTICLES: usize = 294 + 2;

/// Runs `newsindex export ARGS` and asserts its exit code.
fn export(corpus: &TestCorpus, args: &[&str], code: i32) -> Output {
    let output = corpus.cmd().arg("export").args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "export {args:?}: {}",
        stderr(&output)
    );
    output
}

/// The batch files of `dir`, in order, after checking they are numbered from 1 without gaps.
fn parts(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected: Vec<String> = (1..=names.len() as u64).map(part_name).collect();
    assert_eq!(names, expected);
    names.iter().map(|name| dir.join(name)).collect()
}

fn json_lines(text: &str) -> Vec<serde_json::Map<String, Value>> {
    text.lines()
        .map(|line| match serde_json::from_str(line).unwrap() {
            Value::Object(object) => object,
            other => panic!("not an object: {other}"),
        })
        .collect()
}

/// One field mapping of the shipped Quickwit config, with Quickwit's defaults filled in.
#[derive(Debug)]
struct FieldMapping {
    name: String,
    kind: String,
    tokenizer: String,
    record: String,
    fieldnorms: bool,
    fast: bool,
    stored: bool,
    indexed: bool,
    input_formats: Vec<String>,
}

struct QuickwitConfig {
    yaml: Yaml,
    fields: Vec<FieldMapping>,
}

impl QuickwitConfig {
    fn load() -> QuickwitConfig {
        let text = std::fs::read_to_string(repo_file("deploy/quickwit/news-archive.yaml")).unwrap();
        let yaml = YamlLoader::load_from_str(&text).unwrap().remove(0);
        let flag = |entry: &Yaml, key: &str, default: bool| entry[key].as_bool().unwrap_or(default);
        let text_of = |entry: &Yaml, key: &str, default: &str| {
            entry[key].as_str().unwrap_or(default).to_string()
        };
        let fields = yaml["doc_mapping"]["field_mappings"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|entry| FieldMapping {
                name: text_of(entry, "name", ""),
                kind: text_of(entry, "type", ""),
                tokenizer: text_of(entry, "tokenizer", "default"),
                record: text_of(entry, "record", "basic"),
                fieldnorms: flag(entry, "fieldnorms", false),
                fast: flag(entry, "fast", false),
                stored: flag(entry, "stored", true),
                indexed: flag(entry, "indexed", true),
                input_formats: entry["input_formats"]
                    .as_vec()
                    .map(|formats| {
                        formats
                            .iter()
                            .filter_map(|f| f.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_else(|| vec!["rfc3339".to_string(), "unix_timestamp".to_string()]),
            })
            .collect();
        QuickwitConfig { yaml, fields }
    }

    fn field(&self, name: &str) -> &FieldMapping {
        self.fields
            .iter()
            .find(|field| field.name == name)
            .unwrap_or_else(|| panic!("no field `{name}` in the Quickwit config"))
    }

    fn default_search_fields(&self) -> Vec<String> {
        self.yaml["search_settings"]["default_search_fields"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|field| field.as_str().unwrap().to_string())
            .collect()
    }
}

#[test]
fn the_shipped_quickwit_config_maps_what_newsindex_indexes() {
    let config = QuickwitConfig::load();
    assert_eq!(config.yaml["version"].as_str(), Some("0.8"));
    assert_eq!(config.yaml["doc_mapping"]["mode"].as_str(), Some("strict"));
    assert_eq!(
        config.yaml["doc_mapping"]["timestamp_field"].as_str(),
        Some("date")
    );
    let names: BTreeSet<&str> = config.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, EXPORTED_FIELDS.into_iter().collect());
    let date = config.field("date");
    assert_eq!(date.kind, "datetime");
    assert!(date.fast && date.indexed && date.stored);
    assert_eq!(date.input_formats, ["rfc3339"]);
    let source = config.field("source");
    assert_eq!(
        (source.kind.as_str(), source.tokenizer.as_str()),
        ("text", "raw")
    );
    assert!(source.fast);
    for name in ["title", "body", "byline"] {
        let field = config.field(name);
        assert_eq!(field.kind, "text", "{name}");
        assert_eq!(field.tokenizer, "default", "{name}");
        assert_eq!(field.record, "position", "{name}: phrases need positions");
        assert!(field.fieldnorms, "{name}: BM25 needs fieldnorms");
    }
    for field in &config.fields {
        assert!(field.stored, "{} is shown in results", field.name);
    }
    assert_eq!(config.default_search_fields(), ["title", "body"]);
}

#[test]
fn contract_every_quickwit_line_fits_the_shipped_config_in_batches_under_the_limit() {
    let corpus = sample_with_old_articles();
    let out = corpus.archive().parent().unwrap().join("quickwit");
    let limit = 200_000;
    let output = export(
        &corpus,
        &[
            "--out",
            out.to_str().unwrap(),
            "--batch-bytes",
            &limit.to_string(),
            corpus.archive().to_str().unwrap(),
        ],
        0,
    );
    let summary = stderr(&output);
    assert!(
        summary.contains(&format!("articles: {SAMPLE_ARTICLES} exported, 0 left out")),
        "{summary}"
    );
    let config = QuickwitConfig::load();
    let files = parts(&out);
    assert!(files.len() > 3, "{} batches", files.len());
    let mut lines = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            text.len() as u64 <= limit,
            "{} is {} bytes",
            file.display(),
            text.len()
        );
        assert!(text.ends_with('\n'));
        lines.extend(json_lines(&text));
    }
    assert_eq!(lines.len(), SAMPLE_ARTICLES);
    let mut ids = BTreeSet::new();
    for line in &lines {
        let keys: BTreeSet<&str> = line.keys().map(String::as_str).collect();
        assert_eq!(keys, EXPORTED_FIELDS.into_iter().collect(), "{line:?}");
        for (name, value) in line {
            let field = config.field(name);
            match field.kind.as_str() {
                "text" => assert!(value.is_string() || value.is_null(), "{name}: {value}"),
                "u64" => assert!(value.is_u64() || value.is_null(), "{name}: {value}"),
                "datetime" => {
                    let text = value.as_str().unwrap_or_else(|| panic!("{name}: {value}"));
                    assert!(
                        chrono::DateTime::parse_from_rfc3339(text).is_ok(),
                        "{name}: {text} is not RFC 3339"
                    );
                }
                other => panic!("unexpected type {other}"),
            }
        }
        let id = line["id"].as_str().unwrap();
        assert_eq!(id.len(), 16);
        assert!(ids.insert(id.to_string()), "duplicate id {id}");
    }
    let by_title = |title: &str| -> ExportedArticle {
        let line = lines
            .iter()
            .find(|line| line["title"] == title)
            .unwrap_or_else(|| panic!("no article titled {title:?}"));
        serde_json::from_value(Value::Object(line.clone())).unwrap()
    };
    let blizzard = by_title("Blizzard closes the roads");
    assert_eq!(blizzard.date.as_deref(), Some("1916-01-03T00:00:00Z"));
    assert_eq!(blizzard.source.as_deref(), Some("the evening star"));
    assert_eq!(blizzard.source_raw.as_deref(), Some("The Evening Star."));
    let launch = by_title("Rocket launch delayed");
    assert_eq!(launch.date.as_deref(), Some("1965-05-01T23:10:00-05:00"));
    let seed = by_title(
        "Russia says they want security talks with the United States but the subject of Ukraine must be on table",
    );
    assert_eq!(seed.date.as_deref(), Some("2024-06-21T00:00:00Z"));
    assert_eq!(seed.source.as_deref(), Some("reuters"));
    assert_eq!(seed.source_raw.as_deref(), Some("Reuters"));
    assert!(seed.path.ends_with("seed/000_833dcbfb9c9e23fc.txt"));
    assert!(seed.body.contains("Kremlin"));
}

#[test]
fn contract_es_bulk_pairs_carry_the_article_id_and_fit_the_opensearch_mapping() {
    let corpus = sample_with_old_articles();
    let out = corpus.archive().parent().unwrap().join("bulk");
    export(
        &corpus,
        &[
            "--format",
            "es-bulk",
            "--out",
            out.to_str().unwrap(),
            "--batch-bytes",
            "300000",
            corpus.archive().to_str().unwrap(),
        ],
        0,
    );
    let mapping: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_file("deploy/opensearch/news-archive.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(mapping["mappings"]["dynamic"], "strict");
    let properties = mapping["mappings"]["properties"].as_object().unwrap();
    let mapped: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
    assert_eq!(mapped, EXPORTED_FIELDS.into_iter().collect());
    assert_eq!(properties["date"]["type"], "date");
    let analysis = &mapping["settings"]["analysis"];
    for name in ["title", "body", "byline"] {
        assert_eq!(properties[name]["type"], "text");
        let analyzer = properties[name]["analyzer"].as_str().unwrap();
        let filters = analysis["analyzer"][analyzer]["filter"].as_array().unwrap();
        assert!(
            filters.iter().any(
                |filter| analysis["filter"][filter.as_str().unwrap()]["language"] == "porter2"
            ),
            "{name} is not analysed with an English stemmer"
        );
    }
    let mut documents = 0;
    for file in parts(&out) {
        let lines = json_lines(&std::fs::read_to_string(&file).unwrap());
        assert_eq!(lines.len() % 2, 0, "{} splits a pair", file.display());
        for pair in lines.chunks(2) {
            let (action, document) = (&pair[0], &pair[1]);
            let keys: Vec<&String> = action.keys().collect();
            assert_eq!(keys, ["index"], "{action:?}");
            let target = action["index"].as_object().unwrap();
            assert_eq!(target.keys().collect::<Vec<_>>(), ["_id"], "{action:?}");
            assert_eq!(target["_id"], document["id"]);
            let keys: BTreeSet<&str> = document.keys().map(String::as_str).collect();
            assert_eq!(keys, mapped);
            let date = document["date"].as_str().unwrap();
            assert!(chrono::DateTime::parse_from_rfc3339(date).is_ok(), "{date}");
            documents += 1;
        }
    }
    assert_eq!(documents, SAMPLE_ARTICLES);
}

#[test]
fn an_index_exports_the_same_articles_with_the_same_ids_as_its_folder() {
    let corpus = sample_with_old_articles();
    corpus.index();
    let from_index = export(&corpus, &[], 0);
    let from_folder = export(&corpus, &[corpus.archive().to_str().unwrap()], 0);
    let sorted = |output: &Output| {
        let mut lines: Vec<String> = String::from_utf8(output.stdout.clone())
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        lines
    };
    let lines = sorted(&from_index);
    assert_eq!(lines.len(), SAMPLE_ARTICLES);
    assert_eq!(lines, sorted(&from_folder));
}

#[test]
fn undated_articles_are_left_out_of_quickwit_with_a_warning_and_kept_in_es_bulk() {
    let corpus = TestCorpus::new();
    corpus.write(
        "a.txt",
        article("Dated", "2020-01-01", "", "An article with a date."),
    );
    corpus.write(
        "undated.txt",
        "Harbour freezes over\n\nShips were stuck in the ice all week.\n",
    );
    let archive = corpus.archive();
    let quickwit = export(&corpus, &[archive.to_str().unwrap()], 4);
    let warnings = stderr(&quickwit);
    assert!(
        warnings.contains("archive/undated.txt: left out 'Harbour freezes over': it has no date"),
        "{warnings}"
    );
    assert!(warnings.contains("1 left out (1 undated"), "{warnings}");
    assert_eq!(
        String::from_utf8(quickwit.stdout).unwrap().lines().count(),
        1
    );
    let bulk = export(
        &corpus,
        &["--format", "es-bulk", archive.to_str().unwrap()],
        0,
    );
    let lines = json_lines(&String::from_utf8(bulk.stdout).unwrap());
    assert_eq!(lines.len(), 4);
    let undated = lines
        .iter()
        .find(|line| {
            line.get("title")
                .is_some_and(|t| t == "Harbour freezes over")
        })
        .unwrap();
    assert!(undated["date"].is_null());
}

#[test]
fn an_article_larger_than_the_batch_size_is_left_out_with_a_warning() {
    let corpus = TestCorpus::new();
    corpus.write("small.txt", article("Small", "2020-01-01", "", "Short."));
    corpus.write(
        "large.txt",
        article("Large", "2020-01-02", "", &"word ".repeat(400)),
    );
    let out = corpus.archive().parent().unwrap().join("out");
    let output = export(
        &corpus,
        &[
            "--out",
            out.to_str().unwrap(),
            "--batch-bytes",
            "1000",
            corpus.archive().to_str().unwrap(),
        ],
        4,
    );
    let warnings = stderr(&output);
    assert!(
        warnings.contains("archive/large.txt: left out 'Large': it takes"),
        "{warnings}"
    );
    assert!(
        warnings.contains("more than --batch-bytes 1000"),
        "{warnings}"
    );
    let files = parts(&out);
    assert_eq!(files.len(), 1);
    let lines = json_lines(&std::fs::read_to_string(&files[0]).unwrap());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["title"], "Small");
}

#[test]
fn batches_need_an_output_folder_and_never_overwrite_earlier_ones() {
    let corpus = TestCorpus::new();
    corpus.write("a.txt", article("One", "2020-01-01", "", "Text."));
    let archive = corpus.archive();
    let output = export(
        &corpus,
        &["--batch-bytes", "1000", archive.to_str().unwrap()],
        2,
    );
    assert!(
        stderr(&output).contains("name it with --out DIR"),
        "{}",
        stderr(&output)
    );
    let out = archive.parent().unwrap().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join(part_name(1)), "{}\n").unwrap();
    let args = [
        "--out",
        out.to_str().unwrap(),
        "--batch-bytes",
        "1000",
        archive.to_str().unwrap(),
    ];
    let output = export(&corpus, &args, 2);
    assert!(
        stderr(&output).contains("already holds batch files (part-00001.ndjson)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(out.join(part_name(1))).unwrap(),
        "{}\n"
    );
    let output = export(
        &corpus,
        &["--out", out.to_str().unwrap(), archive.to_str().unwrap()],
        2,
    );
    assert!(
        stderr(&output).contains("it is a folder; add --batch-bytes N"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn export_without_an_index_reports_where_it_looked_and_exits_3() {
    let corpus = TestCorpus::new();
    let output = export(&corpus, &[], 3);
    assert!(
        stderr(&output).contains("no index at"),
        "{}",
        stderr(&output)
    );
}

/// A tantivy index shaped as Quickwit would build it from the shipped config: its fields,
/// Quickwit's `default` tokenizer (words, lowercased; tokens of 255 bytes or more dropped) and
/// `raw` one, filled from exported lines.
struct Mirror {
    index: tantivy::Index,
    fields: HashMap<String, (tantivy::schema::Field, String)>,
    default_fields: Vec<tantivy::schema::Field>,
}

impl Mirror {
    fn build(config: &QuickwitConfig, lines: &[serde_json::Map<String, Value>]) -> Mirror {
        use tantivy::schema::{
            DateOptions, DateTimePrecision, IndexRecordOption, NumericOptions, Schema,
            TextFieldIndexing, TextOptions,
        };
        use tantivy::tokenizer::{
            LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
        };

        let mut builder = Schema::builder();
        let mut fields = HashMap::new();
        for mapping in &config.fields {
            let field = match mapping.kind.as_str() {
                "text" => {
                    let mut options = TextOptions::default();
                    if mapping.indexed {
                        let record = match mapping.record.as_str() {
                            "position" => IndexRecordOption::WithFreqsAndPositions,
                            "freq" => IndexRecordOption::WithFreqs,
                            _ => IndexRecordOption::Basic,
                        };
                        options = options.set_indexing_options(
                            TextFieldIndexing::default()
                                .set_tokenizer(&mapping.tokenizer)
                                .set_index_option(record)
                                .set_fieldnorms(mapping.fieldnorms),
                        );
                    }
                    if mapping.stored {
                        options = options.set_stored();
                    }
                    if mapping.fast {
                        options = options.set_fast("raw");
                    }
                    builder.add_text_field(&mapping.name, options)
                }
                "datetime" => {
                    let mut options =
                        DateOptions::default().set_precision(DateTimePrecision::Seconds);
                    if mapping.indexed {
                        options = options.set_indexed();
                    }
                    if mapping.stored {
                        options = options.set_stored();
                    }
                    if mapping.fast {
                        options = options.set_fast();
                    }
                    builder.add_date_field(&mapping.name, options)
                }
                "u64" => {
                    let mut options = NumericOptions::default();
                    if mapping.stored {
                        options = options.set_stored();
                    }
                    builder.add_u64_field(&mapping.name, options)
                }
                other => panic!("the mirror does not know Quickwit type {other}"),
            };
            fields.insert(mapping.name.clone(), (field, mapping.kind.clone()));
        }
        let index = tantivy::Index::create_in_ram(builder.build());
        index.tokenizers().register(
            "default",
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(255))
                .filter(LowerCaser)
                .build(),
        );
        index.tokenizers().register(
            "raw",
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(RemoveLongFilter::limit(255))
                .build(),
        );
        let mut writer: tantivy::IndexWriter = index.writer(50_000_000).unwrap();
        for line in lines {
            let mut document = tantivy::TantivyDocument::default();
            for (name, value) in line {
                let (field, kind) = &fields[name];
                match (kind.as_str(), value) {
                    (_, Value::Null) => {}
                    ("text", Value::String(text)) => document.add_text(*field, text),
                    ("u64", value) => document.add_u64(*field, value.as_u64().unwrap()),
                    ("datetime", Value::String(text)) => {
                        let instant = chrono::DateTime::parse_from_rfc3339(text).unwrap();
                        document.add_date(
                            *field,
                            tantivy::DateTime::from_timestamp_nanos(
                                instant.timestamp_nanos_opt().unwrap(),
                            ),
                        );
                    }
                    (kind, value) => panic!("{name}: {value} is not a {kind}"),
                }
            }
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        let default_fields = config
            .default_search_fields()
            .iter()
            .map(|name| fields[name].0)
            .collect();
        Mirror {
            index,
            fields,
            default_fields,
        }
    }

    /// The ids of the articles `query` (Quickwit's syntax: words are all required) finds.
    fn ids(&self, query: &str) -> BTreeSet<String> {
        use tantivy::schema::Value as _;
        let mut parser =
            tantivy::query::QueryParser::for_index(&self.index, self.default_fields.clone());
        parser.set_conjunction_by_default();
        let query = parser.parse_query(query).unwrap();
        let searcher = self.index.reader().unwrap().searcher();
        let id = self.fields["id"].0;
        searcher
            .search(&query, &tantivy::collector::DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|address| {
                let document: tantivy::TantivyDocument = searcher.doc(address).unwrap();
                document
                    .get_first(id)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }
}

/// For each word of the corpus as Quickwit's `default` tokenizer cuts it, the other words
/// newsindex's analyzer (accent folding, English stems) takes for the same term.
fn stem_classes(lines: &[serde_json::Map<String, Value>]) -> HashMap<String, BTreeSet<String>> {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};
    let mut words = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .build();
    let mut news = newsindex::index::schema::news_analyzer();
    let mut classes: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut seen = BTreeSet::new();
    for line in lines {
        for field in ["title", "body"] {
            let text = line[field].as_str().unwrap_or_default();
            let mut stream = words.token_stream(text);
            while let Some(token) = stream.next() {
                seen.insert(token.text.clone());
            }
        }
    }
    for word in seen {
        let stem = news
            .token_stream(&word)
            .next()
            .map(|token| token.text.clone());
        if let Some(stem) = stem {
            classes.entry(stem).or_default().insert(word);
        }
    }
    classes
}

/// Queries that find the same articles in Quickwit as in newsindex: each word is the only
/// form of its stem in the sample corpus (checked below), so stemming, which newsindex does and
/// Quickwit's `default` tokenizer does not, cannot make the two differ. Title boosts change
/// ranks, not which articles match.
const MIRRORED_QUERIES: &[(&[&str], &str)] = &[
    (&["kremlin"], "kremlin"),
    (&["nuclear"], "nuclear"),
    (&["\"vladimir putin\""], "\"vladimir putin\""),
    (&["nuclear iran"], "nuclear iran"),
    (
        &["ukraine", "--source", "reuters"],
        "ukraine AND source:reuters",
    ),
    (
        &["ukraine", "--source", "wikinews"],
        "ukraine AND source:wikinews",
    ),
    (
        &["nuclear", "--from", "2020", "--to", "2020"],
        "nuclear AND date:[2020-01-01T00:00:00Z TO 2021-01-01T00:00:00Z}",
    ),
    (
        &["blizzard", "--to", "1969"],
        "blizzard AND date:[* TO 1970-01-01T00:00:00Z}",
    ),
    (
        &["blizzard", "--from", "1965-05", "--to", "1965-05"],
        "blizzard AND date:[1965-05-01T00:00:00Z TO 1965-06-01T00:00:00Z}",
    ),
    (&["kremlin OR nuclear"], "kremlin OR nuclear"),
    (&["nuclear -iran"], "nuclear -iran"),
    (&["title:iran"], "title:iran"),
];

#[test]
fn mirror_a_tantivy_index_built_from_the_quickwit_config_finds_what_newsindex_finds() {
    let corpus = sample_with_old_articles();
    corpus.index();
    let output = export(&corpus, &[], 0);
    let lines = json_lines(&String::from_utf8(output.stdout).unwrap());
    assert_eq!(lines.len(), SAMPLE_ARTICLES);
    let config = QuickwitConfig::load();
    let mirror = Mirror::build(&config, &lines);
    let classes = stem_classes(&lines);
    let mut news = newsindex::index::schema::news_analyzer();
    for (newsindex_args, quickwit_query) in MIRRORED_QUERIES {
        for word in newsindex_args[0]
            .split(|c: char| !c.is_alphanumeric() && c != ':')
            .filter(|w| !w.is_empty() && !["OR", "AND", "NOT"].contains(w))
            .map(|w| w.rsplit(':').next().unwrap_or(w))
        {
            let mut stream = news.token_stream(word);
            let stem = stream.next().unwrap().text.clone();
            let class = classes.get(&stem).cloned().unwrap_or_default();
            assert!(
                class.iter().all(|other| other == word),
                "{word:?} shares its stem with {class:?}: stemming would make newsindex and Quickwit differ"
            );
        }
        let expected = corpus.all_ids(newsindex_args);
        assert!(!expected.is_empty(), "{newsindex_args:?} finds nothing");
        assert_eq!(
            mirror.ids(quickwit_query),
            expected,
            "newsindex {newsindex_args:?} vs Quickwit {quickwit_query:?}"
        );
    }
    // And where stemming does apply, the difference the docs describe shows: newsindex finds
    // "talks" for "talk", Quickwit's default tokenizer does not.
    let stemmed = corpus.search_json(&["talk", "--limit", "1000"]).total;
    assert!(stemmed as usize > mirror.ids("talk").len());
}

/// Kills the Quickwit server when the test ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Two consecutive free ports on the loopback address (Quickwit's REST and gRPC ports).
fn free_ports() -> u16 {
    for _ in 0..50 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        if port < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
    panic!("no two free consecutive ports");
}

fn quickwit_cli(quickwit: &Path, endpoint: &str, args: &[&str]) -> Output {
    std::process::Command::new(quickwit)
        .args(args)
        .args(["--endpoint", endpoint])
        .env("QW_DISABLE_TELEMETRY", "1")
        .output()
        .unwrap()
}

/// Creates the shipped index in a real Quickwit, ingests the exported batches and checks that
/// Quickwit finds what newsindex finds, dates before 1970 included.
#[test]
fn quickwit_end_to_end_when_quickwit_bin_is_set() {
    let test = "quickwit_end_to_end_when_quickwit_bin_is_set";
    let Some(quickwit) = std::env::var_os("QUICKWIT_BIN").filter(|v| !v.is_empty()) else {
        optional_skip(test, "QUICKWIT_BIN not set");
        return;
    };
    let quickwit = PathBuf::from(quickwit);
    let corpus = sample_with_old_articles();
    corpus.index();
    let work = corpus.archive().parent().unwrap().to_path_buf();
    let out = work.join("quickwit-batches");
    export(
        &corpus,
        &["--out", out.to_str().unwrap(), "--batch-bytes", "10000000"],
        0,
    );
    let port = free_ports();
    let endpoint = format!("http://127.0.0.1:{port}");
    let node_config = work.join("quickwit.yaml");
    std::fs::write(
        &node_config,
        format!(
            "version: 0.8\nnode_id: newsindex-test\nlisten_address: 127.0.0.1\nrest:\n  listen_port: {port}\ngrpc_listen_port: {}\ndata_dir: {}\n",
            port + 1,
            work.join("qwdata").display()
        ),
    )
    .unwrap();
    let log = std::fs::File::create(work.join("quickwit.log")).unwrap();
    let _server = Server(
        std::process::Command::new(&quickwit)
            .args(["run", "--config"])
            .arg(&node_config)
            .env("QW_DISABLE_TELEMETRY", "1")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let started = std::time::Instant::now();
    while !quickwit_cli(&quickwit, &endpoint, &["index", "list"])
        .status
        .success()
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "Quickwit did not start: {}",
            std::fs::read_to_string(work.join("quickwit.log")).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let config = repo_file("deploy/quickwit/news-archive.yaml");
    let created = quickwit_cli(
        &quickwit,
        &endpoint,
        &[
            "index",
            "create",
            "--index-config",
            config.to_str().unwrap(),
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    for part in parts(&out) {
        let ingested = quickwit_cli(
            &quickwit,
            &endpoint,
            &[
                "index",
                "ingest",
                "--index",
                "news-archive",
                "--input-path",
                part.to_str().unwrap(),
                "--force",
            ],
        );
        assert!(ingested.status.success(), "{}", stderr(&ingested));
    }
    for (newsindex_args, quickwit_query) in MIRRORED_QUERIES {
        let searched = quickwit_cli(
            &quickwit,
            &endpoint,
            &[
                "index",
                "search",
                "--index",
                "news-archive",
                "--query",
                quickwit_query,
                "--max-hits",
                "1000",
            ],
        );
        assert!(searched.status.success(), "{}", stderr(&searched));
        let response: Value = serde_json::from_slice(&searched.stdout).unwrap();
        let found: BTreeSet<String> = response["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["id"].as_str().unwrap().to_string())
            .collect();
        let expected = corpus.all_ids(newsindex_args);
        assert_eq!(found, expected, "Quickwit {quickwit_query:?}");
    }
}
