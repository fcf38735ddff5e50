//! The archive dialog's I/O: the archive opened (a local file, or a OneDrive
//! item read by Range) on a blocking thread, since the zip reader reads
//! synchronously; entries listed, copied out, or copied privately to be viewed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::features::archive::ArchiveRef;
use crate::shared::messages::Event;
use crate::shared::services::Services;
use odc_engine::archive::{Archive, Entry, LocalSource, RangeSource, RemoteSource, local_target};
use odc_engine::transfer::Location;

/// Where entries being viewed are copied: a private folder (0700) that goes
/// when odc ends.
#[derive(Default)]
pub struct ArchiveIo {
    scratch: Option<Arc<tempfile::TempDir>>,
}

/// A source for the archive, local or remote (made on the runtime).
async fn source(services: &Services, archive: &ArchiveRef) -> Result<Box<dyn RangeSource>, String> {
    match (&archive.place, &archive.id) {
        (Location::Local(path), _) => LocalSource::open(path)
            .map(|s| Box::new(s) as Box<dyn RangeSource>)
            .map_err(|e| e.to_string()),
        (Location::Remote(path), Some(id)) => {
            let graph = services
                .graph_in(path.drive())
                .await
                .ok_or("Sign in to OneDrive first")?;
            Ok(Box::new(RemoteSource::new(graph, id.clone(), archive.size)))
        }
        (Location::Remote(_), None) => Err("no OneDrive item to read".into()),
    }
}

/// Opens the archive and runs `work` on it off the async threads.
async fn with_archive<T: Send + 'static>(
    services: &Services,
    archive: &ArchiveRef,
    work: impl FnOnce(&mut Archive<Box<dyn RangeSource>>) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let source = source(services, archive).await?;
    tokio::task::spawn_blocking(move || {
        let mut opened = Archive::open(source)?;
        work(&mut opened)
    })
    .await
    .map_err(|e| e.to_string())?
}

pub fn read(services: &Services, ticket: u64, archive: ArchiveRef) {
    let services = services.clone();
    tokio::spawn(async move {
        let result = with_archive(&services, &archive, |a| Ok(a.entries().to_vec())).await;
        services.report(Event::ArchiveListed { ticket, result });
    });
}

impl ArchiveIo {
    /// Copies `entry` (a file, or a folder with what is below it) into the
    /// folder `to`, or a file privately to be viewed when `to` is `None`. A
    /// OneDrive folder gets the entries through a private staging copy, which
    /// the engine then uploads.
    pub fn extract(
        &mut self,
        services: &Services,
        ticket: u64,
        archive: ArchiveRef,
        entry: String,
        to: Option<Location>,
    ) {
        let services = services.clone();
        let scratch = match &to {
            Some(Location::Local(_)) => None,
            _ => match self.scratch_dir() {
                Ok(dir) => Some(dir),
                Err(problem) => {
                    services.report(Event::ArchiveDone {
                        ticket,
                        result: Err(problem),
                    });
                    return;
                }
            },
        };
        tokio::spawn(async move {
            let event = match (to, scratch) {
                (Some(Location::Local(folder)), _) => {
                    let result =
                        with_archive(&services, &archive, move |a| copy_out(a, &entry, &folder))
                            .await;
                    Event::ArchiveDone { ticket, result }
                }
                (Some(dest @ Location::Remote(_)), Some(scratch)) => {
                    let result = with_archive(&services, &archive, move |a| {
                        let folder = fresh_folder(&scratch)?;
                        let said = copy_out(a, &entry, &folder)?;
                        let name = entry.rsplit('/').next().unwrap_or(&entry).to_string();
                        Ok((folder.join(name), said))
                    })
                    .await;
                    match result {
                        Ok((staged, _)) => Event::ArchiveStaged {
                            ticket,
                            staged: Location::Local(staged),
                            dest,
                        },
                        Err(problem) => Event::ArchiveDone {
                            ticket,
                            result: Err(problem),
                        },
                    }
                }
                (None, Some(scratch)) => {
                    let wanted = entry.clone();
                    let result = with_archive(&services, &archive, move |a| {
                        private_copy(a, &wanted, &scratch)
                    })
                    .await;
                    match result {
                        Ok((copy, size)) => Event::ArchiveViewReady {
                            ticket,
                            entry,
                            copy,
                            size,
                        },
                        Err(problem) => Event::ArchiveDone {
                            ticket,
                            result: Err(problem),
                        },
                    }
                }
                _ => return,
            };
            services.report(event);
        });
    }

    fn scratch_dir(&mut self) -> Result<Arc<tempfile::TempDir>, String> {
        if let Some(dir) = &self.scratch {
            return Ok(dir.clone());
        }
        let dir = Arc::new(
            tempfile::Builder::new()
                .prefix("odc-archive-")
                .tempdir()
                .map_err(|e| format!("no private folder for the entry: {e}"))?,
        );
        self.scratch = Some(dir.clone());
        Ok(dir)
    }
}

/// A new private folder inside `scratch` (one per copy, so names never meet).
fn fresh_folder(scratch: &tempfile::TempDir) -> Result<PathBuf, String> {
    tempfile::Builder::new()
        .prefix("entry-")
        .tempdir_in(scratch.path())
        .map(|dir| dir.keep())
        .map_err(|e| e.to_string())
}

/// A file entry copied into its own private folder of `scratch`.
fn private_copy(
    archive: &mut Archive<Box<dyn RangeSource>>,
    entry: &str,
    scratch: &tempfile::TempDir,
) -> Result<(PathBuf, u64), String> {
    let folder = fresh_folder(scratch)?;
    let name = entry.rsplit('/').next().unwrap_or(entry);
    let target = local_target(&folder, name)?;
    let size = write_entry(archive, entry, &target)?;
    Ok((target, size))
}

/// Copies `entry` (with everything below it when it is a folder) into
/// `folder`, keeping its name; never over a file that exists, never outside
/// `folder`.
fn copy_out(
    archive: &mut Archive<Box<dyn RangeSource>>,
    entry: &str,
    folder: &Path,
) -> Result<String, String> {
    let base = entry
        .rsplit_once('/')
        .map(|(up, _)| format!("{up}/"))
        .unwrap_or_default();
    let prefix = format!("{entry}/");
    let files: Vec<Entry> = archive
        .entries()
        .iter()
        .filter(|e| !e.is_dir && (e.path == entry || e.path.starts_with(&prefix)))
        .cloned()
        .collect();
    let (mut copied, mut bytes, mut kept) = (0usize, 0u64, Vec::new());
    for file in &files {
        let relative = file.path.strip_prefix(&base).unwrap_or(&file.path);
        let target = match local_target(folder, relative) {
            Ok(target) => target,
            Err(problem) => {
                kept.push(problem);
                continue;
            }
        };
        match write_entry(archive, &file.path, &target) {
            Ok(n) => {
                copied += 1;
                bytes += n;
            }
            Err(problem) => kept.push(problem),
        }
    }
    let mut said = format!(
        "Copied {copied} file(s), {} to {}",
        humansize::format_size(bytes, humansize::BINARY),
        odc_core::display::escape_path(folder)
    );
    if !kept.is_empty() {
        said.push_str(&format!("; {} not: {}", kept.len(), kept.join("; ")));
    }
    if copied == 0 && !kept.is_empty() {
        return Err(said);
    }
    Ok(said)
}

/// Writes one file entry to `target` (made new: an existing file is kept);
/// a failed write leaves nothing behind.
fn write_entry(
    archive: &mut Archive<Box<dyn RangeSource>>,
    entry: &str,
    target: &Path,
) -> Result<u64, String> {
    let shown = odc_core::display::escape_path(target);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{shown}: {e}"))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!("{shown} exists; kept"),
            _ => format!("{shown}: {e}"),
        })?;
    let written = archive
        .copy_entry(entry, &mut file)
        .and_then(|n| file.flush().map(|()| n));
    match written {
        Ok(n) => Ok(n),
        Err(problem) => {
            drop(file);
            let _ = std::fs::remove_file(target);
            Err(format!("{shown}: {problem}"))
        }
    }
}
