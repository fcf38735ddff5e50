//! Planning: expands a request into file tasks. Folders are created first (local
//! ones directly, OneDrive ones by mkdir), then their files are queued. OneDrive
//! listings are streamed page by page; remote names that could escape the target
//! are refused.

use std::path::PathBuf;

use super::{Direction, Kind, Location, Request};
use crate::onedrive::local_names::unsafe_reason;
use crate::onedrive::{DriveItem, Error, Graph, ItemAddress, RemotePath, Result};

/// One unit of work.
#[derive(Debug, Clone)]
pub struct FileTask {
    pub source: Location,
    pub dest: Location,
    pub direction: Direction,
    pub size: u64,
    /// The OneDrive item, for downloads and server-side operations.
    pub item: Option<Box<DriveItem>>,
    /// For moves across kinds: the top-level source deleted once all its tasks are done.
    pub group: Option<usize>,
    /// An upload session from an earlier run to continue.
    pub resume_url: Option<String>,
}

pub struct Plan {
    pub tasks: Vec<FileTask>,
    /// Top-level sources to delete after their tasks (moves across kinds).
    pub groups: Vec<Location>,
    /// Problems found while planning (one line each).
    pub problems: Vec<String>,
}

pub async fn plan(graph: Option<&Graph>, request: &Request) -> Result<Plan> {
    let mut plan = Plan {
        tasks: Vec::new(),
        groups: Vec::new(),
        problems: Vec::new(),
    };
    let need_graph = || {
        graph.ok_or_else(|| Error::SignInRequired {
            reason: "not signed in".into(),
        })
    };
    for source in &request.sources {
        let name = request.dest_name.clone().unwrap_or_else(|| source.name());
        if name.is_empty() {
            plan.problems
                .push(format!("{}: cannot copy the root", source.display()));
            continue;
        }
        // The top level gets the same check as everything below it: a remote name
        // becomes a local path only if it cannot leave the destination folder.
        if !request.dest_dir.is_remote()
            && let Some(reason) = unsafe_reason(&name)
        {
            plan.problems.push(format!(
                "{}: skipped, cannot be saved locally: {reason}",
                crate::onedrive::display::escape_control(&source.display())
            ));
            continue;
        }
        let dest = request.dest_dir.join(&name);
        if dest == *source || is_inside(&request.dest_dir, source) {
            plan.problems.push(format!(
                "{}: cannot copy a folder into itself",
                source.display()
            ));
            continue;
        }
        match (source, &request.dest_dir, request.kind) {
            (Location::Remote(_), Location::Remote(_), kind) => {
                let graph = need_graph()?;
                let item = graph.item(&ItemAddress::Path(remote_of(source))).await?;
                plan.tasks.push(FileTask {
                    source: source.clone(),
                    dest,
                    direction: if kind == Kind::Move {
                        Direction::RemoteMove
                    } else {
                        Direction::RemoteCopy
                    },
                    size: item.size,
                    item: Some(Box::new(item)),
                    group: None,
                    resume_url: None,
                });
            }
            (Location::Local(path), Location::Local(_), Kind::Move) => {
                let size = tokio::fs::metadata(path)
                    .await
                    .map(|m| m.len())
                    .unwrap_or(0);
                plan.tasks.push(FileTask {
                    source: source.clone(),
                    dest,
                    direction: Direction::LocalMove,
                    size,
                    item: None,
                    group: None,
                    resume_url: None,
                });
            }
            (Location::Local(path), dest_dir, kind) => {
                let group = (kind == Kind::Move).then(|| {
                    plan.groups.push(source.clone());
                    plan.groups.len() - 1
                });
                let direction = if dest_dir.is_remote() {
                    Direction::Upload
                } else {
                    Direction::LocalCopy
                };
                walk_local(graph, path.clone(), dest, direction, group, &mut plan).await?;
            }
            (Location::Remote(_), Location::Local(_), kind) => {
                let graph = need_graph()?;
                let group = (kind == Kind::Move).then(|| {
                    plan.groups.push(source.clone());
                    plan.groups.len() - 1
                });
                let item = graph.item(&ItemAddress::Path(remote_of(source))).await?;
                walk_remote(graph, item, remote_of(source), dest, group, &mut plan).await?;
            }
        }
    }
    Ok(plan)
}

fn remote_of(location: &Location) -> RemotePath {
    match location {
        Location::Remote(p) => p.clone(),
        Location::Local(_) => unreachable!("a remote location"),
    }
}

fn is_inside(dest_dir: &Location, source: &Location) -> bool {
    match (dest_dir, source) {
        (Location::Local(d), Location::Local(s)) => d.starts_with(s),
        (Location::Remote(d), Location::Remote(s)) => {
            d.segments().len() >= s.segments().len()
                && d.segments()
                    .iter()
                    .zip(s.segments())
                    .all(|(a, b)| a.to_lowercase() == b.to_lowercase())
        }
        _ => false,
    }
}

async fn walk_local(
    graph: Option<&Graph>,
    source: PathBuf,
    dest: Location,
    direction: Direction,
    group: Option<usize>,
    plan: &mut Plan,
) -> Result<()> {
    let metadata = tokio::fs::metadata(&source)
        .await
        .map_err(|e| Error::io(&source, e))?;
    if !metadata.is_dir() {
        plan.tasks.push(FileTask {
            source: Location::Local(source),
            dest,
            direction,
            size: metadata.len(),
            item: None,
            group,
            resume_url: None,
        });
        return Ok(());
    }
    let mut stack = vec![(source, dest)];
    while let Some((dir, target)) = stack.pop() {
        create_folder(graph, &target).await?;
        let mut entries = tokio::fs::read_dir(&dir)
            .await
            .map_err(|e| Error::io(&dir, e))?;
        let mut children = Vec::new();
        while let Some(entry) = entries.next_entry().await.map_err(|e| Error::io(&dir, e))? {
            children.push(entry);
        }
        children.sort_by_key(|e| e.file_name());
        for entry in children {
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                plan.problems
                    .push(format!("{}: the name is not valid UTF-8", path.display()));
                continue;
            };
            let child_target = target.join(&name);
            if let Location::Remote(remote) = &child_target
                && let Err(err) = crate::onedrive::items::check_path(remote, path.is_dir())
            {
                plan.problems.push(format!("{}: {err}", path.display()));
                continue;
            }
            let metadata = tokio::fs::metadata(&path)
                .await
                .map_err(|e| Error::io(&path, e))?;
            if metadata.is_dir() {
                stack.push((path, child_target));
            } else if metadata.is_file() {
                plan.tasks.push(FileTask {
                    source: Location::Local(path),
                    dest: child_target,
                    direction,
                    size: metadata.len(),
                    item: None,
                    group,
                    resume_url: None,
                });
            }
        }
    }
    Ok(())
}

async fn create_folder(graph: Option<&Graph>, target: &Location) -> Result<()> {
    match target {
        Location::Local(path) => tokio::fs::create_dir_all(path)
            .await
            .map_err(|e| Error::io(path, e)),
        Location::Remote(path) => {
            let graph = graph.ok_or_else(|| Error::SignInRequired {
                reason: "not signed in".into(),
            })?;
            graph.create_folders(path).await.map(|_| ())
        }
    }
}

async fn walk_remote(
    graph: &Graph,
    item: DriveItem,
    source: RemotePath,
    dest: Location,
    group: Option<usize>,
    plan: &mut Plan,
) -> Result<()> {
    let Location::Local(dest_path) = dest else {
        unreachable!("downloads go to local folders")
    };
    if !item.is_folder() {
        plan.tasks.push(FileTask {
            source: Location::Remote(source),
            dest: Location::Local(dest_path),
            direction: Direction::Download,
            size: item.size,
            item: Some(Box::new(item)),
            group,
            resume_url: None,
        });
        return Ok(());
    }
    let mut stack = vec![(item.id.clone(), source, dest_path)];
    while let Some((id, remote, local)) = stack.pop() {
        tokio::fs::create_dir_all(&local)
            .await
            .map_err(|e| Error::io(&local, e))?;
        for child in graph.list_all(&ItemAddress::Id(id)).await? {
            let child_remote = remote.join(&child.name);
            if let Some(reason) = unsafe_reason(&child.name) {
                plan.problems.push(format!(
                    "{}: skipped, cannot be saved locally: {reason}",
                    crate::onedrive::display::escape_control(&child_remote.to_string())
                ));
                continue;
            }
            let child_local = local.join(&child.name);
            if child.is_folder() {
                stack.push((child.id.clone(), child_remote, child_local));
            } else if child.is_file() {
                plan.tasks.push(FileTask {
                    source: Location::Remote(child_remote),
                    dest: Location::Local(child_local),
                    direction: Direction::Download,
                    size: child.size,
                    item: Some(Box::new(child)),
                    group,
                    resume_url: None,
                });
            }
        }
    }
    Ok(())
}
