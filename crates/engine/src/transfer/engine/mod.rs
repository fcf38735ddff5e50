//! Runs planned tasks: a bounded number at once (`transfer.concurrency`), each with
//! its own cancel and pause, progress counters the UI samples, conflict and error
//! questions, and moves that delete their source only after every file arrived.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, Semaphore, mpsc::UnboundedSender, oneshot};
use tokio_util::sync::CancellationToken;

use super::conflict::{self, ConflictAnswer, Decision, ErrorAnswer, Policy, Resolution};
use super::plan::{FileTask, PlanOptions};
use super::resume::{Interrupted, ResumeStore, Way};
use super::{Direction, Location, Request, TaskState, local};
use odc_core::config::TransferConfig;
use odc_graph::download::OnCancel;
use odc_graph::graphs::Graphs;
use odc_graph::upload::UploadOptions;
use odc_graph::{Conflict, Error, Graph, ItemAddress, Progress, RemotePath, Result};

/// A running task's counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub id: u64,
    pub done: u64,
    pub total: u64,
    /// Of `done`, what an earlier attempt had moved (not to be counted as speed).
    pub resumed: u64,
}

/// A task as the UI lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskInfo {
    pub id: u64,
    pub name: String,
    pub source: Location,
    pub dest: Location,
    pub direction: Direction,
    pub total: u64,
    /// OneDrive gave the file no hash (business drives have such files): its
    /// download is checked by size alone, and the reports say so.
    pub size_check_only: bool,
}

/// A question for the person at the keyboard; answer through `reply`.
#[derive(Debug)]
pub enum Question {
    Conflict {
        task: u64,
        name: String,
        source_size: u64,
        source_modified: Option<DateTime<Utc>>,
        target_size: u64,
        target_modified: Option<DateTime<Utc>>,
        reply: oneshot::Sender<ConflictAnswer>,
    },
    Error {
        task: u64,
        name: String,
        message: String,
        reply: oneshot::Sender<ErrorAnswer>,
    },
}

#[derive(Debug)]
pub enum EngineEvent {
    Added(TaskInfo),
    State {
        id: u64,
        state: TaskState,
    },
    Ask(Question),
    /// A "keep both" answer: the task writes under this name instead.
    Renamed {
        id: u64,
        name: String,
    },
    /// A problem found while planning, one line.
    Problem(String),
    /// A request finished; these folders changed; the filter left out so many
    /// files (and folders it did not let the walk enter).
    Finished {
        changed: Vec<Location>,
        excluded: usize,
    },
}

/// A move's top-level source: deleted once every file under it arrived.
struct Group {
    source: Location,
    /// Tasks not yet settled, plus one while the request is still being planned.
    remaining: AtomicUsize,
    failed: AtomicBool,
}

/// One request (copy or move these into there): its conflict answers, its abort,
/// its groups, and the folders to refresh when all of it is settled.
struct Batch {
    policy: tokio::sync::Mutex<Policy>,
    abort: CancellationToken,
    groups: Mutex<Vec<Arc<Group>>>,
    /// Tasks not yet settled, plus one while the request is still being planned.
    remaining: AtomicUsize,
    changed: Vec<Location>,
    /// Something of it failed, was cancelled or could not be planned.
    failed: AtomicBool,
    /// What the filter left out while planning.
    excluded: AtomicUsize,
    /// Told once the request is settled: true when all of it went through.
    settled: Mutex<Option<tokio::sync::oneshot::Sender<bool>>>,
}

impl Batch {
    fn new(default: Option<Resolution>, changed: Vec<Location>) -> Arc<Batch> {
        Arc::new(Batch {
            policy: tokio::sync::Mutex::new(Policy::with_default(default)),
            abort: CancellationToken::new(),
            groups: Mutex::new(Vec::new()),
            remaining: AtomicUsize::new(1),
            changed,
            failed: AtomicBool::new(false),
            excluded: AtomicUsize::new(0),
            settled: Mutex::new(None),
        })
    }

    fn group(&self, index: usize) -> Option<Arc<Group>> {
        self.groups.lock().unwrap().get(index).cloned()
    }
}

struct TaskEntry {
    task: FileTask,
    /// The upload session of a paused upload, continued on resume.
    session_url: Option<String>,
    batch: Arc<Batch>,
    cancel: CancellationToken,
    /// Cancelled to pause: the current attempt stops, the task stays.
    attempt: CancellationToken,
    state: TaskState,
    /// A run owns the task (from taking a slot until it settles or parks).
    dispatched: bool,
    /// Its id waits in [`Table::pending`].
    in_queue: bool,
    progress: Arc<Progress>,
}

/// Every task the engine knows, and the order they start in. One lock, so a
/// task's state, its place in the queue and the counts never disagree.
#[derive(Default)]
struct Table {
    entries: HashMap<u64, TaskEntry>,
    /// Tasks waiting for a slot, oldest first. Paused ones leave it and come back
    /// at the front when resumed.
    pending: VecDeque<u64>,
    /// Running or verifying: the only progress worth sampling.
    live: BTreeSet<u64>,
    unfinished: usize,
}

impl Table {
    /// Moves a task to `next` if its life allows it (see [`TaskState::may_become`]),
    /// keeping the counts; false (and nothing changed) otherwise.
    fn transition(&mut self, id: u64, next: &TaskState) -> bool {
        let Some(entry) = self.entries.get_mut(&id) else {
            return false;
        };
        if !entry.state.may_become(next) {
            tracing::debug!(id, from = ?entry.state, to = ?next, "task transition refused");
            return false;
        }
        match (entry.state.finished(), next.finished()) {
            (false, true) => self.unfinished -= 1,
            (true, false) => self.unfinished += 1,
            _ => {}
        }
        if matches!(next, TaskState::Running | TaskState::Verifying) {
            self.live.insert(id);
        } else {
            self.live.remove(&id);
        }
        entry.state = next.clone();
        true
    }

    /// Puts a task (back) in line; `first` for a resumed one.
    fn enqueue(&mut self, id: u64, first: bool) {
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        if entry.in_queue || entry.dispatched {
            return;
        }
        entry.in_queue = true;
        if first {
            self.pending.push_front(id);
        } else {
            self.pending.push_back(id);
        }
    }
}

struct Inner {
    graphs: RwLock<Arc<Graphs>>,
    resume: RwLock<Option<Arc<ResumeStore>>>,
    default_conflict: RwLock<Option<Resolution>>,
    /// Where local files that a transfer replaces go: the trash (None), or this
    /// folder (`--backup-dir`). Nothing replaced is lost.
    backup_dir: RwLock<Option<std::path::PathBuf>>,
    tx: UnboundedSender<EngineEvent>,
    slots: Arc<Semaphore>,
    /// Small uploads wait for their batch here instead of in `slots`, so that
    /// enough of them are under way to fill batches (None: batching is off).
    small_slots: Option<Arc<Semaphore>>,
    next_id: AtomicU64,
    table: Mutex<Table>,
    /// Wakes the dispatcher: something joined the queue.
    queued: Arc<Notify>,
    /// Wakes planners waiting for room in the queue.
    room: Notify,
    dispatcher: std::sync::Once,
    /// Set by [`Engine::interrupt`]: cancelled transfers keep what they have.
    interrupting: AtomicBool,
    plan_options: PlanOptions,
    /// What requests leave out (`--include`, `--exclude`, `[filters]`).
    filter: RwLock<Option<Arc<crate::filter::Filter>>>,
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

enum TaskOutcome {
    Done,
    Skipped,
}

mod dispatch;
mod interrupted;
mod perform;
mod run;
mod submit;

impl Engine {
    /// An engine with the transfer settings (the only ones it reads).
    pub fn new(settings: &TransferConfig, tx: UnboundedSender<EngineEvent>) -> Self {
        Self {
            inner: Arc::new(Inner {
                graphs: RwLock::new(Arc::new(Graphs::only(None))),
                resume: RwLock::new(None),
                default_conflict: RwLock::new(Resolution::from_setting(settings.on_conflict)),
                backup_dir: RwLock::new(None),
                tx,
                slots: Arc::new(Semaphore::new(settings.concurrency as usize)),
                small_slots: settings.batch_small_files.then(|| {
                    Arc::new(Semaphore::new(
                        settings.concurrency as usize * odc_graph::batch_queue::FILES_PER_BATCH,
                    ))
                }),
                next_id: AtomicU64::new(1),
                table: Mutex::new(Table::default()),
                queued: Arc::new(Notify::new()),
                room: Notify::new(),
                dispatcher: std::sync::Once::new(),
                interrupting: AtomicBool::new(false),
                plan_options: PlanOptions {
                    follow_symlinks: settings.follow_symlinks,
                    dry_run: false,
                    list_concurrency: settings.list_concurrency as usize,
                    filter: None,
                },
                filter: RwLock::new(None),
            }),
        }
    }

    /// The filter the next requests plan with; None copies everything.
    pub fn set_filter(&self, filter: Option<Arc<crate::filter::Filter>>) {
        *self.inner.filter.write().unwrap() = filter.filter(|f| !f.is_empty());
    }

    /// The default account's client (what `OneDrive:/…` paths use).
    pub fn set_graph(&self, graph: Arc<Graph>) {
        self.graphs().set_default(graph);
    }

    /// Clients for every account and drive (the UI's panes may show several).
    pub fn set_graphs(&self, graphs: Arc<Graphs>) {
        *self.inner.graphs.write().unwrap() = graphs;
    }

    fn graphs(&self) -> Arc<Graphs> {
        self.inner.graphs.read().unwrap().clone()
    }

    /// The client for the drive `path` is in.
    async fn graph_for(&self, path: &odc_graph::RemotePath) -> Result<Arc<Graph>> {
        self.graphs().for_drive(path.drive()).await
    }

    /// Answers conflicts without asking (the command line has no dialogs).
    pub fn set_default_conflict(&self, resolution: Option<Resolution>) {
        *self.inner.default_conflict.write().unwrap() = resolution;
    }

    /// Keep replaced local files in `dir` instead of the trash (`--backup-dir`).
    pub fn set_backup_dir(&self, dir: Option<std::path::PathBuf>) {
        *self.inner.backup_dir.write().unwrap() = dir;
    }

    /// What a transfer does with a local file it replaces: moves it to the trash,
    /// or into the backup folder.
    fn set_aside(&self) -> Box<odc_graph::download::SetAside> {
        let backup = self.inner.backup_dir.read().unwrap().clone();
        Box::new(move |path: std::path::PathBuf| {
            let backup = backup.clone();
            Box::pin(async move {
                match backup {
                    Some(dir) => local::move_into(&dir, &path).await,
                    None => local::to_trash(&path).await.map_err(|problem| {
                        Error::Other(format!(
                            "{}: kept as it was: the file it would replace was {problem} (--backup-dir DIR keeps replaced files in a folder instead)",
                            odc_core::display::escape_path(&path)
                        ))
                    }),
                }
            })
        })
    }

    /// Remember running transfers here, so a later start can resume them.
    pub fn set_resume_store(&self, store: Arc<ResumeStore>) {
        *self.inner.resume.write().unwrap() = Some(store);
    }

    fn resume_store(&self) -> Option<Arc<ResumeStore>> {
        self.inner.resume.read().unwrap().clone()
    }

    /// Stops every transfer the way an interrupt (Ctrl-C, SIGTERM, SIGHUP) should:
    /// partial downloads and upload sessions are kept and stay recorded, so the
    /// same command run again (or the UI's resume) continues them.
    pub fn interrupt(&self) {
        self.inner.interrupting.store(true, Ordering::SeqCst);
        let ids: Vec<u64> = {
            let table = self.inner.table.lock().unwrap();
            for entry in table.entries.values() {
                entry.cancel.cancel();
            }
            table.entries.keys().copied().collect()
        };
        for id in ids {
            self.settle_if_waiting(id);
        }
    }

    fn interrupting(&self) -> bool {
        self.inner.interrupting.load(Ordering::SeqCst)
    }

    fn graph(&self) -> Option<Arc<Graph>> {
        self.graphs().default_graph()
    }

    /// Moves a task along its life and tells the listeners; a move its life does
    /// not allow (a late report from a run that was paused) changes nothing.
    fn set_state(&self, id: u64, state: TaskState) -> bool {
        let moved = self.inner.table.lock().unwrap().transition(id, &state);
        if moved {
            let _ = self.inner.tx.send(EngineEvent::State { id, state });
        }
        moved
    }

    /// (id, done, total) of the tasks running now: the only ones whose counts move.
    pub fn sample(&self) -> Vec<Sample> {
        let table = self.inner.table.lock().unwrap();
        table
            .live
            .iter()
            .filter_map(|id| {
                let progress = &table.entries.get(id)?.progress;
                let (done, total) = progress.sample();
                Some(Sample {
                    id: *id,
                    done,
                    total,
                    resumed: progress.resumed(),
                })
            })
            .collect()
    }

    /// A task's live counters (the same ones the transfer writes), for a display
    /// that follows one task closely, such as the command line's lines.
    pub fn progress(&self, id: u64) -> Option<Arc<Progress>> {
        let table = self.inner.table.lock().unwrap();
        table.entries.get(&id).map(|entry| entry.progress.clone())
    }

    /// Tasks not finished yet (queued, running, paused).
    pub fn active(&self) -> usize {
        self.inner.table.lock().unwrap().unfinished
    }

    pub fn cancel(&self, id: u64) {
        if let Some(entry) = self.inner.table.lock().unwrap().entries.get(&id) {
            entry.cancel.cancel();
        }
        self.settle_if_waiting(id);
    }

    /// Pauses a task: a queued one does not start; a running one stops (a download
    /// keeps its partial file, an upload its session) and waits. Again: resumes it.
    pub fn toggle_pause(&self, id: u64) {
        let mut table = self.inner.table.lock().unwrap();
        let Some(entry) = table.entries.get_mut(&id) else {
            return;
        };
        let resuming = entry.state == TaskState::Paused;
        let next = if resuming {
            TaskState::Queued
        } else {
            TaskState::Paused
        };
        if !entry.state.may_become(&next) || entry.state.finished() {
            return;
        }
        if resuming {
            entry.attempt = entry.cancel.child_token();
        } else {
            entry.attempt.cancel();
        }
        table.transition(id, &next);
        if resuming {
            // A run still winding down from the pause picks the task up again itself.
            table.enqueue(id, true);
        }
        drop(table);
        let _ = self.inner.tx.send(EngineEvent::State { id, state: next });
        self.inner.queued.notify_one();
    }

    /// Runs a failed or cancelled task again.
    pub fn retry(&self, id: u64) {
        let mut table = self.inner.table.lock().unwrap();
        let Some(entry) = table.entries.get_mut(&id) else {
            return;
        };
        if !matches!(entry.state, TaskState::Failed(_) | TaskState::Cancelled) {
            return;
        }
        entry.cancel = entry.batch.abort.child_token();
        if entry.batch.abort.is_cancelled() {
            entry.cancel = CancellationToken::new();
        }
        entry.attempt = entry.cancel.child_token();
        entry.batch.remaining.fetch_add(1, Ordering::SeqCst);
        if let Some(group) = entry.task.group.and_then(|g| entry.batch.group(g)) {
            group.remaining.fetch_add(1, Ordering::SeqCst);
            group.failed.store(false, Ordering::SeqCst);
        }
        table.transition(id, &TaskState::Queued);
        table.enqueue(id, false);
        drop(table);
        let _ = self.inner.tx.send(EngineEvent::State {
            id,
            state: TaskState::Queued,
        });
        self.start_dispatcher();
        self.inner.queued.notify_one();
    }

    /// Forgets finished tasks.
    pub fn clear_finished(&self) {
        self.inner
            .table
            .lock()
            .unwrap()
            .entries
            .retain(|_, c| !c.state.finished());
    }

    fn with<R>(&self, id: u64, f: impl FnOnce(&TaskEntry) -> R) -> Option<R> {
        self.inner.table.lock().unwrap().entries.get(&id).map(f)
    }

    fn with_mut<R>(&self, id: u64, f: impl FnOnce(&mut TaskEntry) -> R) -> Option<R> {
        self.inner.table.lock().unwrap().entries.get_mut(&id).map(f)
    }

    /// Whether the person paused this task (it waits for a resume).
    fn paused(&self, id: u64) -> bool {
        self.with(id, |c| c.state == TaskState::Paused)
            .unwrap_or(false)
    }

    fn need_graph(&self) -> Result<Arc<Graph>> {
        self.graph().ok_or_else(|| Error::SignInRequired {
            reason: "not signed in".into(),
        })
    }
}
