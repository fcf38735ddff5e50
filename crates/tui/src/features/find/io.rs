//! Find's I/O: walking a local folder or searching OneDrive, the results sent as
//! the pane's pages; `cancel` is the pane's listing token (a new listing or find
//! stops this one).

use tokio_util::sync::CancellationToken;

use crate::features::find::search::{find_local, find_remote};
use crate::shared::pages::PageSink;
use crate::shared::services::Services;
use odc_engine::transfer::Location;

pub fn find(
    services: &Services,
    cancel: CancellationToken,
    (pane, ticket): (usize, u64),
    base: Location,
    query: String,
    filter: &str,
) {
    let filter = services.filter(filter);
    let tx = services.tx.clone();
    match base {
        Location::Local(path) => {
            tokio::task::spawn_blocking(move || {
                let sink = PageSink {
                    tx: &tx,
                    pane,
                    ticket,
                };
                find_local(&path, &query, filter.as_deref(), &sink, &cancel)
            });
        }
        Location::Remote(path) => {
            let graph = services.graph_in(path.drive());
            tokio::spawn(async move {
                let Some(graph) = graph.await else { return };
                let sink = PageSink {
                    tx: &tx,
                    pane,
                    ticket,
                };
                tokio::select! {
                    _ = cancel.cancelled() => {}
                    _ = find_remote(&graph, &path, &query, filter.as_deref(), &sink) => {}
                }
            });
        }
    }
}
