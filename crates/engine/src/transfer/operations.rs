//! File operations both the UI and the command line perform on either kind of
//! location: make a folder, rename, delete. Errors say which name and why; names
//! are checked before anything is sent or written.

use crate::transfer::Location;
use odc_graph::item::check_name;
use odc_graph::{Conflict, Error, Graph, ItemAddress, Result};

fn graph(graph: Option<&Graph>) -> Result<&Graph> {
    graph.ok_or_else(|| Error::SignInRequired {
        reason: "not signed in".into(),
    })
}

fn local_name(name: &str) -> Result<()> {
    match odc_graph::local_names::unsafe_reason(name) {
        Some(reason) => Err(Error::InvalidName(format!("{name}: {reason}"))),
        None => Ok(()),
    }
}

pub async fn mkdir(g: Option<&Graph>, dir: &Location, name: &str) -> Result<()> {
    match dir {
        Location::Local(path) => {
            local_name(name)?;
            let target = path.join(name);
            tokio::fs::create_dir(&target)
                .await
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => {
                        Error::Other(format!("{name}: exists already"))
                    }
                    _ => Error::io(&target, e),
                })
        }
        Location::Remote(path) => {
            check_name(name, true)?;
            graph(g)?
                .create_folder(&ItemAddress::Path(path.clone()), name, Conflict::Fail)
                .await
                .map(|_| ())
                .map_err(|e| named(name, e))
        }
    }
}

fn named(name: &str, err: Error) -> Error {
    match err {
        Error::InvalidName(_) => err,
        other => Error::Other(format!("{name}: {other}")),
    }
}

pub async fn rename(g: Option<&Graph>, dir: &Location, from: &str, to: &str) -> Result<()> {
    match dir {
        Location::Local(path) => {
            local_name(to)?;
            let target = path.join(to);
            // rename(2) would silently replace an existing file. Only the file
            // itself may be there (a case-only rename on a case-insensitive
            // filesystem): `a.txt` → `A.TXT` never replaces another `A.TXT`.
            if let Ok(existing) = tokio::fs::symlink_metadata(&target).await {
                use std::os::unix::fs::MetadataExt;
                let source = tokio::fs::symlink_metadata(path.join(from))
                    .await
                    .map_err(|e| Error::io(path.join(from), e))?;
                if (existing.dev(), existing.ino()) != (source.dev(), source.ino()) {
                    return Err(Error::Other(format!("{to}: exists already")));
                }
            }
            tokio::fs::rename(path.join(from), &target)
                .await
                .map_err(|e| Error::io(path.join(from), e))
        }
        Location::Remote(path) => {
            check_name(to, false)?;
            let graph = graph(g)?;
            let item = graph
                .item(&ItemAddress::Path(path.join(from)))
                .await
                .map_err(|e| named(from, e))?;
            graph
                .move_item(&item.id, None, Some(to))
                .await
                .map(|_| ())
                .map_err(|e| named(to, e))
        }
    }
}

/// How a local delete goes: to the desktop trash (as `sync --delete` does, so it
/// can be restored), or for good when the person chose that explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalDelete {
    ToTrash,
    ForGood,
}

/// Deletes `names` in `dir`; OneDrive items go in JSON batches (each its own
/// result) to the recycle bin, local ones as `local` says. Every name is tried;
/// the error names each one that failed.
pub async fn delete(
    g: Option<&Graph>,
    dir: &Location,
    names: &[String],
    local: LocalDelete,
) -> Result<()> {
    let mut failed = Vec::new();
    match dir {
        Location::Local(path) => {
            for name in names {
                let target = path.join(name);
                match local {
                    LocalDelete::ForGood => crate::transfer::local::remove(&target).await?,
                    LocalDelete::ToTrash => {
                        if let Err(problem) = crate::transfer::local::to_trash(&target).await {
                            failed.push(Error::Other(format!("{name}: {problem}")));
                        }
                    }
                }
            }
        }
        Location::Remote(path) => {
            let addresses: Vec<ItemAddress> = names
                .iter()
                .map(|name| ItemAddress::Path(path.join(name)))
                .collect();
            let results = graph(g)?.delete_many(&addresses).await;
            for (name, result) in names.iter().zip(results) {
                if let Err(err) = result {
                    failed.push(named(name, err));
                }
            }
        }
    }
    match failed.len() {
        0 => Ok(()),
        1 => Err(failed.remove(0)),
        n => Err(Error::Other(format!(
            "{n} items were not deleted: {}",
            failed
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))),
    }
}
