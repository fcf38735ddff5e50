//! One side of a comparison: every file and folder below a root, by path. Read
//! from a local folder (never entering a symlinked folder) or from OneDrive
//! (folders listed concurrently, a bounded number at a time).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use futures::StreamExt;

use crate::onedrive::{Graph, ItemAddress, RemotePath};

/// Folders listed at once when reading a OneDrive tree.
const REMOTE_FOLDERS_AT_ONCE: usize = 8;

/// Where a local file's bytes are, for the hash cache: device, inode, size and
/// modified time in nanoseconds. Any change to the file changes one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LocalIdentity {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i128,
}

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
    pub local: Option<LocalIdentity>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    /// By path as spelt.
    pub nodes: BTreeMap<String, Node>,
}

impl Tree {
    pub fn insert(&mut self, node: Node) {
        self.nodes.insert(node.path.clone(), node);
    }

    pub fn files(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values().filter(|n| !n.is_dir)
    }
}

/// Every item below `root` on disk. Unreadable folders are counted, not fatal.
pub fn local(root: &Path) -> std::io::Result<(Tree, usize)> {
    use std::os::unix::fs::MetadataExt;
    let top = std::fs::metadata(root)?;
    if !top.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} is not a folder",
                crate::onedrive::display::escape_path(root)
            ),
        ));
    }
    let mut tree = Tree::default();
    let mut unreadable = 0;
    let mut folders: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = folders.pop() {
        let Ok(reader) = std::fs::read_dir(&dir) else {
            unreadable += 1;
            continue;
        };
        for entry in reader.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let Ok(kind) = entry.file_type() else {
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
                });
                continue;
            }
            // A file, or a link to one (a link to a folder is not entered).
            let Ok(meta) = std::fs::metadata(entry.path()) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let mtime_ns = meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128;
            tree.insert(Node {
                path,
                is_dir: false,
                size: meta.len(),
                modified: meta.modified().ok().map(DateTime::<Utc>::from),
                hash: None,
                local: Some(LocalIdentity {
                    dev: meta.dev(),
                    ino: meta.ino(),
                    size: meta.len(),
                    mtime_ns,
                }),
            });
        }
    }
    Ok((tree, unreadable))
}

/// Every item below `root` on OneDrive, with sizes, times and hashes.
pub async fn remote(graph: &Graph, root: &RemotePath) -> crate::onedrive::Result<Tree> {
    let top = graph.item(&ItemAddress::Path(root.clone())).await?;
    if !top.is_folder() {
        return Err(crate::onedrive::Error::Other(format!(
            "{root} is not a folder"
        )));
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
                if item.remote_item.is_some() {
                    continue; // a shared folder from another drive
                }
                let path = if prefix.is_empty() {
                    item.name.clone()
                } else {
                    format!("{prefix}/{}", item.name)
                };
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
                });
            }
        }
    }
    Ok(tree)
}
