//! Planning: expands a request into file tasks, handed to a [`PlanSink`] as they are
//! found, so the first file can start while the rest of a big tree is still being
//! read. Folders are created first (local ones directly, OneDrive ones by mkdir),
//! then their files are queued. OneDrive listings are read page by page; remote
//! names that could escape the target are refused.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;

use super::{Direction, Kind, Location, Request};
use crate::filter::Filter;
use odc_core::display::escape_path as shown;
use odc_graph::graphs::Graphs;
use odc_graph::local_names::unsafe_reason;
use odc_graph::{DriveItem, Error, Graph, ItemAddress, RemotePath, Result};

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

/// A whole plan collected in memory: for `--dry-run` and tests. The engine plans
/// into its queue instead.
#[derive(Default)]
pub struct Plan {
    pub tasks: Vec<FileTask>,
    /// Top-level sources to delete after their tasks (moves across kinds).
    pub groups: Vec<Location>,
    /// Problems found while planning (one line each).
    pub problems: Vec<String>,
    /// Files (and folders not entered) the filter left out.
    pub excluded: usize,
}

/// How trees are read.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Follow symbolic links below a source folder (a link named as the source itself
    /// is always followed). Off by default: a link to `../secret` must not upload the
    /// secret, and a link loop must not nest folders until OneDrive's limit.
    pub follow_symlinks: bool,
    /// Plan only (`--dry-run`): no folder is created, nothing is written.
    pub dry_run: bool,
    /// OneDrive folders listed at once while walking a tree (at least 1).
    pub list_concurrency: usize,
    /// What to leave out, by the path below each source folder (rclone's rules).
    pub filter: Option<Arc<Filter>>,
}

impl PlanOptions {
    /// Whether the filter leaves `path` (below the source folder) in.
    fn keeps(&self, path: &str, is_dir: bool) -> bool {
        self.filter.as_deref().is_none_or(|filter| {
            if is_dir {
                filter.includes_folder(path)
            } else {
                filter.includes_file(path)
            }
        })
    }
}

/// `name` below the folder at `parent` (both relative to the source folder).
fn below(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}/{name}")
    }
}

/// Where planning puts what it finds, as it finds it.
pub trait PlanSink: Send {
    /// A top-level source that a move deletes once all its files arrived; the number
    /// its tasks carry in [`FileTask::group`].
    fn group(&mut self, source: Location) -> usize;
    /// A file to transfer; its folder exists already. May wait (the queue is full).
    fn task(&mut self, task: FileTask) -> impl std::future::Future<Output = ()> + Send;
    /// Something skipped or refused while planning, one line.
    fn problem(&mut self, problem: String);
    /// A file left out by the filter (or a folder it does not let the walk enter).
    fn excluded(&mut self, _what: &Location) {}
    /// True once nobody wants the rest (the request was aborted): planning stops
    /// before the next folder.
    fn stopped(&self) -> bool {
        false
    }
}

impl PlanSink for Plan {
    fn group(&mut self, source: Location) -> usize {
        self.groups.push(source);
        self.groups.len() - 1
    }

    async fn task(&mut self, task: FileTask) {
        self.tasks.push(task);
    }

    fn problem(&mut self, problem: String) {
        self.problems.push(problem);
    }

    fn excluded(&mut self, _what: &Location) {
        self.excluded += 1;
    }
}

/// Plans the whole request into memory.
pub async fn plan(graphs: &Graphs, request: &Request, options: PlanOptions) -> Result<Plan> {
    let mut plan = Plan::default();
    plan_into(graphs, request, options, &mut plan).await?;
    Ok(plan)
}

/// Plans `request` into `sink`, file by file. An error stops planning; what was
/// handed to the sink before it stays there.
pub async fn plan_into<S: PlanSink>(
    graphs: &Graphs,
    request: &Request,
    options: PlanOptions,
    plan: &mut S,
) -> Result<()> {
    let mut looked_up = look_up_sources(graphs, &request.sources).await;
    for source in &request.sources {
        if plan.stopped() {
            break;
        }
        let name = request.dest_name.clone().unwrap_or_else(|| source.name());
        if name.is_empty() {
            plan.problem(format!("{}: cannot copy the root", source));
            continue;
        }
        // The top level gets the same check as everything below it: a remote name
        // becomes a local path only if it cannot leave the destination folder.
        if !request.dest_dir.is_remote()
            && let Some(reason) = unsafe_reason(&name)
        {
            plan.problem(format!(
                "{}: skipped, cannot be saved locally: {reason}",
                odc_core::display::escape_control(&source.to_string())
            ));
            continue;
        }
        let dest = request.dest_dir.join(&name);
        if dest == *source || request.dest_dir.is_within(source) {
            plan.problem(format!("{}: cannot copy a folder into itself", source));
            continue;
        }
        match (source, &request.dest_dir, request.kind) {
            // Another account's drive cannot copy server-side: each file goes
            // through this machine.
            (Location::Remote(from), Location::Remote(to), kind) if from.drive() != to.drive() => {
                let graph = graphs.for_drive(from.drive()).await?;
                let dest_graph = graphs.for_drive(to.drive()).await?;
                let group = (kind == Kind::Move).then(|| plan.group(source.clone()));
                let item = source_item(&mut looked_up, &graph, from).await?;
                let walk = RemoteWalk {
                    graph: &graph,
                    dest_graph: Some(&dest_graph),
                    group,
                    options: options.clone(),
                };
                walk.run(item, from.clone(), dest, plan).await?;
            }
            (Location::Remote(from), Location::Remote(_), kind) => {
                let graph = graphs.for_drive(from.drive()).await?;
                let item = source_item(&mut looked_up, &graph, from).await?;
                plan.task(FileTask {
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
                })
                .await;
            }
            (Location::Local(path), Location::Local(_), Kind::Move) => {
                let size = tokio::fs::metadata(path)
                    .await
                    .map(|m| m.len())
                    .unwrap_or(0);
                plan.task(FileTask {
                    source: source.clone(),
                    dest,
                    direction: Direction::LocalMove,
                    size,
                    item: None,
                    group: None,
                    resume_url: None,
                })
                .await;
            }
            (Location::Local(path), dest_dir, kind) => {
                let group = (kind == Kind::Move).then(|| plan.group(source.clone()));
                let direction = if dest_dir.is_remote() {
                    Direction::Upload
                } else {
                    Direction::LocalCopy
                };
                // The client of the destination's drive (none for a local one).
                let graph = match &request.dest_dir {
                    Location::Remote(path) => Some(graphs.for_drive(path.drive()).await?),
                    Location::Local(_) => None,
                };
                let walk = LocalWalk {
                    graph: graph.as_deref(),
                    direction,
                    group,
                    options: options.clone(),
                };
                walk.run(path.clone(), dest, plan).await?;
            }
            (Location::Remote(from), Location::Local(_), kind) => {
                let graph = graphs.for_drive(from.drive()).await?;
                let group = (kind == Kind::Move).then(|| plan.group(source.clone()));
                let item = source_item(&mut looked_up, &graph, from).await?;
                let walk = RemoteWalk {
                    graph: &graph,
                    dest_graph: None,
                    group,
                    options: options.clone(),
                };
                walk.run(item, from.clone(), dest, plan).await?;
            }
        }
    }
    Ok(())
}

/// A OneDrive source's item: looked up already with the others, or now.
async fn source_item(
    looked_up: &mut std::collections::HashMap<RemotePath, Result<DriveItem>>,
    graph: &Graph,
    from: &RemotePath,
) -> Result<DriveItem> {
    match looked_up.remove(from) {
        Some(found) => found,
        None => graph.item(&ItemAddress::Path(from.clone())).await,
    }
}

/// The OneDrive sources of a request naming several, looked up twenty to a JSON
/// batch before planning instead of one request each (moving or copying a
/// thousand marked files within OneDrive).
async fn look_up_sources(
    graphs: &Graphs,
    sources: &[Location],
) -> std::collections::HashMap<RemotePath, Result<DriveItem>> {
    let mut found = std::collections::HashMap::new();
    let mut by_drive: Vec<(&odc_graph::path::DriveSpec, Vec<RemotePath>)> = Vec::new();
    for source in sources {
        let Location::Remote(path) = source else {
            continue;
        };
        match by_drive
            .iter_mut()
            .find(|(drive, _)| *drive == path.drive())
        {
            Some((_, paths)) => paths.push(path.clone()),
            None => by_drive.push((path.drive(), vec![path.clone()])),
        }
    }
    for (drive, paths) in by_drive {
        if paths.len() < 2 {
            continue; // looked up on its own, as before
        }
        // A drive that cannot be reached fails where its sources are planned.
        let Ok(graph) = graphs.for_drive(drive).await else {
            continue;
        };
        let addresses: Vec<ItemAddress> = paths.iter().cloned().map(ItemAddress::Path).collect();
        found.extend(paths.into_iter().zip(graph.items_many(&addresses).await));
    }
    found
}

/// Reads a local tree for a copy: folders first, each entry on its own (an
/// unreadable or dangling one fails alone), links skipped unless asked for, a
/// folder reached twice (a link loop) walked once, and names that OneDrive would
/// merge (case, Unicode normalisation) reported instead of silently losing one.
struct LocalWalk<'a> {
    graph: Option<&'a Graph>,
    direction: Direction,
    group: Option<usize>,
    options: PlanOptions,
}

impl LocalWalk<'_> {
    /// An upload larger than OneDrive takes is refused here, before any request.
    fn too_large(&self, path: &Path, size: u64) -> Option<String> {
        use odc_core::limits::MAX_FILE_BYTES;
        (self.direction == Direction::Upload && size > MAX_FILE_BYTES).then(|| {
            format!(
                "{}: skipped: {} is larger than the {} OneDrive takes",
                shown(path),
                humansize::format_size(size, humansize::BINARY),
                humansize::format_size(MAX_FILE_BYTES, humansize::BINARY)
            )
        })
    }

    fn task(&self, source: PathBuf, dest: Location, size: u64) -> FileTask {
        FileTask {
            source: Location::Local(source),
            dest,
            direction: self.direction,
            size,
            item: None,
            group: self.group,
            resume_url: None,
        }
    }

    async fn run<S: PlanSink>(&self, source: PathBuf, dest: Location, plan: &mut S) -> Result<()> {
        // The source itself was named by the user: a link there is followed.
        let metadata = tokio::fs::metadata(&source)
            .await
            .map_err(|e| Error::io(&source, e))?;
        if !metadata.is_dir() {
            let name = source.file_name().unwrap_or_default().to_string_lossy();
            if !self.options.keeps(&name, false) {
                plan.excluded(&Location::Local(source));
                return Ok(());
            }
            if let Some(problem) = self.too_large(&source, metadata.len()) {
                plan.problem(problem);
                return Ok(());
            }
            plan.task(self.task(source, dest, metadata.len())).await;
            return Ok(());
        }
        let mut visited = std::collections::HashSet::new();
        visited.insert(dir_key(&metadata));
        if !self.options.dry_run {
            create_folder(self.graph, &dest).await?;
        }
        // Each folder is made before anything inside it is planned: the top one
        // here, the others together with their siblings once their parent is read.
        // Each folder with its path below the source, which the filter reads.
        let mut stack = vec![(source, dest, String::new())];
        while let Some((dir, target, relative)) = stack.pop() {
            if plan.stopped() {
                break;
            }
            let children = match read_children(&dir).await {
                Ok(children) => children,
                Err(err) => {
                    plan.problem(format!("{}: {err}", shown(&dir)));
                    continue;
                }
            };
            let mut onedrive_names: std::collections::HashMap<String, String> =
                std::collections::HashMap::new();
            let mut subfolders = Vec::new();
            for (path, name) in children {
                let Some(name) = name else {
                    plan.problem(format!("{}: the name is not valid UTF-8", shown(&path)));
                    continue;
                };
                let Some(metadata) = self.entry_metadata(&path, plan).await else {
                    continue;
                };
                let is_dir = metadata.is_dir();
                let child_relative = below(&relative, &name);
                if !self.options.keeps(&child_relative, is_dir) {
                    plan.excluded(&Location::Local(path));
                    continue;
                }
                let child_target = target.join(&name);
                if let Location::Remote(remote) = &child_target {
                    if let Err(err) = odc_graph::item::check_path(remote, is_dir) {
                        plan.problem(format!("{}: {err}", shown(&path)));
                        continue;
                    }
                    if let Some(first) = onedrive_names.insert(onedrive_key(&name), name.clone()) {
                        plan.problem(format!(
                            "{}: skipped: OneDrive does not tell it from \"{}\" (names differ only in case or Unicode form)",
                            shown(&path),
                            odc_core::display::escape_control(&first)
                        ));
                        onedrive_names.insert(onedrive_key(&name), first);
                        continue;
                    }
                }
                if is_dir {
                    if !visited.insert(dir_key(&metadata)) {
                        plan.problem(format!(
                            "{}: skipped: this folder was reached before (a link loop)",
                            shown(&path)
                        ));
                        continue;
                    }
                    subfolders.push((path, child_target, child_relative));
                } else if metadata.is_file() {
                    if let Some(problem) = self.too_large(&path, metadata.len()) {
                        plan.problem(problem);
                        continue;
                    }
                    plan.task(self.task(path, child_target, metadata.len()))
                        .await;
                } else {
                    plan.problem(format!(
                        "{}: skipped: {} is not copied",
                        shown(&path),
                        odc_core::fsutil::describe_kind(&metadata)
                    ));
                }
            }
            stack.extend(self.make_subfolders(&target, subfolders, plan).await?);
        }
        Ok(())
    }

    /// Makes the subfolders of `parent` (a OneDrive folder's in JSON batches) and
    /// returns those that now exist, to walk. A name OneDrive refuses, or a file
    /// where a folder should go, is a problem for that folder alone; a failure of
    /// the service stops the walk.
    async fn make_subfolders<S: PlanSink>(
        &self,
        parent: &Location,
        subfolders: Vec<(PathBuf, Location, String)>,
        plan: &mut S,
    ) -> Result<Vec<(PathBuf, Location, String)>> {
        if self.options.dry_run || subfolders.is_empty() {
            return Ok(subfolders);
        }
        let Location::Remote(parent) = parent else {
            for (_, target, _) in &subfolders {
                create_folder(None, target).await?;
            }
            return Ok(subfolders);
        };
        let graph = self.graph.ok_or_else(|| Error::SignInRequired {
            reason: "not signed in".into(),
        })?;
        let names: Vec<String> = subfolders
            .iter()
            .map(|(_, target, _)| target.name())
            .collect();
        let made = graph.create_folders_in(parent, &names).await?;
        let mut walk = Vec::with_capacity(subfolders.len());
        for ((path, target, relative), result) in subfolders.into_iter().zip(made) {
            match result {
                Ok(_) => walk.push((path, target, relative)),
                Err(err) if err.is_about_the_item() => {
                    plan.problem(format!("{}: {err}", shown(&path)));
                }
                Err(err) => return Err(err),
            }
        }
        Ok(walk)
    }

    /// What an entry is, following a link only when asked; None (with the
    /// problem noted) for a link not followed, a dangling link or an unreadable
    /// entry.
    async fn entry_metadata<S: PlanSink>(
        &self,
        path: &std::path::Path,
        plan: &mut S,
    ) -> Option<std::fs::Metadata> {
        let own = match tokio::fs::symlink_metadata(path).await {
            Ok(m) => m,
            Err(err) => {
                plan.problem(format!("{}: {err}", shown(path)));
                return None;
            }
        };
        if !own.file_type().is_symlink() {
            return Some(own);
        }
        if !self.options.follow_symlinks {
            plan.problem(format!(
                "{}: skipped: a symbolic link (transfer.follow_symlinks or --follow-symlinks copies what it points to)",
                shown(path)
            ));
            return None;
        }
        match tokio::fs::metadata(path).await {
            Ok(m) => Some(m),
            Err(err) => {
                plan.problem(format!(
                    "{}: skipped: the symbolic link points nowhere readable ({err})",
                    shown(path)
                ));
                None
            }
        }
    }
}

/// A directory's identity, for loop detection.
fn dir_key(metadata: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (metadata.dev(), metadata.ino())
}

/// Names OneDrive treats as the same: case-insensitive, Unicode NFC.
fn onedrive_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().collect::<String>().to_lowercase()
}

/// A folder's entries, sorted by name: (path, name if UTF-8).
async fn read_children(dir: &std::path::Path) -> std::io::Result<Vec<(PathBuf, Option<String>)>> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    let mut children = Vec::new();
    while let Some(entry) = entries.next_entry().await? {
        children.push((entry.path(), entry.file_name().to_str().map(str::to_string)));
    }
    children.sort();
    Ok(children)
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

/// What the concurrent walk's listings yield: a page of a folder, or the end of one.
enum Walked {
    Page(
        std::sync::Arc<(RemotePath, Location, String)>,
        Result<Vec<DriveItem>>,
    ),
    Done,
}

/// Walks a OneDrive tree for a copy to a local folder (downloads) or to another
/// account's drive (relays through this machine, `dest_graph` creating its folders).
struct RemoteWalk<'a> {
    graph: &'a Graph,
    dest_graph: Option<&'a Graph>,
    group: Option<usize>,
    options: PlanOptions,
}

impl RemoteWalk<'_> {
    fn direction(&self) -> Direction {
        if self.dest_graph.is_some() {
            Direction::Relay
        } else {
            Direction::Download
        }
    }

    fn task(&self, source: RemotePath, dest: Location, item: DriveItem) -> FileTask {
        FileTask {
            source: Location::Remote(source),
            dest,
            direction: self.direction(),
            size: item.size,
            item: Some(Box::new(item)),
            group: self.group,
            resume_url: None,
        }
    }

    async fn create_folder(&self, target: &Location) -> Result<()> {
        if self.options.dry_run {
            return Ok(());
        }
        create_folder(self.dest_graph, target).await
    }

    async fn run<S: PlanSink>(
        &self,
        item: DriveItem,
        source: RemotePath,
        dest: Location,
        plan: &mut S,
    ) -> Result<()> {
        if let Some(why) = item.left_alone_because() {
            plan.problem(format!(
                "{}: skipped: {why}",
                odc_core::display::escape_control(&source.to_string())
            ));
            return Ok(());
        }
        if !item.is_folder() {
            if !self.options.keeps(source.name().unwrap_or_default(), false) {
                plan.excluded(&Location::Remote(source));
                return Ok(());
            }
            plan.task(self.task(source, dest, item)).await;
            return Ok(());
        }
        // Folders are listed several at once (their pages interleave); each listing
        // still streams page by page, so a huge folder never sits whole in memory.
        let mut queue =
            std::collections::VecDeque::from([(item.id.clone(), source, dest, String::new())]);
        let mut listings = futures::stream::SelectAll::new();
        let mut running = 0usize;
        loop {
            while running < self.options.list_concurrency.max(1)
                && let Some((id, remote, target, relative)) = queue.pop_front()
            {
                self.create_folder(&target).await?;
                let here = std::sync::Arc::new((remote, target, relative));
                let pages = self
                    .graph
                    .list(&ItemAddress::Id(id))
                    .map(move |page| Walked::Page(here.clone(), page))
                    .chain(futures::stream::once(async { Walked::Done }));
                listings.push(Box::pin(pages));
                running += 1;
            }
            if running == 0 || plan.stopped() {
                break;
            }
            let (here, page) = match listings.next().await {
                Some(Walked::Page(here, page)) => (here, page),
                Some(Walked::Done) => {
                    running -= 1;
                    continue;
                }
                None => break,
            };
            let (remote, target, relative) = &*here;
            for child in page? {
                let child_remote = remote.join(&child.name);
                let child_relative = below(relative, &child.name);
                if !self.options.keeps(&child_relative, child.is_folder()) {
                    plan.excluded(&Location::Remote(child_remote));
                    continue;
                }
                if !target.is_remote()
                    && let Some(reason) = unsafe_reason(&child.name)
                {
                    plan.problem(format!(
                        "{}: skipped, cannot be saved locally: {reason}",
                        odc_core::display::escape_control(&child_remote.to_string())
                    ));
                    continue;
                }
                if let Some(why) = child.left_alone_because() {
                    // Reported: a move then keeps its source folder, so a notebook
                    // in it is never deleted by the move's clean-up.
                    plan.problem(format!(
                        "{}: skipped: {why}",
                        odc_core::display::escape_control(&child_remote.to_string())
                    ));
                    continue;
                }
                let child_target = target.join(&child.name);
                if child.is_folder() {
                    queue.push_back((child.id.clone(), child_remote, child_target, child_relative));
                } else if child.is_file() {
                    plan.task(self.task(child_remote, child_target, child))
                        .await;
                }
            }
        }
        Ok(())
    }
}
