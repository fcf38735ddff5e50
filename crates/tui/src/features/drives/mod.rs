//! The drive picker (F2): what a pane shows — local files, each signed-in
//! account's OneDrive, what is shared with it, the SharePoint document libraries a
//! work account follows or finds — chosen from one list that fills in as accounts
//! and sites are read.

pub mod io;
pub mod places;
pub mod update;
pub mod widget;

use tui_input::Input;

use crate::shared::messages::drives::Place;

#[derive(Debug, Clone)]
pub struct DrivePicker {
    pub pane: usize,
    /// Answers to older loads or searches are dropped.
    pub ticket: u64,
    pub places: Vec<Place>,
    pub cursor: usize,
    /// Accounts, sites or a search are still being read.
    pub loading: bool,
    /// Typing a site search (after `/`).
    pub search: Option<Input>,
}
