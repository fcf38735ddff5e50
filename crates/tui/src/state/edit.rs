//! The edit under way (F4): which file, where it goes back to, its private copy.

use crate::shared::messages::editor::Copy;
use odc_engine::transfer::Location;
use odc_graph::RemotePath;

/// The edit under way (one at a time).
#[derive(Debug, Clone, PartialEq)]
pub struct Editing {
    pub ticket: u64,
    pub name: String,
    /// The folder to reload afterwards.
    pub dir: Location,
    /// For a OneDrive file: where it goes back to.
    pub remote: Option<RemotePath>,
    pub copy: Option<Copy>,
}
