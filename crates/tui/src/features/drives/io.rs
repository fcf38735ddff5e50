//! The drive picker's I/O: a drive's quota, the accounts' places, SharePoint sites.

use crate::features::drives::places;
use crate::shared::messages::Event;
use crate::shared::services::Services;
use odc_graph::path::DriveSpec;

/// Reads a drive's quota; answers `DriveInfo`.
pub fn fetch_drive_info(services: &Services, drive: DriveSpec) {
    let (graph, tx) = (services.graph_in(&drive), services.tx.clone());
    tokio::spawn(async move {
        let Some(graph) = graph.await else { return };
        match graph.drive().await {
            Ok(info) => {
                let quota = info.quota;
                let _ = tx.send(Event::DriveInfo {
                    drive,
                    used: quota.as_ref().and_then(|q| q.used),
                    total: quota.as_ref().and_then(|q| q.total),
                });
            }
            Err(err) => {
                let _ = tx.send(Event::Message(format!(
                    "Cannot read the drive {}: {err}",
                    odc_core::display::escape_control(&drive.prefix())
                )));
            }
        }
    });
}

/// Reads the signed-in accounts and the drives each can open; answers `Places`.
pub fn load_places(services: &Services, ticket: u64) {
    places::load(
        services.graphs.clone(),
        services.store.clone(),
        &services.config,
        ticket,
        &services.tx,
    );
}

/// Searches the work accounts' SharePoint sites; answers `Places`.
pub fn search_sites(services: &Services, ticket: u64, text: String) {
    places::search(
        services.graphs.clone(),
        services.store.clone(),
        &services.config,
        ticket,
        text,
        &services.tx,
    );
}
