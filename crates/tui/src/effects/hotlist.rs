//! The hotlist file, read and written off the UI task.

use crate::update::Event;

use crate::effects::Runner;

impl Runner {
    pub(super) fn load_hotlist(&mut self) {
        if let Some(path) = self.hotlist.clone() {
            let tx = self.services.tx.clone();
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(Event::Hotlist(crate::hotlist::load(&path)));
            });
        }
    }

    pub(super) fn save_hotlist(&mut self, folders: Vec<odc_engine::transfer::Location>) {
        match self.hotlist.clone() {
            Some(path) => {
                let tx = self.services.tx.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(problem) = crate::hotlist::save(&path, &folders) {
                        let _ = tx.send(Event::Message(format!(
                            "Cannot save the hotlist: {problem}"
                        )));
                    }
                });
            }
            None => {
                let _ = self.services.tx.send(Event::Message(
                    "No data directory: the hotlist is not saved".into(),
                ));
            }
        };
    }
}
