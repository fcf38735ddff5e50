//! mkdir, rename and delete, run by the engine's operations for either kind of pane.

use tokio::sync::mpsc::UnboundedSender;

use crate::update::Event;
use odc_engine::transfer::Location;
use odc_engine::transfer::operations;
use odc_graph::Error;

use crate::effects::Runner;

impl Runner {
    pub(super) fn mkdir(&mut self, dir: odc_engine::transfer::Location, name: String) {
        let graph = self.services.graph_at(&dir);
        let tx = self.services.tx.clone();
        tokio::spawn(async move {
            let graph = graph.await;
            let result = operations::mkdir(graph.as_deref(), &dir, &name).await;
            report(&tx, result, dir, format!("Created {name}"));
        });
    }

    pub(super) fn rename(&mut self, dir: odc_engine::transfer::Location, from: String, to: String) {
        let graph = self.services.graph_at(&dir);
        let tx = self.services.tx.clone();
        tokio::spawn(async move {
            let graph = graph.await;
            let result = operations::rename(graph.as_deref(), &dir, &from, &to).await;
            report(&tx, result, dir, format!("Renamed {from} to {to}"));
        });
    }

    pub(super) fn delete(
        &mut self,
        dir: odc_engine::transfer::Location,
        names: Vec<String>,
        local: odc_engine::transfer::operations::LocalDelete,
    ) {
        let graph = self.services.graph_at(&dir);
        let tx = self.services.tx.clone();
        tokio::spawn(async move {
            let graph = graph.await;
            let result = operations::delete(graph.as_deref(), &dir, &names, local).await;
            let done = if dir.is_remote() {
                format!("Deleted {} (in the OneDrive recycle bin)", names.len())
            } else {
                format!("Deleted {}", names.len())
            };
            report(&tx, result, dir, done);
        });
    }
}

fn report(tx: &UnboundedSender<Event>, result: Result<(), Error>, dir: Location, done: String) {
    let message = match result {
        Ok(()) => done,
        Err(err) => err.to_string(),
    };
    let _ = tx.send(Event::Message(message));
    let _ = tx.send(Event::Changed(vec![dir]));
}
