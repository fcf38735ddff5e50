//! The share dialog's I/O: a sharing link made through Graph.

use crate::shared::messages::Event;
use crate::shared::services::Services;
use odc_graph::ItemAddress;
use odc_graph::path::DriveSpec;
use odc_graph::sharing::LinkKind;

/// Asks for a link to the item `id`; answers `LinkMade`.
pub fn create_link(services: &Services, ticket: u64, id: String, kind: LinkKind, drive: DriveSpec) {
    let graph = services.graph_in(&drive);
    let services = services.clone();
    tokio::spawn(async move {
        let result = match graph.await {
            Some(graph) => graph
                .create_link(&ItemAddress::Id(id), kind, None)
                .await
                .map_err(|e| e.to_string()),
            None => Err("Sign in to OneDrive first".into()),
        };
        services.report(Event::LinkMade { ticket, result });
    });
}
