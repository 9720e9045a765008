//! The tantivy schema: field names, their options, the analyzers, and the [`Fields`] handles.
//!
//! Articles become tantivy documents here ([`Fields::to_document`]) and come back
//! ([`Fields::to_article`]). Bump [`SCHEMA_VERSION`] whenever a field changes.

use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, INDEXED, IndexRecordOption, NumericOptions, STORED,
    STRING, Schema, TantivyDocument, TextFieldIndexing, TextOptions, Value,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};
use tantivy::{DateTime, Index, IndexSettings};

use super::analysis::NewsTokenizer;
use super::passages::{PassageMap, STORED_MAP_BYTES};
use crate::article::Article;
use crate::date::ArticleDate;

/// Version of the field layout; an index with another version must be rebuilt.
pub const SCHEMA_VERSION: u32 = 10;

/// The schema's field names, for the places that look a field up by name (fast-field
/// columns, sorting); one spelling each.
pub mod field {
    /// `id`.
    pub const ID: &str = "id";
    /// `path`.
    pub const PATH: &str = "path";
    /// `record`.
    pub const RECORD: &str = "record";
    /// `title`.
    pub const TITLE: &str = "title";
    /// `body`.
    pub const BODY: &str = "body";
    /// `source`.
    pub const SOURCE: &str = "source";
    /// `source_raw`.
    pub const SOURCE_RAW: &str = "source_raw";
    /// `byline`.
    pub const BYLINE: &str = "byline";
    /// `url`.
    pub const URL: &str = "url";
    /// `date`.
    pub const DATE: &str = "date";
    /// `date_utc`.
    pub const DATE_UTC: &str = "date_utc";
    /// `date_text`.
    pub const DATE_TEXT: &str = "date_text";
    /// `date_source`.
    pub const DATE_SOURCE: &str = "date_source";
    /// `file_mtime`.
    pub const FILE_MTIME: &str = "file_mtime";
    /// `file_size`.
    pub const FILE_SIZE: &str = "file_size";
    /// `file_hash`.
    pub const FILE_HASH: &str = "file_hash";
    /// `file_context`.
    pub const FILE_CONTEXT: &str = "file_context";
    /// `passages`.
    pub const PASSAGES: &str = "passages";
}

/// Analyzer for title, body and byline: words, lowercased, accents folded, English stems.
pub const NEWS_TOKENIZER: &str = "news";
/// Analyzer for the source facet: the whole value, lowercased.
pub const SOURCE_TOKENIZER: &str = "source";
/// The fast field of an article's MinHash bands.
pub const COPY_ARTICLE: &str = "copy_article";
/// The fast field of an OCR page's passage band keys.
pub const COPY_PASSAGE: &str = "copy_passage";

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The schema itself.
    pub schema: Schema,
    /// Article id (raw, indexed, stored).
    pub id: Field,
    /// Absolute file path (raw, indexed, stored, fast) — the unit of incremental sync.
    pub path: Field,
    /// Record number inside the file.
    pub record: Field,
    /// Headline (analysed, positions).
    pub title: Field,
    /// Body text (analysed, positions).
    pub body: Field,
    /// Normalised source key (indexed, fast: filters and facets).
    pub source: Field,
    /// Source as written (stored only).
    pub source_raw: Field,
    /// Author(s) (analysed).
    pub byline: Field,
    /// Original URL (raw, stored).
    pub url: Field,
    /// The date field filters and charts use: [`Fields::local_date`], or [`Fields::utc_date`]
    /// after [`Fields::with_utc_days`].
    pub date: Field,
    /// `date`: the publication time as published, read as UTC ([`ArticleDate::local_timestamp`]),
    /// so its UTC day is the article's own calendar day (indexed, fast); absent when undated.
    pub local_date: Field,
    /// `date_utc`: the publication instant (indexed, fast); absent when undated.
    pub utc_date: Field,
    /// The date as written, to show the day or the time with its zone.
    pub date_text: Field,
    /// Where the date was read (stored only).
    pub date_source: Field,
    /// File modification time in nanoseconds (fast).
    pub file_mtime: Field,
    /// File size in bytes (fast).
    pub file_size: Field,
    /// First 8 bytes of the file's BLAKE3 hash (fast).
    pub file_hash: Field,
    /// [`FileState::context`] (fast).
    pub file_context: Field,
    /// The article's MinHash bands ([`super::copies`]; fast, multi-valued).
    pub copy_article: Field,
    /// The band keys of an OCR page's passages ([`super::copies`]; fast, multi-valued).
    pub copy_passage: Field,
    /// A long body's passages and their words ([`PassageMap`], stored only).
    pub passages: Field,
}

impl Fields {
    /// Builds the schema.
    pub fn new() -> Fields {
        let mut builder = Schema::builder();
        let analysed = |fast: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(NEWS_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default()
                .set_indexing_options(indexing)
                .set_stored();
            if fast {
                options.set_fast(NEWS_TOKENIZER)
            } else {
                options
            }
        };
        let id = builder.add_text_field(field::ID, STRING | STORED);
        let path = builder.add_text_field(field::PATH, (STRING | STORED).set_fast("raw"));
        let record = builder.add_u64_field(field::RECORD, STORED);
        let title = builder.add_text_field(field::TITLE, analysed(false));
        let body = builder.add_text_field(field::BODY, analysed(false));
        let source_indexing = TextFieldIndexing::default()
            .set_tokenizer(SOURCE_TOKENIZER)
            .set_index_option(IndexRecordOption::Basic);
        let source = builder.add_text_field(
            field::SOURCE,
            TextOptions::default()
                .set_indexing_options(source_indexing)
                .set_fast(SOURCE_TOKENIZER),
        );
        let source_raw = builder.add_text_field(field::SOURCE_RAW, STORED);
        let byline = builder.add_text_field(field::BYLINE, analysed(false));
        let url = builder.add_text_field(field::URL, STRING | STORED);
        let date_options = DateOptions::from(INDEXED)
            .set_fast()
            .set_precision(DateTimePrecision::Seconds);
        let local_date = builder.add_date_field(field::DATE, date_options.clone());
        let utc_date = builder.add_date_field(field::DATE_UTC, date_options);
        let date_text = builder.add_text_field(field::DATE_TEXT, STORED);
        let date_source = builder.add_text_field(field::DATE_SOURCE, STORED);
        let fast = NumericOptions::default().set_fast();
        let file_mtime = builder.add_i64_field(field::FILE_MTIME, fast.clone());
        let file_size = builder.add_u64_field(field::FILE_SIZE, fast.clone());
        let file_hash = builder.add_u64_field(field::FILE_HASH, fast.clone());
        let file_context = builder.add_u64_field(field::FILE_CONTEXT, fast.clone());
        let copy_article = builder.add_u64_field(COPY_ARTICLE, fast.clone());
        let copy_passage = builder.add_u64_field(COPY_PASSAGE, fast);
        let passages = builder.add_bytes_field(field::PASSAGES, STORED);

        Fields {
            schema: builder.build(),
            id,
            path,
            record,
            title,
            body,
            source,
            source_raw,
            byline,
            url,
            date: local_date,
            local_date,
            utc_date,
            date_text,
            date_source,
            file_mtime,
            file_size,
            file_hash,
            file_context,
            copy_article,
            copy_passage,
            passages,
        }
    }

    /// The tantivy document for `article`, read from a file with the given state, with what it
    /// stores for finding its copies ([`super::copies::stored`]).
    pub fn to_document(
        &self,
        article: &Article,
        file: &FileState,
        copies: &super::copies::Stored,
    ) -> TantivyDocument {
        let passages = (article.body.len() >= STORED_MAP_BYTES).then(|| match &copies.map {
            Some(map) => map.encode(),
            None => PassageMap::of(&article.body).encode(),
        });
        let date_text = article.date.as_ref().map(ToString::to_string);
        // Room for every value at once: a document starts with 1 KiB and would otherwise grow
        // (and be copied) as a long body is added. A text or bytes value takes its bytes and
        // at most five for its length, a number or date eight.
        let texts = [
            Some(article.id.as_str()),
            Some(&article.path),
            Some(&article.title),
            Some(&article.body),
            article.source.as_deref(),
            article.source.as_deref(),
            article.byline.as_deref(),
            article.url.as_deref(),
            date_text.as_deref(),
            article.date_source.as_deref(),
        ];
        let text_bytes: usize = texts.iter().flatten().map(|text| text.len() + 5).sum();
        let numbers = 7 + copies.article.len() + copies.passages.len();
        let bytes = text_bytes + 8 * numbers + passages.as_ref().map_or(0, |p| p.len() + 5);
        let mut document = TantivyDocument::with_capacity(bytes);
        document.add_text(self.id, &article.id);
        document.add_text(self.path, &article.path);
        if let Some(record) = article.record {
            document.add_u64(self.record, record);
        }
        document.add_text(self.title, &article.title);
        document.add_text(self.body, &article.body);
        if let Some(key) = article.source_key() {
            document.add_text(self.source, &key);
        }
        if let Some(source) = &article.source {
            document.add_text(self.source_raw, source);
        }
        if let Some(byline) = &article.byline {
            document.add_text(self.byline, byline);
        }
        if let Some(url) = &article.url {
            document.add_text(self.url, url);
        }
        if let Some(date) = &article.date {
            document.add_date(
                self.local_date,
                DateTime::from_timestamp_secs(date.local_timestamp()),
            );
            document.add_date(
                self.utc_date,
                DateTime::from_timestamp_secs(date.timestamp()),
            );
        }
        if let Some(text) = date_text {
            document.add_text(self.date_text, text);
        }
        if let Some(source) = &article.date_source {
            document.add_text(self.date_source, source);
        }
        document.add_i64(self.file_mtime, file.mtime_nanos);
        document.add_u64(self.file_size, file.size);
        document.add_u64(self.file_hash, file.hash);
        document.add_u64(self.file_context, file.context);
        for value in &copies.article {
            document.add_u64(self.copy_article, *value);
        }
        for value in &copies.passages {
            document.add_u64(self.copy_passage, *value);
        }
        if let Some(encoded) = passages {
            document.add_bytes(self.passages, &encoded);
        }
        document
    }

    /// These handles with [`Fields::date`] on the UTC instant: `--utc` filters and charts by
    /// UTC days instead of each article's own.
    pub fn with_utc_days(mut self) -> Fields {
        self.date = self.utc_date;
        self
    }

    /// The name of [`Fields::date`], for reading it as a fast field.
    pub fn date_name(&self) -> &str {
        self.schema.get_field_name(self.date)
    }

    /// The stored cut of a document's body ([`PassageMap`]); `None` for a short body.
    pub fn passage_map(&self, document: &TantivyDocument) -> Option<PassageMap> {
        document
            .get_first(self.passages)
            .and_then(|v| v.as_bytes())
            .and_then(PassageMap::decode)
    }

    /// Reads an article back from a stored document.
    pub fn to_article(&self, document: &TantivyDocument) -> Article {
        let text = |field: Field| {
            document
                .get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        Article {
            id: text(self.id).unwrap_or_default(),
            path: text(self.path).unwrap_or_default(),
            record: document.get_first(self.record).and_then(|v| v.as_u64()),
            title: text(self.title).unwrap_or_default(),
            date: text(self.date_text).as_deref().and_then(ArticleDate::parse),
            date_source: text(self.date_source),
            source: text(self.source_raw),
            byline: text(self.byline),
            url: text(self.url),
            body: text(self.body).unwrap_or_default(),
            key: String::new(),
        }
    }
}

impl Default for Fields {
    fn default() -> Fields {
        Fields::new()
    }
}

/// What the index remembers of a file, to tell on the next run whether it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileState {
    /// Modification time, nanoseconds since 1970.
    pub mtime_nanos: i64,
    /// Size in bytes.
    pub size: u64,
    /// First 8 bytes of the BLAKE3 hash of the content.
    pub hash: u64,
    /// What the archive gave the file's articles besides its bytes: a hash of the archive's
    /// config and sidecar tables and of the file's path inside the archive
    /// ([`crate::parse::ParseContext::file_fingerprint`]). When it differs from what the
    /// archive gives now, the file is read again, so a run repairs stale metadata.
    pub context: u64,
}

/// Settings of a new index: the doc store (mostly article bodies) compressed with zstd, which
/// takes about half the space of tantivy's default lz4 on news text, in 8 KiB blocks.
///
/// Reading one article decompresses its whole block, and a search reads its best candidates
/// and a few reprint candidates; a block closes once it holds more than its size, so 8 KiB
/// blocks hold a handful of wire stories, or an OCR page with at most 8 KiB of the documents
/// before it. Against 16 KiB blocks they cut the instructions of a cold search by 11-16% on
/// Reuters-21578 and up to 16% on the January 1916 pages, for 2.6% more index bytes on
/// Reuters (0.2% on the pages); 4 KiB blocks saved a few points more on Reuters for 5.6%
/// (BENCHMARKS.md).
///
/// zstd's level 1 rather than its default 3: against level 3, measured in alternating pairs,
/// builds took 2.0% less wall time on Reuters-21578 and 4.8% less on the January 1916 pages,
/// and cold searches 5% and 9% less CPU time (a level-1 block is quicker to decompress too),
/// for 0.7% and 1.6% more index bytes.
///
/// Each indexing thread (and each merge) compresses its own blocks rather than handing them
/// to a thread of their own (tantivy's default): on a machine with no core to spare, the
/// hand-over of every block between threads costs more than it overlaps. Builds took 1.6–1.9%
/// less wall and CPU time on both benchmark corpora, measured in alternating pairs (on
/// Reuters-21578 the wall-time interval reaches no change; BENCHMARKS.md). The setting is
/// kept in the index's `meta.json`, so it applies to indexes created from now on.
pub fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(1),
        }),
        docstore_blocksize: 8 * 1024,
        docstore_compress_dedicated_thread: false,
        ..IndexSettings::default()
    }
}

/// Registers the analyzers the schema names; call on every opened or created index.
pub fn register_tokenizers(index: &Index) {
    let news = news_analyzer();
    index.tokenizers().register(NEWS_TOKENIZER, news.clone());
    let source = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build();
    index
        .tokenizers()
        .register(SOURCE_TOKENIZER, source.clone());
    index
        .fast_field_tokenizer()
        .register(SOURCE_TOKENIZER, source);
    index.fast_field_tokenizer().register(NEWS_TOKENIZER, news);
}

/// A fresh instance of the news analyzer ([`NewsTokenizer::stemming`]): words split, long ones
/// dropped, lower-cased, folded to ASCII and stemmed, in one pass.
pub fn news_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(NewsTokenizer::stemming())
}

/// [`news_analyzer`] without its last step, the stemmer: words split, long ones dropped,
/// lower-cased and folded to ASCII, for code that stems only some of them.
pub fn folding_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(NewsTokenizer::folding())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields and what the analyzers make of a sample of news text, as one hash. An index
    /// built with other fields or other analysis answers wrongly, so a change here must come
    /// with a new [`SCHEMA_VERSION`]: update both together. So must a change to what an article
    /// stores for finding its copies.
    #[test]
    fn a_change_to_fields_or_analysis_comes_with_a_new_schema_version() {
        let schema = serde_json::to_string(&Fields::new().schema).unwrap();
        let sample = "The Kremlin's spokesman, Dmitry Peskov, said talks with Zürich-based \
                      négociateurs were RUNNING late; 45,000 jobs—£3bn—at 09.50 BST.";
        let mut hasher = blake3::Hasher::new();
        hasher.update(schema.as_bytes());
        let index = Index::create_in_ram(Fields::new().schema);
        register_tokenizers(&index);
        for name in [NEWS_TOKENIZER, SOURCE_TOKENIZER] {
            let mut analyzer = index.tokenizers().get(name).unwrap();
            let mut stream = analyzer.token_stream(sample);
            while stream.advance() {
                hasher.update(stream.token().text.as_bytes());
                hasher.update(b"\0");
            }
        }
        // The copy signatures the sample stores: another word or shingle hash makes
        // signatures that never meet those of an older index.
        let story = sample.repeat(3);
        for value in super::super::copies::stored(&story).article {
            hasher.update(&value.to_le_bytes());
        }
        let fingerprint = hasher.finalize().to_hex()[..16].to_string();
        assert_eq!(
            (SCHEMA_VERSION, fingerprint.as_str()),
            (10, "1558c3bd1de52012"),
            "the schema or the analysis changed: bump SCHEMA_VERSION and record the new hash"
        );
    }
}
