//! Versions of a OneDrive file (`i` on a file) and the recycle bin (what odc
//! deleted and is still there): two list dialogs that read, restore, copy out
//! and delete for good through Graph.

pub mod io;
pub mod update;
pub mod widget;

use odc_graph::RemotePath;
use odc_graph::deleted::Deleted;
use odc_graph::history::Version;
use odc_graph::path::DriveSpec;

/// A list read from OneDrive: on its way, there, or why not.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing<T> {
    Loading,
    Listed(Vec<T>),
    Failed(String),
}

impl<T> Listing<T> {
    pub fn rows(&self) -> &[T] {
        match self {
            Listing::Listed(rows) => rows,
            _ => &[],
        }
    }
}

/// The versions dialog of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionsDialog {
    /// Answers to an older dialog's requests are dropped.
    pub ticket: u64,
    pub id: String,
    pub name: String,
    pub path: RemotePath,
    pub size: u64,
    pub modified: Option<chrono::DateTime<chrono::Utc>>,
    pub versions: Listing<Version>,
    pub cursor: usize,
    /// Asking whether to make the selected version the current one.
    pub asking: bool,
    /// What the last action did (or why it did not).
    pub note: Option<String>,
}

/// The recycle bin dialog of one account.
#[derive(Debug, Clone, PartialEq)]
pub struct BinDialog {
    pub ticket: u64,
    /// Which account's bin (as the active pane's drive names it).
    pub drive: DriveSpec,
    pub entries: Listing<Deleted>,
    /// Personal drives: entries odc deleted, checked with the service, which
    /// can be restored here. False for a work account's bin, listed by the
    /// service but restored from only on the web.
    pub checked: bool,
    pub cursor: usize,
    /// Asking whether to delete the selected entry for good.
    pub asking: bool,
    pub note: Option<String>,
}
