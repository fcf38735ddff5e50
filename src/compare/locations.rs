//! Comparing two locations (either side local or OneDrive), as `odc check`, `odc
//! sync` and the UI's compare do: read both trees (a OneDrive one through delta),
//! hash local files through the cache, compare. What was learnt on the way (how a
//! tree was read, how many files were hashed) comes back as notes to show.

use std::path::{Path, PathBuf};

use super::{Difference, HashCache, Mode, Tree};
use crate::onedrive::{Error, Graph};
use crate::transfer::Location;

/// Where the caches live and which service the delta state is for.
#[derive(Debug, Clone)]
pub struct Places {
    pub cache_dir: Option<PathBuf>,
    pub graph_url: String,
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
    match location {
        Location::Local(path) => {
            let path = path.clone();
            let (tree, unreadable) = tokio::task::spawn_blocking(move || super::tree::local(&path))
                .await
                .map_err(|e| Error::Other(e.to_string()))?
                .map_err(|e| Error::io(location.bare_path(), e))?;
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
