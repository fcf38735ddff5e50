//! The hotlist (Ctrl-\\ in mc): bookmarked folders, local or on OneDrive, kept in
//! a file of the data directory; add the active pane's folder, go, remove.

pub mod file;
pub mod io;
pub mod update;
pub mod widget;

use odc_engine::transfer::Location;

#[derive(Debug, Clone, Default)]
pub struct Hotlist {
    /// The bookmarked folders (the hotlist file, read at start).
    pub folders: Vec<Location>,
    /// The selected row while the hotlist is open.
    pub open: Option<usize>,
}
