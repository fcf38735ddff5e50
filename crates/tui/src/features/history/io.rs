//! The versions and recycle bin dialogs' I/O through Graph; each answers with
//! an event.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use crate::shared::messages::Event;
use crate::shared::services::Services;
use humansize::{BINARY, format_size};
use odc_core::display::escape_control;
use odc_graph::deleted::Deleted;
use odc_graph::history::Version;
use odc_graph::path::DriveSpec;
use odc_graph::{Graph, ItemAddress, RemotePath};

/// Runs `work` with the client of `drive` off the UI task, and reports what it
/// came to as the event `report` makes of it.
fn on_graph<T, F, Fut>(
    services: &Services,
    drive: &DriveSpec,
    work: F,
    report: impl FnOnce(Result<T, String>) -> Event + Send + 'static,
) where
    T: Send + 'static,
    F: FnOnce(Arc<Graph>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, odc_graph::Error>> + Send,
{
    let graph = services.graph_in(drive);
    let services = services.clone();
    tokio::spawn(async move {
        let result = match graph.await {
            Some(graph) => work(graph).await.map_err(|e| e.to_string()),
            None => Err("Sign in to OneDrive first".to_string()),
        };
        services.report(report(result));
    });
}

pub fn list_versions(services: &Services, ticket: u64, id: String, drive: DriveSpec) {
    on_graph(
        services,
        &drive,
        |graph| async move { graph.versions(&ItemAddress::Id(id)).await },
        move |result| Event::VersionsListed { ticket, result },
    );
}

pub fn restore_version(
    services: &Services,
    ticket: u64,
    id: String,
    version: String,
    drive: DriveSpec,
) {
    on_graph(
        services,
        &drive,
        |graph| async move { graph.restore_version(&id, &version).await },
        move |result| {
            let relist = result.is_ok();
            let result = result.map(|()| {
                "Restored: it is the current version now (the one it replaced is kept)".into()
            });
            Event::VersionDone {
                ticket,
                result,
                relist,
            }
        },
    );
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
    on_graph(
        services,
        &drive,
        |graph| async move { copy_out(&graph, &id, version.as_ref(), &target).await },
        move |result| Event::VersionDone {
            ticket,
            result,
            relist: false,
        },
    );
}

async fn copy_out(
    graph: &Graph,
    id: &str,
    version: Option<&Version>,
    target: &std::path::Path,
) -> Result<String, odc_graph::Error> {
    let shown = odc_core::display::escape_path(target);
    if tokio::fs::symlink_metadata(target).await.is_ok() {
        return Err(odc_graph::Error::Other(format!(
            "{shown} exists; nothing was copied"
        )));
    }
    let item = graph.item(&ItemAddress::Id(id.to_string())).await?;
    let item = match version {
        Some(version) => Graph::as_version(&item, version),
        None => item,
    };
    let cancel = tokio_util::sync::CancellationToken::new();
    graph
        .download_file(&item, target, &odc_graph::Progress::default(), &cancel)
        .await?;
    Ok(format!(
        "Copied to {shown} ({})",
        format_size(item.size, BINARY)
    ))
}

pub fn list_bin(services: &Services, ticket: u64, drive: DriveSpec) {
    on_graph(
        services,
        &drive,
        |graph| async move { graph.recycle_bin(&RemotePath::root()).await },
        move |result| Event::BinListed { ticket, result },
    );
}

pub fn restore_from_bin(services: &Services, ticket: u64, entry: Deleted, drive: DriveSpec) {
    let (id, said) = (
        entry.id.clone(),
        format!("Restored {}", escape_control(&entry.path)),
    );
    on_graph(
        services,
        &drive,
        |graph| async move { graph.restore_from_bin(&entry).await },
        move |result| Event::BinDone {
            ticket,
            id,
            result: result.map(|_| said),
        },
    );
}

pub fn purge_from_bin(services: &Services, ticket: u64, entry: Deleted, drive: DriveSpec) {
    let (id, said) = (
        entry.id.clone(),
        format!("Deleted {} for good", escape_control(&entry.path)),
    );
    on_graph(
        services,
        &drive,
        |graph| async move { graph.purge_from_bin(&entry).await },
        move |result| Event::BinDone {
            ticket,
            id,
            result: result.map(|()| said),
        },
    );
}
