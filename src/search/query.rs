//! Turning a [`SearchRequest`] into tantivy queries ([`Compiled`]) and a [`Plan`] of what to
//! find in passages.
//!
//! Words are analysed like the index (stems, folding); prefixes and fuzzy words are expanded to
//! the indexed words they match, so they score by BM25 and highlight exactly. Filters do not score.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;
use tantivy::{DateTime, Searcher, TantivyDocument, Term as IndexTerm};

use super::SearchRequest;
use super::passage::Matcher;
pub use super::syntax::QueryField;
use super::syntax::{self, Clause, Leaf, Node, Role, Term};
use crate::article::source_key;
use crate::error::{Error, Result};
use crate::index::NewsIndex;
use crate::index::schema::{folding_analyzer, news_analyzer};
use crate::index::sources::resolve_source;

/// A prefix matches at most this many indexed words (the most frequent ones).
pub const MAX_PREFIX_WORDS: usize = 128;
/// A fuzzy word matches at most this many indexed words (the closest, then most frequent).
pub const MAX_FUZZY_WORDS: usize = 32;
/// A query's prefix and fuzzy words expand to at most this many indexed words in all (title
/// and body counted together); later ones are searched as written, with a note, so no query's
/// cost is unbounded.
pub const MAX_QUERY_EXPANSIONS: usize = 1024;
/// Title matches weigh this much more than body matches.
pub const TITLE_BOOST: f32 = 2.0;

/// A request ready to run.
pub struct Compiled {
    /// The query with its filters, as written: plain words all required (none in a question;
    /// any of them with `--any`).
    pub query: Box<dyn Query>,
    /// The same query with plain words optional, for the closest-match fallback; `None` when
    /// it would match the same articles.
    pub relaxed: Option<Box<dyn Query>>,
    /// What the query looks for in title and body, to score and highlight passages.
    pub plan: Plan,
    /// How parts of the query were read differently from how they were written.
    pub notes: Vec<String>,
    /// Words searched under a corrected spelling.
    pub corrections: Vec<Correction>,
    /// Whether the query reads as a question (see [`QUESTION_WORDS`]): its plain words are
    /// all optional and ranked by weight, and [`super::feedback`] searches a second time.
    pub question: bool,
    /// The user's query without filters, for [`super::feedback`] to weigh.
    pub question_query: Box<dyn Query>,
    /// Filters (must match, no score) and top-level exclusions (must not match): every
    /// search this request runs, fallbacks included, keeps them ([`Compiled::scoped`]).
    scope: Vec<(Occur, Box<dyn Query>)>,
    /// The query's own top-level restrictions and required clauses, unscored: the feedback
    /// search, whose words are all optional, keeps them too ([`Compiled::scoped_question`]).
    kept: Vec<Box<dyn Query>>,
    /// Whether an exclusion sits inside a group: an article may then fail the strict query
    /// while holding every word, so the closest-match bound on re-ranking does not hold.
    pub nested_exclusion: bool,
}

impl Compiled {
    /// [`Compiled::scoped`], and the query's own restrictions and required clauses as well:
    /// for a search made of optional words only (the question's feedback search).
    pub fn scoped_question(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        if self.kept.is_empty() {
            return self.scoped(query);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        clauses.extend(self.kept.iter().map(|q| (Occur::Must, q.box_clone())));
        self.scoped(Box::new(BooleanQuery::new(clauses)))
    }

    /// `query` restricted by the request's filters and the query's top-level exclusions.
    pub fn scoped(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        if self.scope.is_empty() {
            return query;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        clauses.extend(self.scope.iter().map(|(occur, q)| (*occur, q.box_clone())));
        Box::new(BooleanQuery::new(clauses))
    }
}

/// The query's positive words and phrases over title and body, each a [`Concept`], with the
/// [`Matcher`] that finds them in candidates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// One per word or phrase the user asked for (not the excluded ones).
    pub concepts: Vec<Concept>,
    matcher: Matcher,
}

impl Plan {
    /// The plan of `concepts`, its matcher built once for every candidate it will read.
    pub fn new(concepts: Vec<Concept>) -> Plan {
        let matcher = Matcher::new(&concepts);
        Plan { concepts, matcher }
    }

    /// Finds the concepts in a text the way the index analysed it.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }
}

/// One thing the user asked to find: a word (with its prefix or fuzzy expansions) or a phrase.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// As the user wrote it.
    pub label: String,
    /// Whether it is looked for in the title.
    pub in_title: bool,
    /// Whether it is looked for in the body.
    pub in_body: bool,
    /// The analysed words that match it.
    pub pattern: Pattern,
    /// Its inverse document frequency (BM25's idf) in the body: rarer words weigh more.
    pub weight: f32,
}

/// What a [`Concept`] matches in analysed text.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// Any one of these analysed words.
    Words(BTreeSet<String>),
    /// These analysed words at these relative positions, moved at most `slop` in all.
    Phrase {
        /// `(offset, word)`, offsets relative to the first word.
        words: Vec<(u32, String)>,
        /// Each word's idf, for partial credit when the phrase is not whole.
        weights: Vec<f32>,
        /// Proximity budget (`"a b"~N`).
        slop: u32,
    },
}

/// Builds the queries for `request`.
///
/// # Errors
/// [`Error::InvalidQuery`] when the text names an unknown field; [`Error::Search`] when the
/// index's word lists cannot be read.
// Longer than most: builds the query, its relaxed copy, its scope and its plan from one pass of the
// compiler; the four are kept together so they cannot disagree.
pub fn compile(index: &NewsIndex, request: &SearchRequest) -> Result<Compiled> {
    let parsed = syntax::parse(&request.query).map_err(|reason| Error::InvalidQuery {
        query: request.query.clone(),
        reason,
    })?;
    let searcher = index.reader().searcher();
    let mut compiler = Compiler {
        index,
        searcher: &searcher,
        notes: parsed.notes,
        concepts: Vec::new(),
        capped: Vec::new(),
        corrections: Vec::new(),
        expanded: 0,
        unexpanded: Vec::new(),
    };
    let root = Node::Group(parsed.clauses.clone());
    let built = compiler.build(&root, true)?;
    let blank = request.query.trim().is_empty();
    let mut question = false;
    let mut excluded = Vec::new();
    let mut kept = Vec::new();
    let mut nested_exclusion = false;
    let (user_query, relaxed_user) = if let Some(root) = built {
        question = !request.match_any && !request.match_all && root.is_question();
        excluded = root.excluded();
        kept = root.kept();
        nested_exclusion = root.has_nested_exclusion(true);
        let strict = root.to_query(request.match_any || question, question);
        let relaxed = (!request.match_any && !question && root.has_implicit_siblings())
            .then(|| root.to_query(true, false));
        (strict, relaxed)
    } else {
        if !blank {
            compiler
                .notes
                .push("nothing in the query can be searched".to_string());
        }
        let query: Box<dyn Query> = if blank {
            Box::new(AllQuery)
        } else {
            Box::new(EmptyQuery)
        };
        (query, None)
    };
    if parsed.clauses.iter().all(|c| c.role == Role::Excluded) && !parsed.clauses.is_empty() {
        compiler
            .notes
            .push("the query only excludes words: listing every other article".to_string());
    }
    if !compiler.unexpanded.is_empty() {
        let words = compiler.unexpanded.join("', '");
        compiler.notes.push(format!(
            "the query expanded to {MAX_QUERY_EXPANSIONS} indexed words; searched '{words}' as written"
        ));
    }
    for correction in &compiler.corrections {
        let written = &correction.written;
        compiler.notes.push(format!(
            "showing results for '{}': no article has '{written}' (search \"{written}\" to keep it)",
            correction.corrected
        ));
    }
    for (raw, found, limit) in &compiler.capped {
        compiler.notes.push(format!(
            "'{raw}' matches {found} words; searched the {limit} most frequent"
        ));
    }
    let mut scope: Vec<(Occur, Box<dyn Query>)> = filters(index, request)?
        .into_iter()
        .map(|filter| (Occur::Must, filter))
        .collect();
    scope.extend(excluded.into_iter().map(|q| (Occur::MustNot, q)));
    let mut compiled = Compiled {
        query: Box::new(EmptyQuery),
        relaxed: None,
        plan: Plan::new(compiler.concepts),
        notes: compiler.notes,
        corrections: compiler.corrections,
        question,
        question_query: user_query.box_clone(),
        scope,
        kept,
        nested_exclusion,
    };
    compiled.query = compiled.scoped(user_query);
    compiled.relaxed = relaxed_user.map(|q| compiled.scoped(q));
    Ok(compiled)
}

/// Source and date filters, as zero-score clauses.
fn filters(index: &NewsIndex, request: &SearchRequest) -> Result<Vec<Box<dyn Query>>> {
    let fields = index.fields();
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    if !request.sources.is_empty() {
        let any_source: Vec<(Occur, Box<dyn Query>)> = request
            .sources
            .iter()
            .map(|name| {
                let key = resolve_source(index, name)?;
                let term = IndexTerm::from_field_text(fields.source, &key);
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                Ok((Occur::Should, query))
            })
            .collect::<Result<_>>()?;
        filters.push(Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(any_source)),
            0.0,
        )));
    }
    if !request.dates.is_unbounded() {
        let bound = |seconds: Option<i64>, inclusive: bool| match seconds {
            None => Bound::Unbounded,
            Some(s) => {
                let term =
                    IndexTerm::from_field_date(fields.date, DateTime::from_timestamp_secs(s));
                if inclusive {
                    Bound::Included(term)
                } else {
                    Bound::Excluded(term)
                }
            }
        };
        let range = RangeQuery::new(
            bound(request.dates.start, true),
            bound(request.dates.end, false),
        );
        filters.push(Box::new(ConstScoreQuery::new(Box::new(range), 0.0)));
    }
    Ok(filters)
}

/// A query tree with its leaves already turned into tantivy queries.
enum Built {
    Leaf(Box<dyn Query>),
    Group(Vec<BuiltClause>),
}

struct BuiltClause {
    role: Role,
    /// A word on the source, url or id field: a restriction no reading of the query relaxes.
    filter: bool,
    /// A plain common word ([`COMMON_WORDS`]) beside other required words: it scores but
    /// need not match.
    optional: bool,
    node: Built,
}

impl Built {
    /// The tantivy query; `relax` makes implicit clauses optional (at least one must match),
    /// otherwise they are all required; `question` leaves common words out (they would only
    /// add noise to a question's ranking).
    fn to_query(&self, relax: bool, question: bool) -> Box<dyn Query> {
        let clauses = match self {
            Built::Leaf(query) => return query.box_clone(),
            Built::Group(clauses) => clauses,
        };
        let mut must: Vec<Box<dyn Query>> = Vec::new();
        let mut should: Vec<Box<dyn Query>> = Vec::new();
        let mut optional: Vec<Box<dyn Query>> = Vec::new();
        let mut must_not: Vec<Box<dyn Query>> = Vec::new();
        for clause in clauses {
            if question && clause.optional {
                continue;
            }
            let query = clause.node.to_query(relax, question);
            match clause.role {
                Role::Implicit if clause.filter => must.push(query),
                Role::Implicit if clause.optional => optional.push(query),
                Role::Implicit if relax => should.push(query),
                Role::Implicit | Role::Required => must.push(query),
                Role::Optional => should.push(query),
                Role::Excluded => must_not.push(query),
            }
        }
        if must.is_empty() && !should.is_empty() {
            // At least one of the optional clauses must match; common words only add score.
            must.push(if should.len() == 1 {
                should.remove(0)
            } else {
                Box::new(BooleanQuery::union(std::mem::take(&mut should)))
            });
        }
        if must.is_empty() {
            must.push(Box::new(AllQuery));
        }
        if must.len() == 1 && should.is_empty() && optional.is_empty() && must_not.is_empty() {
            return must.remove(0);
        }
        let subqueries: Vec<(Occur, Box<dyn Query>)> = must
            .into_iter()
            .map(|q| (Occur::Must, q))
            .chain(
                should
                    .into_iter()
                    .chain(optional)
                    .map(|q| (Occur::Should, q)),
            )
            .chain(must_not.into_iter().map(|q| (Occur::MustNot, q)))
            .collect();
        Box::new(BooleanQuery::new(subqueries))
    }

    /// Whether the query reads as a question or a description rather than keywords: at least
    /// [`QUESTION_WORDS`] plain words besides common words and common words among them (a
    /// sentence), or [`KEYWORD_LIST_WORDS`] plain words however written. A question rarely
    /// shares every word with the article answering it, so its words are ranked, not required.
    fn is_question(&self) -> bool {
        let Built::Group(clauses) = self else {
            return false;
        };
        if clauses.iter().any(|c| c.role == Role::Optional) {
            return false;
        }
        let plain = clauses
            .iter()
            .filter(|c| c.role == Role::Implicit && !c.optional && !c.filter)
            .count();
        let sentence = clauses.iter().any(|c| c.optional);
        (sentence && plain >= QUESTION_WORDS) || plain >= KEYWORD_LIST_WORDS
    }

    /// The top group's restrictions (`source:`, `url:`, `id:`) and required (`+`, `AND`)
    /// clauses, which a question's feedback search must keep without scoring them again.
    fn kept(&self) -> Vec<Box<dyn Query>> {
        match self {
            Built::Leaf(_) => Vec::new(),
            Built::Group(clauses) => clauses
                .iter()
                .filter(|c| c.filter || c.role == Role::Required)
                .map(|c| {
                    let query: Box<dyn Query> =
                        Box::new(ConstScoreQuery::new(c.node.to_query(false, false), 0.0));
                    query
                })
                .collect(),
        }
    }

    /// Whether an exclusion sits below the top group (`a (b -c)`): then an article can fail
    /// the query for that exclusion alone, holding every word.
    fn has_nested_exclusion(&self, top: bool) -> bool {
        match self {
            Built::Leaf(_) => false,
            Built::Group(clauses) => clauses
                .iter()
                .any(|c| (!top && c.role == Role::Excluded) || c.node.has_nested_exclusion(false)),
        }
    }

    /// The excluded clauses of the top group, which every reading of the query keeps.
    fn excluded(&self) -> Vec<Box<dyn Query>> {
        match self {
            Built::Leaf(_) => Vec::new(),
            Built::Group(clauses) => clauses
                .iter()
                .filter(|c| c.role == Role::Excluded)
                .map(|c| c.node.to_query(false, false))
                .collect(),
        }
    }

    /// Whether relaxing implicit clauses would change what matches.
    fn has_implicit_siblings(&self) -> bool {
        match self {
            Built::Leaf(_) => false,
            Built::Group(clauses) => {
                let implicit = clauses
                    .iter()
                    .filter(|c| c.role == Role::Implicit && !c.optional && !c.filter)
                    .count();
                (implicit > 0
                    && clauses
                        .iter()
                        .filter(|c| c.role != Role::Excluded && !c.optional && !c.filter)
                        .count()
                        > 1)
                    || clauses.iter().any(|c| c.node.has_implicit_siblings())
            }
        }
    }
}

/// From this many plain words on (common words aside), a query that also has common words is
/// read as a question, and so is any query of [`KEYWORD_LIST_WORDS`] plain words.
pub const QUESTION_WORDS: usize = 3;
/// From this many plain words on, a query is read as a question even without common words:
/// a description or a list of keywords longer than anyone types for a known article.
pub const KEYWORD_LIST_WORDS: usize = 7;

/// Common English function words (Lucene's English stop words, and question words and
/// pronouns): written as plain words beside other words, they need not match.
pub const COMMON_WORDS: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did",
    "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "no", "not", "of", "on", "or", "she", "should", "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to", "was", "we", "were", "what",
    "when", "where", "which", "who", "why", "will", "with", "would", "you",
];

/// Whether `node` restricts the source, url or id rather than naming words to find.
fn is_restriction(node: &Node) -> bool {
    matches!(node, Node::Leaf(Leaf { field: Some(field), .. }) if field.restricts())
}

/// Whether `node` is a plain word (no prefix, no fuzziness) of [`COMMON_WORDS`] in title or body.
fn is_common_word(node: &Node) -> bool {
    matches!(
        node,
        Node::Leaf(Leaf {
            field: None | Some(QueryField::Title | QueryField::Body),
            term: Term::Word { text, prefix: false, fuzzy: None },
            boost: None,
            ..
        }) if COMMON_WORDS.contains(&text.to_lowercase().as_str())
    )
}

/// Where a leaf looks.
#[derive(Clone, Copy)]
enum Target {
    /// Analysed text fields, with their boosts.
    Text(&'static [(TextField, f32)]),
    /// The normalised source key.
    Source,
    /// A raw field matched as written (id, url).
    Raw(Field),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextField {
    Title,
    Body,
    Byline,
}

struct Compiler<'a> {
    index: &'a NewsIndex,
    searcher: &'a Searcher,
    notes: Vec<String>,
    concepts: Vec<Concept>,
    /// Prefix and fuzzy words with more matches than are searched: (as written, matches, searched).
    capped: Vec<(String, usize, usize)>,
    /// Words searched under a corrected spelling.
    corrections: Vec<Correction>,
    /// Indexed words the query's prefix and fuzzy words have expanded to so far.
    expanded: usize,
    /// Prefix and fuzzy words searched as written because the query had expanded enough.
    unexpanded: Vec<String>,
}

/// A word of the query searched under another spelling the index has ("did you mean").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The word as written.
    pub written: String,
    /// The spelling searched instead, as an article writes it.
    pub corrected: String,
    /// The analysed word searched.
    #[serde(skip)]
    pub stem: String,
}

impl Compiler<'_> {
    fn build(&mut self, node: &Node, positive: bool) -> Result<Option<Built>> {
        match node {
            Node::Leaf(leaf) => Ok(self.leaf(leaf, positive)?.map(|query| match leaf.boost {
                Some(boost) => Built::Leaf(Box::new(BoostQuery::new(query, boost))),
                None => Built::Leaf(query),
            })),
            Node::Group(clauses) => {
                let common = |c: &Clause| c.role == Role::Implicit && is_common_word(&c.node);
                let has_other = clauses
                    .iter()
                    .any(|c| (c.role == Role::Implicit && !common(c)) || c.role == Role::Required);
                let mut built = Vec::new();
                for clause in clauses {
                    let optional = has_other && common(clause);
                    // Optional common words score, but are neither highlighted nor weighed.
                    let positive = positive && clause.role != Role::Excluded && !optional;
                    if let Some(node) = self.build(&clause.node, positive)? {
                        built.push(BuiltClause {
                            role: clause.role,
                            filter: is_restriction(&clause.node),
                            optional,
                            node,
                        });
                    }
                }
                Ok((!built.is_empty()).then_some(Built::Group(built)))
            }
        }
    }

    fn field(&self, field: TextField) -> Field {
        let fields = self.index.fields();
        match field {
            TextField::Title => fields.title,
            TextField::Body => fields.body,
            TextField::Byline => fields.byline,
        }
    }

    fn target(&self, leaf: &Leaf) -> Target {
        let fields = self.index.fields();
        match leaf.field {
            None => Target::Text(&[(TextField::Title, TITLE_BOOST), (TextField::Body, 1.0)]),
            Some(QueryField::Title) => Target::Text(&[(TextField::Title, TITLE_BOOST)]),
            Some(QueryField::Body) => Target::Text(&[(TextField::Body, 1.0)]),
            Some(QueryField::Byline) => Target::Text(&[(TextField::Byline, 1.0)]),
            Some(QueryField::Source) => Target::Source,
            Some(QueryField::Url) => Target::Raw(fields.url),
            Some(QueryField::Id) => Target::Raw(fields.id),
        }
    }

    /// The query for one leaf, and its [`Concept`] when it is positive and in title or body.
    // Longer than most: one match over every kind of word (plain, prefix, fuzzy, phrase) and field, each
    // arm short; splitting by kind would repeat the analysis and the concept bookkeeping.
    fn leaf(&mut self, leaf: &Leaf, positive: bool) -> Result<Option<Box<dyn Query>>> {
        let target = self.target(leaf);
        let Target::Text(fields) = target else {
            return self.raw_leaf(leaf, target).map(Some);
        };
        let (text, prefix, fuzzy, slop) = match &leaf.term {
            Term::All => return Ok(Some(Box::new(AllQuery))),
            Term::Word {
                text,
                prefix,
                fuzzy,
            } => (text, *prefix, *fuzzy, 0),
            Term::Phrase { text, slop } => (text, false, None, *slop),
        };
        let tokens = analyse_positions(text);
        if tokens.is_empty() {
            self.notes
                .push(format!("ignored '{}': nothing searchable in it", leaf.raw));
            return Ok(None);
        }
        let in_title = fields.iter().any(|(f, _)| *f == TextField::Title);
        let in_body = fields.iter().any(|(f, _)| *f == TextField::Body);
        let weight_field = if in_body {
            TextField::Body
        } else {
            fields[0].0
        };
        let weight_field = self.field(weight_field);
        let mut per_field: Vec<Box<dyn Query>> = Vec::new();
        let pattern = if tokens.len() > 1 {
            if prefix || fuzzy.is_some() {
                self.notes.push(format!(
                    "'{}': a prefix or fuzzy search needs a single word; searched it as written",
                    leaf.raw
                ));
            }
            let first = tokens[0].0;
            let words: Vec<(u32, String)> = tokens
                .iter()
                .map(|(position, word)| (position - first, word.clone()))
                .collect();
            for &(field, boost) in fields {
                let field = self.field(field);
                let terms: Vec<(usize, IndexTerm)> = words
                    .iter()
                    .map(|(offset, word)| {
                        (*offset as usize, IndexTerm::from_field_text(field, word))
                    })
                    .collect();
                let query = PhraseQuery::new_with_offset_and_slop(terms, slop);
                per_field.push(boosted(Box::new(query), boost));
            }
            let weights = words
                .iter()
                .map(|(_, word)| self.idf(weight_field, std::slice::from_ref(word)))
                .collect::<Result<Vec<f32>>>()?;
            Pattern::Phrase {
                words,
                weights,
                slop,
            }
        } else {
            let mut stem = tokens[0].1.clone();
            let exact = matches!(leaf.term, Term::Word { .. }) && !prefix && fuzzy.is_none();
            if exact
                && positive
                && in_title
                && in_body
                && let Some(correction) = self.correct(&stem, &leaf.raw)?
            {
                stem = correction.stem.clone();
                self.corrections.push(correction);
            }
            let mut all_words = BTreeSet::new();
            for &(field, boost) in fields {
                let field = self.field(field);
                let spent = self.expanded >= MAX_QUERY_EXPANSIONS;
                let words = if (prefix || fuzzy.is_some_and(|d| d > 0)) && spent {
                    if !self.unexpanded.contains(&leaf.raw) {
                        self.unexpanded.push(leaf.raw.clone());
                    }
                    vec![stem.clone()]
                } else if prefix {
                    self.prefix_words(field, text, &stem, &leaf.raw)?
                } else if let Some(distance) = fuzzy.filter(|d| *d > 0) {
                    self.fuzzy_words(field, &stem, distance, &leaf.raw)?
                } else {
                    vec![stem.clone()]
                };
                if prefix || fuzzy.is_some_and(|d| d > 0) {
                    self.expanded += words.len();
                }
                let query: Box<dyn Query> = match words.as_slice() {
                    [] => Box::new(EmptyQuery),
                    [word] => Box::new(term_query(field, word)),
                    _ => Box::new(BooleanQuery::union(
                        words
                            .iter()
                            .map(|word| Box::new(term_query(field, word)) as Box<dyn Query>)
                            .collect(),
                    )),
                };
                per_field.push(boosted(query, boost));
                all_words.extend(words);
            }
            if (prefix || fuzzy.is_some()) && all_words.is_empty() {
                self.notes
                    .push(format!("'{}' matches no word in the index", leaf.raw));
            }
            Pattern::Words(all_words)
        };
        if positive && (in_title || in_body) {
            let weight = match &pattern {
                Pattern::Words(words) => {
                    let words: Vec<String> = words.iter().cloned().collect();
                    self.idf(weight_field, &words)?
                }
                Pattern::Phrase { weights, .. } => weights.iter().sum(),
            };
            self.concepts.push(Concept {
                label: leaf.raw.clone(),
                in_title,
                in_body,
                pattern,
                weight,
            });
        }
        Ok(Some(match per_field.len() {
            1 => per_field.remove(0),
            _ => Box::new(BooleanQuery::union(per_field)),
        }))
    }

    /// A leaf on the source, id or url field: matched whole, not analysed.
    fn raw_leaf(&mut self, leaf: &Leaf, target: Target) -> Result<Box<dyn Query>> {
        let fields = self.index.fields();
        let (field, value) = match (target, &leaf.term) {
            (_, Term::All) => return Ok(Box::new(AllQuery)),
            (
                Target::Source,
                Term::Word {
                    text,
                    prefix,
                    fuzzy,
                },
            ) if !prefix => match fuzzy {
                Some(_) => (fields.source, source_key(text)),
                None => (fields.source, resolve_source(self.index, text)?),
            },
            (Target::Source, Term::Phrase { text, .. }) => {
                (fields.source, resolve_source(self.index, text)?)
            }
            (Target::Source, Term::Word { text, .. }) => {
                (fields.source, text.trim().to_lowercase())
            }
            (Target::Raw(field), Term::Word { text, .. } | Term::Phrase { text, .. }) => {
                let value = if field == fields.id {
                    text.to_lowercase()
                } else {
                    text.clone()
                };
                (field, value)
            }
            (Target::Text(_), _) => return Ok(Box::new(EmptyQuery)),
        };
        let words = match &leaf.term {
            Term::Word { prefix: true, .. } => {
                self.prefix_words(field, &value, &value, &leaf.raw)?
            }
            Term::Word {
                fuzzy: Some(distance),
                ..
            } if *distance > 0 => self.fuzzy_words(field, &value, *distance, &leaf.raw)?,
            _ => vec![value],
        };
        Ok(match words.as_slice() {
            [] => Box::new(EmptyQuery),
            [word] => Box::new(TermQuery::new(
                IndexTerm::from_field_text(field, word),
                IndexRecordOption::Basic,
            )),
            _ => Box::new(BooleanQuery::union(
                words
                    .iter()
                    .map(|word| {
                        Box::new(TermQuery::new(
                            IndexTerm::from_field_text(field, word),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>
                    })
                    .collect(),
            )),
        })
    }

    /// The spelling to search instead of the analysed word `stem` (written `raw`) when no
    /// article has it, from the index's own words: the closest within the edits
    /// Elasticsearch's `AUTO` fuzziness allows (one for 3 to 5 letters, two from 6), the most
    /// common first. A word some articles have is kept: correcting rare words (in 3 articles
    /// or fewer, towards a spelling 100 times as common) turned rare names into common words
    /// and lost known-item searches (BENCHMARKS.md).
    fn correct(&mut self, stem: &str, raw: &str) -> Result<Option<Correction>> {
        let letters = stem.chars().count();
        if letters < 3 || stem.chars().any(|c| c.is_ascii_digit()) {
            return Ok(None);
        }
        let fields = self.index.fields();
        let articles = |word: &str| -> Result<u64> {
            let mut total = 0;
            for field in [fields.title, fields.body] {
                total += self
                    .searcher
                    .doc_freq(&IndexTerm::from_field_text(field, word))
                    .map_err(|e| self.index.search_error(e))?;
            }
            Ok(total)
        };
        if articles(stem)? > 0 {
            return Ok(None);
        }
        let distance: u8 = if letters >= 6 { 2 } else { 1 };
        let mut counts = self.within_edits(fields.body, stem, distance)?;
        for (word, count) in self.within_edits(fields.title, stem, distance)? {
            *counts.entry(word).or_default() += count;
        }
        // Misspellings rarely get the first letter wrong (Pollock and Zamora, 1984): only
        // words with the same first letter are candidates, the closest first, then the most
        // common (the likelier word, as in a noisy-channel speller).
        let target: Vec<char> = stem.chars().collect();
        let best = counts
            .into_iter()
            .filter(|(word, count)| {
                word != stem && *count > 0 && word.chars().next() == target.first().copied()
            })
            .map(|(word, count)| (edit_distance(&target, &word), count, word))
            .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let Some((_, _, word)) = best else {
            return Ok(None);
        };
        let mut corrected = self.surface(&word)?.unwrap_or_else(|| word.clone());
        if !raw.chars().any(char::is_uppercase) {
            corrected = corrected.to_lowercase();
        }
        Ok(Some(Correction {
            written: raw.to_string(),
            corrected,
            stem: word,
        }))
    }

    /// How an article writes the analysed word `stem`: the text of its first occurrence in the
    /// best article holding it.
    fn surface(&self, stem: &str) -> Result<Option<String>> {
        let fields = self.index.fields();
        for field in [fields.title, fields.body] {
            let query = TermQuery::new(
                IndexTerm::from_field_text(field, stem),
                IndexRecordOption::Basic,
            );
            let top = self
                .searcher
                .search(&query, &TopDocs::with_limit(1).order_by_score())
                .map_err(|e| self.index.search_error(e))?;
            let Some((_, address)) = top.first() else {
                continue;
            };
            let document: TantivyDocument = self
                .searcher
                .doc(*address)
                .map_err(|e| self.index.search_error(e))?;
            let article = fields.to_article(&document);
            let mut analyzer = news_analyzer();
            for text in [&article.title, &article.body] {
                let mut stream = analyzer.token_stream(text);
                while stream.advance() {
                    let token = stream.token();
                    if token.text == stem {
                        return Ok(text
                            .get(token.offset_from..token.offset_to)
                            .map(str::to_string));
                    }
                }
            }
        }
        Ok(None)
    }

    /// BM25's idf of a set of words taken together (their document counts summed, a bound on
    /// how many articles have any of them).
    fn idf(&self, field: Field, words: &[String]) -> Result<f32> {
        let documents = self.searcher.num_docs() as f32;
        let mut frequency = 0u64;
        for word in words {
            frequency += self
                .searcher
                .doc_freq(&IndexTerm::from_field_text(field, word))
                .map_err(|e| self.index.search_error(e))?;
        }
        Ok(idf(documents, frequency as f32))
    }

    /// The indexed words of `field` that start with the folded `text`, plus the word's own
    /// stem (so `country*` finds "country", whose stem is "countri"); the most frequent first.
    fn prefix_words(
        &mut self,
        field: Field,
        text: &str,
        stem: &str,
        raw: &str,
    ) -> Result<Vec<String>> {
        let folded = fold(text);
        let mut counts: HashMap<String, u64> = HashMap::new();
        if !folded.is_empty() {
            let upper = prefix_upper_bound(folded.as_bytes());
            for segment in self.searcher.segment_readers() {
                let inverted = segment
                    .inverted_index(field)
                    .map_err(|e| self.index.search_error(e))?;
                let range = inverted.terms().range().ge(folded.as_bytes());
                let range = match &upper {
                    Some(upper) => range.lt(upper),
                    None => range,
                };
                let mut stream = range.into_stream().map_err(|e| self.io_error(e))?;
                while stream.advance() {
                    let word = String::from_utf8_lossy(stream.key()).into_owned();
                    *counts.entry(word).or_default() += u64::from(stream.value().doc_freq);
                }
            }
        }
        let own = self
            .searcher
            .doc_freq(&IndexTerm::from_field_text(field, stem))
            .map_err(|e| self.index.search_error(e))?;
        if own > 0 {
            counts.entry(stem.to_string()).or_insert(own);
        }
        Ok(self.most_frequent(counts, MAX_PREFIX_WORDS, raw, |_| 0))
    }

    /// The indexed words of `field` within `distance` edits of `word`; the closest, then the
    /// most frequent, first.
    fn fuzzy_words(
        &mut self,
        field: Field,
        word: &str,
        distance: u8,
        raw: &str,
    ) -> Result<Vec<String>> {
        let target: Vec<char> = word.chars().collect();
        let counts = self.within_edits(field, word, distance)?;
        Ok(
            self.most_frequent(counts, MAX_FUZZY_WORDS, raw, |candidate| {
                edit_distance(&target, candidate)
            }),
        )
    }

    /// The indexed words of `field` within `distance` edits of `word` (a transposition counts
    /// as one), with their article counts, found by walking the word list with a Levenshtein
    /// automaton (as tantivy's `FuzzyTermQuery` does): only the branches that can still match
    /// are read, not every word of every segment.
    fn within_edits(&self, field: Field, word: &str, distance: u8) -> Result<HashMap<String, u64>> {
        let term = IndexTerm::from_field_text(field, word);
        let automaton = FuzzyTermQuery::new(term, distance.min(2), true)
            .automaton()
            .map_err(|e| self.index.search_error(e))?;
        let mut counts: HashMap<String, u64> = HashMap::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment
                .inverted_index(field)
                .map_err(|e| self.index.search_error(e))?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(|e| self.io_error(e))?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                *counts.entry(candidate.to_string()).or_default() +=
                    u64::from(stream.value().doc_freq);
            }
        }
        Ok(counts)
    }

    fn most_frequent(
        &mut self,
        counts: HashMap<String, u64>,
        limit: usize,
        raw: &str,
        distance: impl Fn(&str) -> usize,
    ) -> Vec<String> {
        let found = counts.len();
        let mut words: Vec<(usize, u64, String)> = counts
            .into_iter()
            .map(|(word, count)| (distance(&word), count, word))
            .collect();
        words.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        if found > limit {
            // Title and body each have their word list: one note, with the larger count.
            match self.capped.iter_mut().find(|(leaf, _, _)| leaf == raw) {
                Some(entry) => entry.1 = entry.1.max(found),
                None => self.capped.push((raw.to_string(), found, limit)),
            }
            words.truncate(limit);
        }
        words.into_iter().map(|(_, _, word)| word).collect()
    }

    fn io_error(&self, error: std::io::Error) -> Error {
        self.index
            .search_error(tantivy::TantivyError::IoError(std::sync::Arc::new(error)))
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

fn term_query(field: Field, word: &str) -> TermQuery {
    TermQuery::new(
        IndexTerm::from_field_text(field, word),
        IndexRecordOption::WithFreqs,
    )
}

/// BM25's inverse document frequency, as tantivy computes it.
pub fn idf(documents: f32, frequency: f32) -> f32 {
    let frequency = frequency.min(documents);
    (1.0 + (documents - frequency + 0.5) / (frequency + 0.5)).ln()
}

/// The analysed words of `text` with their positions, as the index stores them.
fn analyse_positions(text: &str) -> Vec<(u32, String)> {
    let mut analyzer = news_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        let token = stream.token();
        tokens.push((token.position as u32, token.text.clone()));
    }
    tokens
}

/// `text` lowercased and folded but not stemmed: what a typed prefix is compared with (the
/// schema's folding analysis, its words run together).
fn fold(text: &str) -> String {
    let mut analyzer = folding_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut folded = String::new();
    while stream.advance() {
        folded.push_str(&stream.token().text);
    }
    folded
}

/// The smallest byte string greater than every string starting with `prefix`.
fn prefix_upper_bound(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < u8::MAX {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}

/// Levenshtein distance between `target` and `candidate`, in characters.
fn edit_distance(target: &[char], candidate: &str) -> usize {
    let mut previous: Vec<usize> = (0..=target.len()).collect();
    let mut current = vec![0; target.len() + 1];
    for (i, c) in candidate.chars().enumerate() {
        current[0] = i + 1;
        for (j, t) in target.iter().enumerate() {
            let substitution = previous[j] + usize::from(*t != c);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[target.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        let target: Vec<char> = "zelenski".chars().collect();
        assert_eq!(edit_distance(&target, "zelenski"), 0);
        assert_eq!(edit_distance(&target, "zelenskii"), 1);
        assert_eq!(edit_distance(&target, "selenski"), 1);
        assert_eq!(edit_distance(&target, "zelensk"), 1);
    }

    #[test]
    fn prefixes_are_folded_but_not_stemmed() {
        assert_eq!(fold("Clim"), "clim");
        assert_eq!(fold("Societ"), "societ");
        assert_eq!(prefix_upper_bound(b"clim"), Some(b"clin".to_vec()));
        assert_eq!(prefix_upper_bound(&[0xff]), None);
    }
}
