//! What every command needs, resolved once from the command line and the environment
//! ([`Settings`]); the default index location is decided here.

use std::path::PathBuf;

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
