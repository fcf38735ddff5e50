//! The hotlist file, read and written off the UI task.

use std::path::PathBuf;

use crate::features::hotlist::file;
use crate::shared::messages::Event;
use crate::shared::services::Services;
use odc_engine::transfer::Location;

pub struct HotlistIo {
    /// The hotlist file; None without a data directory.
    pub path: Option<PathBuf>,
}

impl HotlistIo {
    /// Reads the file; answers `Hotlist`.
    pub fn load(&self, services: &Services) {
        if let Some(path) = self.path.clone() {
            let tx = services.tx.clone();
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(Event::Hotlist(file::load(&path)));
            });
        }
    }

    /// Writes the file; says so when it cannot.
    pub fn save(&self, services: &Services, folders: Vec<Location>) {
        match self.path.clone() {
            Some(path) => {
                let tx = services.tx.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(problem) = file::save(&path, &folders) {
                        let _ = tx.send(Event::Message(format!(
                            "Cannot save the hotlist: {problem}"
                        )));
                    }
                });
            }
            None => {
                services.report(Event::Message(
                    "No data directory: the hotlist is not saved".into(),
                ));
            }
        };
    }
}
