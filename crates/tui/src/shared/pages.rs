//! A pane's entries as they arrive: made from Graph items or directory entries,
//! and sent back as pages of a listing (or of find results) under its ticket.

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use crate::shared::messages::Event;
use crate::shared::pane::{Entry, RemoteDetails};
use odc_graph::DriveItem;

/// Where one listing's pages go.
pub struct PageSink<'a> {
    pub tx: &'a UnboundedSender<Event>,
    pub pane: usize,
    pub ticket: u64,
}

impl PageSink<'_> {
    /// Sends a page; false once the UI is gone.
    pub fn page(&self, entries: Vec<Entry>, done: bool) -> bool {
        let (pane, ticket) = (self.pane, self.ticket);
        self.tx
            .send(Event::Page {
                pane,
                ticket,
                entries,
                done,
            })
            .is_ok()
    }

    pub fn failed(&self, message: String) {
        self.failed_as(message, false);
    }

    pub fn failed_as(&self, message: String, not_a_folder: bool) {
        let (pane, ticket) = (self.pane, self.ticket);
        let _ = self.tx.send(Event::ListFailed {
            pane,
            ticket,
            message,
            not_a_folder,
        });
    }
}

pub fn entry_of(item: DriveItem) -> Entry {
    Entry {
        is_dir: item.is_folder(),
        size: item.size,
        modified: item.modified(),
        remote: Some(RemoteDetails {
            id: item.id.clone(),
            created: item
                .file_system_info
                .as_ref()
                .and_then(|f| f.created_date_time)
                .or(item.created_date_time),
            quick_xor_hash: item.quick_xor_hash().map(str::to_string),
            kind: item.kind(),
            shared: item.shared_target(),
            web_url: item.web_url.clone(),
            left_alone: item.left_alone_because(),
        }),
        name: item.name,
    }
}

/// The row for a directory entry, under `name`: a symlink shows what it points to
/// (a dangling one as an empty file).
pub fn local_entry(entry: &std::fs::DirEntry, name: String) -> Entry {
    let full: PathBuf = entry.path();
    let metadata = std::fs::metadata(&full).or_else(|_| entry.metadata());
    let (is_dir, size, modified) = match metadata {
        Ok(m) => (
            m.is_dir(),
            m.len(),
            m.modified().ok().map(chrono::DateTime::<chrono::Utc>::from),
        ),
        Err(_) => (false, 0, None),
    };
    Entry {
        name,
        is_dir,
        size: if is_dir { 0 } else { size },
        modified,
        remote: None,
    }
}
