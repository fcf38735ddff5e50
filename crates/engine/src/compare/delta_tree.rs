//! A OneDrive tree kept up to date by delta: the first compare walks the folder's
//! delta from the start and saves the items with the deltaLink under the cache
//! directory; the next one fetches only what changed since. A token the service no
//! longer knows (410) starts over. Business drives only have delta at the root, so
//! for their other folders the caller lists instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Why;
use super::tree::{Node, Tree, remote_left_out};
use odc_graph::{Error, Graph, ItemAddress, RemotePath};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Saved {
    folder_id: String,
    delta_link: String,
    items: HashMap<String, SavedItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SavedItem {
    name: String,
    parent: Option<String>,
    is_dir: bool,
    size: u64,
    modified: Option<DateTime<Utc>>,
    hash: Option<String>,
    /// Why the item is not a file or folder of the tree (a notebook, the vault,
    /// a shortcut, a name that cannot be a path); nothing below it is either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    left_out: Option<Why>,
}

/// How the tree was got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeltaStats {
    /// Delta pages fetched.
    pub pages: usize,
    /// Items those pages carried.
    pub items: usize,
    /// Started from the beginning (no saved state, or the service asked to).
    pub full: bool,
}

/// The saved state of `folder_id` on the service at `graph_url`.
fn state_file(dir: &Path, graph_url: &str, folder_id: &str) -> PathBuf {
    let key = odc_core::quickxor::quickxor_base64(format!("{graph_url}\n{folder_id}").as_bytes());
    let safe: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    // v2: items carry why they are left out; state saved before that is not
    // used (it took notebooks for files).
    dir.join("delta").join(format!("{safe}.v2.json"))
}

/// The tree below `root`, through delta and the state saved in `cache_dir`.
pub async fn remote(
    graph: &Graph,
    root: &RemotePath,
    cache_dir: Option<&Path>,
    graph_url: &str,
) -> odc_graph::Result<(Tree, DeltaStats)> {
    let top = graph.item(&ItemAddress::Path(root.clone())).await?;
    if !top.is_folder() {
        return Err(Error::Other(format!("{root} is not a folder")));
    }
    let file = cache_dir.map(|d| state_file(d, graph_url, &top.id));
    let saved: Option<Saved> = file
        .as_ref()
        .and_then(|f| std::fs::read(f).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .filter(|s: &Saved| s.folder_id == top.id);
    let mut stats = DeltaStats {
        full: saved.is_none(),
        ..Default::default()
    };
    let (mut items, mut url) = match saved {
        Some(saved) => (saved.items, saved.delta_link),
        None => (HashMap::new(), graph.delta_start(&top.id)),
    };
    let delta_link = loop {
        let page = match graph.delta_page(&url).await {
            Ok(page) => page,
            Err(Error::Graph { status: 410, .. }) if !stats.full => {
                tracing::info!("delta for {root}: the service asked to start over");
                items.clear();
                stats.full = true;
                url = graph.delta_start(&top.id);
                continue;
            }
            Err(err) => return Err(err),
        };
        stats.pages += 1;
        stats.items += page.items.len();
        for item in page.items {
            if item.deleted.is_some() {
                items.remove(&item.id);
            } else if item.id != top.id && item.remote_item.is_none() {
                items.insert(
                    item.id.clone(),
                    SavedItem {
                        left_out: remote_left_out(&item),
                        parent: item.parent_reference.as_ref().and_then(|p| p.id.clone()),
                        is_dir: item.is_folder(),
                        size: if item.is_folder() { 0 } else { item.size },
                        modified: item.modified(),
                        hash: item.quick_xor_hash().map(str::to_string),
                        name: item.name,
                    },
                );
            }
        }
        match (page.next, page.delta_link) {
            (Some(next), _) => url = next,
            (None, Some(link)) => break link,
            (None, None) => {
                return Err(Error::Other(
                    "a delta page had neither a next page nor a deltaLink".into(),
                ));
            }
        }
    };
    let tree = build(&top.id, &items);
    if let Some(file) = file {
        let saved = Saved {
            folder_id: top.id.clone(),
            delta_link,
            items,
        };
        // Best effort: without it the next compare walks everything again.
        if let Ok(bytes) = serde_json::to_vec(&saved)
            && let Err(err) = odc_core::fsutil::write_private_atomically(&file, &bytes)
        {
            tracing::warn!("the delta state was not saved: {err}");
        }
    }
    Ok((tree, stats))
}

/// Paths from parent ids; items whose parents are gone (a deleted folder whose
/// children were not listed) are left out, and so is everything below an item
/// the tree leaves out (a notebook's sections, the vault's files).
fn build(root_id: &str, items: &HashMap<String, SavedItem>) -> Tree {
    let mut paths: HashMap<&str, Option<String>> = HashMap::new();
    paths.insert(root_id, Some(String::new()));
    fn path_of<'a>(
        id: &'a str,
        items: &'a HashMap<String, SavedItem>,
        paths: &mut HashMap<&'a str, Option<String>>,
        depth: usize,
    ) -> Option<String> {
        if let Some(known) = paths.get(id) {
            return known.clone();
        }
        let item = items.get(id)?;
        let parent = item.parent.as_deref()?;
        let found = if depth > 512 || item.left_out.is_some() {
            None
        } else {
            path_of(parent, items, paths, depth + 1).map(|p| join(&p, &item.name))
        };
        paths.insert(id, found.clone());
        found
    }
    fn join(parent: &str, name: &str) -> String {
        if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}/{name}")
        }
    }
    let mut tree = Tree::default();
    for (id, item) in items {
        if let Some(why) = item.left_out {
            let parent = item.parent.as_deref();
            if let Some(parent) = parent.and_then(|p| path_of(p, items, &mut paths, 0)) {
                tree.leave_out(join(&parent, &item.name), why);
            }
            continue;
        }
        if let Some(path) = path_of(id, items, &mut paths, 0) {
            tree.insert(Node {
                path,
                is_dir: item.is_dir,
                size: item.size,
                modified: item.modified,
                hash: item.hash.clone(),
                local: None,
                sent: None,
            });
        }
    }
    tree
}
