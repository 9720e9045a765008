//! Settings resolved once from the command line and the environment ([`Settings`], [`IndexSettings`]).
//!
//! Nothing after `cli` sees clap types; the default index location is decided here.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// What every command needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The index folder.
    pub index_dir: PathBuf,
    /// `-v` count.
    pub verbose: u8,
    /// `--quiet`.
    pub quiet: bool,
    /// Whether human output is coloured.
    pub color: bool,
}

impl Settings {
    /// Resolves the index location: the flag or `NEWSINDEX_INDEX`, else [`default_index_dir`].
    pub fn resolve(index: Option<PathBuf>, verbose: u8, quiet: bool, color: bool) -> Settings {
        Settings {
            index_dir: index
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(default_index_dir),
            verbose,
            quiet,
            color,
        }
    }
}

/// The default index: `$XDG_DATA_HOME/newsindex/index`, else `~/.local/share/newsindex/index`,
/// else `.newsindex` in the current folder. One per user, so `search` works from any folder.
pub fn default_index_dir() -> PathBuf {
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| PathBuf::from(home).join(".local/share"))
        });
    match data_home {
        Some(dir) => dir.join("newsindex").join("index"),
        None => PathBuf::from(".newsindex"),
    }
}

/// How `newsindex index` runs.
#[derive(Debug, Clone)]
pub struct IndexSettings {
    /// Commit at least this often, so an interrupted run keeps most of its work.
    pub commit_interval: Duration,
    /// Set (e.g. by a Ctrl-C handler) to stop early: what was read so far is committed.
    pub stop: Arc<AtomicBool>,
    /// Start from an empty index.
    pub rebuild: bool,
    /// Remove the articles of indexed folders that are gone.
    pub prune: bool,
    /// Files larger than this are skipped with a warning.
    pub max_file_size: u64,
    /// The index writer's memory budget, in bytes.
    pub memory_bytes: usize,
    /// Threads for parsing and indexing.
    pub threads: usize,
}

impl Default for IndexSettings {
    fn default() -> IndexSettings {
        IndexSettings {
            prune: false,
            commit_interval: Duration::from_secs(60),
            stop: Arc::new(AtomicBool::new(false)),
            rebuild: false,
            max_file_size: 64 * 1024 * 1024,
            memory_bytes: 256 * 1024 * 1024,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}
