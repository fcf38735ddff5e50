//! Find, run by the runner: in a local pane, names matching a pattern anywhere
//! below the folder (a walk on the blocking pool, streamed, cancellable, never
//! following a symlinked folder); in a OneDrive pane, Graph's search of the folder's
//! subtree, paged. Results are entries named by their path below the folder.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::shared::pages::{PageSink, entry_of};
use odc_engine::filter::Filter;
use odc_graph::{Graph, ItemAddress, RemotePath};

/// Results per page, and how long a page waits for more before it goes.
const PAGE: usize = 200;
const PAGE_WAIT: Duration = Duration::from_millis(250);
/// Folders a search result's folder may be below (a loop guard).
const MAX_DEPTH: usize = 256;

/// A name pattern: globs as typed (`*.jpg`, `report-202?`), plain text as
/// "contains". Case-insensitive.
pub fn name_matcher(query: &str) -> Result<globset::GlobMatcher, String> {
    let pattern = if query.contains(['*', '?', '[', '{']) {
        query.to_string()
    } else {
        format!("*{query}*")
    };
    globset::GlobBuilder::new(&pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("{query:?} is not a pattern: {}", e.kind()))
}

/// Whether `filter` keeps a result at `relative` (below the base): its folders
/// must be ones the filter lets a walk into, and it must be kept itself.
pub fn kept(filter: Option<&Filter>, relative: &str, is_dir: bool) -> bool {
    let Some(filter) = filter else {
        return true;
    };
    let folders_open = relative
        .match_indices('/')
        .all(|(at, _)| filter.includes_folder(&relative[..at]));
    folders_open
        && if is_dir {
            filter.includes_folder(relative)
        } else {
            filter.includes_file(relative)
        }
}

/// Walks below `base` for names matching `query`, leaving out what `filter`
/// excludes (a folder it excludes is not entered).
pub fn find_local(
    base: &Path,
    query: &str,
    filter: Option<&Filter>,
    sink: &PageSink,
    cancel: &CancellationToken,
) {
    let matcher = match name_matcher(query) {
        Ok(m) => m,
        Err(problem) => return sink.failed(problem),
    };
    let mut page = Vec::new();
    let mut last_sent = Instant::now();
    let mut unreadable = 0usize;
    let mut folders = vec![base.to_path_buf()];
    while let Some(dir) = folders.pop() {
        if cancel.is_cancelled() {
            return;
        }
        let Ok(reader) = std::fs::read_dir(&dir) else {
            unreadable += 1;
            continue;
        };
        for entry in reader.flatten() {
            let path = entry.path();
            // file_type does not follow symlinks: a link to a folder is listed, not entered.
            let is_real_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = path
                .strip_prefix(base)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| name.clone());
            if !kept(filter, &relative, is_real_dir) {
                continue;
            }
            if is_real_dir {
                folders.push(path.clone());
            }
            if !matcher.is_match(&name) {
                continue;
            }
            page.push(crate::shared::pages::local_entry(&entry, relative));
        }
        if page.len() >= PAGE || (!page.is_empty() && last_sent.elapsed() >= PAGE_WAIT) {
            if !sink.page(std::mem::take(&mut page), false) {
                return;
            }
            last_sent = Instant::now();
        }
    }
    if unreadable > 0 {
        let _ = sink
            .tx
            .send(crate::shared::messages::Event::Message(format!(
                "Find: {unreadable} folder(s) could not be read"
            )));
    }
    sink.page(page, true);
}

/// Graph's search below `base`; each result named by its path below it. Search
/// results may lack `parentReference.path` (business drives), so folders are
/// found by id, each looked up once.
pub async fn find_remote(
    graph: &Graph,
    base: &RemotePath,
    query: &str,
    filter: Option<&Filter>,
    sink: &PageSink<'_>,
) {
    let folder = match graph.item(&ItemAddress::Path(base.clone())).await {
        Ok(item) if item.is_folder() => item,
        Ok(_) => return sink.failed(format!("{base} is not a folder")),
        Err(err) => return sink.failed(format!("{base}: {err}")),
    };
    let mut paths: HashMap<String, RemotePath> = HashMap::new();
    paths.insert(folder.id.clone(), base.clone());
    let mut pages = std::pin::pin!(graph.search(&folder.id, query));
    while let Some(page) = pages.next().await {
        let items = match page {
            Ok(items) => items,
            Err(err) => return sink.failed(format!("search in {base}: {err}")),
        };
        let mut entries = Vec::new();
        for item in items {
            // Shared items from other drives are not below this folder.
            if item.remote_item.is_some() || item.id == folder.id {
                continue;
            }
            let Some(parent_id) = item.parent_reference.as_ref().and_then(|p| p.id.clone()) else {
                continue;
            };
            let parent = match folder_path(graph, &parent_id, &mut paths).await {
                Ok(Some(parent)) => parent,
                Ok(None) => continue, // not below the search's folder
                Err(err) => return sink.failed(format!("search in {base}: {err}")),
            };
            let below = &parent.segments()[base.segments().len()..];
            let mut relative: Vec<&str> = below.iter().map(String::as_str).collect();
            relative.push(&item.name);
            let name = relative.join("/");
            if !kept(filter, &name, item.is_folder()) {
                continue;
            }
            let mut entry = entry_of(item);
            entry.name = name;
            entries.push(entry);
        }
        if !sink.page(entries, false) {
            return;
        }
    }
    sink.page(Vec::new(), true);
}

/// The path of folder `id`, if it is the search's folder or below it: walks up by
/// parent ids to one already known.
async fn folder_path(
    graph: &Graph,
    id: &str,
    known: &mut HashMap<String, RemotePath>,
) -> odc_graph::Result<Option<RemotePath>> {
    let mut names = Vec::new();
    let mut current = id.to_string();
    let found = loop {
        if let Some(path) = known.get(&current) {
            break Some(path.clone());
        }
        if names.len() >= MAX_DEPTH {
            break None;
        }
        let item = graph.item(&ItemAddress::Id(current.clone())).await?;
        match item.parent_reference.and_then(|p| p.id) {
            Some(parent) if item.root.is_none() => {
                names.push((current, item.name));
                current = parent;
            }
            _ => break None, // reached the root without meeting the folder
        }
    };
    let Some(mut path) = found else {
        return Ok(None);
    };
    for (id, name) in names.into_iter().rev() {
        path = path.join(&name);
        known.insert(id, path.clone());
    }
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_means_contains_and_globs_are_globs() {
        let m = name_matcher("report").unwrap();
        assert!(m.is_match("Q3 REPORT final.pdf"));
        assert!(!m.is_match("notes.txt"));
        let m = name_matcher("*.JPG").unwrap();
        assert!(m.is_match("IMG_0001.jpg"));
        assert!(!m.is_match("IMG_0001.jpg.txt"));
        assert!(name_matcher("[").is_err());
    }
}
