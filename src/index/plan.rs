//! What a run of [`update`](super::update) must do with each file: [`Planner`] sends a file the
//! index does not hold to be read as soon as the walk lists it, and [`SyncPlan`] sorts the
//! files it holds, once the walk has ended, into changed and unchanged ones and lists the
//! indexed files that are gone. Neither needs tantivy nor threads, so the rules of incremental
//! sync are tested here on plain data.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxBuildHasher;
use std::path::PathBuf;

use super::schema::FileState;
use crate::article::is_under;
use crate::parse::{Format, Listed, ParseContext};

/// What the index holds, by file key. Hashed with FxHash: every file of a run is looked up
/// in it, and paths need no protection from chosen collisions.
pub(crate) type KnownFiles = HashMap<String, Known, FxBuildHasher>;

/// File keys, hashed as [`KnownFiles`].
pub(crate) type Keys = HashSet<String, FxBuildHasher>;

/// What the index holds for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Known {
    /// Its state when it was read.
    pub state: FileState,
    /// How many articles it gave.
    pub articles: u64,
}

/// A file the walk found, with its state on disk (the content hash is computed when it is
/// read) and the archive it belongs to.
#[derive(Debug)]
pub(crate) struct Found<'a> {
    /// Where it is and how to read it.
    pub listed: Listed,
    /// Its modification time, size and archive fingerprint now.
    pub state: FileState,
    /// The archive (config, sidecar tables) it is read with.
    pub context: &'a ParseContext,
}

/// A file to read.
#[derive(Debug)]
pub(crate) struct Candidate<'a> {
    /// The index's key for it.
    pub key: String,
    /// The path to open.
    pub file: PathBuf,
    /// The path as the user would write it.
    pub shown: PathBuf,
    /// How to read it.
    pub format: Format,
    /// The fingerprint of its archive's config and sidecar rows for it
    /// ([`ParseContext::file_fingerprint`]); its size and time are taken from the file when
    /// it is opened to be read.
    pub fingerprint: u64,
    /// What the index holds for it, if anything.
    pub known: Option<Known>,
    /// Read and re-index it even if its content is unchanged: its archive's config or sidecar
    /// tables changed, so the same bytes may give other articles.
    pub force: bool,
    /// The archive it is read with.
    pub context: &'a ParseContext,
}

/// Sorts files as the walk lists them: a file the index does not hold is new, to be read at
/// once, without asking the file system for its size and time first (the reader takes them
/// from the file it opens); a file the index holds is kept back, to be compared with what the
/// index holds once the walk has ended ([`SyncPlan::compute`]).
pub(crate) struct Planner<'k, 'a> {
    known: &'k KnownFiles,
    /// The keys planned so far, when more than one root is walked: a file listed under two
    /// roots is planned once (one root lists each path once).
    planned: Option<Keys>,
    /// The files the index holds, in walk order, with their archives.
    held: Vec<(Listed, &'a ParseContext)>,
}

impl<'k, 'a> Planner<'k, 'a> {
    /// A planner against what the index holds, for a walk of `roots` roots.
    pub fn new(known: &'k KnownFiles, roots: usize) -> Planner<'k, 'a> {
        Planner {
            known,
            planned: (roots > 1).then(Keys::default),
            held: Vec::new(),
        }
    }

    /// Takes one file the walk listed: the file to read now if the index does not hold it,
    /// else `None` (kept back, or listed before).
    pub fn take(&mut self, file: Listed, context: &'a ParseContext) -> Option<Candidate<'a>> {
        if let Some(planned) = &mut self.planned
            && !planned.insert(file.key.clone())
        {
            return None;
        }
        if self.known.contains_key(&file.key) {
            self.held.push((file, context));
            return None;
        }
        Some(Candidate {
            fingerprint: context.file_fingerprint(&file.file),
            key: file.key,
            file: file.file,
            shown: file.shown,
            format: file.format,
            known: None,
            force: false,
            context,
        })
    }

    /// The files kept back: those the index holds, in walk order.
    pub fn into_held(self) -> Vec<(Listed, &'a ParseContext)> {
        self.held
    }
}

/// The work of one run on the files the index holds, in the order it is applied.
#[derive(Debug, Default)]
pub(crate) struct SyncPlan<'a> {
    /// Files the index does not hold, in walk order (none when the walk's [`Planner`] has
    /// sent them to be read already).
    pub new: Vec<Candidate<'a>>,
    /// Indexed files whose size, time or archive changed, in walk order; those whose content
    /// turns out the same when read are left alone.
    pub changed: Vec<Candidate<'a>>,
    /// Indexed files under a walked root that the walk no longer finds, with what the index
    /// holds for them: their articles are deleted.
    pub removed: Vec<(String, Known)>,
    /// Files left alone: same size, time and archive as when they were read.
    pub unchanged: u64,
}

impl<'a> SyncPlan<'a> {
    /// Sorts what the walk `found` against what the index holds (`known`). `listed` holds the
    /// key of every file the walk listed that `known` holds, including those whose state could
    /// not be read (they are not gone); `walked_roots` are the roots walked this run (as keys), under which an
    /// unlisted indexed file is gone; under `stale_archives`, every indexed file is read again.
    /// A file listed under two roots is planned once.
    pub fn compute(
        found: Vec<Found<'a>>,
        known: &KnownFiles,
        listed: &Keys,
        walked_roots: &[String],
        stale_archives: &[String],
    ) -> SyncPlan<'a> {
        let mut plan = SyncPlan::default();
        // Which entries are a file's first listing, told by borrowed keys (no copy of each).
        let first: Vec<bool> = {
            let mut planned = HashSet::with_capacity_and_hasher(found.len(), FxBuildHasher);
            found
                .iter()
                .map(|f| planned.insert(f.listed.key.as_str()))
                .collect()
        };
        for (
            Found {
                listed: file,
                state,
                context,
            },
            first,
        ) in found.into_iter().zip(first)
        {
            if !first {
                continue;
            }
            let previous = known.get(&file.key).copied();
            let force = stale_archives.iter().any(|root| is_under(&file.key, root));
            let same_state = previous.is_some_and(|k| {
                k.state.mtime_nanos == state.mtime_nanos
                    && k.state.size == state.size
                    && k.state.context == state.context
            });
            if same_state && !force {
                plan.unchanged += 1;
                continue;
            }
            let candidate = Candidate {
                key: file.key,
                file: file.file,
                shown: file.shown,
                format: file.format,
                fingerprint: state.context,
                known: previous,
                force,
                context,
            };
            match previous {
                Some(_) => plan.changed.push(candidate),
                None => plan.new.push(candidate),
            }
        }
        let mut removed: Vec<(String, Known)> = known
            .iter()
            .filter(|(key, _)| {
                !listed.contains(*key) && walked_roots.iter().any(|root| is_under(key, root))
            })
            .map(|(key, entry)| (key.clone(), *entry))
            .collect();
        removed.sort_by(|a, b| a.0.cmp(&b.0));
        plan.removed = removed;
        plan
    }

    /// The files to read: the new ones, then the changed ones.
    pub fn into_read(self) -> impl Iterator<Item = Candidate<'a>> {
        self.new.into_iter().chain(self.changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(mtime_nanos: i64, size: u64) -> FileState {
        FileState {
            mtime_nanos,
            size,
            hash: 7,
            context: 1,
        }
    }

    fn found<'a>(context: &'a ParseContext, key: &str, state: FileState) -> Found<'a> {
        Found {
            listed: Listed {
                file: PathBuf::from(key),
                key: key.to_string(),
                shown: PathBuf::from(key),
                format: Format::Text,
            },
            state: FileState { hash: 0, ..state },
            context,
        }
    }

    fn known(entries: &[(&str, FileState)]) -> KnownFiles {
        entries
            .iter()
            .map(|(key, state)| {
                let entry = Known {
                    state: *state,
                    articles: 2,
                };
                (key.to_string(), entry)
            })
            .collect()
    }

    #[test]
    fn files_sort_into_new_changed_unchanged_and_removed() {
        let context = ParseContext::default();
        let index = known(&[
            ("/a/same.txt", state(10, 100)),
            ("/a/touched.txt", state(10, 100)),
            ("/a/gone.txt", state(10, 100)),
            ("/elsewhere/kept.txt", state(10, 100)),
        ]);
        let walk = vec![
            found(&context, "/a/fresh.txt", state(5, 5)),
            found(&context, "/a/same.txt", state(10, 100)),
            found(&context, "/a/touched.txt", state(11, 100)),
        ];
        let listed: Keys = walk.iter().map(|f| f.listed.key.clone()).collect();
        let plan = SyncPlan::compute(walk, &index, &listed, &["/a".to_string()], &[]);
        let keys = |list: &[Candidate]| list.iter().map(|c| c.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&plan.new), ["/a/fresh.txt"]);
        assert_eq!(keys(&plan.changed), ["/a/touched.txt"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(
            plan.removed.len(),
            1,
            "only files under a walked root are gone"
        );
        assert_eq!(plan.removed[0].0, "/a/gone.txt");
        assert!(plan.changed[0].known.is_some() && !plan.changed[0].force);
    }

    #[test]
    fn the_planner_sends_new_files_at_once_keeps_indexed_ones_back_and_plans_each_once() {
        let context = ParseContext::default();
        let index = known(&[("/a/old.txt", state(1, 1))]);
        let listed = |key: &str| found(&context, key, state(0, 0)).listed;
        let mut planner = Planner::new(&index, 2);
        let fresh = planner.take(listed("/a/fresh.txt"), &context);
        assert_eq!(fresh.as_ref().map(|c| c.key.as_str()), Some("/a/fresh.txt"));
        assert!(fresh.is_some_and(|c| c.known.is_none() && !c.force));
        assert!(planner.take(listed("/a/old.txt"), &context).is_none());
        assert!(
            planner.take(listed("/a/fresh.txt"), &context).is_none(),
            "listed under a second root"
        );
        assert!(planner.take(listed("/a/old.txt"), &context).is_none());
        let held: Vec<String> = planner
            .into_held()
            .into_iter()
            .map(|(f, _)| f.key)
            .collect();
        assert_eq!(held, ["/a/old.txt"]);
        let mut alone = Planner::new(&index, 1);
        assert!(alone.take(listed("/b/x.txt"), &context).is_some());
    }

    #[test]
    fn a_changed_archive_rereads_its_unchanged_files_and_no_other() {
        let context = ParseContext::default();
        let index = known(&[("/a/x.txt", state(1, 1)), ("/ab/y.txt", state(1, 1))]);
        let walk = vec![
            found(&context, "/a/x.txt", state(1, 1)),
            found(&context, "/ab/y.txt", state(1, 1)),
        ];
        let listed: Keys = walk.iter().map(|f| f.listed.key.clone()).collect();
        let roots = ["/a".to_string(), "/ab".to_string()];
        let plan = SyncPlan::compute(walk, &index, &listed, &roots, &["/a".to_string()]);
        assert_eq!(plan.changed.len(), 1);
        assert_eq!(plan.changed[0].key, "/a/x.txt");
        assert!(plan.changed[0].force);
        assert_eq!(plan.unchanged, 1, "'/ab' is not inside '/a'");
    }

    #[test]
    fn a_file_listed_twice_is_planned_once_and_an_unreadable_one_is_not_gone() {
        let context = ParseContext::default();
        let index = known(&[("/a/locked.txt", state(1, 1))]);
        let walk = vec![
            found(&context, "/a/n.txt", state(1, 1)),
            found(&context, "/a/n.txt", state(1, 1)),
        ];
        let mut listed: Keys = walk.iter().map(|f| f.listed.key.clone()).collect();
        listed.insert("/a/locked.txt".to_string());
        let plan = SyncPlan::compute(walk, &index, &listed, &["/a".to_string()], &[]);
        assert_eq!(plan.new.len(), 1);
        assert!(plan.removed.is_empty());
        assert_eq!(plan.into_read().count(), 1);
    }
}
