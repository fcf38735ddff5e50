//! Sharing links made through Graph.

use crate::update::Event;

use crate::effects::Runner;

impl Runner {
    pub(super) fn create_link(
        &mut self,
        ticket: u64,
        id: String,
        kind: odc_graph::sharing::LinkKind,
        drive: odc_graph::path::DriveSpec,
    ) {
        let graph = self.services.graph_in(&drive);
        let tx = self.services.tx.clone();
        tokio::spawn(async move {
            let result = match graph.await {
                Some(graph) => graph
                    .create_link(&odc_graph::ItemAddress::Id(id), kind, None)
                    .await
                    .map_err(|e| e.to_string()),
                None => Err("Sign in to OneDrive first".into()),
            };
            let _ = tx.send(Event::LinkMade { ticket, result });
        });
    }
}
