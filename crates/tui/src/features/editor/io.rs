//! The editor's I/O: the private copy fetched, uploaded back or discarded, off the
//! UI task. (The editor itself runs in the terminal, which the loop owns.)

use std::path::PathBuf;

use crate::features::editor::private_copy;
use crate::shared::messages::Event;
use crate::shared::messages::editor::{Copy, Upload};
use crate::shared::services::Services;
use odc_graph::RemotePath;
use odc_graph::path::DriveSpec;

pub struct EditorIo {
    /// Where private copies of OneDrive files being edited go.
    pub edits: Option<PathBuf>,
}

impl EditorIo {
    /// Downloads the item `id` into a private copy; answers `EditFetched`.
    pub fn fetch(&self, services: &Services, ticket: u64, id: String, drive: DriveSpec) {
        let graph = services.graph_in(&drive);
        let (edits, services) = (self.edits.clone(), services.clone());
        tokio::spawn(async move {
            let result = match (graph.await, edits) {
                (Some(graph), Some(edits)) => private_copy::fetch(&graph, &edits, &id).await,
                (None, _) => Err("Sign in to OneDrive first".into()),
                (_, None) => Err("no cache directory to keep the copy in".into()),
            };
            services.report(Event::EditFetched { ticket, result });
        });
    }

    /// Uploads an edited copy as `how` says; answers `EditUploaded`.
    pub fn upload(
        &self,
        services: &Services,
        ticket: u64,
        copy: Copy,
        remote: RemotePath,
        how: Upload,
    ) {
        let graph = services.graph_in(remote.drive());
        let services = services.clone();
        tokio::spawn(async move {
            let result = match graph.await {
                Some(graph) => private_copy::upload(&graph, &copy, &remote, how).await,
                None => Err("Sign in to OneDrive first".into()),
            };
            services.report(Event::EditUploaded { ticket, result });
        });
    }

    /// Removes an edited copy and its private folder.
    pub fn discard(&self, file: PathBuf) {
        tokio::task::spawn_blocking(move || private_copy::discard(&file));
    }
}
