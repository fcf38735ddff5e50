//! The drive picker's I/O: a drive's quota, the accounts' places, SharePoint sites.

use crate::update::Event;

use crate::effects::Runner;

impl Runner {
    pub(super) fn fetch_drive_info(&mut self, drive: odc_graph::path::DriveSpec) {
        let (graph, tx) = (self.services.graph_in(&drive), self.services.tx.clone());
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

    pub(super) fn load_places(&mut self, ticket: u64) {
        crate::places::load(
            self.services.graphs.clone(),
            self.store.clone(),
            &self.services.config,
            ticket,
            &self.services.tx,
        );
    }

    pub(super) fn search_sites(&mut self, ticket: u64, text: String) {
        crate::places::search(
            self.services.graphs.clone(),
            self.store.clone(),
            &self.services.config,
            ticket,
            text,
            &self.services.tx,
        );
    }
}
