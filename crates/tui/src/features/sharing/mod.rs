//! Sharing a OneDrive item by link (the share key): choose view or edit, the link
//! is made, shown whole on its own line and put on the clipboard.

pub mod io;
pub mod update;
pub mod widget;

/// The share dialog: the item, and where its link is.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareDialog {
    /// Answers to an older dialog's request are dropped.
    pub ticket: u64,
    /// The item, as shown.
    pub name: String,
    pub id: String,
    pub link: ShareState,
}

/// Where a share dialog is.
#[derive(Debug, Clone, PartialEq)]
pub enum ShareState {
    Choosing,
    Creating,
    /// The link, what it allows, and who it works for.
    Made {
        url: String,
        kind: String,
        scope: Option<String>,
    },
    Failed(String),
}
