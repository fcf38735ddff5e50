//! The two panes: moving through a folder's listing, marking, filtering, sorting,
//! Enter into folders and shortcuts, Backspace out, the other side's folder, the
//! details of the row under the cursor; listing local and OneDrive folders as
//! pages; drawing a pane and the details.

pub mod details;
pub mod io;
pub mod listing;
pub mod update;
pub mod widget;

use crate::shared::pane::Entry;

/// An overlay showing a remote item's details.
#[derive(Debug, Clone, PartialEq)]
pub struct Details {
    pub path: String,
    pub entry: Entry,
}
