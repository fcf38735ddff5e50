//! Comparing two locations (either side local or OneDrive), as `odc check`, `odc
//! sync` and the UI's compare do: read both trees (a OneDrive one through delta),
//! hash local files through the cache, compare. What was learnt on the way (how a
//! tree was read, how many files were hashed) comes back as notes to show.

use std::path::{Path, PathBuf};

use super::{Difference, HashCache, Mode, Tree};
use crate::transfer::Location;
use odc_graph::{Error, Graph};

/// Where the caches live and which service the delta state is for.
#[derive(Debug, Clone)]
pub struct Places {
    pub cache_dir: Option<PathBuf>,
    pub graph_url: String,
    /// Whether local links to files are read as the files (`transfer.follow_symlinks`).
    pub follow_symlinks: bool,
    /// What both sides leave out (`--include`, `--exclude`, `[filters]`).
    pub filter: Option<std::sync::Arc<crate::filter::Filter>>,
}

#[derive(Debug, Clone)]
pub struct Compared {
    pub lines: Vec<Difference>,
    pub notes: Vec<String>,
}

/// Told how far a compare is ("hashing 1,200 of 10,000 local files").
pub type Progress<'a> = &'a (dyn Fn(String) + Send + Sync);

/// Compares `src` with `dst`, each read through its own drive's client (they may
/// be in two accounts); an error names the side it is about.
pub async fn compare(
    graphs: [Option<&Graph>; 2],
    src: &Location,
    dst: &Location,
    mode: Mode,
    places: &Places,
    progress: Progress<'_>,
) -> Result<Compared, (Location, Error)> {
    let mut notes = Vec::new();
    progress("reading both folders".into());
    let (left, right) = tokio::join!(read(graphs[0], src, places), read(graphs[1], dst, places));
    let (mut left, note) = left.map_err(|e| (src.clone(), e))?;
    notes.extend(note);
    let (mut right, note) = right.map_err(|e| (dst.clone(), e))?;
    notes.extend(note);
    if let Some(filter) = &places.filter {
        left.apply(filter);
        right.apply(filter);
    }
    // Local names OneDrive would refuse cannot be copied there: left out (and
    // reported) rather than failing one by one.
    if let (Location::Local(_), Location::Remote(_)) = (src, dst) {
        leave_out_refused_names(&mut left);
    }
    if let (Location::Remote(_), Location::Local(_)) = (src, dst) {
        leave_out_refused_names(&mut right);
    }
    let mut cache = HashCache::load(places.cache_dir.as_ref().map(|d| d.join("hashes.tsv")));
    if mode == Mode::Content {
        // Only the files a content compare needs are hashed: same size on the other side.
        if let Some(root) = local_root(src) {
            fill_hashes(&mut left, &right, &root, &mut cache, progress).await;
        }
        if let Some(root) = local_root(dst) {
            fill_hashes(&mut right, &left, &root, &mut cache, progress).await;
        }
    }
    let lines = super::compare(&left, &right, mode);
    if let Err(err) = cache.save() {
        notes.push(format!("the hash cache was not saved: {err}"));
    }
    if cache.hashed + cache.reused > 0 {
        notes.push(format!(
            "local hashes: {} read, {} from the cache",
            cache.hashed, cache.reused
        ));
    }
    Ok(Compared { lines, notes })
}

async fn fill_hashes(
    tree: &mut Tree,
    other: &Tree,
    root: &Path,
    cache: &mut HashCache,
    progress: Progress<'_>,
) {
    let wanted: Vec<super::Node> = super::needing_hashes(tree, other)
        .into_iter()
        .cloned()
        .collect();
    for (done, node) in wanted.iter().enumerate() {
        if done % 250 == 0 {
            progress(format!("hashing local files: {done} of {}", wanted.len()));
        }
        let hash = cache.hash(root, node).await;
        if let Some(slot) = tree.nodes.get_mut(&node.path) {
            slot.hash = hash;
        }
    }
}

/// Moves the items whose name OneDrive refuses, with everything below them, from
/// the tree's nodes to what it left out.
fn leave_out_refused_names(tree: &mut Tree) {
    use odc_graph::names::{NameContext, check_name};
    let refused: std::collections::BTreeMap<String, ()> = tree
        .nodes
        .values()
        .filter(|node| {
            let (parent, name) = match node.path.rsplit_once('/') {
                Some((parent, name)) => (Some(parent), name),
                None => (None, node.path.as_str()),
            };
            let context = NameContext {
                is_folder: node.is_dir,
                business: false,
                at_root: parent.is_none(),
            };
            check_name(name, context).is_err()
        })
        .map(|node| (super::key(&node.path), ()))
        .collect();
    if refused.is_empty() {
        return;
    }
    let mut gone = Vec::new();
    tree.nodes.retain(|path, _| {
        let keep = !super::at_or_below_any(path, &refused);
        if !keep && refused.contains_key(&super::key(path)) {
            gone.push(path.clone());
        }
        keep
    });
    for path in gone {
        tree.leave_out(path, super::Why::RefusedName);
    }
}

fn local_root(location: &Location) -> Option<PathBuf> {
    match location {
        Location::Local(path) => Some(path.clone()),
        Location::Remote(_) => None,
    }
}

async fn read(
    graph: Option<&Graph>,
    location: &Location,
    places: &Places,
) -> Result<(Tree, Option<String>), Error> {
    let (mut tree, note) = read_tree(graph, location, places).await?;
    if location.is_remote() {
        note_rewrites(&mut tree).await;
    }
    Ok((tree, note))
}

/// Marks the OneDrive files the service changed after odc uploaded them with
/// what was sent, so a local file equal to that compares as "changed by the
/// server" rather than different.
async fn note_rewrites(tree: &mut Tree) {
    let records = tokio::task::spawn_blocking(|| odc_graph::rewritten::Rewrites::standard().load())
        .await
        .unwrap_or_default();
    if records.is_empty() {
        return;
    }
    for node in tree.nodes.values_mut() {
        if let Some(sent) = node.hash.as_ref().and_then(|h| records.get(h)) {
            node.sent = Some(sent.clone());
        }
    }
}

async fn read_tree(
    graph: Option<&Graph>,
    location: &Location,
    places: &Places,
) -> Result<(Tree, Option<String>), Error> {
    match location {
        Location::Local(path) => {
            let path = path.clone();
            let follow = places.follow_symlinks;
            let tree = tokio::task::spawn_blocking(move || super::tree::local(&path, follow))
                .await
                .map_err(|e| Error::Other(e.to_string()))?
                .map_err(|e| Error::io(location.bare_path(), e))?;
            let unreadable = tree
                .left_out
                .iter()
                .filter(|(_, why)| *why == super::Why::Unreadable)
                .count();
            let note = (unreadable > 0)
                .then(|| format!("{location}: {unreadable} folder(s) could not be read"));
            Ok((tree, note))
        }
        Location::Remote(path) => {
            let graph = graph.ok_or(Error::Other("Sign in to OneDrive first".into()))?;
            let cache: Option<&Path> = places.cache_dir.as_deref();
            // Saved delta state belongs to one account's drive: item ids of two
            // business drives may be alike.
            let service = format!(
                "{}\n{}\n{}",
                places.graph_url,
                graph.session().username().await,
                graph.drive_url("")
            );
            // A folder shared from another drive is listed: its delta would
            // speak of the owner's drive.
            if graph.folder_id().is_some() {
                return Ok((super::tree::remote(graph, path).await?, None));
            }
            match super::delta_tree::remote(graph, path, cache, &service).await {
                Ok((tree, stats)) => {
                    let how = if stats.full {
                        "read whole"
                    } else {
                        "changes since the last check"
                    };
                    let note = format!(
                        "{location}: {how}: {} item(s) in {} page(s)",
                        stats.items, stats.pages
                    );
                    Ok((tree, Some(note)))
                }
                // Business drives have delta at the root only: list the folders.
                Err(Error::Graph { status: 400, .. }) => {
                    Ok((super::tree::remote(graph, path).await?, None))
                }
                Err(err) => Err(err),
            }
        }
    }
}
