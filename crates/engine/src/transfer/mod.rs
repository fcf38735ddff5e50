//! The job engine shared by the UI (and usable by the command line): a request
//! (copy or move these items into that folder) is planned into file tasks —
//! folders first —, queued, and run with bounded concurrency. Conflicts and errors
//! that need a person are asked as questions; "all" answers hold for the rest of
//! the request.

pub mod conflict;
pub mod engine;
pub mod local;
pub mod operations;
pub mod plan;
pub mod rate;
pub mod resume;

pub use crate::location::Location;
pub use conflict::{ConflictAnswer, ErrorAnswer, Resolution};
pub use engine::{Engine, EngineEvent, Question, Sample, TaskInfo};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Copy,
    Move,
}

/// Copy or move `sources` into the folder `dest_dir`, fixed when queued.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub kind: Kind,
    pub sources: Vec<Location>,
    pub dest_dir: Location,
    /// A new name for a single source (`odc get /a.txt b.txt`); None keeps its name.
    pub dest_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Upload,
    Download,
    /// Server-side copy (a whole folder in one task).
    RemoteCopy,
    LocalCopy,
    /// PATCH within the drive.
    RemoteMove,
    /// rename(2) on the same filesystem.
    LocalMove,
    /// From one drive to another that cannot copy server-side (another account):
    /// downloaded to a private temporary file, then uploaded.
    Relay,
}

impl Direction {
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Upload => "↑",
            Direction::Download => "↓",
            Direction::RemoteCopy | Direction::RemoteMove => "☁",
            Direction::LocalCopy | Direction::LocalMove => "→",
            Direction::Relay => "⇅",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskState {
    Queued,
    Running,
    Paused,
    Verifying,
    Done,
    Skipped,
    Failed(String),
    Cancelled,
}

impl TaskState {
    /// The task's life in one place. A task is queued, runs (verifying at the end),
    /// and ends done, skipped, failed or cancelled; a person can pause it while it is
    /// queued or running and resume it (back to the queue), and retry a failed or
    /// cancelled one. A run that ends as it is paused settles from `Paused`.
    /// Staying in a state is always allowed.
    pub fn may_become(&self, next: &TaskState) -> bool {
        use TaskState::*;
        if std::mem::discriminant(self) == std::mem::discriminant(next) {
            return true;
        }
        let ends = matches!(next, Done | Skipped | Failed(_) | Cancelled);
        match self {
            Queued => matches!(next, Running | Paused | Cancelled),
            // A retried error runs again from where it was asked.
            Running | Verifying => ends || matches!(next, Running | Verifying | Paused),
            Paused => ends || matches!(next, Queued),
            Failed(_) | Cancelled => matches!(next, Queued),
            Done | Skipped => false,
        }
    }

    pub fn finished(&self) -> bool {
        matches!(
            self,
            TaskState::Done | TaskState::Skipped | TaskState::Failed(_) | TaskState::Cancelled
        )
    }

    pub fn label(&self) -> &str {
        match self {
            TaskState::Queued => "queued",
            TaskState::Running => "running",
            TaskState::Paused => "paused",
            TaskState::Verifying => "verifying",
            TaskState::Done => "done",
            TaskState::Skipped => "skipped",
            TaskState::Failed(_) => "failed",
            TaskState::Cancelled => "cancelled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TaskState::*;

    #[test]
    fn a_task_moves_only_along_its_life() {
        let failed = Failed("x".into());
        for (from, to) in [
            (Queued, Running),
            (Running, Verifying),
            (Verifying, Done),
            (Running, Paused),
            (Paused, Queued),
            (Queued, Paused),
            (Queued, Cancelled),
            (Running, failed.clone()),
            (failed.clone(), Queued),
            (Cancelled, Queued),
            (Paused, Done),
            (Verifying, Running),
        ] {
            assert!(from.may_become(&to), "{from:?} → {to:?}");
        }
        for (from, to) in [
            (Done, Queued),
            (Skipped, Running),
            (Queued, Done),
            (Paused, Running),
            (Cancelled, Done),
            (failed.clone(), Running),
            (Done, Cancelled),
        ] {
            assert!(!from.may_become(&to), "{from:?} → {to:?}");
        }
    }
}
