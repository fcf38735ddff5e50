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

use std::path::PathBuf;

use crate::onedrive::RemotePath;

pub use conflict::{ConflictAnswer, ErrorAnswer, Resolution};
pub use engine::{Engine, EngineEvent, Question, TaskInfo};

/// A concrete item: a local path or a OneDrive path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    Local(PathBuf),
    Remote(RemotePath),
}

impl Location {
    pub fn is_remote(&self) -> bool {
        matches!(self, Location::Remote(_))
    }

    pub fn name(&self) -> String {
        match self {
            Location::Local(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Location::Remote(p) => p.name().unwrap_or_default().to_string(),
        }
    }

    pub fn join(&self, name: &str) -> Location {
        match self {
            Location::Local(p) => Location::Local(p.join(name)),
            Location::Remote(p) => Location::Remote(p.join(name)),
        }
    }

    pub fn parent(&self) -> Option<Location> {
        match self {
            Location::Local(p) => p.parent().map(|p| Location::Local(p.to_path_buf())),
            Location::Remote(p) => p.parent().map(Location::Remote),
        }
    }

    pub fn display(&self) -> String {
        match self {
            Location::Local(p) => p.display().to_string(),
            Location::Remote(p) => format!("OneDrive:{p}"),
        }
    }
}

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
