//! Editing (F4): the private copy fetched, uploaded back or discarded.

use std::path::PathBuf;

use crate::update::Event;

use crate::effects::Runner;

impl Runner {
    pub(super) fn fetch_for_edit(
        &mut self,
        ticket: u64,
        id: String,
        drive: odc_graph::path::DriveSpec,
    ) {
        let graph = self.services.graph_in(&drive);
        let (edits, tx) = (self.edits.clone(), self.services.tx.clone());
        tokio::spawn(async move {
            let result = match (graph.await, edits) {
                (Some(graph), Some(edits)) => crate::editing::fetch(&graph, &edits, &id).await,
                (None, _) => Err("Sign in to OneDrive first".into()),
                (_, None) => Err("no cache directory to keep the copy in".into()),
            };
            let _ = tx.send(Event::EditFetched { ticket, result });
        });
    }

    pub(super) fn upload_edit(
        &mut self,
        ticket: u64,
        copy: crate::shared::messages::editor::Copy,
        remote: odc_graph::RemotePath,
        how: crate::shared::messages::editor::Upload,
    ) {
        let graph = self.services.graph_in(remote.drive());
        let tx = self.services.tx.clone();
        tokio::spawn(async move {
            let result = match graph.await {
                Some(graph) => crate::editing::upload(&graph, &copy, &remote, how).await,
                None => Err("Sign in to OneDrive first".into()),
            };
            let _ = tx.send(Event::EditUploaded { ticket, result });
        });
    }

    pub(super) fn discard_edit(&mut self, file: PathBuf) {
        tokio::task::spawn_blocking(move || crate::editing::discard(&file));
    }
}
