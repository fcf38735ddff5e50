//! Listing for the panes, run by the runner: a local folder (on the blocking pool)
//! or a OneDrive folder, streamed as pages; and folder names for completion.

use std::path::{Path, PathBuf};

use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::state::{Entry, RemoteDetails};
use crate::update::Event;
use odc_engine::transfer::Location;
use odc_graph::{DriveItem, Graph, ItemAddress, RemotePath};

/// Entries per page sent from a local listing.
const LOCAL_PAGE: usize = 500;

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

    fn failed_as(&self, message: String, not_a_folder: bool) {
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

pub async fn list_remote(
    graph: &Graph,
    path: &RemotePath,
    pane: usize,
    ticket: u64,
    tx: &UnboundedSender<Event>,
) {
    let sink = PageSink { tx, pane, ticket };
    let folder = match graph.item(&ItemAddress::Path(path.clone())).await {
        Ok(item) if item.is_folder() => item,
        Ok(_) => return sink.failed_as(format!("{path} is not a folder"), true),
        Err(err) => return sink.failed(format!("{path}: {err}")),
    };
    let mut pages = std::pin::pin!(graph.list(&ItemAddress::Id(folder.id)));
    while let Some(page) = pages.next().await {
        match page {
            Ok(items) => {
                if !sink.page(items.into_iter().map(entry_of).collect(), false) {
                    return;
                }
            }
            Err(err) => return sink.failed(format!("{path}: {err}")),
        }
    }
    sink.page(Vec::new(), true);
}

/// Runs on the blocking pool: a 100,000-entry directory streams in pages and the
/// UI keeps taking input.
pub fn list_local(
    path: &Path,
    pane: usize,
    ticket: u64,
    tx: &UnboundedSender<Event>,
    token: &CancellationToken,
) {
    let sink = PageSink { tx, pane, ticket };
    let reader = match std::fs::read_dir(path) {
        Ok(reader) => reader,
        Err(err) => {
            let not_a_folder = err.kind() == std::io::ErrorKind::NotADirectory;
            return sink.failed_as(format!("{}: {err}", path.display()), not_a_folder);
        }
    };
    let mut page = Vec::with_capacity(LOCAL_PAGE);
    for entry in reader {
        if token.is_cancelled() {
            return;
        }
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        page.push(local_entry(&entry, name));
        if page.len() == LOCAL_PAGE {
            let full_page = std::mem::replace(&mut page, Vec::with_capacity(LOCAL_PAGE));
            if !sink.page(full_page, false) {
                return;
            }
        }
    }
    sink.page(page, true);
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

/// Most folder names a completion looks at.
const COMPLETION_LIMIT: usize = 10_000;

/// The names of the folders in `folder` (for Tab in the go-to prompt).
pub async fn folder_names(graph: Option<&Graph>, folder: &Location) -> Result<Vec<String>, String> {
    match folder {
        Location::Local(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || {
                let reader = std::fs::read_dir(&path)
                    .map_err(|e| format!("{}: {e}", odc_core::display::escape_path(&path)))?;
                Ok(reader
                    .filter_map(Result::ok)
                    .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .take(COMPLETION_LIMIT)
                    .collect())
            })
            .await
            .map_err(|e| e.to_string())?
        }
        Location::Remote(path) => {
            let graph = graph.ok_or("Sign in to OneDrive first")?;
            let item = graph
                .item(&ItemAddress::Path(path.clone()))
                .await
                .map_err(|e| format!("{path}: {e}"))?;
            let mut names = Vec::new();
            let mut pages = std::pin::pin!(graph.list(&ItemAddress::Id(item.id)));
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| format!("{path}: {e}"))?;
                names.extend(page.into_iter().filter(|i| i.is_folder()).map(|i| i.name));
                if names.len() >= COMPLETION_LIMIT {
                    break;
                }
            }
            Ok(names)
        }
    }
}
