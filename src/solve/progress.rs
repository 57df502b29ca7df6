//! Progress of a long solve on the terminal: the best plan's value, the proven bound, the
//! gap between them and the time spent, redrawn in place on standard error. Nothing is
//! drawn when standard error is not a terminal or when the user asked for quiet.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(250);

/// The progress line of one solve, which the plan's search and the bound may update at
/// once.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// When the solve started, and whether its phases are logged (`--verbose`).
    started: Instant,
    log: bool,
    /// The best plan's value and the bound, as far as known.
    shown: Mutex<(Option<f64>, Option<f64>)>,
}

impl Progress {
    /// A progress line, drawn only when `show` is set; with `log`, a line per phase too.
    pub fn new(show: bool, log: bool) -> Self {
        let bar = show.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(TICK);
            bar
        });
        Self {
            bar,
            started: Instant::now(),
            log,
            shown: Mutex::new((None, None)),
        }
    }

    /// Logs the end of a phase of the search with the time since the solve started, on
    /// standard error, when phases are logged: where a long solve spends its time.
    pub fn phase(&self, what: std::fmt::Arguments) {
        if !self.log {
            return;
        }
        let line = format!("{:>7.1} s  {what}", self.started.elapsed().as_secs_f64());
        match &self.bar {
            // A bar drawn on a terminal prints the line above itself; a hidden one, nothing.
            Some(bar) if !bar.is_hidden() => bar.println(line),
            _ => eprintln!("{line}"),
        }
    }

    /// The best plan so far has this value.
    pub fn plan(&self, objective: f64) {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        shown.0 = Some(objective);
        self.redraw(*shown);
    }

    /// The proven bound is now this.
    pub fn bound(&self, bound: f64) {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        shown.1 = Some(bound);
        self.redraw(*shown);
    }

    /// Removes the line.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn redraw(&self, (objective, bound): (Option<f64>, Option<f64>)) {
        let Some(bar) = &self.bar else { return };
        let shown = |v: Option<f64>| v.map_or("…".to_string(), |v| format!("{v:.1}"));
        let gap = match (objective, bound) {
            (Some(o), Some(b)) => format!("{:.2} %", 100.0 * super::relative_gap(o, b)),
            _ => "…".to_string(),
        };
        bar.set_message(format!(
            "plan {}   bound {}   gap {gap}",
            shown(objective),
            shown(bound)
        ));
    }
}
