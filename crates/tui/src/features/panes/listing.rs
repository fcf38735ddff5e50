//! Listing for the panes, run by the runner: a local folder (on the blocking pool)
//! or a OneDrive folder, streamed as pages; and folder names for completion.

use std::path::Path;

use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::shared::messages::Event;
use crate::shared::pages::{PageSink, entry_of, local_entry};
use odc_graph::{Graph, ItemAddress, RemotePath};

/// Entries per page sent from a local listing.
const LOCAL_PAGE: usize = 500;

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
