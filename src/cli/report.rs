//! Progress on stderr with `indicatif`: on a terminal, a total line (bytes, speed,
//! ETA, and why it waits: "OneDrive asked to wait 4 s", "retrying (2/6) after a
//! dropped connection") and a line per file in flight, every line cut to the
//! terminal's width so nothing wraps or repeats; off a terminal, one line per
//! finished file. Bars are fed from sampled counters a few times a second.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use humansize::{BINARY, format_size};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use odc_core::display::escape_control;
use odc_graph::{Graph, Progress};

/// How much the command line shows while it transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Display {
    /// Bars on a terminal, a line per file otherwise.
    #[default]
    Auto,
    /// `-P`: bars even when stderr is not a terminal.
    Forced,
    /// `-q`: errors only.
    Quiet,
}

/// Files shown with a line of their own; the rest are counted on the total line.
const FILE_LINES: usize = 4;

struct Active {
    label: String,
    progress: Arc<Progress>,
    bar: Option<ProgressBar>,
}

#[derive(Default)]
struct Board {
    active: Vec<Active>,
    finished_bytes: u64,
}

#[derive(Clone)]
pub struct Reporter {
    board: Arc<Mutex<Board>>,
    multi: MultiProgress,
    total: ProgressBar,
    /// Bars are drawn (a terminal, or forced).
    live: bool,
    quiet: bool,
    graph: Option<Arc<Graph>>,
}

impl Reporter {
    pub fn new(display: Display, graph: Option<Arc<Graph>>) -> Self {
        use std::io::IsTerminal;
        let live = match display {
            Display::Auto => std::io::stderr().is_terminal(),
            Display::Forced => true,
            Display::Quiet => false,
        };
        let target = if !live {
            ProgressDrawTarget::hidden()
        } else if display == Display::Forced {
            // Not a terminal: draw anyway, at the width console reports (79).
            ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 4)
        } else {
            ProgressDrawTarget::stderr_with_hz(4)
        };
        let multi = MultiProgress::with_draw_target(target);
        let total = multi.add(ProgressBar::new(0));
        total.set_style(
            ProgressStyle::with_template(
                "{percent:>3}% {binary_bytes:>10}/{binary_total_bytes:<10} {binary_bytes_per_sec:>12} {eta:>4} {wide_msg}",
            )
            .expect("a valid template"),
        );
        Self {
            board: Arc::default(),
            multi,
            total,
            live,
            quiet: display == Display::Quiet,
            graph,
        }
    }

    /// Registers a transfer; returns its counters.
    pub fn start(&self, label: &str) -> Arc<Progress> {
        self.track(label, Arc::new(Progress::default()))
    }

    /// Registers a transfer whose counters exist already (the engine's own).
    pub fn track(&self, label: &str, progress: Arc<Progress>) -> Arc<Progress> {
        let mut board = self.board.lock().unwrap();
        let label = escape_control(label);
        let bar = (self.live
            && board.active.iter().filter(|a| a.bar.is_some()).count() < FILE_LINES)
            .then(|| self.file_bar(&label));
        board.active.push(Active {
            label,
            progress: progress.clone(),
            bar,
        });
        progress
    }

    fn file_bar(&self, label: &str) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new(0));
        bar.set_style(
            ProgressStyle::with_template(
                "  {binary_bytes:>10}/{binary_total_bytes:<10} {wide_msg}",
            )
            .expect("a valid template"),
        );
        bar.set_message(label.to_string());
        bar
    }

    /// Marks a transfer finished and prints a line for it.
    pub fn finish(&self, label: &str, progress: &Arc<Progress>, verb: &str, elapsed: Duration) {
        let (done, _) = progress.sample();
        self.remove(progress, done);
        if self.quiet {
            return;
        }
        // A resumed transfer's rate counts only what moved in this run.
        let resumed = progress.resumed().min(done);
        let moved = done - resumed;
        let amount = if resumed > 0 {
            format!(
                "{}, continued from {}: {}",
                format_size(done, BINARY),
                format_size(resumed, BINARY),
                format_size(moved, BINARY)
            )
        } else {
            format_size(done, BINARY).to_string()
        };
        let line = format!(
            "{verb} {} ({amount} in {:.1} s, {}/s)",
            escape_control(label),
            elapsed.as_secs_f64(),
            format_size(rate(moved, elapsed), BINARY)
        );
        self.print_line(&line);
    }

    /// Removes a transfer that failed (its error is printed by the caller).
    pub fn abandon(&self, progress: &Arc<Progress>) {
        self.remove(progress, 0);
    }

    fn remove(&self, progress: &Arc<Progress>, done: u64) {
        let mut board = self.board.lock().unwrap();
        if let Some(index) = board
            .active
            .iter()
            .position(|a| Arc::ptr_eq(&a.progress, progress))
        {
            let gone = board.active.remove(index);
            if let Some(bar) = gone.bar {
                bar.finish_and_clear();
                self.multi.remove(&bar);
                // The next file without a line of its own gets this one.
                let label = board.active.iter().position(|a| a.bar.is_none()).map(|i| {
                    let label = board.active[i].label.clone();
                    (i, label)
                });
                if let Some((i, label)) = label {
                    board.active[i].bar = Some(self.file_bar(&label));
                }
            }
        }
        board.finished_bytes += done;
    }

    /// Prints one message line above the bars. Lines carry names, server codes and
    /// reasons, so the whole line is escaped: nothing in it can drive the terminal.
    pub fn print_line(&self, line: &str) {
        let line = escape_control(line);
        if self.live {
            let _ = self.multi.println(&line);
        } else {
            errln!("{line}");
        }
    }

    /// Feeds the bars from the counters until aborted; None off a terminal.
    pub fn spawn_ticker(&self) -> Option<tokio::task::JoinHandle<()>> {
        if !self.live {
            return None;
        }
        let this = self.clone();
        Some(tokio::spawn(async move {
            loop {
                this.tick();
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }))
    }

    fn tick(&self) {
        let board = self.board.lock().unwrap();
        let (mut done, mut total) = (board.finished_bytes, board.finished_bytes);
        for active in &board.active {
            let (d, t) = active.progress.sample();
            done += d;
            total += t;
            if let Some(bar) = &active.bar {
                bar.set_length(t);
                bar.set_position(d);
            }
        }
        let hidden = board.active.iter().filter(|a| a.bar.is_none()).count();
        drop(board);
        self.total.set_length(total);
        self.total.set_position(done);
        let waiting = self.graph.as_ref().and_then(|g| g.waiting_reason());
        let message = match (waiting, hidden) {
            (Some(reason), _) => reason,
            (None, 0) => String::new(),
            (None, 1) => "and 1 more file".to_string(),
            (None, n) => format!("and {n} more files"),
        };
        self.total.set_message(message);
    }

    pub fn clear(&self) {
        if self.live {
            self.total.finish_and_clear();
            let _ = self.multi.clear();
        }
    }
}

fn rate(bytes: u64, elapsed: Duration) -> u64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        (bytes as f64 / secs) as u64
    } else {
        0
    }
}
