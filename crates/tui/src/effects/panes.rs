//! Listing a pane's folder and finding in it: the listings' I/O, off the UI task.

use odc_engine::transfer::Location;

use crate::effects::Runner;

impl Runner {
    pub(super) fn list(&mut self, pane: usize, ticket: u64, source: Location) {
        let token = self.new_listing(pane);
        let tx = self.services.tx.clone();
        match source {
            Location::Local(path) => {
                tokio::task::spawn_blocking(move || {
                    crate::listing::list_local(&path, pane, ticket, &tx, &token)
                });
            }
            Location::Remote(path) => {
                let graph = self.services.graph_in(path.drive());
                tokio::spawn(async move {
                    let Some(graph) = graph.await else { return };
                    tokio::select! {
                        _ = token.cancelled() => {}
                        _ = crate::listing::list_remote(&graph, &path, pane, ticket, &tx) => {}
                    }
                });
            }
        }
    }
}
