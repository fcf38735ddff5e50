//! Per-file progress counters. Transfers write them as bytes move; whoever shows
//! progress samples them a few times a second (never an event per chunk).

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    /// Bytes an earlier attempt had moved when this one began (a resumed
    /// transfer), so a rate counts only what moved now.
    resumed: AtomicU64,
}

impl Progress {
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// Bytes done; going back below the resumed amount (a transfer restarted from
    /// zero) lowers that too.
    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
        self.resumed.fetch_min(done, Ordering::Relaxed);
    }

    /// This attempt continues from `done` bytes an earlier one moved.
    pub fn set_resumed(&self, done: u64) {
        self.resumed.store(done, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }

    /// Bytes moved by an earlier attempt (0 for a fresh transfer).
    pub fn resumed(&self) -> u64 {
        self.resumed.load(Ordering::Relaxed)
    }

    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// (bytes done, bytes total).
    pub fn sample(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}
