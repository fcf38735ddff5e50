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
    pub source: Location,
    pub dest: Location,
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

mod interrupted;
mod perform;
mod run;

impl Engine {
    pub fn new(config: &Config, tx: UnboundedSender<EngineEvent>) -> Self {
        Self {
            inner: Arc::new(Inner {
                graph: RwLock::new(None),
                resume: RwLock::new(None),
                default_conflict: RwLock::new(Resolution::from_setting(
                    config.transfer.on_conflict,
                )),
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
            source: task.source.clone(),
            dest: task.dest.clone(),
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

    fn with<R>(&self, id: u64, f: impl FnOnce(&TaskEntry) -> R) -> Option<R> {
        self.inner.tasks.lock().unwrap().get(&id).map(f)
    }

    fn need_graph(&self) -> Result<Arc<Graph>> {
        self.graph().ok_or_else(|| Error::SignInRequired {
            reason: "not signed in".into(),
        })
    }
}
