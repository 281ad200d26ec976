//! Progress bars on stderr for the library's long loops.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use liftlab::progress::Progress;

/// Draws the library's progress as an indicatif bar on stderr, or nothing when stderr is not
/// a terminal or `--quiet` is set.
pub struct BarProgress {
    bar: ProgressBar,
}

impl BarProgress {
    pub fn new(quiet: bool) -> Self {
        let bar = ProgressBar::new(0);
        if quiet || !std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let style = ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        BarProgress { bar }
    }
}

impl Progress for BarProgress {
    fn start(&self, stage: &str, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_message(stage.to_string());
    }

    fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
