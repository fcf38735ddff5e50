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

/// Compares `src` with `dst`; an error names the side it is about.
pub async fn compare(
    graph: Option<&Graph>,
    src: &Location,
    dst: &Location,
    mode: Mode,
    places: &Places,
) -> Result<Compared, (Location, Error)> {
    let mut notes = Vec::new();
    let (left, right) = tokio::join!(read(graph, src, places), read(graph, dst, places));
    let (left, note) = left.map_err(|e| (src.clone(), e))?;
    notes.extend(note);
    let (right, note) = right.map_err(|e| (dst.clone(), e))?;
    notes.extend(note);
    let mut cache = HashCache::load(places.cache_dir.as_ref().map(|d| d.join("hashes.tsv")));
    let (src_root, dst_root) = (local_root(src), local_root(dst));
    let lines = super::compare(&left, &right, mode, async |side, node: &super::Node| {
        let root = match side {
            super::Side::Left => src_root.as_ref(),
            super::Side::Right => dst_root.as_ref(),
        };
        cache.hash(root?, node).await
    })
    .await;
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
            match super::delta_tree::remote(graph, path, cache, &places.graph_url).await {
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
