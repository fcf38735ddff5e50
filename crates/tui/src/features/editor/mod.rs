//! Editing a file (F4): a local file goes straight to the editor; a OneDrive file
//! is copied privately, edited, and uploaded back only if it changed and only over
//! the version that was copied, else the person chooses.

pub mod io;
pub mod private_copy;
pub mod update;
pub mod widget;

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
    /// The file changed on OneDrive meanwhile: a dialog asks which version wins.
    pub conflict: bool,
}
