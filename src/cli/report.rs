//! Progress on stderr: a live line on a terminal, plain lines otherwise. The line is
//! redrawn from sampled counters a few times a second, never per chunk.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use humansize::{BINARY, format_size};

use crate::onedrive::Progress;
use crate::onedrive::display::escape_control;

/// Transfers in flight and finished, for the summary line.
#[derive(Default)]
struct Board {
    active: Vec<(String, Arc<Progress>)>,
    finished_bytes: u64,
    finished_files: u64,
}

#[derive(Clone)]
pub struct Reporter {
    board: Arc<Mutex<Board>>,
    live: bool,
    started: Instant,
}

impl Reporter {
    pub fn new() -> Self {
        Self {
            board: Arc::default(),
            live: std::io::stderr().is_terminal(),
            started: Instant::now(),
        }
    }

    /// Registers a transfer; returns its counters.
    pub fn start(&self, label: &str) -> Arc<Progress> {
        let progress = Arc::new(Progress::default());
        self.board
            .lock()
            .unwrap()
            .active
            .push((escape_control(label), progress.clone()));
        progress
    }

    /// Marks a transfer finished and, off a terminal, prints a line for it.
    pub fn finish(&self, label: &str, progress: &Arc<Progress>, verb: &str, elapsed: Duration) {
        let (done, _) = progress.sample();
        let mut board = self.board.lock().unwrap();
        board.active.retain(|(_, p)| !Arc::ptr_eq(p, progress));
        board.finished_bytes += done;
        board.finished_files += 1;
        drop(board);
        let line = format!(
            "{verb} {} ({} in {:.1} s, {}/s)",
            escape_control(label),
            format_size(done, BINARY),
            elapsed.as_secs_f64(),
            format_size(rate(done, elapsed), BINARY)
        );
        self.print_line(&line);
    }

    /// Removes a transfer that failed (its error is printed by the caller).
    pub fn abandon(&self, progress: &Arc<Progress>) {
        self.board
            .lock()
            .unwrap()
            .active
            .retain(|(_, p)| !Arc::ptr_eq(p, progress));
    }

    /// Prints one message line. Lines carry names, server codes and reasons, so
    /// the whole line is escaped: nothing in it can drive the terminal.
    pub fn print_line(&self, line: &str) {
        let line = crate::onedrive::display::escape_control(line);
        let mut err = std::io::stderr().lock();
        if self.live {
            let _ = write!(err, "\r\x1b[2K");
        }
        let _ = writeln!(err, "{line}");
    }

    /// Redraws the live line until dropped; returns the task's handle.
    pub fn spawn_ticker(&self) -> Option<tokio::task::JoinHandle<()>> {
        if !self.live {
            return None;
        }
        let this = self.clone();
        Some(tokio::spawn(async move {
            let mut last = String::new();
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let line = this.status_line();
                if line != last {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[2K{line}");
                    let _ = err.flush();
                    last = line;
                }
            }
        }))
    }

    pub fn clear(&self) {
        if self.live {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }

    fn status_line(&self) -> String {
        let board = self.board.lock().unwrap();
        let (mut done, mut total) = (board.finished_bytes, board.finished_bytes);
        for (_, p) in &board.active {
            let (d, t) = p.sample();
            done += d;
            total += t;
        }
        let elapsed = self.started.elapsed();
        let speed = rate(done, elapsed);
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let eta = if speed > 0 && total > done {
            format!(
                " ETA {}",
                crate::transfer::rate::clock((total - done) / speed)
            )
        } else {
            String::new()
        };
        let current = match board.active.as_slice() {
            [] => String::new(),
            [(name, _)] => format!("{name} "),
            many => format!("{} files ", many.len()),
        };
        format!(
            "{current}{percent:>3}% {} / {} {}/s{eta}",
            format_size(done, BINARY),
            format_size(total, BINARY),
            format_size(speed, BINARY)
        )
    }
}

impl Default for Reporter {
    fn default() -> Self {
        Self::new()
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
