//! The progress line of `newsindex index` on a terminal ([`Progress`]): the stage of the run,
//! files done out of files to do, a clock that ticks on its own and a whole-number rate, so a
//! long commit or merge never looks like a hang.
//!
//! It draws only on a terminal (stderr) and never with `--quiet`; otherwise every call is a
//! no-op. Lines printed through [`Progress::suspend`] appear above it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use newsindex::index::IndexPhase;

/// How often the line redraws by itself, moving the spinner and the clock.
const TICK: Duration = Duration::from_millis(250);

/// The progress line, or nothing when it is not drawn.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// True while files are being parsed, the only stage a files-per-second rate describes.
    parsing: Arc<AtomicBool>,
}

impl Progress {
    /// A progress line on stderr when `shown`.
    pub fn new(shown: bool) -> Progress {
        let parsing = Arc::new(AtomicBool::new(false));
        let bar = shown.then(|| {
            let bar = ProgressBar::new(0);
            bar.set_style(style(Arc::clone(&parsing)));
            bar.set_prefix(IndexPhase::Scanning.label());
            bar.enable_steady_tick(TICK);
            bar
        });
        Progress { bar, parsing }
    }

    /// `files` files to look at, so far ([`IndexEvent::Walked`](newsindex::index::IndexEvent)).
    pub fn set_files(&self, files: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(files as u64);
        }
    }

    /// One more file dealt with.
    pub fn file_done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// The run moved on to `phase`.
    pub fn phase(&self, phase: IndexPhase) {
        self.parsing
            .store(phase == IndexPhase::Parsing, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_prefix(phase.label());
            bar.set_message(match phase {
                IndexPhase::Scanning => "comparing the folders with the index",
                IndexPhase::Parsing => "",
                IndexPhase::Writing => "the writer finishes its segments",
                IndexPhase::Committing => "recording the commit",
                IndexPhase::Merging => "joining small segments into larger ones",
            });
        }
    }

    /// Runs `print` with the line cleared, then draws it again below what was printed.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Removes the line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `⠙ parsing    1,709/2,294 files  00:00:42  41 files/s`.
fn style(parsing: Arc<AtomicBool>) -> ProgressStyle {
    let rate = move |state: &ProgressState, out: &mut dyn std::fmt::Write| {
        let seconds = state.elapsed().as_secs_f64();
        if parsing.load(Ordering::Relaxed) && seconds >= 1.0 {
            let _ = write!(out, "{:.0} files/s", state.pos() as f64 / seconds);
        }
    };
    ProgressStyle::with_template(
        "{spinner} {prefix:<10} {human_pos}/{human_len} files  {elapsed_precise}  {rate}  {wide_msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_spinner())
    .with_key("rate", rate)
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::Mutex;

    use indicatif::{ProgressDrawTarget, TermLike};

    use super::*;

    /// A terminal 100 columns wide that keeps what is drawn on it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, line: &str) -> io::Result<()> {
            self.write_str(line)
        }
        fn write_str(&self, text: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(text);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    fn drawn(phase: IndexPhase, position: u64) -> String {
        let screen = Screen::default();
        let parsing = Arc::new(AtomicBool::new(phase == IndexPhase::Parsing));
        let bar = ProgressBar::with_draw_target(
            Some(1_002_294),
            ProgressDrawTarget::term_like(Box::new(screen.clone())),
        );
        bar.set_style(style(parsing));
        bar.set_prefix(phase.label());
        bar.set_position(position);
        bar.tick();
        screen.0.lock().unwrap().clone()
    }

    #[test]
    fn the_line_names_the_phase_in_whole_numbers() {
        let line = drawn(IndexPhase::Merging, 1_001_709);
        assert!(
            line.contains("merging    1,001,709/1,002,294 files  00:00:00"),
            "{line:?}"
        );
        assert!(
            !line.contains("files/s"),
            "no rate outside parsing: {line:?}"
        );
        let line = drawn(IndexPhase::Parsing, 1_709);
        assert!(
            line.contains("parsing    1,709/1,002,294 files"),
            "{line:?}"
        );
    }

    #[test]
    fn a_hidden_line_still_follows_the_phases() {
        let progress = Progress::new(false);
        progress.phase(IndexPhase::Merging);
        assert!(!progress.parsing.load(Ordering::Relaxed));
        progress.phase(IndexPhase::Parsing);
        assert!(progress.parsing.load(Ordering::Relaxed));
        assert_eq!(progress.suspend(|| 7), 7);
    }
}
