//! `odc check SRC DST [--quick] [--same]`: compare two folders, either side local or
//! OneDrive, recursively. One line per difference with the markers of
//! `rclone check --combined` (`*` differ, `+` only in SRC, `-` only in DST, `=` same
//! with --same), a summary on stderr, exit 0 when identical and 1 when not.

use std::path::PathBuf;

use humansize::{BINARY, format_size};

use super::{Context, Failure, Outcome};
use crate::compare::{self, HashCache, Mode, Summary, Tree, Verdict};
use crate::onedrive::display::escape_control;
use crate::onedrive::{Error, Graph};
use crate::transfer::Location;

pub async fn check(context: &Context, src: &str, dst: &str, quick: bool, same: bool) -> Outcome {
    let here = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    let parse =
        |text: &str| Location::parse(text, Some(&here)).map_err(|e| Error::Other(e.to_string()));
    let (src, dst) = (parse(src)?, parse(dst)?);
    let graph = if src.is_remote() || dst.is_remote() {
        Some(context.graph()?)
    } else {
        None
    };
    let graph_url = context.config.endpoints.graph_url.as_str();
    let (left, right) = tokio::try_join!(
        read(graph.as_ref(), &src, graph_url),
        read(graph.as_ref(), &dst, graph_url)
    )?;
    let mut cache = HashCache::load(crate::paths::cache_dir().map(|d| d.join("hashes.tsv")));
    let mode = if quick { Mode::Quick } else { Mode::Content };
    let (src_root, dst_root) = (local_root(&src), local_root(&dst));
    let lines = compare::compare(&left, &right, mode, async |side, node: &compare::Node| {
        let root = match side {
            compare::Side::Left => src_root.as_ref(),
            compare::Side::Right => dst_root.as_ref(),
        };
        cache.hash(root?, node).await
    })
    .await;
    if let Err(err) = cache.save() {
        eprintln!("odc: the hash cache was not saved: {err}");
    }
    let mut out = String::new();
    for line in &lines {
        if line.verdict == Verdict::Same && (!same || line.is_dir) {
            continue;
        }
        let slash = if line.is_dir { "/" } else { "" };
        out.push_str(&format!(
            "{} {}{slash}\n",
            line.verdict.marker(),
            escape_control(&line.path)
        ));
    }
    print!("{out}");
    let summary = Summary::of(&lines);
    eprintln!("{}", describe(&summary));
    if cache.hashed + cache.reused > 0 {
        eprintln!(
            "local hashes: {} read, {} from the cache",
            cache.hashed, cache.reused
        );
    }
    if summary.identical() {
        Ok(())
    } else {
        Err(Failure::Reported)
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
    graph_url: &str,
) -> Result<Tree, Failure> {
    match location {
        Location::Local(path) => {
            let path = path.clone();
            let (tree, unreadable) =
                tokio::task::spawn_blocking(move || compare::tree::local(&path))
                    .await
                    .map_err(|e| Error::Other(e.to_string()))?
                    .map_err(|e| Error::io(location.bare_path(), e))?;
            if unreadable > 0 {
                eprintln!("odc: {unreadable} folder(s) below {location} could not be read");
            }
            Ok(tree)
        }
        Location::Remote(path) => {
            let graph = graph.expect("a graph for a OneDrive side");
            let cache = crate::paths::cache_dir();
            match compare::delta_tree::remote(graph, path, cache.as_deref(), graph_url).await {
                Ok((tree, stats)) => {
                    let how = if stats.full {
                        "read whole"
                    } else {
                        "changes since the last check"
                    };
                    eprintln!(
                        "{location}: {how}: {} item(s) in {} page(s)",
                        stats.items, stats.pages
                    );
                    Ok(tree)
                }
                // Business drives have delta at the root only: list the folders.
                Err(Error::Graph { status: 400, .. }) => Ok(compare::tree::remote(graph, path)
                    .await
                    .map_err(|e| super::about(&location.to_string(), e))?),
                Err(err) => Err(super::about(&location.to_string(), err).into()),
            }
        }
    }
}

fn describe(s: &Summary) -> String {
    let part = |(n, bytes): (usize, u64), what: &str| {
        format!("{n} {what} ({})", format_size(bytes, BINARY))
    };
    format!(
        "{}, {}, {}, {}",
        part(s.same, "same"),
        part(s.different, "different"),
        part(s.only_left, "only in SRC"),
        part(s.only_right, "only in DST")
    )
}
