//! Listing a pane's folder and finding in it: the listings' I/O, off the UI task.

use crate::update::Event;
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

    pub(super) fn find(&mut self, pane: usize, ticket: u64, base: Location, query: String) {
        let token = self.new_listing(pane);
        let tx = self.services.tx.clone();
        match base {
            Location::Local(path) => {
                tokio::task::spawn_blocking(move || {
                    let sink = crate::listing::PageSink {
                        tx: &tx,
                        pane,
                        ticket,
                    };
                    crate::finding::find_local(&path, &query, &sink, &token)
                });
            }
            Location::Remote(path) => {
                let graph = self.services.graph_in(path.drive());
                tokio::spawn(async move {
                    let Some(graph) = graph.await else { return };
                    let sink = crate::listing::PageSink {
                        tx: &tx,
                        pane,
                        ticket,
                    };
                    tokio::select! {
                        _ = token.cancelled() => {}
                        _ = crate::finding::find_remote(&graph, &path, &query, &sink) => {}
                    }
                });
            }
        }
    }

    pub(super) fn complete_folders(&mut self, ticket: u64, folder: odc_engine::transfer::Location) {
        let graph = self.services.graph_at(&folder);
        let tx = self.services.tx.clone();
        tokio::spawn(async move {
            let graph = graph.await;
            let result = crate::listing::folder_names(graph.as_deref(), &folder).await;
            let _ = tx.send(Event::Completions { ticket, result });
        });
    }
}
