//! The transfers panel: one row per file, with sampled progress, speed and ETA.

use crate::transfer::{Direction, TaskState, rate::RateMeter};

#[derive(Debug, Clone, PartialEq)]
pub struct TransferRow {
    pub id: u64,
    pub name: String,
    pub direction: Direction,
    pub done: u64,
    pub total: u64,
    pub state: TaskState,
    pub meter: RateMeter,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transfers {
    pub rows: Vec<TransferRow>,
    pub open: bool,
    pub cursor: usize,
    /// Meter of all bytes together, for the total row and the status gauge.
    pub total_meter: RateMeter,
}

impl Transfers {
    pub fn active(&self) -> usize {
        self.rows.iter().filter(|r| !r.state.finished()).count()
    }

    /// (done, total) over the rows that are not skipped, cancelled or failed.
    pub fn totals(&self) -> (u64, u64) {
        self.rows
            .iter()
            .filter(|r| {
                matches!(
                    r.state,
                    TaskState::Done
                        | TaskState::Queued
                        | TaskState::Running
                        | TaskState::Paused
                        | TaskState::Verifying
                )
            })
            .fold((0, 0), |(d, t), r| (d + r.done.min(r.total), t + r.total))
    }

    pub fn row_mut(&mut self, id: u64) -> Option<&mut TransferRow> {
        self.rows.iter_mut().find(|r| r.id == id)
    }
}
