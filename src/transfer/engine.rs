//! Runs planned tasks: a bounded number at once (`transfer.concurrency`), each with
//! its own cancel and pause, progress counters the UI samples, conflict and error
//! questions, and moves that delete their source only after every file arrived.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, Semaphore, mpsc::UnboundedSender, oneshot};
use tokio_util::sync::CancellationToken;

use super::conflict::{self, ConflictAnswer, Decision, ErrorAnswer, Policy, Resolution};
use super::plan::{FileTask, PlanOptions, plan};
use super::resume::{Interrupted, ResumeStore, Way};
use super::{Direction, Location, Request, TaskState, local};
use crate::config::Config;
use crate::onedrive::download::OnCancel;
use crate::onedrive::upload::UploadOptions;
use crate::onedrive::{Conflict, Error, Graph, ItemAddress, Progress, RemotePath, Result};

/// A task as the UI lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskInfo {
    pub id: u64,
    pub name: String,
    pub source: String,
    pub dest: String,
    pub direction: Direction,
    pub total: u64,
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
    /// A problem found while planning, one line.
    Problem(String),
    /// A request finished; these folders changed.
    Finished {
        changed: Vec<Location>,
    },
}

struct Group {
    source: Location,
    remaining: AtomicUsize,
    failed: AtomicBool,
}

struct Batch {
    policy: tokio::sync::Mutex<Policy>,
    abort: CancellationToken,
    groups: Vec<Group>,
    remaining: AtomicUsize,
    changed: Vec<Location>,
}

struct TaskEntry {
    task: FileTask,
    /// The upload session of a paused upload, continued on resume.
    session_url: Option<String>,
    batch: Arc<Batch>,
    cancel: CancellationToken,
    attempt: CancellationToken,
    paused: bool,
    state: TaskState,
    progress: Arc<Progress>,
}

struct Inner {
    graph: RwLock<Option<Arc<Graph>>>,
    resume: RwLock<Option<Arc<ResumeStore>>>,
    default_conflict: RwLock<Option<Resolution>>,
    tx: UnboundedSender<EngineEvent>,
    slots: Semaphore,
    next_id: AtomicU64,
    tasks: Mutex<HashMap<u64, TaskEntry>>,
    resumed: Notify,
    /// Set by [`Engine::interrupt`]: cancelled transfers keep what they have.
    interrupting: AtomicBool,
    plan_options: PlanOptions,
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

enum TaskOutcome {
    Done,
    Skipped,
}

impl Engine {
    pub fn new(config: &Config, tx: UnboundedSender<EngineEvent>) -> Self {
        Self {
            inner: Arc::new(Inner {
                graph: RwLock::new(None),
                resume: RwLock::new(None),
                default_conflict: RwLock::new(Resolution::parse(&config.transfer.on_conflict)),
                tx,
                slots: Semaphore::new(config.transfer.concurrency as usize),
                next_id: AtomicU64::new(1),
                tasks: Mutex::new(HashMap::new()),
                resumed: Notify::new(),
                interrupting: AtomicBool::new(false),
                plan_options: PlanOptions {
                    follow_symlinks: config.transfer.follow_symlinks,
                    dry_run: false,
                },
            }),
        }
    }

    pub fn set_graph(&self, graph: Arc<Graph>) {
        *self.inner.graph.write().unwrap() = Some(graph);
    }

    /// Answers conflicts without asking (the command line has no dialogs).
    pub fn set_default_conflict(&self, resolution: Option<Resolution>) {
        *self.inner.default_conflict.write().unwrap() = resolution;
    }

    /// Remember running transfers here, so a later start can resume them.
    pub fn set_resume_store(&self, store: Arc<ResumeStore>) {
        *self.inner.resume.write().unwrap() = Some(store);
    }

    fn resume_store(&self) -> Option<Arc<ResumeStore>> {
        self.inner.resume.read().unwrap().clone()
    }

    /// Transfers an earlier run left unfinished. Reads a file: call it off the UI task.
    pub fn interrupted(&self) -> Result<Vec<(String, Interrupted)>> {
        match self.resume_store() {
            Some(store) => store.load(),
            None => Ok(Vec::new()),
        }
    }

    /// Stops every transfer the way an interrupt (Ctrl-C, SIGTERM, SIGHUP) should:
    /// partial downloads and upload sessions are kept and stay recorded, so the
    /// same command run again (or the UI's resume) continues them.
    pub fn interrupt(&self) {
        self.inner.interrupting.store(true, Ordering::SeqCst);
        for control in self.inner.tasks.lock().unwrap().values() {
            control.cancel.cancel();
        }
        self.inner.resumed.notify_waiters();
    }

    fn interrupting(&self) -> bool {
        self.inner.interrupting.load(Ordering::SeqCst)
    }

    /// Queues the interrupted transfers again: uploads continue their session if the
    /// file is unchanged, downloads continue from their partial file.
    pub fn resume_interrupted(&self) {
        let engine = self.clone();
        tokio::spawn(async move {
            let Some(store) = engine.resume_store() else {
                return;
            };
            let mut tasks = Vec::new();
            let mut changed = Vec::new();
            let records = match store.load() {
                Ok(records) => records,
                Err(err) => {
                    let _ = engine.inner.tx.send(EngineEvent::Problem(err.to_string()));
                    Vec::new()
                }
            };
            for (key, record) in records {
                let _ = store.remove(&key);
                match engine.resumed_task(&record).await {
                    Ok(task) => {
                        if let Some(parent) = task.dest.parent() {
                            changed.push(parent);
                        }
                        tasks.push(task);
                    }
                    Err(reason) => {
                        let _ = engine.inner.tx.send(EngineEvent::Problem(format!(
                            "{}: not resumed: {reason}",
                            record.local.display()
                        )));
                        engine.discard(&record).await;
                    }
                }
            }
            let batch = Arc::new(Batch {
                policy: tokio::sync::Mutex::new(Policy::with_default(Some(Resolution::Overwrite))),
                abort: CancellationToken::new(),
                groups: Vec::new(),
                remaining: AtomicUsize::new(tasks.len()),
                changed,
            });
            if tasks.is_empty() {
                let _ = engine.inner.tx.send(EngineEvent::Finished {
                    changed: Vec::new(),
                });
            }
            for task in tasks {
                engine.queue(task, batch.clone());
            }
        });
    }

    /// Forgets the interrupted transfers, deleting their upload sessions.
    pub fn discard_interrupted(&self) {
        let engine = self.clone();
        tokio::spawn(async move {
            let Some(store) = engine.resume_store() else {
                return;
            };
            for (key, record) in store.load().unwrap_or_default() {
                let _ = store.remove(&key);
                engine.discard(&record).await;
            }
        });
    }

    async fn discard(&self, record: &Interrupted) {
        if let (Some(url), Some(graph)) = (&record.upload_url, self.graph()) {
            let _ = graph.plain().delete(url).send().await;
        }
    }

    async fn resumed_task(&self, record: &Interrupted) -> std::result::Result<FileTask, String> {
        let remote = RemotePath::parse(&record.remote).map_err(|e| e.to_string())?;
        match record.way {
            Way::Upload => {
                let metadata = tokio::fs::metadata(&record.local)
                    .await
                    .map_err(|e| e.to_string())?;
                let modified = metadata
                    .modified()
                    .ok()
                    .map(|t| DateTime::<Utc>::from(t).timestamp());
                if metadata.len() != record.size || modified != record.modified {
                    return Err("the file changed since".into());
                }
                Ok(FileTask {
                    source: Location::Local(record.local.clone()),
                    dest: Location::Remote(remote),
                    direction: Direction::Upload,
                    size: record.size,
                    item: None,
                    group: None,
                    resume_url: record.upload_url.clone(),
                })
            }
            Way::Download => {
                let graph = self.graph().ok_or("not signed in")?;
                let id = record.item_id.clone().ok_or("no item id")?;
                let item = graph
                    .item(&ItemAddress::Id(id))
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(FileTask {
                    source: Location::Remote(remote),
                    dest: Location::Local(record.local.clone()),
                    direction: Direction::Download,
                    size: item.size,
                    item: Some(Box::new(item)),
                    group: None,
                    resume_url: None,
                })
            }
        }
    }

    fn graph(&self) -> Option<Arc<Graph>> {
        self.inner.graph.read().unwrap().clone()
    }

    /// Plans and queues a request. The destination is fixed now.
    pub fn submit(&self, request: Request) {
        let engine = self.clone();
        tokio::spawn(async move {
            let graph = engine.graph();
            let planned = plan(graph.as_deref(), &request, engine.inner.plan_options).await;
            let mut changed = vec![request.dest_dir.clone()];
            if request.kind == super::Kind::Move {
                changed.extend(request.sources.iter().filter_map(Location::parent));
            }
            let plan = match planned {
                Ok(plan) => plan,
                Err(err) => {
                    let _ = engine
                        .inner
                        .tx
                        .send(EngineEvent::Problem(format!("cannot plan the copy: {err}")));
                    let _ = engine.inner.tx.send(EngineEvent::Finished { changed });
                    return;
                }
            };
            for problem in &plan.problems {
                let _ = engine.inner.tx.send(EngineEvent::Problem(problem.clone()));
            }
            let groups = plan
                .groups
                .iter()
                .enumerate()
                .map(|(index, source)| Group {
                    source: source.clone(),
                    remaining: AtomicUsize::new(
                        plan.tasks.iter().filter(|t| t.group == Some(index)).count(),
                    ),
                    failed: AtomicBool::new(!plan.problems.is_empty()),
                })
                .collect();
            let batch = Arc::new(Batch {
                policy: tokio::sync::Mutex::new(Policy::with_default(
                    *engine.inner.default_conflict.read().unwrap(),
                )),
                abort: CancellationToken::new(),
                groups,
                remaining: AtomicUsize::new(plan.tasks.len()),
                changed,
            });
            // Groups with no tasks (empty folders) are complete at once.
            for group in &batch.groups {
                if group.remaining.load(Ordering::SeqCst) == 0 {
                    engine.finish_group(group).await;
                }
            }
            if plan.tasks.is_empty() {
                let _ = engine.inner.tx.send(EngineEvent::Finished {
                    changed: batch.changed.clone(),
                });
                return;
            }
            for task in plan.tasks {
                engine.queue(task, batch.clone());
            }
        });
    }

    fn queue(&self, task: FileTask, batch: Arc<Batch>) {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let info = TaskInfo {
            id,
            name: task.source.name(),
            source: task.source.display(),
            dest: task.dest.display(),
            direction: task.direction,
            total: task.size,
        };
        let cancel = batch.abort.child_token();
        let progress = Arc::new(Progress::default());
        progress.set_total(task.size);
        self.inner.tasks.lock().unwrap().insert(
            id,
            TaskEntry {
                attempt: cancel.child_token(),
                session_url: None,
                task,
                batch,
                cancel,
                paused: false,
                state: TaskState::Queued,
                progress,
            },
        );
        let _ = self.inner.tx.send(EngineEvent::Added(info));
        let engine = self.clone();
        tokio::spawn(async move { engine.run(id).await });
    }

    fn set_state(&self, id: u64, state: TaskState) {
        if let Some(control) = self.inner.tasks.lock().unwrap().get_mut(&id) {
            control.state = state.clone();
        }
        let _ = self.inner.tx.send(EngineEvent::State { id, state });
    }

    /// (id, done, total) of every task not finished.
    pub fn sample(&self) -> Vec<(u64, u64, u64)> {
        self.inner
            .tasks
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, c)| !c.state.finished())
            .map(|(id, c)| {
                let (done, total) = c.progress.sample();
                (*id, done, total)
            })
            .collect()
    }

    pub fn active(&self) -> usize {
        self.inner
            .tasks
            .lock()
            .unwrap()
            .values()
            .filter(|c| !c.state.finished())
            .count()
    }

    pub fn cancel(&self, id: u64) {
        if let Some(control) = self.inner.tasks.lock().unwrap().get(&id) {
            control.cancel.cancel();
        }
        self.inner.resumed.notify_waiters();
    }

    /// Pauses a task: a queued one does not start; a running one stops (a download
    /// keeps its partial file, an upload starts a new session on resume).
    pub fn toggle_pause(&self, id: u64) {
        let mut tasks = self.inner.tasks.lock().unwrap();
        let Some(control) = tasks.get_mut(&id) else {
            return;
        };
        if control.state.finished() {
            return;
        }
        control.paused = !control.paused;
        if control.paused {
            control.attempt.cancel();
        } else {
            control.attempt = control.cancel.child_token();
        }
        let paused = control.paused;
        drop(tasks);
        if paused {
            self.set_state(id, TaskState::Paused);
        } else {
            self.set_state(id, TaskState::Queued);
        }
        self.inner.resumed.notify_waiters();
    }

    /// Runs a failed or cancelled task again.
    pub fn retry(&self, id: u64) {
        let mut tasks = self.inner.tasks.lock().unwrap();
        let Some(control) = tasks.get_mut(&id) else {
            return;
        };
        if !matches!(control.state, TaskState::Failed(_) | TaskState::Cancelled) {
            return;
        }
        control.cancel = control.batch.abort.child_token();
        if control.batch.abort.is_cancelled() {
            control.cancel = CancellationToken::new();
        }
        control.attempt = control.cancel.child_token();
        control.paused = false;
        control.batch.remaining.fetch_add(1, Ordering::SeqCst);
        if let Some(group) = control.task.group {
            let group = &control.batch.groups[group];
            group.remaining.fetch_add(1, Ordering::SeqCst);
            group.failed.store(false, Ordering::SeqCst);
        }
        drop(tasks);
        self.set_state(id, TaskState::Queued);
        let engine = self.clone();
        tokio::spawn(async move { engine.run(id).await });
    }

    /// Forgets finished tasks.
    pub fn clear_finished(&self) {
        self.inner
            .tasks
            .lock()
            .unwrap()
            .retain(|_, c| !c.state.finished());
    }

    async fn run(&self, id: u64) {
        // Taken now: once the task is finished, "clear finished" may drop its entry
        // at any moment, while this run still has to settle its request and group.
        let Some((batch, group)) = self.with(id, |c| (c.batch.clone(), c.task.group)) else {
            return;
        };
        let final_state = loop {
            let Some((task, batch, cancel, progress)) = self.with(id, |c| {
                (
                    c.task.clone(),
                    c.batch.clone(),
                    c.cancel.clone(),
                    c.progress.clone(),
                )
            }) else {
                return;
            };
            // Paused tasks wait here; a cancel ends the wait.
            loop {
                let waiting = self.inner.resumed.notified();
                if cancel.is_cancelled() || !self.with(id, |c| c.paused).unwrap_or(false) {
                    break;
                }
                waiting.await;
            }
            if cancel.is_cancelled() {
                break TaskState::Cancelled;
            }
            let permit = tokio::select! {
                _ = cancel.cancelled() => break TaskState::Cancelled,
                permit = self.inner.slots.acquire() => permit.expect("the semaphore is never closed"),
            };
            let Some(attempt) = self.with(id, |c| c.attempt.clone()) else {
                return;
            };
            if attempt.is_cancelled() {
                continue; // paused while queued
            }
            self.set_state(id, TaskState::Running);
            let result = self.run_once(id, &task, &batch, &attempt, &progress).await;
            drop(permit);
            match result {
                Ok(TaskOutcome::Done) => break TaskState::Done,
                Ok(TaskOutcome::Skipped) => break TaskState::Skipped,
                Err(Error::Cancelled)
                    if self.with(id, |c| c.paused).unwrap_or(false) && !cancel.is_cancelled() =>
                {
                    self.set_state(id, TaskState::Paused);
                    continue;
                }
                Err(Error::Cancelled) => break TaskState::Cancelled,
                Err(err) => {
                    let message = err.to_string();
                    // One error question at a time per request, as for conflicts.
                    let mut policy = batch.policy.lock().await;
                    if policy.skips_errors() || cancel.is_cancelled() {
                        break TaskState::Failed(message);
                    }
                    let (reply, answer) = oneshot::channel();
                    let _ = self.inner.tx.send(EngineEvent::Ask(super::Question::Error {
                        task: id,
                        name: task.source.name(),
                        message: message.clone(),
                        reply,
                    }));
                    let answer = tokio::select! {
                        _ = cancel.cancelled() => ErrorAnswer::Skip,
                        a = answer => a.unwrap_or(ErrorAnswer::Skip),
                    };
                    policy.answer_error(answer);
                    drop(policy);
                    match answer {
                        ErrorAnswer::Retry => continue,
                        ErrorAnswer::Skip | ErrorAnswer::SkipAll => {
                            break TaskState::Failed(message);
                        }
                        ErrorAnswer::Abort => {
                            batch.abort.cancel();
                            break TaskState::Failed(message);
                        }
                    }
                }
            }
        };
        let done = final_state == TaskState::Done;
        self.set_state(id, final_state);
        if let Some(group) = group {
            let group = &batch.groups[group];
            if !done {
                group.failed.store(true, Ordering::SeqCst);
            }
            if group.remaining.fetch_sub(1, Ordering::SeqCst) == 1 {
                self.finish_group(group).await;
            }
        }
        if batch.remaining.fetch_sub(1, Ordering::SeqCst) == 1 {
            let _ = self.inner.tx.send(EngineEvent::Finished {
                changed: batch.changed.clone(),
            });
        }
    }

    /// A move across kinds: delete the source once everything in it arrived.
    async fn finish_group(&self, group: &Group) {
        if group.failed.load(Ordering::SeqCst) {
            let _ = self.inner.tx.send(EngineEvent::Problem(format!(
                "{}: kept, because not everything in it was moved",
                group.source.display()
            )));
            return;
        }
        let result = match &group.source {
            Location::Local(path) => local::remove(path).await,
            Location::Remote(path) => match self.graph() {
                Some(graph) => graph.delete(&ItemAddress::Path(path.clone())).await,
                None => Err(Error::SignInRequired {
                    reason: "not signed in".into(),
                }),
            },
        };
        if let Err(err) = result {
            let _ = self.inner.tx.send(EngineEvent::Problem(format!(
                "{}: moved, but the source could not be deleted: {err}",
                group.source.display()
            )));
        }
    }

    fn with<R>(&self, id: u64, f: impl FnOnce(&TaskEntry) -> R) -> Option<R> {
        self.inner.tasks.lock().unwrap().get(&id).map(f)
    }

    fn need_graph(&self) -> Result<Arc<Graph>> {
        self.graph().ok_or_else(|| Error::SignInRequired {
            reason: "not signed in".into(),
        })
    }

    /// What is at `dest` now: (size, modified), or None.
    async fn target(&self, dest: &Location) -> Result<Option<(u64, Option<DateTime<Utc>>)>> {
        match dest {
            Location::Local(path) => match tokio::fs::metadata(path).await {
                Ok(m) => Ok(Some((
                    m.len(),
                    m.modified().ok().map(DateTime::<Utc>::from),
                ))),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(err) => Err(Error::io(path, err)),
            },
            Location::Remote(path) => Ok(self
                .need_graph()?
                .item_if_exists(&ItemAddress::Path(path.clone()))
                .await?
                .map(|item| (item.size, item.modified()))),
        }
    }

    async fn source_modified(&self, task: &FileTask) -> Option<DateTime<Utc>> {
        match (&task.source, &task.item) {
            (_, Some(item)) => item.modified(),
            (Location::Local(path), None) => tokio::fs::metadata(path)
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .map(DateTime::<Utc>::from),
            _ => None,
        }
    }

    /// A free `name (n).ext` beside `dest`.
    async fn free_name(&self, dest: &Location) -> Result<Location> {
        let parent = dest
            .parent()
            .ok_or_else(|| Error::Other("no parent folder".into()))?;
        for n in 1..1000 {
            let candidate = parent.join(&conflict::numbered_name(&dest.name(), n));
            if self.target(&candidate).await?.is_none() {
                return Ok(candidate);
            }
        }
        Err(Error::Other(format!("{}: no free name", dest.display())))
    }

    async fn run_once(
        &self,
        id: u64,
        task: &FileTask,
        batch: &Batch,
        cancel: &CancellationToken,
        progress: &Arc<Progress>,
    ) -> Result<TaskOutcome> {
        // Uploads go out with conflictBehavior=fail and look at the target only on a
        // 409: no request per file just to check (small files are one request).
        let optimistic = task.direction == Direction::Upload;
        let mut known = if optimistic {
            None
        } else {
            self.target(&task.dest).await?
        };
        let mut conflicts_seen = 0;
        loop {
            let mut dest = task.dest.clone();
            let mut overwrite = false;
            if let Some((target_size, target_modified)) = known {
                match self
                    .resolve_conflict(id, task, batch, cancel, target_size, target_modified)
                    .await?
                {
                    Decision::Skip => return Ok(TaskOutcome::Skipped),
                    Decision::Rename => dest = self.free_name(&dest).await?,
                    Decision::Overwrite => overwrite = true,
                }
            }
            match self
                .perform(id, task, &dest, overwrite, cancel, progress)
                .await
            {
                Err(err)
                    if optimistic && !overwrite && err.is_name_conflict() && conflicts_seen < 2 =>
                {
                    conflicts_seen += 1;
                    known = self.target(&dest).await?;
                }
                result => return result.map(|()| TaskOutcome::Done),
            }
        }
    }

    async fn resolve_conflict(
        &self,
        id: u64,
        task: &FileTask,
        batch: &Batch,
        cancel: &CancellationToken,
        target_size: u64,
        target_modified: Option<DateTime<Utc>>,
    ) -> Result<Decision> {
        // Held while asking: tasks running side by side wait for the answer, so an
        // "all" answer is asked once.
        let mut policy = batch.policy.lock().await;
        if cancel.is_cancelled() {
            return Err(Error::Cancelled); // aborted while waiting for the lock
        }
        let resolution = match policy.conflict() {
            Some(r) => r,
            None => {
                let (reply, answer) = oneshot::channel();
                let _ = self
                    .inner
                    .tx
                    .send(EngineEvent::Ask(super::Question::Conflict {
                        task: id,
                        name: task.dest.name(),
                        source_size: task.size,
                        source_modified: self.source_modified(task).await,
                        target_size,
                        target_modified,
                        reply,
                    }));
                let answer = tokio::select! {
                    _ = cancel.cancelled() => return Err(Error::Cancelled),
                    a = answer => a.unwrap_or(ConflictAnswer::Abort),
                };
                match policy.answer_conflict(answer) {
                    Some(r) => r,
                    None => {
                        batch.abort.cancel();
                        return Err(Error::Cancelled);
                    }
                }
            }
        };
        drop(policy);
        Ok(conflict::decide(
            resolution,
            self.source_modified(task).await,
            target_modified,
        ))
    }

    async fn remote_parent_id(&self, graph: &Graph, dest: &RemotePath) -> Result<String> {
        let parent = dest.parent().unwrap_or_default();
        Ok(graph.item(&ItemAddress::Path(parent)).await?.id)
    }

    async fn perform(
        &self,
        id: u64,
        task: &FileTask,
        dest: &Location,
        overwrite: bool,
        cancel: &CancellationToken,
        progress: &Arc<Progress>,
    ) -> Result<()> {
        match (task.direction, &task.source, dest) {
            (Direction::Upload, Location::Local(source), Location::Remote(target)) => {
                let graph = self.need_graph()?;
                let conflict = if overwrite {
                    Conflict::Replace
                } else {
                    Conflict::Fail
                };
                let modified = tokio::fs::metadata(source)
                    .await
                    .ok()
                    .and_then(|m| m.modified().ok())
                    .map(|t| DateTime::<Utc>::from(t).timestamp());
                // The same upload interrupted earlier (by this UI, or by `odc put`
                // stopped with Ctrl-C) continues its session.
                let (record, earlier) = self
                    .remember(Interrupted {
                        way: Way::Upload,
                        local: source.clone(),
                        remote: target.to_string(),
                        size: task.size,
                        modified,
                        upload_url: task.resume_url.clone(),
                        item_id: None,
                    })
                    .await;
                let store = self.resume_store();
                let on_session = |url: &str| {
                    if let (Some(store), Some(key)) = (&store, &record) {
                        // Off the runtime: the callback runs inside the upload.
                        let (store, key, url) = (store.clone(), key.clone(), url.to_string());
                        tokio::task::spawn_blocking(move || store.set_upload_url(&key, &url));
                    }
                    if let Some(control) = self.inner.tasks.lock().unwrap().get_mut(&id) {
                        control.session_url = Some(url.to_string());
                    }
                };
                // A paused upload continues its session; a new one resumes from a record.
                let resume_url = self
                    .with(id, |c| c.session_url.clone())
                    .flatten()
                    .or_else(|| task.resume_url.clone())
                    .or_else(|| earlier.and_then(|r| r.upload_url));
                let options = UploadOptions {
                    resume_url: resume_url.clone(),
                    on_session: Some(&on_session),
                    keep_session_on_cancel: true,
                };
                let result = graph
                    .upload_file_with(source, target, conflict, progress, cancel, options)
                    .await;
                let keep = self.with(id, |c| c.paused).unwrap_or(false) || self.interrupting();
                let session = self
                    .with(id, |c| c.session_url.clone())
                    .flatten()
                    .or(resume_url);
                let cancelled = matches!(result, Err(Error::Cancelled));
                if !(cancelled && keep) {
                    // Done, failed or cancelled for good: the session is of no more use.
                    if cancelled && let Some(url) = &session {
                        graph.delete_session(url).await;
                    }
                    if let Some(control) = self.inner.tasks.lock().unwrap().get_mut(&id) {
                        control.session_url = None;
                    }
                    self.forget(record).await;
                }
                result?;
            }
            (Direction::Download, source, Location::Local(target)) => {
                let graph = self.need_graph()?;
                let item = task
                    .item
                    .as_deref()
                    .ok_or_else(|| Error::Other("no item to download".into()))?;
                let remote = match source {
                    Location::Remote(path) => path.to_string(),
                    Location::Local(_) => item.name.clone(),
                };
                let (record, _) = self
                    .remember(Interrupted {
                        way: Way::Download,
                        local: target.clone(),
                        remote,
                        size: item.size,
                        modified: None,
                        upload_url: None,
                        item_id: Some(item.id.clone()),
                    })
                    .await;
                let result = graph
                    .download_file_with(item, target, progress, cancel, OnCancel::Keep)
                    .await;
                let keep = self.with(id, |c| c.paused).unwrap_or(false) || self.interrupting();
                if !(matches!(result, Err(Error::Cancelled)) && keep) {
                    // Done or failed: the partial is gone or will be started afresh.
                    self.forget(record).await;
                }
                result?;
            }
            (Direction::LocalCopy, Location::Local(source), Location::Local(target)) => {
                local::copy_file(source, target, progress, cancel).await?;
            }
            (Direction::RemoteCopy, _, Location::Remote(target)) => {
                let graph = self.need_graph()?;
                let item = task
                    .item
                    .as_deref()
                    .ok_or_else(|| Error::Other("no item to copy".into()))?;
                if overwrite {
                    graph.delete(&ItemAddress::Path(target.clone())).await?;
                }
                let parent = self.remote_parent_id(&graph, target).await?;
                let size = task.size;
                let report = |pct: f64| progress.set_done((size as f64 * pct / 100.0) as u64);
                let copy = graph.copy(&item.id, &parent, target.name(), Some(&report));
                tokio::select! {
                    _ = cancel.cancelled() => return Err(Error::Cancelled),
                    r = copy => { r?; }
                }
                progress.set_done(size);
            }
            (Direction::RemoteMove, _, Location::Remote(target)) => {
                let graph = self.need_graph()?;
                let item = task
                    .item
                    .as_deref()
                    .ok_or_else(|| Error::Other("no item to move".into()))?;
                if overwrite {
                    graph.delete(&ItemAddress::Path(target.clone())).await?;
                }
                let parent = self.remote_parent_id(&graph, target).await?;
                let name = target.name().filter(|n| *n != item.name);
                graph.move_item(&item.id, Some(&parent), name).await?;
                progress.set_done(task.size);
            }
            (Direction::LocalMove, Location::Local(source), Location::Local(target)) => {
                if overwrite {
                    local::remove(target).await?;
                }
                match tokio::fs::rename(source, target).await {
                    Ok(()) => {}
                    Err(err)
                        if err.kind() == std::io::ErrorKind::CrossesDevices && source.is_file() =>
                    {
                        local::copy_file(source, target, progress, cancel).await?;
                        local::remove(source).await?;
                    }
                    Err(err) => return Err(Error::io(source, err)),
                }
                progress.set_done(task.size);
            }
            (direction, source, dest) => {
                return Err(Error::Other(format!(
                    "task {id}: cannot {direction:?} {} to {}",
                    source.display(),
                    dest.display()
                )));
            }
        }
        self.set_state(id, TaskState::Verifying);
        Ok(())
    }
}

impl Engine {
    /// Records a transfer while it runs; the record outlives a killed process.
    /// The file is written (and synced) on the blocking pool, not on a runtime worker.
    /// Returns the record's key and the earlier record of the same transfer, if
    /// one was left by an interrupted run (its key is reused).
    async fn remember(&self, record: Interrupted) -> (Option<String>, Option<Interrupted>) {
        let Some(store) = self.resume_store() else {
            return (None, None);
        };
        let written = tokio::task::spawn_blocking(move || {
            let earlier = store.find(&record)?;
            let key = match &earlier {
                Some((key, _)) => key.clone(),
                None => {
                    let key = crate::ids::uuid_v4();
                    store.put(&key, record)?;
                    key
                }
            };
            Ok::<_, Error>((key, earlier.map(|(_, r)| r)))
        })
        .await;
        match written {
            Ok(Ok((key, earlier))) => (Some(key), earlier),
            Ok(Err(err)) => {
                let _ = self.inner.tx.send(EngineEvent::Problem(format!(
                    "cannot record a transfer for resuming: {err}"
                )));
                (None, None)
            }
            Err(_) => (None, None),
        }
    }

    async fn forget(&self, key: Option<String>) {
        if let (Some(store), Some(key)) = (self.resume_store(), key) {
            let _ = tokio::task::spawn_blocking(move || store.remove(&key)).await;
        }
    }
}
