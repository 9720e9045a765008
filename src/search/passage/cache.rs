//! Articles' bodies as cut once ([`Cut`], [`cut_of`]): their word boundaries and passage spans,
//! which depend on the text alone, kept between searches within a byte budget.
//!
//! A long page takes longer to scan for words and cut into passages than to score once its
//! words are marked; a server asked about the same pages again keeps the cut of each body it
//! has read ([`enable`]), keyed by tantivy's segment id and document id (a segment never
//! changes). Nothing is kept until [`enable`] is called, so a one-shot search pays nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::DocId;
use tantivy::index::SegmentId;

use super::{ByteSpan, split};
use crate::index::analysis::words;

/// A body's words (`(position, start, end)`, as [`words`] gives them) and passage spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    /// Every word the index holds, in order.
    pub words: Vec<(u32, u32, u32)>,
    /// The passages ([`split`]).
    pub spans: Vec<ByteSpan>,
}

impl Cut {
    /// Cuts `body`; `None` when its offsets do not fit 32 bits.
    pub fn of(body: &str) -> Option<Cut> {
        u32::try_from(body.len()).ok()?;
        let words = words(body)
            .map(|(position, start, end)| (position, start as u32, end as u32))
            .collect();
        Some(Cut {
            words,
            spans: split(body),
        })
    }

    /// Bytes it holds.
    fn bytes(&self) -> usize {
        self.words.len() * std::mem::size_of::<(u32, u32, u32)>()
            + self.spans.len() * std::mem::size_of::<ByteSpan>()
            + std::mem::size_of::<Cut>()
    }
}

/// The cuts kept, oldest first out once the budget is spent.
struct Kept {
    budget: usize,
    bytes: usize,
    cuts: HashMap<(SegmentId, DocId), Arc<Cut>>,
    order: VecDeque<(SegmentId, DocId)>,
}

static KEPT: OnceLock<Mutex<Kept>> = OnceLock::new();

/// Keeps the cuts of bodies read from now on, up to `budget` bytes in all.
pub fn enable(budget: usize) {
    let kept = KEPT.get_or_init(|| {
        Mutex::new(Kept {
            budget: 0,
            bytes: 0,
            cuts: HashMap::new(),
            order: VecDeque::new(),
        })
    });
    if let Ok(mut kept) = kept.lock() {
        kept.budget = budget;
    }
}

/// The cut of document `doc` of segment `segment`, whose body is `body`: kept from an earlier
/// search, or made now (and kept when [`enable`]d).
pub fn cut_of(segment: SegmentId, doc: DocId, body: &str) -> Option<Arc<Cut>> {
    let Some(kept) = KEPT.get() else {
        return Cut::of(body).map(Arc::new);
    };
    let key = (segment, doc);
    if let Some(found) = kept.lock().ok()?.cuts.get(&key) {
        return Some(Arc::clone(found));
    }
    let cut = Arc::new(Cut::of(body)?);
    let mut kept = kept.lock().ok()?;
    let size = cut.bytes();
    if size <= kept.budget && !kept.cuts.contains_key(&key) {
        while kept.bytes + size > kept.budget {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(gone) = kept.cuts.remove(&oldest) {
                kept.bytes -= gone.bytes();
            }
        }
        kept.bytes += size;
        kept.order.push_back(key);
        kept.cuts.insert(key, Arc::clone(&cut));
    }
    Some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_are_kept_within_the_budget_and_the_oldest_go_first() {
        enable(4 << 10);
        let segment = SegmentId::generate_random();
        let body = "One two three.\n\nFour five six. ".repeat(20);
        let first = cut_of(segment, 0, &body).unwrap();
        assert_eq!(*first, Cut::of(&body).unwrap());
        assert!(
            Arc::ptr_eq(&first, &cut_of(segment, 0, &body).unwrap()),
            "kept"
        );
        for doc in 1..100 {
            cut_of(segment, doc, &body);
        }
        let kept = KEPT.get().unwrap().lock().unwrap();
        assert!(
            kept.bytes <= kept.budget,
            "{} > {}",
            kept.bytes,
            kept.budget
        );
        assert!(
            !kept.cuts.contains_key(&(segment, 0)),
            "the oldest went first"
        );
        assert!(kept.cuts.contains_key(&(segment, 99)));
    }
}
