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
pub use engine::{Engine, EngineEvent, Question, TaskInfo};

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
}

impl Direction {
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Upload => "↑",
            Direction::Download => "↓",
            Direction::RemoteCopy | Direction::RemoteMove => "☁",
            Direction::LocalCopy | Direction::LocalMove => "→",
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
