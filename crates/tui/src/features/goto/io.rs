//! The go-to prompt's I/O: the names of the folders in a folder, local or on
//! OneDrive, for Tab.

use futures::StreamExt;

use crate::shared::messages::Event;
use crate::shared::services::Services;
use odc_engine::transfer::Location;
use odc_graph::{Graph, ItemAddress};

/// Lists the folder names in `folder`; answers `Completions`.
pub fn complete_folders(services: &Services, ticket: u64, folder: Location) {
    let graph = services.graph_at(&folder);
    let services = services.clone();
    tokio::spawn(async move {
        let graph = graph.await;
        let result = folder_names(graph.as_deref(), &folder).await;
        services.report(Event::Completions { ticket, result });
    });
}

/// Most folder names a completion looks at.
const COMPLETION_LIMIT: usize = 10_000;

/// The names of the folders in `folder` (for Tab in the go-to prompt).
pub async fn folder_names(graph: Option<&Graph>, folder: &Location) -> Result<Vec<String>, String> {
    match folder {
        Location::Local(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || {
                let reader = std::fs::read_dir(&path)
                    .map_err(|e| format!("{}: {e}", odc_core::display::escape_path(&path)))?;
                Ok(reader
                    .filter_map(Result::ok)
                    .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .take(COMPLETION_LIMIT)
                    .collect())
            })
            .await
            .map_err(|e| e.to_string())?
        }
        Location::Remote(path) => {
            let graph = graph.ok_or("Sign in to OneDrive first")?;
            let item = graph
                .item(&ItemAddress::Path(path.clone()))
                .await
                .map_err(|e| format!("{path}: {e}"))?;
            let mut names = Vec::new();
            let mut pages = std::pin::pin!(graph.list(&ItemAddress::Id(item.id)));
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| format!("{path}: {e}"))?;
                names.extend(page.into_iter().filter(|i| i.is_folder()).map(|i| i.name));
                if names.len() >= COMPLETION_LIMIT {
                    break;
                }
            }
            Ok(names)
        }
    }
}
