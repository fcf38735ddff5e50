//! Inside a zip (Enter on a `.zip`, local or on OneDrive): its entries as a
//! folder tree in a dialog; F3 views an entry, F5 copies an entry or a folder of
//! them out to the other pane's local folder. A OneDrive archive is read by
//! Range (its table of contents, then the entries asked for), never whole.

pub mod io;
pub mod update;
pub mod widget;

use odc_engine::archive::Entry;

pub use crate::shared::messages::archive::ArchiveRef;

/// The archive dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveDialog {
    pub ticket: u64,
    pub archive: ArchiveRef,
    /// The folder shown inside the archive (`""`: its top).
    pub dir: String,
    /// Every entry, once read; `Err`: why the archive could not be read.
    pub entries: Option<Result<Vec<Entry>, String>>,
    pub cursor: usize,
    pub note: Option<String>,
}

impl ArchiveDialog {
    /// What is directly in the folder shown: folders first, then by name.
    pub fn rows(&self) -> Vec<&Entry> {
        let Some(Ok(entries)) = &self.entries else {
            return Vec::new();
        };
        let mut rows: Vec<&Entry> = entries
            .iter()
            .filter(|e| match e.path.rsplit_once('/') {
                Some((parent, _)) => parent == self.dir,
                None => self.dir.is_empty(),
            })
            .collect();
        rows.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then_with(|| a.name.cmp(&b.name)));
        rows
    }
}

/// Whether a name is one odc opens as an archive.
pub fn is_archive_name(name: &str) -> bool {
    name.len() > 4 && name.to_ascii_lowercase().ends_with(".zip")
}
