//! `odc du [--bytes] [--json] PLACE`: what uses the space in a folder, local or on
//! OneDrive — each subfolder's total, biggest first, then the files directly in
//! it and the whole. OneDrive folders carry their total in `size` (one listing
//! answers it); a local folder is walked (links not followed, an unreadable folder
//! counted and said).

use std::path::Path;

use futures::StreamExt;
use humansize::{BINARY, format_size};
use serde_json::json;

use super::context::{Context, Outcome};
use odc_core::display::escape_control;
use odc_engine::transfer::Location;
use odc_graph::graphs::Graphs;
use odc_graph::{Error, ItemAddress, RemotePath};

/// A folder's own files and each subfolder's total.
struct Usage {
    folders: Vec<(String, u64)>,
    files: u64,
    /// Local folders that could not be read (their sizes are missing).
    unreadable: usize,
}

pub async fn du(context: &Context, place: &str, bytes: bool, as_json: bool) -> Outcome {
    let here = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let location = Location::parse(place, Some(&here)).map_err(|e| Error::Other(e.to_string()))?;
    let mut usage = match &location {
        Location::Local(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || local(&path))
                .await
                .map_err(|e| Error::Other(e.to_string()))??
        }
        Location::Remote(path) => remote(context, path, place).await?,
    };
    usage
        .folders
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total = usage.files + usage.folders.iter().map(|(_, size)| size).sum::<u64>();
    let size = |n: u64| {
        if bytes {
            n.to_string()
        } else {
            format_size(n, BINARY)
        }
    };
    if as_json {
        let folders: Vec<_> = usage
            .folders
            .iter()
            .map(|(name, size)| json!({"name": name, "size": size}))
            .collect();
        let document = json!({
            "place": location.to_string(),
            "folders": folders,
            "files": usage.files,
            "total": total,
        });
        outln!("{document}");
    } else {
        let mut out = String::new();
        for (name, bytes) in &usage.folders {
            out.push_str(&format!(
                "{:>12}  {}/\n",
                size(*bytes),
                escape_control(name)
            ));
        }
        out.push_str(&format!("{:>12}  (files here)\n", size(usage.files)));
        out.push_str(&format!("{:>12}  total\n", size(total)));
        out!("{out}");
    }
    if usage.unreadable > 0 {
        errln!(
            "odc: {} folder(s) could not be read: the sizes leave them out",
            usage.unreadable
        );
    }
    Ok(())
}

/// One listing of a OneDrive folder: its subfolders' `size` is their total.
/// Shortcuts to other drives and packages are not the folder's own space.
async fn remote(context: &Context, path: &RemotePath, place: &str) -> Result<Usage, Error> {
    // As check and sync read places: any account, drive or shared folder.
    let graphs = Graphs::new(context.config.clone(), context.store.clone());
    if path.drive().account.is_none() {
        graphs.set_default(std::sync::Arc::new(context.graph()?));
    }
    let graph = graphs.for_drive(path.drive()).await?;
    let item = graph
        .item(&ItemAddress::Path(path.clone()))
        .await
        .map_err(|e| super::context::about(place, e))?;
    if !item.is_folder() {
        return Err(Error::Other(format!("{path} is a file, not a folder")));
    }
    let mut usage = Usage {
        folders: Vec::new(),
        files: 0,
        unreadable: 0,
    };
    let mut pages = std::pin::pin!(graph.list(&ItemAddress::Id(item.id)));
    while let Some(page) = pages.next().await {
        for child in page.map_err(|e| super::context::about(place, e))? {
            if child.remote_item.is_some() {
                continue;
            }
            if child.is_folder() {
                usage.folders.push((child.name, child.size));
            } else {
                usage.files += child.size;
            }
        }
    }
    Ok(usage)
}

/// A local folder walked; links are not followed (their own size is not counted).
fn local(path: &Path) -> Result<Usage, Error> {
    let metadata = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !metadata.is_dir() {
        return Err(Error::Other(format!(
            "{} is a file, not a folder",
            odc_core::display::escape_path(path)
        )));
    }
    let mut usage = Usage {
        folders: Vec::new(),
        files: 0,
        unreadable: 0,
    };
    for entry in std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .flatten()
    {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            let (size, unreadable) = odc_core::fsutil::tree_size(&entry.path());
            usage.unreadable += unreadable;
            usage
                .folders
                .push((entry.file_name().to_string_lossy().into_owned(), size));
        } else if kind.is_file() {
            usage.files += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    Ok(usage)
}
