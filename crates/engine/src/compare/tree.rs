//! One side of a comparison: every file and folder below a root, by path. Read
//! from a local folder (never entering a symlinked folder) or from OneDrive
//! (folders listed concurrently, a bounded number at a time).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::Why;
use odc_core::fsutil::FileVersion;
use odc_graph::{Graph, ItemAddress, RemotePath};

/// Folders listed at once when reading a OneDrive tree.
const REMOTE_FOLDERS_AT_ONCE: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Below the root, `/`-separated.
    pub path: String,
    pub is_dir: bool,
    pub size: u64,
    pub modified: Option<DateTime<Utc>>,
    /// QuickXorHash when the side knows it (OneDrive does).
    pub hash: Option<String>,
    /// For local files.
    pub local: Option<FileVersion>,
    /// For OneDrive files the service changed after odc uploaded them: what was
    /// sent (its size and hash), which a local file equal to it matches.
    pub sent: Option<odc_graph::rewritten::Sent>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    /// By path as spelt.
    pub nodes: BTreeMap<String, Node>,
    /// Items not in `nodes`, by path as spelt, and why (nothing below them is in
    /// `nodes` either).
    pub left_out: Vec<(String, Why)>,
}

impl Tree {
    pub fn insert(&mut self, node: Node) {
        self.nodes.insert(node.path.clone(), node);
    }

    pub fn files(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values().filter(|n| !n.is_dir)
    }

    pub fn leave_out(&mut self, path: String, why: Why) {
        self.left_out.push((path, why));
    }

    /// Leaves out what `filter` excludes: a file by its path, a folder (with all
    /// below it) when no rule lets the walk into it. Left out, not absent: what is
    /// excluded is never deleted, nor a folder holding it.
    pub fn apply(&mut self, filter: &crate::filter::Filter) {
        let mut excluded_folders = std::collections::HashSet::new();
        let mut excluded = Vec::new();
        // Shallow first, so a folder is decided before what is in it.
        let mut paths: Vec<&Node> = self.nodes.values().collect();
        paths.sort_by_key(|node| node.path.matches('/').count());
        for node in paths {
            let in_excluded = node
                .path
                .match_indices('/')
                .any(|(at, _)| excluded_folders.contains(&node.path[..at]));
            if in_excluded {
                excluded.push(node.path.clone());
                continue;
            }
            let keep = if node.is_dir {
                filter.includes_folder(&node.path)
            } else {
                filter.includes_file(&node.path)
            };
            if !keep {
                if node.is_dir {
                    excluded_folders.insert(node.path.as_str());
                }
                self.left_out.push((node.path.clone(), Why::Excluded));
                excluded.push(node.path.clone());
            }
        }
        for path in excluded {
            self.nodes.remove(&path);
        }
    }
}

/// `prefix/name`, or `name` at the top.
fn child_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

/// Why an item from OneDrive cannot be in a tree, if it cannot: its name must be
/// one safe path part (a hostile server may say `..`), and only files and folders
/// of this drive are compared.
pub fn remote_left_out(item: &odc_graph::DriveItem) -> Option<Why> {
    use odc_graph::item::Unusual;
    if odc_graph::local_names::unsafe_reason(&item.name).is_some() {
        return Some(Why::UnsafeName);
    }
    item.unusual().map(|unusual| match unusual {
        Unusual::Vault => Why::Vault,
        Unusual::Shortcut => Why::Shortcut,
        Unusual::Notebook | Unusual::Package => Why::Package,
    })
}

/// Every item below `root` on disk. What cannot be read, links (unless
/// `follow_links`, and then only to files: a folder is never entered through one)
/// and special files are left out, with why.
pub fn local(root: &Path, follow_links: bool) -> std::io::Result<Tree> {
    let top = std::fs::metadata(root)?;
    if !top.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is not a folder", odc_core::display::escape_path(root)),
        ));
    }
    let mut tree = Tree::default();
    let mut folders: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = folders.pop() {
        let Ok(reader) = std::fs::read_dir(&dir) else {
            if prefix.is_empty() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{} could not be read", odc_core::display::escape_path(root)),
                ));
            }
            tree.leave_out(prefix, Why::Unreadable);
            continue;
        };
        for entry in reader {
            let Ok(entry) = entry else {
                // The listing broke off: what else the folder holds is unknown.
                let at = if prefix.is_empty() {
                    "."
                } else {
                    prefix.as_str()
                };
                tree.leave_out(at.to_string(), Why::Unreadable);
                break;
            };
            let path = child_path(&prefix, &entry.file_name().to_string_lossy());
            let Ok(kind) = entry.file_type() else {
                tree.leave_out(path, Why::Unreadable);
                continue;
            };
            if kind.is_dir() {
                folders.push((entry.path(), path.clone()));
                tree.insert(Node {
                    path,
                    is_dir: true,
                    size: 0,
                    modified: None,
                    hash: None,
                    local: None,
                    sent: None,
                });
                continue;
            }
            if kind.is_symlink() && !follow_links {
                tree.leave_out(path, Why::Link);
                continue;
            }
            let meta = match std::fs::metadata(entry.path()) {
                Ok(meta) if meta.is_file() => meta,
                Ok(_) if kind.is_symlink() => {
                    tree.leave_out(path, Why::Link);
                    continue;
                }
                Ok(_) => {
                    tree.leave_out(path, Why::Special);
                    continue;
                }
                // A dangling link, or a file gone meanwhile.
                Err(_) if kind.is_symlink() => {
                    tree.leave_out(path, Why::Link);
                    continue;
                }
                Err(_) => {
                    tree.leave_out(path, Why::Unreadable);
                    continue;
                }
            };
            tree.insert(Node {
                path,
                is_dir: false,
                size: meta.len(),
                modified: meta.modified().ok().map(DateTime::<Utc>::from),
                hash: None,
                local: Some(FileVersion::of(&meta)),
                sent: None,
            });
        }
    }
    Ok(tree)
}

/// Every item below `root` on OneDrive, with sizes, times and hashes.
pub async fn remote(graph: &Graph, root: &RemotePath) -> odc_graph::Result<Tree> {
    let top = graph.item(&ItemAddress::Path(root.clone())).await?;
    if !top.is_folder() {
        return Err(odc_graph::Error::Other(format!("{root} is not a folder")));
    }
    let mut tree = Tree::default();
    let mut level: Vec<(String, String)> = vec![(top.id, String::new())];
    while !level.is_empty() {
        let listed: Vec<_> = futures::stream::iter(level.drain(..))
            .map(|(id, prefix)| async move {
                graph
                    .list_all(&ItemAddress::Id(id))
                    .await
                    .map(|items| (prefix, items))
            })
            .buffer_unordered(REMOTE_FOLDERS_AT_ONCE)
            .collect()
            .await;
        for result in listed {
            let (prefix, items) = result?;
            for item in items {
                let path = child_path(&prefix, &item.name);
                if let Some(why) = remote_left_out(&item) {
                    tree.leave_out(path, why);
                    continue;
                }
                if item.is_folder() {
                    level.push((item.id.clone(), path.clone()));
                }
                tree.insert(Node {
                    path,
                    is_dir: item.is_folder(),
                    size: if item.is_folder() { 0 } else { item.size },
                    modified: item.modified(),
                    hash: item.quick_xor_hash().map(str::to_string),
                    local: None,
                    sent: None,
                });
            }
        }
    }
    Ok(tree)
}
