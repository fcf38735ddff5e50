//! Listing a pane's folder, off the UI task; `cancel` is the pane's listing token
//! (a new listing or find stops this one).

use tokio_util::sync::CancellationToken;

use crate::features::panes::listing::{list_local, list_remote};
use crate::shared::services::Services;
use odc_engine::transfer::Location;

/// Walks each of `names` in `dir` for its total (off the UI task); answers
/// `FolderSizes`.
pub fn folder_sizes(
    services: &Services,
    pane: usize,
    ticket: u64,
    dir: std::path::PathBuf,
    names: Vec<String>,
) {
    let services = services.clone();
    tokio::task::spawn_blocking(move || {
        let sizes = names
            .into_iter()
            .map(|name| {
                let (bytes, _unreadable) = odc_core::fsutil::tree_size(&dir.join(&name));
                (name, bytes)
            })
            .collect();
        services.report(crate::shared::messages::Event::FolderSizes {
            pane,
            ticket,
            sizes,
        });
    });
}

pub fn list(
    services: &Services,
    cancel: CancellationToken,
    pane: usize,
    ticket: u64,
    source: Location,
) {
    let tx = services.tx.clone();
    match source {
        Location::Local(path) => {
            tokio::task::spawn_blocking(move || list_local(&path, pane, ticket, &tx, &cancel));
        }
        Location::Remote(path) => {
            let graph = services.graph_in(path.drive());
            tokio::spawn(async move {
                let Some(graph) = graph.await else { return };
                tokio::select! {
                    _ = cancel.cancelled() => {}
                    _ = list_remote(&graph, &path, pane, ticket, &tx) => {}
                }
            });
        }
    }
}
