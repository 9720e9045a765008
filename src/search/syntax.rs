//! The query language read forgivingly: text in, a tree of [`Clause`]s and notes out ([`parse`]).
//!
//! Unbalanced quotes and parentheses and stray operators are read the way the user most likely
//! meant them, each with a note; only a field name that is clearly meant but unknown fails.
//! Analysing words into index terms is [`super::query`]'s job, not this module's.

use crate::choice::Choice;

/// A field a query may name with `field:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryField {
    /// The headline.
    Title,
    /// The article's text.
    Body,
    /// Who wrote it.
    Byline,
    /// The paper or agency: a restriction, matched as the source resolver reads it.
    Source,
    /// The address it was published at, as written: a restriction.
    Url,
    /// The article id, as written: a restriction.
    Id,
}

impl Choice for QueryField {
    const NAMES: &'static [(&'static str, QueryField, &'static str)] = &[
        ("title", QueryField::Title, "the headline"),
        ("body", QueryField::Body, "the article's text"),
        ("byline", QueryField::Byline, "who wrote it"),
        ("source", QueryField::Source, "the paper or agency"),
        ("url", QueryField::Url, "the address, as written"),
        ("id", QueryField::Id, "the article id"),
    ];
    const WHAT: &'static str = "field";
}

crate::choice::by_name!(QueryField);

impl QueryField {
    /// Whether a word in this field restricts which articles count rather than naming words
    /// to find: no reading of the query relaxes it.
    pub fn restricts(self) -> bool {
        matches!(self, QueryField::Source | QueryField::Url | QueryField::Id)
    }
}

/// The field names, for messages: `title, body, byline, source, url, id`.
fn field_names() -> String {
    QueryField::NAMES
        .iter()
        .map(|(name, _, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The widest fuzzy match: two edits.
pub const MAX_FUZZY: u8 = 2;

/// The widest proximity a phrase may ask for (`"a b"~N`).
pub const MAX_SLOP: u32 = 100;

/// How a clause takes part in its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Written next to its neighbours with no operator: required unless the search relaxes
    /// (`--any`, or the closest-match fallback).
    Implicit,
    /// `+word`, or joined by `AND`: always required.
    Required,
    /// One side of an `OR`.
    Optional,
    /// `-word` or `NOT word`.
    Excluded,
}

/// A query tree: a leaf or a group of clauses.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One word or phrase.
    Leaf(Leaf),
    /// Clauses combined by their roles.
    Group(Vec<Clause>),
}

/// A node with its role in the enclosing group.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// Required, optional, excluded or implicit.
    pub role: Role,
    /// What the clause matches.
    pub node: Node,
}

/// One word or phrase, with the field it is limited to.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// The field it is limited to, or `None` for title and body.
    pub field: Option<QueryField>,
    /// What to look for.
    pub term: Term,
    /// `^2.5`: multiplies the leaf's score.
    pub boost: Option<f32>,
    /// The leaf as the user wrote it, for notes and explanations.
    pub raw: String,
}

/// What a leaf looks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A word; `prefix` for `clim*`, `fuzzy` for `word~N`.
    Word {
        /// The word as written (without its `*`, `~N` or `^N`).
        text: String,
        /// Matches every indexed word starting with the text.
        prefix: bool,
        /// Matches indexed words within this many edits.
        fuzzy: Option<u8>,
    },
    /// A quoted phrase; `slop` for `"a b"~N`.
    Phrase {
        /// The words between the quotes.
        text: String,
        /// How far the words may move from their written places.
        slop: u32,
    },
    /// `*` alone: every article.
    All,
}

/// The parsed query and what was read differently from how it was written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// The clauses of the top-level group (empty: nothing searchable).
    pub clauses: Vec<Clause>,
    /// One sentence per repair, e.g. ``added the missing closing quote``.
    pub notes: Vec<String>,
}

/// Reads `text`.
///
/// # Errors
/// The reason, when a lowercase `name:value` names a field that does not exist
/// (`headline:apples`): that is clearly meant as a field, and guessing would hide the mistake.
pub fn parse(text: &str) -> Result<Parsed, String> {
    let mut notes = Vec::new();
    let tokens = lex(text, &mut notes)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        notes,
    };
    let clauses = parser.parse_or(None).map(into_clauses).unwrap_or_default();
    Ok(Parsed {
        clauses,
        notes: parser.notes,
    })
}

fn into_clauses(node: Node) -> Vec<Clause> {
    match node {
        Node::Group(clauses) => clauses,
        leaf => vec![Clause {
            role: Role::Implicit,
            node: leaf,
        }],
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open(Option<QueryField>),
    Close,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Leaf(Leaf),
}

const QUOTES: [char; 4] = ['"', '“', '”', '„'];

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || QUOTES.contains(&c)
}

fn known_field(name: &str) -> Option<QueryField> {
    QueryField::NAMES
        .iter()
        .find(|(field, _, _)| field.eq_ignore_ascii_case(name))
        .map(|&(_, field, _)| field)
}

/// Cuts the text into tokens, dropping unmatched `)` and noting unclosed quotes.
// Longer than most: one character loop of the lexer, whose arms share the position, the pending field
// and the notes; the arms call out to functions for phrases and words.
fn lex(text: &str, notes: &mut Vec<String>) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    let mut field: Option<QueryField> = None;
    while at < chars.len() {
        let c = chars[at];
        if c.is_whitespace() {
            at += 1;
            continue;
        }
        if c == '(' {
            tokens.push(Token::Open(field.take()));
            depth += 1;
            at += 1;
            continue;
        }
        if c == ')' {
            if depth == 0 {
                notes.push("ignored a ')' that closes nothing".to_string());
            } else {
                depth -= 1;
                tokens.push(Token::Close);
            }
            at += 1;
            continue;
        }
        if QUOTES.contains(&c) {
            let (leaf, next) = lex_phrase(&chars, at, field.take(), notes);
            tokens.extend(leaf.map(Token::Leaf));
            at = next;
            continue;
        }
        if (c == '+' || c == '-') && field.is_none() {
            match chars.get(at + 1) {
                Some(&next) if !next.is_whitespace() && next != ')' => {
                    tokens.push(if c == '+' { Token::Plus } else { Token::Minus });
                }
                _ => notes.push(format!("ignored a '{c}' with no word after it")),
            }
            at += 1;
            continue;
        }
        let start = at;
        while at < chars.len() && !is_delimiter(chars[at]) {
            at += 1;
        }
        let chunk: String = chars[start..at].iter().collect();
        if field.is_none() {
            match chunk.as_str() {
                "AND" => {
                    tokens.push(Token::And);
                    continue;
                }
                "OR" => {
                    tokens.push(Token::Or);
                    continue;
                }
                "NOT" => {
                    tokens.push(Token::Not);
                    continue;
                }
                _ => {}
            }
        }
        if field.is_none()
            && let Some(colon) = chunk.find(':')
        {
            let name = &chunk[..colon];
            let value = &chunk[colon + 1..];
            let next = chars.get(at).copied();
            if let Some(known) = known_field(name) {
                if !value.is_empty() {
                    tokens.extend(word_leaf(value, Some(known), &chunk, notes).map(Token::Leaf));
                    continue;
                }
                // `title:"…"`, `title:(…)` or `title: word`: the field applies to what follows.
                while at < chars.len() && chars[at].is_whitespace() {
                    at += 1;
                }
                if at < chars.len() && chars[at] != ')' {
                    field = Some(known);
                } else {
                    notes.push(format!("ignored '{chunk}' with nothing after it"));
                }
                continue;
            }
            let clearly_a_field = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && (value.starts_with(|c: char| c.is_alphanumeric())
                    || (value.is_empty() && next.is_some_and(|n| n == '(' || QUOTES.contains(&n))));
            if clearly_a_field {
                return Err(format!(
                    "unknown field '{name}' (searchable fields: {})",
                    field_names()
                ));
            }
            let reads_as_word =
                value.is_empty() || value.starts_with(|c: char| c.is_alphanumeric());
            if !name.is_empty() && name.chars().all(char::is_alphabetic) && reads_as_word {
                notes.push(format!(
                    "read '{chunk}' as words: '{name}' is not a field (fields: {})",
                    field_names()
                ));
            }
        }
        let raw = match field {
            Some(name) => format!("{name}:{chunk}"),
            None => chunk.clone(),
        };
        tokens.extend(word_leaf(&chunk, field.take(), &raw, notes).map(Token::Leaf));
    }
    if let Some(name) = field {
        notes.push(format!("ignored '{name}:' with nothing after it"));
    }
    Ok(tokens)
}

/// Reads a phrase starting at the quote at `chars[start]`, with its `~N`, `*` and `^N` suffixes.
fn lex_phrase(
    chars: &[char],
    start: usize,
    field: Option<QueryField>,
    notes: &mut Vec<String>,
) -> (Option<Leaf>, usize) {
    let mut at = start + 1;
    let body_start = at;
    while at < chars.len() && !QUOTES.contains(&chars[at]) {
        at += 1;
    }
    let text: String = chars[body_start..at].iter().collect();
    let closed = at < chars.len();
    if closed {
        at += 1;
    } else if !text.trim().is_empty() {
        notes.push(format!(
            "added the missing closing quote: searched the phrase \"{}\"",
            text.trim()
        ));
    }
    let suffix_start = at;
    while closed && at < chars.len() && !is_delimiter(chars[at]) {
        at += 1;
    }
    let suffix: String = chars[suffix_start..at].iter().collect();
    let raw = {
        let written: String = chars[start..at].iter().collect();
        match field {
            Some(name) => format!("{name}:{written}"),
            None => written,
        }
    };
    if text.trim().is_empty() {
        notes.push("ignored an empty phrase".to_string());
        return (None, at);
    }
    let (rest, boost) = split_boost(&suffix, &raw, notes);
    let mut slop = 0;
    if let Some(distance) = rest.strip_prefix('~') {
        let digits: String = distance.chars().take_while(char::is_ascii_digit).collect();
        slop = if digits.is_empty() {
            1
        } else {
            digits.parse().unwrap_or(MAX_SLOP)
        };
        if slop > MAX_SLOP {
            notes.push(format!(
                "'{raw}': proximity is at most {MAX_SLOP}; used {MAX_SLOP}"
            ));
            slop = MAX_SLOP;
        }
        if distance.len() > digits.len() {
            notes.push(format!(
                "ignored '{}' after '{raw}'",
                &distance[digits.len()..]
            ));
        }
    } else if !rest.is_empty() {
        notes.push(format!(
            "ignored '{rest}' after the phrase \"{}\" (a phrase takes ~N or ^N)",
            text.trim()
        ));
    }
    let leaf = Leaf {
        field,
        term: Term::Phrase { text, slop },
        boost,
        raw,
    };
    (Some(leaf), at)
}

/// Splits a trailing `^N` boost off `text`.
fn split_boost<'a>(text: &'a str, raw: &str, notes: &mut Vec<String>) -> (&'a str, Option<f32>) {
    let Some(caret) = text.rfind('^') else {
        return (text, None);
    };
    let (head, tail) = (&text[..caret], &text[caret + 1..]);
    match tail.parse::<f32>() {
        Ok(boost) if boost.is_finite() && boost >= 0.0 => (head, Some(boost)),
        _ => {
            notes.push(format!("ignored '^{tail}' in '{raw}': a boost is a number"));
            (head, None)
        }
    }
}

/// Reads a word with its `*`, `~N` and `^N` suffixes; `None` when nothing is left of it.
fn word_leaf(
    chunk: &str,
    field: Option<QueryField>,
    raw: &str,
    notes: &mut Vec<String>,
) -> Option<Leaf> {
    let (mut text, boost) = split_boost(chunk, raw, notes);
    let mut fuzzy = None;
    if let Some(tilde) = text.rfind('~') {
        let digits = &text[tilde + 1..];
        if digits.chars().all(|c| c.is_ascii_digit()) && tilde > 0 {
            let distance: u8 = if digits.is_empty() {
                1
            } else {
                digits.parse().unwrap_or(u8::MAX)
            };
            if distance > MAX_FUZZY {
                notes.push(format!(
                    "'{raw}': a fuzzy match allows at most {MAX_FUZZY} edits; used {MAX_FUZZY}"
                ));
            }
            fuzzy = Some(distance.min(MAX_FUZZY));
            text = &text[..tilde];
        }
    }
    let mut prefix = false;
    if let Some(star) = text.find('*') {
        if text == "*" && field.is_none() && fuzzy.is_none() {
            return Some(Leaf {
                field,
                term: Term::All,
                boost,
                raw: raw.to_string(),
            });
        }
        if star + 1 < text.trim_end_matches('*').len() {
            notes.push(format!(
                "'{raw}': only a '*' at the end of a word is understood; searched '{}*'",
                &text[..star]
            ));
        }
        text = &text[..star];
        prefix = true;
        if fuzzy.is_some() {
            notes.push(format!(
                "'{raw}': a word is either a prefix or fuzzy; used the prefix"
            ));
            fuzzy = None;
        }
    }
    let text = strip_possessive(text);
    if text.is_empty() {
        notes.push(format!("ignored '{raw}': nothing to search in it"));
        return None;
    }
    Some(Leaf {
        field,
        term: Term::Word {
            text: text.to_string(),
            prefix,
            fuzzy,
        },
        boost,
        raw: raw.to_string(),
    })
}

/// `president's` → `president`: the index splits at the apostrophe, and a reader searching
/// for the president's policies means the president.
fn strip_possessive(word: &str) -> &str {
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = word.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return stem;
        }
    }
    word
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    notes: Vec<String>,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn advance(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn note(&mut self, note: &str) {
        self.notes.push(note.to_string());
    }

    /// `a OR b OR c`, up to a `)` or the end.
    fn parse_or(&mut self, field: Option<QueryField>) -> Option<Node> {
        let mut alternatives: Vec<Node> = Vec::new();
        loop {
            let alternative = self.parse_and(field);
            match (alternative, self.peek()) {
                (Some(node), _) => alternatives.push(node),
                (None, Some(Token::Or)) if alternatives.is_empty() => {
                    self.note("ignored 'OR' with nothing before it");
                }
                (None, Some(Token::Or)) => self.note("ignored a repeated 'OR'"),
                (None, _) if !alternatives.is_empty() => {
                    self.note("ignored 'OR' with nothing after it");
                }
                (None, _) => {}
            }
            if matches!(self.peek(), Some(Token::Or)) {
                self.advance();
            } else {
                break;
            }
        }
        match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(Node::Group(
                alternatives
                    .into_iter()
                    .map(|node| Clause {
                        role: Role::Optional,
                        node,
                    })
                    .collect(),
            )),
        }
    }

    /// Clauses side by side or joined by `AND`, up to an `OR`, a `)` or the end.
    fn parse_and(&mut self, field: Option<QueryField>) -> Option<Node> {
        let mut clauses: Vec<Clause> = Vec::new();
        let mut joined = false;
        loop {
            match self.peek() {
                None | Some(Token::Close) | Some(Token::Or) => break,
                Some(Token::And) => {
                    self.advance();
                    if clauses.is_empty() {
                        self.note("ignored 'AND' with nothing before it");
                    } else if joined {
                        self.note("ignored a repeated 'AND'");
                    } else {
                        joined = true;
                    }
                }
                Some(_) => {
                    let Some(mut clause) = self.parse_unary(field) else {
                        continue;
                    };
                    if joined {
                        if let Some(last) = clauses.last_mut()
                            && last.role == Role::Implicit
                        {
                            last.role = Role::Required;
                        }
                        if clause.role == Role::Implicit {
                            clause.role = Role::Required;
                        }
                        joined = false;
                    }
                    clauses.push(clause);
                }
            }
        }
        if joined {
            self.note("ignored 'AND' with nothing after it");
        }
        match clauses.len() {
            0 => None,
            1 if clauses[0].role == Role::Implicit => clauses.pop().map(|clause| clause.node),
            _ => Some(Node::Group(clauses)),
        }
    }

    /// `NOT x`, `-x`, `+x`, `( … )` or a leaf.
    fn parse_unary(&mut self, field: Option<QueryField>) -> Option<Clause> {
        let mut role = Role::Implicit;
        let mut operator = None;
        while let Some(token) = self.peek() {
            let (next, name) = match token {
                Token::Not => (Role::Excluded, "NOT"),
                Token::Minus => (Role::Excluded, "-"),
                Token::Plus => (Role::Required, "+"),
                _ => break,
            };
            role = next;
            operator = Some(name);
            self.advance();
        }
        match self.peek() {
            Some(Token::Leaf(_)) => {
                let Some(Token::Leaf(mut leaf)) = self.advance() else {
                    return None;
                };
                if leaf.field.is_none() {
                    leaf.field = field;
                }
                Some(Clause {
                    role,
                    node: Node::Leaf(leaf),
                })
            }
            Some(Token::Open(_)) => {
                let Some(Token::Open(group_field)) = self.advance() else {
                    return None;
                };
                let inner = self.parse_or(group_field.or(field));
                if matches!(self.peek(), Some(Token::Close)) {
                    self.advance();
                } else {
                    self.note("added the missing ')'");
                }
                inner.map(|node| Clause { role, node })
            }
            _ => {
                if let Some(name) = operator {
                    self.notes
                        .push(format!("ignored '{name}' with no word after it"));
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Node {
        Node::Leaf(Leaf {
            field: None,
            term: Term::Word {
                text: text.to_string(),
                prefix: false,
                fuzzy: None,
            },
            boost: None,
            raw: text.to_string(),
        })
    }

    fn roles(parsed: &Parsed) -> Vec<Role> {
        parsed.clauses.iter().map(|c| c.role).collect()
    }

    #[test]
    fn plain_words_are_implicit_and_operators_set_roles() {
        let parsed = parse("security talks").unwrap();
        assert_eq!(roles(&parsed), [Role::Implicit, Role::Implicit]);
        assert!(parsed.notes.is_empty());
        let parsed = parse("+treaty -iran talks").unwrap();
        assert_eq!(
            roles(&parsed),
            [Role::Required, Role::Excluded, Role::Implicit]
        );
        let parsed = parse("nuclear AND treaty NOT iran").unwrap();
        assert_eq!(
            roles(&parsed),
            [Role::Required, Role::Required, Role::Excluded]
        );
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let parsed = parse("a b OR c").unwrap();
        assert_eq!(roles(&parsed), [Role::Optional, Role::Optional]);
        assert_eq!(
            parsed.clauses[0].node,
            Node::Group(vec![
                Clause {
                    role: Role::Implicit,
                    node: word("a")
                },
                Clause {
                    role: Role::Implicit,
                    node: word("b")
                },
            ])
        );
        assert_eq!(parsed.clauses[1].node, word("c"));
    }

    #[test]
    fn suffixes_make_prefix_fuzzy_proximity_and_boost() {
        let parsed = parse("clim* Zelensky~1 \"nuclear treaty\"~5 title:talks^2").unwrap();
        let leaves: Vec<&Leaf> = parsed
            .clauses
            .iter()
            .filter_map(|c| match &c.node {
                Node::Leaf(leaf) => Some(leaf),
                Node::Group(_) => None,
            })
            .collect();
        assert_eq!(
            leaves[0].term,
            Term::Word {
                text: "clim".into(),
                prefix: true,
                fuzzy: None
            }
        );
        assert_eq!(
            leaves[1].term,
            Term::Word {
                text: "Zelensky".into(),
                prefix: false,
                fuzzy: Some(1)
            }
        );
        assert_eq!(
            leaves[2].term,
            Term::Phrase {
                text: "nuclear treaty".into(),
                slop: 5
            }
        );
        assert_eq!(leaves[3].field, Some(QueryField::Title));
        assert_eq!(leaves[3].boost, Some(2.0));
        assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
    }

    #[test]
    fn an_unclosed_quote_becomes_a_phrase_to_the_end_with_a_note() {
        let parsed = parse("\"nuclear talks").unwrap();
        assert_eq!(parsed.clauses.len(), 1);
        assert!(matches!(
            &parsed.clauses[0].node,
            Node::Leaf(Leaf { term: Term::Phrase { text, .. }, .. }) if text == "nuclear talks"
        ));
        assert_eq!(
            parsed.notes,
            ["added the missing closing quote: searched the phrase \"nuclear talks\""]
        );
    }

    #[test]
    fn stray_operators_are_dropped_with_notes() {
        for (query, note) in [
            ("AND war", "ignored 'AND' with nothing before it"),
            ("war AND", "ignored 'AND' with nothing after it"),
            ("OR war", "ignored 'OR' with nothing before it"),
            ("war OR", "ignored 'OR' with nothing after it"),
            ("war NOT", "ignored 'NOT' with no word after it"),
            ("war )", "ignored a ')' that closes nothing"),
            ("(war peace", "added the missing ')'"),
            ("war - peace", "ignored a '-' with no word after it"),
            ("war \"", "ignored an empty phrase"),
        ] {
            let parsed = parse(query).unwrap();
            assert_eq!(parsed.notes, [note], "{query}");
            assert!(!parsed.clauses.is_empty(), "{query}");
        }
    }

    #[test]
    fn a_colon_after_a_word_and_a_space_is_punctuation() {
        let parsed = parse("U.S. talks: a way").unwrap();
        assert_eq!(parsed.clauses.len(), 4);
        assert_eq!(
            parsed.notes,
            [
                "read 'talks:' as words: 'talks' is not a field (fields: title, body, byline, source, url, id)"
            ]
        );
        assert!(parse("meeting at 10:30").unwrap().notes.is_empty());
        assert!(parse("https://example.org/a").unwrap().notes.is_empty());
    }

    #[test]
    fn a_clearly_meant_unknown_field_is_an_error() {
        let err = parse("headline:apples").unwrap_err();
        assert_eq!(
            err,
            "unknown field 'headline' (searchable fields: title, body, byline, source, url, id)"
        );
        assert!(parse("headline:\"big apples\"").is_err());
    }

    #[test]
    fn fields_apply_to_groups_and_to_the_next_word() {
        let parsed = parse("title:(treaty OR accord) source: reuters").unwrap();
        let Node::Group(inner) = &parsed.clauses[0].node else {
            panic!("{parsed:?}");
        };
        assert!(inner.iter().all(|c| matches!(
            &c.node,
            Node::Leaf(Leaf {
                field: Some(QueryField::Title),
                ..
            })
        )));
        assert!(matches!(
            &parsed.clauses[1].node,
            Node::Leaf(Leaf {
                field: Some(QueryField::Source),
                ..
            })
        ));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_names_an_unknown_field(text in "(?s).{0,200}") {
            match parse(&text) {
                Ok(_) => {}
                Err(reason) => proptest::prop_assert!(reason.starts_with("unknown field '")),
            }
        }

        #[test]
        fn operator_soup_never_fails(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["AND", "OR", "NOT", "(", ")", "\"", "-", "+", "*", "~", "^", ":", "title:", "talks", "clim*", "x~2", "\"a b\"~3"]),
                0..12,
            )
        ) {
            proptest::prop_assert!(parse(&parts.join(" ")).is_ok());
        }
    }

    #[test]
    fn possessives_are_dropped_from_plain_words() {
        let parsed = parse("president's").unwrap();
        assert_eq!(parsed.clauses[0].node, {
            let Node::Leaf(mut leaf) = word("president") else {
                unreachable!()
            };
            leaf.raw = "president's".into();
            Node::Leaf(leaf)
        });
    }
}
