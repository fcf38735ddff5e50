//! Taking requests in: planning streams file tasks straight into the queue, so the
//! first file starts while a big tree is still being read. The queue holds at most
//! [`MAX_WAITING`] tasks; planning waits for room beyond that, which bounds memory.

use super::*;
use crate::transfer::plan::{PlanSink, plan_into};

/// Tasks that may wait for a slot at once; more and planning pauses.
pub const MAX_WAITING: usize = 10_000;

/// The engine's side of planning: every task found is queued at once.
struct QueueSink {
    engine: Engine,
    batch: Arc<Batch>,
    problems: usize,
    /// Files the filter left out: a move then keeps its source folders.
    excluded: usize,
}

impl PlanSink for QueueSink {
    fn group(&mut self, source: Location) -> usize {
        let mut groups = self.batch.groups.lock().unwrap();
        groups.push(Arc::new(Group {
            source,
            remaining: AtomicUsize::new(1),
            failed: AtomicBool::new(false),
        }));
        groups.len() - 1
    }

    async fn task(&mut self, task: FileTask) {
        loop {
            let room = self.engine.inner.room.notified();
            if self.engine.inner.table.lock().unwrap().pending.len() < MAX_WAITING {
                break;
            }
            room.await;
        }
        self.engine.queue(task, self.batch.clone());
    }

    fn problem(&mut self, problem: String) {
        self.problems += 1;
        let _ = self.engine.inner.tx.send(EngineEvent::Problem(problem));
    }

    fn excluded(&mut self, _what: &Location) {
        self.excluded += 1;
        self.batch.excluded.fetch_add(1, Ordering::SeqCst);
    }

    fn stopped(&self) -> bool {
        self.batch.abort.is_cancelled() || self.engine.interrupting()
    }
}

impl Engine {
    /// Plans and queues a request. The destination is fixed now.
    pub fn submit(&self, request: Request) {
        self.submit_with(request, None);
    }

    /// [`Engine::submit`] answering "the target exists" with `on_conflict` instead
    /// of the engine's default (a sync replaces what its preview said it would).
    pub fn submit_with(&self, request: Request, on_conflict: Option<crate::transfer::Resolution>) {
        self.submit_watched(request, on_conflict, None);
    }

    /// [`Engine::submit`] leaving out what `filter` excludes (the UI's copy dialog
    /// sets one per request), instead of the engine's filter.
    pub fn submit_filtered(&self, request: Request, filter: Arc<crate::filter::Filter>) {
        self.submit_planned(request, None, None, Some(filter));
    }

    /// [`Engine::submit_with`], and told once the request is settled: true when
    /// every file of it went through (a sync deletes only then).
    pub fn submit_then(
        &self,
        request: Request,
        on_conflict: Option<crate::transfer::Resolution>,
    ) -> tokio::sync::oneshot::Receiver<bool> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit_watched(request, on_conflict, Some(tx));
        rx
    }

    fn submit_watched(
        &self,
        request: Request,
        on_conflict: Option<crate::transfer::Resolution>,
        settled: Option<tokio::sync::oneshot::Sender<bool>>,
    ) {
        self.submit_planned(request, on_conflict, settled, None);
    }

    /// Plans and queues; a `filter` given replaces the engine's.
    fn submit_planned(
        &self,
        request: Request,
        on_conflict: Option<crate::transfer::Resolution>,
        settled: Option<tokio::sync::oneshot::Sender<bool>>,
        filter: Option<Arc<crate::filter::Filter>>,
    ) {
        let engine = self.clone();
        tokio::spawn(async move {
            let graphs = engine.graphs();
            let mut changed = vec![request.dest_dir.clone()];
            if request.kind == crate::transfer::Kind::Move {
                changed.extend(request.sources.iter().filter_map(Location::parent));
            }
            let default = on_conflict.or(*engine.inner.default_conflict.read().unwrap());
            let batch = Batch::new(default, changed);
            *batch.settled.lock().unwrap() = settled;
            let mut sink = QueueSink {
                engine: engine.clone(),
                batch: batch.clone(),
                problems: 0,
                excluded: 0,
            };
            let mut options = engine.inner.plan_options.clone();
            options.filter = filter.or_else(|| engine.inner.filter.read().unwrap().clone());
            if let Err(err) = plan_into(&graphs, &request, options, &mut sink).await {
                sink.problem(format!("cannot plan the copy: {err}"));
            }
            // Planning is over: a move keeps its sources if anything was refused or
            // skipped, and each group and the request stop waiting for more tasks.
            if sink.problems > 0 {
                batch.failed.store(true, Ordering::SeqCst);
            }
            let groups = batch.groups.lock().unwrap().clone();
            for group in &groups {
                // What was left out stays where it is, and so does its folder.
                if sink.problems > 0 || sink.excluded > 0 {
                    group.failed.store(true, Ordering::SeqCst);
                }
                engine.count_off_group(group).await;
            }
            engine.count_off_batch(&batch);
        });
    }

    /// Puts one task in the queue of `batch`, counted in its request and group.
    pub(super) fn queue(&self, task: FileTask, batch: Arc<Batch>) {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let size_check_only = matches!(task.direction, Direction::Download | Direction::Relay)
            && task
                .item
                .as_deref()
                .is_some_and(|item| item.size > 0 && item.quick_xor_hash().is_none());
        let info = TaskInfo {
            size_check_only,
            id,
            name: task.source.name(),
            source: task.source.clone(),
            dest: task.dest.clone(),
            direction: task.direction,
            total: task.size,
        };
        batch.remaining.fetch_add(1, Ordering::SeqCst);
        if let Some(group) = task.group.and_then(|g| batch.group(g)) {
            group.remaining.fetch_add(1, Ordering::SeqCst);
        }
        let cancel = batch.abort.child_token();
        let progress = Arc::new(Progress::default());
        progress.set_total(task.size);
        {
            let mut table = self.inner.table.lock().unwrap();
            table.entries.insert(
                id,
                TaskEntry {
                    attempt: cancel.child_token(),
                    session_url: None,
                    task,
                    batch,
                    cancel,
                    state: TaskState::Queued,
                    dispatched: false,
                    in_queue: false,
                    progress,
                },
            );
            table.unfinished += 1;
            table.enqueue(id, false);
            // Sent while the table is held: a listener hearing of the task finds
            // its entry (`Engine::progress`), and hears of it before the dispatcher,
            // which needs the table, can start it.
            let _ = self.inner.tx.send(EngineEvent::Added(info));
        }
        self.start_dispatcher();
        self.inner.queued.notify_one();
    }
}
