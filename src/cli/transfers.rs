//! `odc get` and `odc put`: files, and folders recursively with a few files moving
//! at once.

use std::path::{Path, PathBuf};
use std::time::Instant;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::report::Reporter;
use super::{Context, Failure, Outcome, about};
use crate::onedrive::display::escape_control;
use crate::onedrive::items::check_path;
use crate::onedrive::local_names::unsafe_reason;
use crate::onedrive::{Conflict, DriveItem, Error, Graph, ItemAddress, RemotePath, Result};

/// One file to move.
struct Job {
    label: String,
    run: JobKind,
}

enum JobKind {
    Download {
        item: Box<DriveItem>,
        target: PathBuf,
    },
    Upload {
        source: PathBuf,
        dest: RemotePath,
        conflict: Conflict,
    },
}

/// Runs jobs with bounded concurrency, printing each failure as it happens.
async fn run_jobs(graph: &Graph, jobs: Vec<Job>, errors: usize) -> Outcome {
    let reporter = Reporter::new();
    let ticker = reporter.spawn_ticker();
    let cancel = CancellationToken::new();
    let ctrl_c = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        })
    };
    let concurrency = graph.config.transfer.concurrency as usize;
    let failures = futures::stream::iter(jobs)
        .map(|job| {
            let reporter = reporter.clone();
            let cancel = cancel.clone();
            async move {
                let progress = reporter.start(&job.label);
                let started = Instant::now();
                let (result, verb) = match &job.run {
                    JobKind::Download { item, target } => (
                        graph.download_file(item, target, &progress, &cancel).await,
                        "downloaded",
                    ),
                    JobKind::Upload {
                        source,
                        dest,
                        conflict,
                    } => (
                        graph
                            .upload_file(source, dest, *conflict, &progress, &cancel)
                            .await
                            .map(|_| ()),
                        "uploaded",
                    ),
                };
                match result {
                    Ok(()) => {
                        reporter.finish(&job.label, &progress, verb, started.elapsed());
                        0
                    }
                    Err(err) => {
                        reporter.abandon(&progress);
                        reporter.print_line(&format!("odc: {}", about(&job.label, err)));
                        1
                    }
                }
            }
        })
        .buffer_unordered(concurrency)
        .fold(0usize, |sum, n| async move { sum + n })
        .await;
    ctrl_c.abort();
    if let Some(ticker) = ticker {
        ticker.abort();
    }
    reporter.clear();
    if failures + errors > 0 {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

pub async fn get(context: &Context, remote: &str, local: &Path) -> Outcome {
    let graph = context.graph()?;
    let path = RemotePath::parse(remote)?;
    let item = graph
        .item(&ItemAddress::Path(path.clone()))
        .await
        .map_err(|e| about(remote, e))?;
    let local_is_dir = tokio::fs::metadata(local).await.is_ok_and(|m| m.is_dir());
    let target = if local_is_dir {
        let name = if item.root.is_some() {
            "OneDrive"
        } else {
            item.name.as_str()
        };
        if let Some(reason) = unsafe_reason(name) {
            return Err(about(
                remote,
                Error::Other(format!("cannot be saved locally: {reason}")),
            )
            .into());
        }
        local.join(name)
    } else {
        local.to_path_buf()
    };
    if !item.is_folder() {
        let job = Job {
            label: path.to_string(),
            run: JobKind::Download {
                item: Box::new(item),
                target,
            },
        };
        return run_jobs(&graph, vec![job], 0).await;
    }
    let (jobs, errors) = plan_download(&graph, &item, &path, &target).await?;
    run_jobs(&graph, jobs, errors).await
}

/// Walks a remote folder, creating local folders and listing files to fetch.
/// Names that could escape the target are refused and reported.
async fn plan_download(
    graph: &Graph,
    root: &DriveItem,
    root_path: &RemotePath,
    target: &Path,
) -> std::result::Result<(Vec<Job>, usize), Failure> {
    let mut jobs = Vec::new();
    let mut errors = 0;
    let mut folders = vec![(root.id.clone(), root_path.clone(), target.to_path_buf())];
    while let Some((id, remote, local)) = folders.pop() {
        tokio::fs::create_dir_all(&local)
            .await
            .map_err(|e| Error::io(&local, e))?;
        let children = graph
            .list_all(&ItemAddress::Id(id))
            .await
            .map_err(|e| about(&remote.to_string(), e))?;
        for child in children {
            let child_remote = remote.join(&child.name);
            if let Some(reason) = unsafe_reason(&child.name) {
                eprintln!(
                    "odc: {}: skipped, cannot be saved locally: {reason}",
                    escape_control(&child_remote.to_string())
                );
                errors += 1;
                continue;
            }
            let child_local = local.join(&child.name);
            debug_assert!(child_local.starts_with(target));
            if child.is_folder() {
                folders.push((child.id.clone(), child_remote, child_local));
            } else if child.is_file() {
                jobs.push(Job {
                    label: child_remote.to_string(),
                    run: JobKind::Download {
                        item: Box::new(child),
                        target: child_local,
                    },
                });
            } else {
                eprintln!(
                    "odc: {}: skipped, a {} has no content to download",
                    escape_control(&child_remote.to_string()),
                    child.kind()
                );
                errors += 1;
            }
        }
    }
    Ok((jobs, errors))
}

pub async fn put(context: &Context, local: &Path, remote: &str, no_clobber: bool) -> Outcome {
    let conflict = if no_clobber {
        Conflict::Fail
    } else {
        Conflict::Replace
    };
    let metadata = tokio::fs::metadata(local)
        .await
        .map_err(|e| Error::io(local, e))?;
    let local_name = local
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Other(format!("{}: the name is not valid UTF-8", local.display())))?
        .to_string();
    let graph = context.graph()?;
    let path = RemotePath::parse(remote)?;
    let into_folder = remote.ends_with('/')
        || path.is_root()
        || graph
            .item_if_exists(&ItemAddress::Path(path.clone()))
            .await
            .map_err(|e| about(remote, e))?
            .is_some_and(|item| item.is_folder());
    let dest = if into_folder {
        path.join(&local_name)
    } else {
        path
    };

    if metadata.is_file() {
        check_path(&dest, false)?;
        let job = Job {
            label: dest.to_string(),
            run: JobKind::Upload {
                source: local.to_path_buf(),
                dest,
                conflict,
            },
        };
        return run_jobs(&graph, vec![job], 0).await;
    }
    if !metadata.is_dir() {
        return Err(Error::Other(format!("{}: not a file or directory", local.display())).into());
    }
    // Walk and check every name before sending anything.
    let (folders, files, errors) = plan_upload(local, &dest).await?;
    for folder in &folders {
        graph
            .create_folders(folder)
            .await
            .map_err(|e| about(&folder.to_string(), e))?;
    }
    let jobs = files
        .into_iter()
        .map(|(source, dest)| Job {
            label: dest.to_string(),
            run: JobKind::Upload {
                source,
                dest,
                conflict,
            },
        })
        .collect();
    run_jobs(&graph, jobs, errors).await
}

type UploadPlan = (Vec<RemotePath>, Vec<(PathBuf, RemotePath)>, usize);

async fn plan_upload(local: &Path, dest: &RemotePath) -> Result<UploadPlan> {
    let local = local.to_path_buf();
    let dest = dest.clone();
    tokio::task::spawn_blocking(move || {
        let mut folders = Vec::new();
        let mut files = Vec::new();
        let mut errors = 0;
        check_path(&dest, true)?;
        let mut stack = vec![(local, dest)];
        while let Some((dir, remote)) = stack.pop() {
            folders.push(remote.clone());
            let mut entries: Vec<_> = std::fs::read_dir(&dir)
                .map_err(|e| Error::io(&dir, e))?
                .collect::<std::io::Result<_>>()
                .map_err(|e| Error::io(&dir, e))?;
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let path = entry.path();
                let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                    eprintln!(
                        "odc: {}: skipped, the name is not valid UTF-8",
                        path.display()
                    );
                    errors += 1;
                    continue;
                };
                let file_type = entry.file_type().map_err(|e| Error::io(&path, e))?;
                let target = remote.join(&name);
                if let Err(err) = check_path(&target, file_type.is_dir()) {
                    eprintln!("odc: {}: skipped: {err}", path.display());
                    errors += 1;
                    continue;
                }
                if file_type.is_dir() {
                    stack.push((path, target));
                } else if file_type.is_file() {
                    files.push((path, target));
                } else {
                    eprintln!("odc: {}: skipped, not a regular file", path.display());
                    errors += 1;
                }
            }
        }
        Ok((folders, files, errors))
    })
    .await
    .map_err(|e| Error::Other(format!("the folder walk failed: {e}")))?
}
