//! The versions and recycle bin dialogs' I/O through Graph; each answers with
//! an event.

use std::path::PathBuf;

use crate::shared::messages::Event;
use crate::shared::services::Services;
use humansize::{BINARY, format_size};
use odc_graph::deleted::Deleted;
use odc_graph::history::Version;
use odc_graph::path::DriveSpec;
use odc_graph::{Graph, ItemAddress, RemotePath};

const NOT_SIGNED_IN: &str = "Sign in to OneDrive first";

pub fn list_versions(services: &Services, ticket: u64, id: String, drive: DriveSpec) {
    let graph = services.graph_in(&drive);
    let services = services.clone();
    tokio::spawn(async move {
        let result = match graph.await {
            Some(graph) => graph
                .versions(&ItemAddress::Id(id))
                .await
                .map_err(|e| e.to_string()),
            None => Err(NOT_SIGNED_IN.into()),
        };
        services.report(Event::VersionsListed { ticket, result });
    });
}

pub fn restore_version(
    services: &Services,
    ticket: u64,
    id: String,
    version: String,
    drive: DriveSpec,
) {
    let graph = services.graph_in(&drive);
    let services = services.clone();
    tokio::spawn(async move {
        let result = match graph.await {
            Some(graph) => graph
                .restore_version(&id, &version)
                .await
                .map(|()| {
                    "Restored: it is the current version now (the one it replaced is kept)"
                        .to_string()
                })
                .map_err(|e| e.to_string()),
            None => Err(NOT_SIGNED_IN.into()),
        };
        let relist = result.is_ok();
        services.report(Event::VersionDone {
            ticket,
            result,
            relist,
        });
    });
}

/// Downloads a version (`None`: the current one) to `target`, which must not
/// exist yet.
pub fn copy_version(
    services: &Services,
    ticket: u64,
    id: String,
    version: Option<Version>,
    drive: DriveSpec,
    target: PathBuf,
) {
    let graph = services.graph_in(&drive);
    let services = services.clone();
    tokio::spawn(async move {
        let result = match graph.await {
            Some(graph) => copy_out(&graph, &id, version.as_ref(), &target).await,
            None => Err(NOT_SIGNED_IN.into()),
        };
        services.report(Event::VersionDone {
            ticket,
            result,
            relist: false,
        });
    });
}

async fn copy_out(
    graph: &Graph,
    id: &str,
    version: Option<&Version>,
    target: &std::path::Path,
) -> Result<String, String> {
    let shown = odc_core::display::escape_path(target);
    if tokio::fs::symlink_metadata(target).await.is_ok() {
        return Err(format!("{shown} exists; nothing was copied"));
    }
    let item = graph
        .item(&ItemAddress::Id(id.to_string()))
        .await
        .map_err(|e| e.to_string())?;
    let item = match version {
        Some(version) => Graph::as_version(&item, version),
        None => item,
    };
    let cancel = tokio_util::sync::CancellationToken::new();
    graph
        .download_file(&item, target, &odc_graph::Progress::default(), &cancel)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "Copied to {shown} ({})",
        format_size(item.size, BINARY)
    ))
}

pub fn list_bin(services: &Services, ticket: u64, drive: DriveSpec) {
    let graph = services.graph_in(&drive);
    let services = services.clone();
    tokio::spawn(async move {
        let result = match graph.await {
            Some(graph) => graph
                .recycle_bin(&RemotePath::root())
                .await
                .map_err(|e| e.to_string()),
            None => Err(NOT_SIGNED_IN.into()),
        };
        services.report(Event::BinListed { ticket, result });
    });
}

pub fn restore_from_bin(services: &Services, ticket: u64, entry: Deleted, drive: DriveSpec) {
    let graph = services.graph_in(&drive);
    let services = services.clone();
    tokio::spawn(async move {
        let result = match graph.await {
            Some(graph) => graph
                .restore_from_bin(&entry)
                .await
                .map(|_| {
                    format!(
                        "Restored {}",
                        odc_core::display::escape_control(&entry.path)
                    )
                })
                .map_err(|e| e.to_string()),
            None => Err(NOT_SIGNED_IN.into()),
        };
        services.report(Event::BinDone {
            ticket,
            id: entry.id,
            result,
        });
    });
}

pub fn purge_from_bin(services: &Services, ticket: u64, entry: Deleted, drive: DriveSpec) {
    let graph = services.graph_in(&drive);
    let services = services.clone();
    tokio::spawn(async move {
        let result = match graph.await {
            Some(graph) => graph
                .purge_from_bin(&entry)
                .await
                .map(|()| {
                    format!(
                        "Deleted {} for good",
                        odc_core::display::escape_control(&entry.path)
                    )
                })
                .map_err(|e| e.to_string()),
            None => Err(NOT_SIGNED_IN.into()),
        };
        services.report(Event::BinDone {
            ticket,
            id: entry.id,
            result,
        });
    });
}
