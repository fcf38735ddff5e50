//! mkdir, rename and delete, run by the engine's operations for either kind of pane.

use tokio::sync::mpsc::UnboundedSender;

use crate::shared::messages::Event;
use crate::shared::services::Services;
use odc_engine::transfer::Location;
use odc_engine::transfer::operations::{self, LocalDelete};
use odc_graph::Error;

/// Makes the folder `name` in `dir`; says how it went and reloads `dir`.
pub fn mkdir(services: &Services, dir: Location, name: String) {
    let graph = services.graph_at(&dir);
    let tx = services.tx.clone();
    tokio::spawn(async move {
        let graph = graph.await;
        let result = operations::mkdir(graph.as_deref(), &dir, &name).await;
        report(&tx, result, dir, format!("Created {name}"));
    });
}

/// Renames `from` to `to` in `dir`.
pub fn rename(services: &Services, dir: Location, from: String, to: String) {
    let graph = services.graph_at(&dir);
    let tx = services.tx.clone();
    tokio::spawn(async move {
        let graph = graph.await;
        let result = operations::rename(graph.as_deref(), &dir, &from, &to).await;
        report(&tx, result, dir, format!("Renamed {from} to {to}"));
    });
}

/// Deletes `names` in `dir` (to the recycle bin or trash, or for good).
pub fn delete(services: &Services, dir: Location, names: Vec<String>, local: LocalDelete) {
    let graph = services.graph_at(&dir);
    let tx = services.tx.clone();
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

fn report(tx: &UnboundedSender<Event>, result: Result<(), Error>, dir: Location, done: String) {
    let message = match result {
        Ok(()) => done,
        Err(err) => err.to_string(),
    };
    let _ = tx.send(Event::Message(message));
    let _ = tx.send(Event::Changed(vec![dir]));
}
