//! Listing a pane's folder, off the UI task; `cancel` is the pane's listing token
//! (a new listing or find stops this one).

use tokio_util::sync::CancellationToken;

use crate::features::panes::listing::{list_local, list_remote};
use crate::shared::services::Services;
use odc_engine::transfer::Location;

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
