//! The transfers panel: one row per file, with sampled progress, speed and ETA.
//! Built for jobs of 100,000 files: rows are found by id through an index, and the
//! counts and byte totals the title, gauge and total row show are kept up to date
//! as rows change instead of being summed on every frame.

use std::collections::HashMap;

use crate::features::transfers::{TransferDialog, Unmark};

use odc_engine::transfer::{Direction, TaskState, rate::RateMeter};

#[derive(Debug, Clone, PartialEq)]
pub struct TransferRow {
    pub id: u64,
    pub name: String,
    pub direction: Direction,
    pub done: u64,
    pub total: u64,
    pub state: TaskState,
    pub meter: RateMeter,
    /// Bytes an earlier attempt had moved when this one began.
    pub resumed: u64,
    /// The name it is written under when that is not its own ("keep both").
    pub saved_as: Option<String>,
}

impl TransferRow {
    pub fn new(id: u64, name: String, direction: Direction, total: u64) -> TransferRow {
        TransferRow {
            id,
            name,
            direction,
            done: 0,
            total,
            state: TaskState::Queued,
            meter: RateMeter::default(),
            resumed: 0,
            saved_as: None,
        }
    }

    /// Whether its bytes count in the totals (skipped, cancelled and failed ones
    /// will not be transferred).
    fn counted(&self) -> bool {
        matches!(
            self.state,
            TaskState::Done
                | TaskState::Queued
                | TaskState::Running
                | TaskState::Paused
                | TaskState::Verifying
        )
    }
}

/// Which rows the panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PanelFilter {
    #[default]
    All,
    /// Queued, running, verifying or paused.
    Unfinished,
    /// Failed or cancelled: what a retry would run.
    Failed,
}

impl PanelFilter {
    pub fn next(self) -> PanelFilter {
        match self {
            PanelFilter::All => PanelFilter::Unfinished,
            PanelFilter::Unfinished => PanelFilter::Failed,
            PanelFilter::Failed => PanelFilter::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PanelFilter::All => "all",
            PanelFilter::Unfinished => "unfinished",
            PanelFilter::Failed => "failed",
        }
    }

    pub fn shows(self, row: &TransferRow) -> bool {
        match self {
            PanelFilter::All => true,
            PanelFilter::Unfinished => !row.state.finished(),
            PanelFilter::Failed => matches!(row.state, TaskState::Failed(_) | TaskState::Cancelled),
        }
    }
}

/// How many rows are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub queued: usize,
    pub running: usize,
    pub paused: usize,
    pub failed: usize,
    /// Cancelled by the person: not a failure, and not done.
    pub cancelled: usize,
    pub finished: usize,
}

impl StateCounts {
    fn slot(&mut self, state: &TaskState) -> &mut usize {
        match state {
            TaskState::Queued => &mut self.queued,
            TaskState::Running | TaskState::Verifying => &mut self.running,
            TaskState::Paused => &mut self.paused,
            TaskState::Failed(_) => &mut self.failed,
            TaskState::Cancelled => &mut self.cancelled,
            TaskState::Done | TaskState::Skipped => &mut self.finished,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Transfers {
    rows: Vec<TransferRow>,
    /// Row position by task id.
    index: HashMap<u64, usize>,
    counts: StateCounts,
    /// Bytes done and total over the counted rows.
    sums: (u64, u64),
    /// Position among the rows the filter shows.
    pub cursor: usize,
    pub filter: PanelFilter,
    /// Meter of all bytes together, for the total row and the status gauge.
    pub total_meter: RateMeter,
    /// Why transfers wait, while they do ("OneDrive asked to wait 4 s").
    pub waiting: Option<String>,
    /// The person moved the selection: it no longer follows the running row.
    pub user_moved: bool,
    /// The dialog shown, if one of the transfers' is.
    pub dialog: Option<TransferDialog>,
    /// The engine's questions waiting for the dialog, oldest first.
    pub questions: std::collections::VecDeque<TransferDialog>,
    /// Marks to clear when their copy or move finishes without a failure.
    pub unmark: Vec<Unmark>,
    /// The process's bandwidth limit, as the panel shows it.
    pub limit: odc_graph::bandwidth::Limit,
}

impl Transfers {
    /// No rows yet; the process's bandwidth limit as it stands.
    pub fn with_limit(limit: odc_graph::bandwidth::Limit) -> Transfers {
        Transfers {
            limit,
            ..Default::default()
        }
    }

    pub fn rows(&self) -> &[TransferRow] {
        &self.rows
    }

    pub fn counts(&self) -> StateCounts {
        self.counts
    }

    /// Rows not finished yet.
    pub fn active(&self) -> usize {
        self.counts.queued + self.counts.running + self.counts.paused
    }

    /// (done, total) over the rows that are not skipped, cancelled or failed.
    pub fn totals(&self) -> (u64, u64) {
        self.sums
    }

    pub fn add(&mut self, row: TransferRow) {
        self.count(&row.clone_counted(), true);
        self.index.insert(row.id, self.rows.len());
        self.rows.push(row);
    }

    /// Changes the row of task `id`, keeping the counts and totals; false if there
    /// is no such row (cleared already).
    pub fn change(&mut self, id: u64, f: impl FnOnce(&mut TransferRow)) -> bool {
        let Some(&at) = self.index.get(&id) else {
            return false;
        };
        let row = self.rows[at].clone_counted();
        self.count(&row, false);
        f(&mut self.rows[at]);
        let row = self.rows[at].clone_counted();
        self.count(&row, true);
        true
    }

    pub fn row(&self, id: u64) -> Option<&TransferRow> {
        self.index.get(&id).map(|&at| &self.rows[at])
    }

    /// Drops the finished rows (done, skipped, failed, cancelled).
    pub fn clear_finished(&mut self) {
        self.rows.retain(|r| !r.state.finished());
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(at, r)| (r.id, at))
            .collect();
        self.counts = StateCounts::default();
        self.sums = (0, 0);
        for at in 0..self.rows.len() {
            let row = self.rows[at].clone_counted();
            self.count(&row, true);
        }
        self.cursor = self.cursor.min(self.shown().saturating_sub(1));
    }

    /// How many rows the filter shows.
    pub fn shown(&self) -> usize {
        match self.filter {
            PanelFilter::All => self.rows.len(),
            PanelFilter::Unfinished => self.active(),
            PanelFilter::Failed => self.counts.failed,
        }
    }

    /// The rows the filter shows, from the `skip`-th on.
    pub fn visible(&self, skip: usize) -> impl Iterator<Item = &TransferRow> {
        let filter = self.filter;
        // Unfiltered, the window is a slice: no walk over the rows above it.
        let (from, skip) = match filter {
            PanelFilter::All => (skip.min(self.rows.len()), 0),
            _ => (0, skip),
        };
        self.rows[from..]
            .iter()
            .filter(move |r| filter.shows(r))
            .skip(skip)
    }

    /// The task under the cursor.
    pub fn selected(&self) -> Option<u64> {
        self.visible(self.cursor).next().map(|r| r.id)
    }

    /// Until the person moves the selection, it follows the transfer that started
    /// last, so the panel shows what is happening. Unfiltered only: a filtered view
    /// has no cheap position for a row.
    pub fn follow(&mut self, id: u64) {
        if self.user_moved || self.filter != PanelFilter::All {
            return;
        }
        if let Some(&at) = self.index.get(&id) {
            self.cursor = at;
        }
    }

    pub fn set_filter(&mut self, filter: PanelFilter) {
        self.filter = filter;
        self.cursor = self.cursor.min(self.shown().saturating_sub(1));
    }

    fn count(&mut self, row: &CountedRow, add: bool) {
        let slot = self.counts.slot(&row.state);
        let (done, total) = if row.counted {
            (row.done.min(row.total), row.total)
        } else {
            (0, 0)
        };
        if add {
            *slot += 1;
            self.sums.0 += done;
            self.sums.1 += total;
        } else {
            *slot -= 1;
            self.sums.0 -= done;
            self.sums.1 -= total;
        }
    }
}

/// What of a row the counts depend on.
struct CountedRow {
    state: TaskState,
    counted: bool,
    done: u64,
    total: u64,
}

impl TransferRow {
    fn clone_counted(&self) -> CountedRow {
        CountedRow {
            state: match &self.state {
                // The reason does not count; no need to copy it.
                TaskState::Failed(_) => TaskState::Failed(String::new()),
                other => other.clone(),
            },
            counted: self.counted(),
            done: self.done,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums_by_scanning(t: &Transfers) -> (u64, u64) {
        t.rows()
            .iter()
            .filter(|r| r.counted())
            .fold((0, 0), |(d, s), r| (d + r.done.min(r.total), s + r.total))
    }

    #[test]
    fn counts_and_totals_follow_every_change() {
        let mut t = Transfers::default();
        for id in 1..=5 {
            t.add(TransferRow::new(
                id,
                format!("f{id}"),
                Direction::Upload,
                100 * id,
            ));
        }
        t.change(1, |r| {
            r.state = TaskState::Running;
            r.done = 40;
        });
        t.change(2, |r| r.state = TaskState::Failed("gone".into()));
        t.change(3, |r| {
            r.state = TaskState::Done;
            r.done = 300;
        });
        t.change(4, |r| r.state = TaskState::Paused);
        assert!(!t.change(99, |r| r.done = 1));
        assert_eq!(t.totals(), sums_by_scanning(&t));
        assert_eq!(t.totals(), (340, 100 + 300 + 400 + 500));
        assert_eq!(
            t.counts(),
            StateCounts {
                queued: 1,
                running: 1,
                paused: 1,
                failed: 1,
                cancelled: 0,
                finished: 1
            }
        );
        assert_eq!(t.active(), 3);
        // A cancelled row is not a failure.
        t.change(5, |r| r.state = TaskState::Cancelled);
        assert_eq!((t.counts().failed, t.counts().cancelled), (1, 1));
        t.change(5, |r| r.state = TaskState::Queued);

        t.set_filter(PanelFilter::Failed);
        assert_eq!(t.shown(), 1);
        assert_eq!(t.selected(), Some(2));
        t.set_filter(PanelFilter::Unfinished);
        assert_eq!(
            t.visible(0).map(|r| r.id).collect::<Vec<_>>(),
            vec![1, 4, 5]
        );

        t.clear_finished();
        assert_eq!(t.rows().len(), 3);
        assert_eq!(t.row(4).map(|r| r.state.clone()), Some(TaskState::Paused));
        assert_eq!(t.totals(), sums_by_scanning(&t));
        t.change(5, |r| r.done = 50);
        assert_eq!(t.totals(), (90, 100 + 400 + 500));
    }
}
