//! `odc get` and `odc put`: files, and folders recursively, on the transfer engine
//! (a few files move at once). The command line has no dialogs: conflicts are
//! answered by its flags, errors are reported item by item.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::context::{Context, Failure, Outcome, about};
use super::report::Reporter;
use odc_core::display::escape_path as shown;
use odc_engine::transfer::{
    Direction, Engine, EngineEvent, ErrorAnswer, Kind, Location, Question, Request, Resolution,
    TaskState,
};
use odc_graph::graphs::Graphs;
use odc_graph::{Error, ItemAddress, Progress, RemotePath};

/// How the command line answers a target that exists (as rclone's flags do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnExisting {
    /// Skip files whose size and modified time match (uploads: and content).
    #[default]
    SkipUnchanged,
    /// `--ignore-times`: replace whatever is there.
    Replace,
    /// `-n`: leave it, and count the file as failed.
    Keep,
    /// `--ignore-existing`: leave it, and count it as skipped.
    Ignore,
    /// `--update`: replace it only if it is older than the source.
    Update,
    /// `--checksum`: leave it if size and QuickXorHash match, else replace it.
    Checksum,
}

impl OnExisting {
    fn resolution(self) -> Resolution {
        match self {
            OnExisting::SkipUnchanged => Resolution::SkipIfUnchanged,
            OnExisting::Replace => Resolution::Overwrite,
            OnExisting::Keep | OnExisting::Ignore => Resolution::Skip,
            OnExisting::Update => Resolution::OverwriteIfOlder,
            OnExisting::Checksum => Resolution::SkipIfSame,
        }
    }

    /// Why a skipped file was skipped, for the summary.
    fn skipped_because(self) -> &'static str {
        match self {
            OnExisting::Update => "the destination is as new or newer",
            OnExisting::Checksum => "same size and QuickXorHash",
            OnExisting::SkipUnchanged => "unchanged: same size and modified time",
            _ => "it exists already",
        }
    }
}

/// `odc cat PATH` and `odc get PATH -`: the file's bytes to stdout.
pub async fn cat(context: &Context, remote: &str) -> Outcome {
    let (graph, _, item) = context.remote_item(remote).await?;
    cat_item(&graph, remote, &item).await
}

/// `odc cat --version ID PATH`: an earlier version's bytes.
pub async fn cat_version(context: &Context, remote: &str, id: &str) -> Outcome {
    let (graph, item) = super::history::file_at_version(context, remote, id).await?;
    cat_item(&graph, remote, &item).await
}

async fn cat_item(graph: &odc_graph::Graph, remote: &str, item: &odc_graph::DriveItem) -> Outcome {
    let mut out = tokio::io::stdout();
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut signals = odc_engine::signals::Signals::new()?;
    let result = tokio::select! {
        status = signals.next() => return Err(Failure::Interrupted(status)),
        r = graph.stream_to(item, &mut out, &cancel) => r,
    };
    match result {
        // `odc cat big.log | head`: the reader had enough.
        Err(Error::Io { source, .. }) if odc_core::stdio::is_closed_pipe(&source) => {
            Err(Failure::ReaderGone)
        }
        other => other.map_err(|e| about(remote, e).into()),
    }
}

/// `odc put - PATH`: stdin, spooled to a private temporary file (the upload needs
/// its size and may send a fragment again), then uploaded as PATH.
pub async fn put_stdin(context: &Context, remote: &str, no_clobber: bool) -> Outcome {
    let (graph, path) = context.remote(remote, true).await?;
    let existing = graph
        .item_if_exists(&ItemAddress::Path(path.clone()))
        .await
        .map_err(|e| about(remote, e))?;
    if remote.ends_with('/') || path.is_root() || existing.as_ref().is_some_and(|i| i.is_folder()) {
        return Err(Error::Other(format!(
            "{}: is a folder; name the file to write stdin to (odc put - /Folder/name.txt)",
            odc_core::display::escape_control(remote)
        ))
        .into());
    }
    odc_graph::item::check_path(&path, false)?;
    let spool = tempfile::Builder::new()
        .prefix(".odc-stdin-")
        .tempfile()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut signals = odc_engine::signals::Signals::new()?;
    let mut file = tokio::fs::File::create(spool.path())
        .await
        .map_err(|e| Error::io(spool.path(), e))?;
    let mut stdin = tokio::io::stdin();
    let copy = tokio::io::copy(&mut stdin, &mut file);
    tokio::select! {
        status = signals.next() => return Err(Failure::Interrupted(status)),
        r = copy => { r.map_err(|e| Error::io("stdin", e))?; }
    }
    use tokio::io::AsyncWriteExt;
    file.flush().await.map_err(|e| Error::io(spool.path(), e))?;
    drop(file);
    let conflict = if no_clobber {
        odc_graph::Conflict::Fail
    } else {
        odc_graph::Conflict::Replace
    };
    let progress = Arc::new(Progress::default());
    let cancel = tokio_util::sync::CancellationToken::new();
    let upload = graph.upload_file(spool.path(), &path, conflict, &progress, &cancel);
    let result = tokio::select! {
        status = signals.next() => {
            cancel.cancel();
            return Err(Failure::Interrupted(status));
        }
        r = upload => r,
    };
    match result {
        Ok(_) => Ok(()),
        Err(err) if err.is_name_conflict() => Err(Error::Other(format!(
            "{}: an item with that name already exists (kept; -n)",
            odc_core::display::escape_control(remote)
        ))
        .into()),
        Err(err) => Err(about(remote, err).into()),
    }
}

/// What `get` and `put` were asked besides their paths.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `-n`: keep an existing target (and count the file as failed).
    pub no_clobber: bool,
    /// `--ignore-existing`, `--update`, `--checksum` (`-n` wins).
    pub existing: OnExisting,
    /// `--dry-run`: print what would happen, send no writing request.
    pub dry_run: bool,
    /// `--backup-dir`: where local files a download replaces go (default: the
    /// trash).
    pub backup_dir: Option<std::path::PathBuf>,
    /// `--include`, `--exclude`, `--filter…` and `[filters]`: what is left out.
    pub filter: Option<Arc<odc_engine::filter::Filter>>,
}

fn ends_with_slash(path: &Path) -> bool {
    path.as_os_str().as_encoded_bytes().ends_with(b"/")
}

pub async fn get(context: &Context, remote: &str, local: &Path, flags: Flags) -> Outcome {
    if local == Path::new("-") {
        return cat(context, remote).await;
    }
    let (graph, path, item) = context.remote_item(remote).await?;
    let existing = tokio::fs::metadata(local).await.ok();
    let into_folder = ends_with_slash(local) || existing.as_ref().is_some_and(|m| m.is_dir());
    if let Some(meta) = &existing
        && !meta.is_dir()
        && (ends_with_slash(local) || item.is_folder())
    {
        return Err(Error::Other(format!("{} is a file", shown(local))).into());
    }
    let (dest_dir, dest_name) = if into_folder {
        // `get /a.txt new/`: the folder is made, as cp does not but people expect.
        if existing.is_none() && !flags.dry_run {
            tokio::fs::create_dir_all(local)
                .await
                .map_err(|e| Error::io(local, e))?;
        }
        // The drive root has no name of its own; a shared folder is named as the
        // path named it (a shortcut's name), else by its own name.
        let name = if item.root.is_some() {
            Some("OneDrive".to_string())
        } else if path.is_root() {
            let written = remote.split_once(":/").map_or(remote, |(_, rest)| rest);
            let written = RemotePath::parse(written).ok();
            Some(
                written
                    .and_then(|p| p.name().map(str::to_string))
                    .unwrap_or(item.name.clone()),
            )
        } else {
            None
        };
        (local.to_path_buf(), name)
    } else {
        let name = local
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::Other(format!("{}: not a file name", shown(local))))?;
        let parent = local
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        match tokio::fs::metadata(parent).await {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Err(Error::Other(format!("{} is a file", shown(parent))).into()),
            Err(_) if !flags.dry_run => tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| Error::io(parent, e))?,
            Err(_) => {}
        }
        (parent.to_path_buf(), Some(name))
    };
    let request = Request {
        kind: Kind::Copy,
        sources: vec![Location::Remote(path)],
        dest_dir: Location::Local(dest_dir),
        dest_name,
    };
    let graphs = Arc::new(Graphs::only(Some(Arc::new(graph))));
    run(context, graphs, vec![request], flags).await
}

pub async fn put(context: &Context, local: &Path, remote: &str, flags: Flags) -> Outcome {
    if local == Path::new("-") {
        if flags.dry_run {
            outln!(
                "would upload stdin to {}",
                odc_core::display::escape_control(remote)
            );
            return Ok(());
        }
        return put_stdin(context, remote, flags.no_clobber).await;
    }
    tokio::fs::metadata(local)
        .await
        .map_err(|e| Error::io(local, e))?;
    let (graph, path) = context.remote(remote, true).await?;
    let target = if path.is_root() {
        None
    } else {
        graph
            .item_if_exists(&ItemAddress::Path(path.clone()))
            .await
            .map_err(|e| about(remote, e))?
    };
    if remote.ends_with('/') && target.as_ref().is_some_and(|t| !t.is_folder()) {
        return Err(Error::Other(format!("{path} is a file, not a folder")).into());
    }
    let into_folder =
        remote.ends_with('/') || path.is_root() || target.as_ref().is_some_and(|t| t.is_folder());
    let (dest_dir, dest_name) = if into_folder {
        (path, None)
    } else {
        let name = path.name().unwrap_or_default().to_string();
        (path.parent().unwrap_or_default(), Some(name))
    };
    if let Some(name) = &dest_name {
        odc_graph::item::check_path(&dest_dir.join(name), local.is_dir())?;
    }
    // A missing destination folder is made for a single file as for a folder.
    if !dest_dir.is_root() {
        match graph
            .item_if_exists(&ItemAddress::Path(dest_dir.clone()))
            .await
            .map_err(|e| about(&dest_dir.to_string(), e))?
        {
            Some(folder) if folder.is_folder() => {}
            Some(_) => {
                return Err(Error::Other(format!("{dest_dir} is a file, not a folder")).into());
            }
            None if flags.dry_run => {
                outln!(
                    "would create folder {}",
                    odc_core::display::escape_control(&dest_dir.to_string())
                );
            }
            None => {
                graph
                    .create_folders(&dest_dir)
                    .await
                    .map_err(|e| about(&dest_dir.to_string(), e))?;
            }
        }
    }
    let request = Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(local.to_path_buf())],
        dest_dir: Location::Remote(dest_dir),
        dest_name,
    };
    let graphs = Arc::new(Graphs::only(Some(Arc::new(graph))));
    run(context, graphs, vec![request], flags).await
}

/// What the user reads for a task: the remote path of an upload, the source else.
fn label(direction: Direction, source: &Location, dest: &Location) -> String {
    match direction {
        Direction::Upload => dest.bare_path(),
        _ => source.bare_path(),
    }
}

/// The summary line for what the filter left out.
pub fn excluded_line(count: usize) -> String {
    format!("excluded {count} item(s) by the filters")
}

/// `--dry-run`: plans exactly as a real run would, without creating folders, and
/// prints each file it would transfer.
async fn dry_run(
    context: &Context,
    graphs: &Graphs,
    request: &Request,
    filter: Option<Arc<odc_engine::filter::Filter>>,
) -> Outcome {
    let options = odc_engine::transfer::plan::PlanOptions {
        follow_symlinks: context.config.transfer.follow_symlinks,
        dry_run: true,
        list_concurrency: context.config.transfer.list_concurrency as usize,
        filter,
    };
    let plan = odc_engine::transfer::plan::plan(graphs, request, options)
        .await
        .map_err(Failure::Error)?;
    for task in &plan.tasks {
        let verb = match task.direction {
            Direction::Upload => "upload",
            Direction::Download => "download",
            _ => "copy",
        };
        let line = format!(
            "would {verb} {} to {} ({})",
            task.source,
            task.dest,
            humansize::format_size(task.size, humansize::BINARY)
        );
        outln!("{}", odc_core::display::escape_control(&line));
    }
    for problem in &plan.problems {
        errln!("odc: {}", odc_core::display::escape_control(problem));
    }
    if plan.excluded > 0 {
        errln!("{}", excluded_line(plan.excluded));
    }
    if plan.problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Reported)
    }
}

/// Runs `requests` on the transfer engine, reporting as files go; ends when all
/// of them have finished. `graphs` reaches the drives the requests name (a command
/// on one account's paths: [`Graphs::only`]).
pub(super) async fn run(
    context: &Context,
    graphs: Arc<Graphs>,
    requests: Vec<Request>,
    flags: Flags,
) -> Outcome {
    if flags.dry_run {
        let mut outcome = Ok(());
        for request in &requests {
            if let Err(failure) = dry_run(context, &graphs, request, flags.filter.clone()).await {
                outcome = Err(failure);
            }
        }
        return outcome;
    }
    let mut unfinished = requests.len();
    if unfinished == 0 {
        return Ok(());
    }
    let on_existing = if flags.no_clobber {
        OnExisting::Keep
    } else {
        flags.existing
    };
    let mut skipped = 0usize;
    let mut excluded = 0usize;
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::new(&context.config.transfer, tx);
    let graph = graphs.default_graph();
    engine.set_graphs(graphs);
    engine.set_backup_dir(flags.backup_dir.clone());
    engine.set_filter(flags.filter.clone());
    // The same records as the UI: an interrupted `put` or `get` continues when run
    // again, and the UI offers what a command left.
    if let Some(store) = odc_engine::transfer::resume::ResumeStore::default_location() {
        engine.set_resume_store(Arc::new(store));
    }
    engine.set_default_conflict(Some(on_existing.resolution()));
    for request in requests {
        engine.submit(request);
    }

    let reporter = Reporter::new(context.display, graph);
    let ticker = reporter.spawn_ticker();
    let mut tasks: HashMap<u64, (String, Direction, Arc<Progress>, Instant)> = HashMap::new();
    let mut failures = 0usize;
    let mut signals = odc_engine::signals::Signals::new()?;
    let mut interrupted: Option<u8> = None;
    loop {
        tokio::select! {
            status = signals.next() => {
                if interrupted.is_some() {
                    // A second signal: the user wants out now. Records stay.
                    reporter.clear();
                    std::process::exit(status.into());
                }
                interrupted = Some(status);
                reporter.print_line(
                    "odc: interrupted; keeping partial transfers (run the same command again to continue)",
                );
                engine.interrupt();
            }
            event = events.recv() => {
                let Some(event) = event else { break };
                match event {
                    EngineEvent::Added(info) => {
                        let mut label = label(info.direction, &info.source, &info.dest);
                        if info.size_check_only {
                            label.push_str(" [OneDrive gave no hash: checked by size only]");
                        }
                        // The engine's own counters: resumed bytes and all.
                        let progress = match engine.progress(info.id) {
                            Some(progress) => reporter.track(&label, progress),
                            None => reporter.start(&label),
                        };
                        progress.set_total(info.total);
                        tasks.insert(info.id, (label, info.direction, progress, Instant::now()));
                    }
                    EngineEvent::State { id, state } => {
                        let Some((label, direction, progress, started)) = tasks.get_mut(&id) else { continue };
                        match state {
                            TaskState::Running => *started = Instant::now(),
                            TaskState::Done => {
                                let (_, total) = progress.sample();
                                progress.set_done(total);
                                let verb = if *direction == Direction::Upload { "uploaded" } else { "downloaded" };
                                reporter.finish(label, progress, verb, started.elapsed());
                            }
                            TaskState::Skipped if on_existing != OnExisting::Keep => {
                                reporter.abandon(progress);
                                skipped += 1;
                            }
                            TaskState::Skipped => {
                                reporter.abandon(progress);
                                reporter.print_line(&format!(
                                    "odc: {}: an item with that name already exists (kept; -n)",
                                    odc_core::display::escape_control(label)
                                ));
                                failures += 1;
                            }
                            TaskState::Failed(reason) => {
                                reporter.abandon(progress);
                                reporter.print_line(&format!(
                                    "odc: {}: {reason}",
                                    odc_core::display::escape_control(label)
                                ));
                                failures += 1;
                            }
                            TaskState::Cancelled => {
                                reporter.abandon(progress);
                                let what = if interrupted.is_some() { "interrupted, kept to continue" } else { "cancelled" };
                                reporter.print_line(&format!("odc: {}: {what}", odc_core::display::escape_control(label)));
                                failures += 1;
                            }
                            _ => {}
                        }
                    }
                    // Errors are reported as the task fails; conflicts never ask (the
                    // default answer is set), but a question must not hang the command.
                    EngineEvent::Ask(Question::Error { reply, .. }) => {
                        let _ = reply.send(ErrorAnswer::Skip);
                    }
                    EngineEvent::Ask(Question::Conflict { reply, .. }) => {
                        let _ = reply.send(odc_engine::transfer::ConflictAnswer::Once(Resolution::Skip));
                    }
                    EngineEvent::Problem(problem) => {
                        reporter.print_line(&format!("odc: {problem}"));
                        failures += 1;
                    }
                    EngineEvent::Renamed { .. } => {} // commands never answer "keep both"
                    EngineEvent::Finished { excluded: left_out, .. } => {
                        excluded += left_out;
                        unfinished -= 1;
                        if unfinished == 0 {
                            break;
                        }
                    }
                }
            }
        }
    }
    if let Some(ticker) = ticker {
        ticker.abort();
    }
    reporter.clear();
    if skipped > 0 {
        errln!(
            "skipped {skipped} file(s): {}",
            on_existing.skipped_because()
        );
    }
    if excluded > 0 {
        errln!("{}", excluded_line(excluded));
    }
    if let Some(status) = interrupted {
        Err(Failure::Interrupted(status))
    } else if failures > 0 {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}
