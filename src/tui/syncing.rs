//! The one destructive step of a sync: removing what the destination has and the
//! source lacks. OneDrive items go to the recycle bin (a DELETE is that), local
//! ones to the desktop trash (`~/.local/share/Trash`); nothing is deleted for good.

use crate::onedrive::{Graph, ItemAddress};
use crate::transfer::Location;

pub async fn remove(graph: Option<&Graph>, target: &Location) -> Result<(), String> {
    match target {
        Location::Remote(path) => {
            let graph = graph.ok_or("not signed in")?;
            graph
                .delete(&ItemAddress::Path(path.clone()))
                .await
                .map_err(|e| e.to_string())
        }
        Location::Local(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || trash::delete(&path))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| {
                    format!("not moved to the trash ({e}); delete it by hand if you meant to")
                })
        }
    }
}
