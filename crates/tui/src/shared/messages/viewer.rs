//! The viewer's messages: which file to read, what to look for, what was found.

use std::path::PathBuf;

use odc_graph::RemotePath;

/// Where the viewed file's bytes come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewSource {
    Local(PathBuf),
    /// A OneDrive file, or with `version` one of its earlier versions.
    Remote {
        id: String,
        path: RemotePath,
        version: Option<String>,
    },
}

/// A match: its bytes, the row start to show it from, and how many newlines lie
/// between the viewer's top and that row (negative when it is above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub start: u64,
    pub end: u64,
    pub row_start: u64,
    pub lines: i64,
}

/// What to look for and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub pattern: String,
    pub size: u64,
    /// The viewer's top row: lines are counted from here.
    pub top: u64,
    /// Forwards: matches starting at or after this. Backwards: before it.
    pub from: u64,
    pub forward: bool,
}
