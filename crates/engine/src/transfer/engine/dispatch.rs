//! Starting and settling tasks. One dispatcher takes a free slot, then the oldest
//! task waiting for one, and runs it: only running tasks have a tokio task of their
//! own, so a queue of 100,000 files costs a table row each, not a future each.

use super::*;

impl Drop for Inner {
    fn drop(&mut self) {
        // Lets a waiting dispatcher see that the engine is gone.
        self.queued.notify_one();
    }
}

impl Engine {
    /// Starts the dispatcher the first time something is queued (inside the runtime).
    /// It holds the engine only weakly, so it ends when the engine is dropped.
    pub(super) fn start_dispatcher(&self) {
        self.inner.dispatcher.call_once(|| {
            let weak = Arc::downgrade(&self.inner);
            let slots = self.inner.slots.clone();
            let queued = self.inner.queued.clone();
            tokio::spawn(async move {
                loop {
                    let permit = slots
                        .clone()
                        .acquire_owned()
                        .await
                        .expect("the semaphore is never closed");
                    loop {
                        let more = queued.notified();
                        let Some(inner) = weak.upgrade() else {
                            return;
                        };
                        let engine = Engine { inner };
                        if let Some(id) = engine.next_to_start() {
                            tokio::spawn(async move { engine.run(id, permit).await });
                            break;
                        }
                        drop(engine);
                        more.await;
                    }
                }
            });
        });
    }

    /// Takes the next task that should start, marking it dispatched; tasks paused or
    /// settled while they waited leave the line here.
    fn next_to_start(&self) -> Option<u64> {
        let mut table = self.inner.table.lock().unwrap();
        let mut started = None;
        while let Some(id) = table.pending.pop_front() {
            let Some(entry) = table.entries.get_mut(&id) else {
                continue;
            };
            entry.in_queue = false;
            if entry.state == TaskState::Queued && !entry.dispatched {
                entry.dispatched = true;
                started = Some(id);
                break;
            }
        }
        drop(table);
        // A planner waiting for room may go on.
        self.inner.room.notify_waiters();
        started
    }

    /// A task that no run owns (queued or paused) and whose cancel fired: settles
    /// it as cancelled now, rather than when a slot frees up.
    pub(super) fn settle_if_waiting(&self, id: u64) {
        let waiting = |c: &TaskEntry| !c.dispatched && c.cancel.is_cancelled();
        if let Some(owners) = self.end_if(id, TaskState::Cancelled, waiting) {
            let engine = self.clone();
            tokio::spawn(async move { engine.settle_counts(owners, false).await });
        }
    }

    /// A task reaches its final state and no run owns it any more, in one step (a
    /// retry may come at once). Done and skipped tasks leave the table: nothing more
    /// can happen to them, and a 100,000-file job should not keep them all. Returns
    /// the request and group to count it off, or None if it could not end there.
    pub(super) fn end(&self, id: u64, state: TaskState) -> Option<(Arc<Batch>, Option<usize>)> {
        self.end_if(id, state, |_| true)
    }

    /// [`Engine::end`] if `allowed` holds for the task, checked under the same lock.
    /// A task is settled once: one already finished is left alone, so a run and a
    /// cancel racing to settle it count it off its request only once.
    fn end_if(
        &self,
        id: u64,
        state: TaskState,
        allowed: impl FnOnce(&TaskEntry) -> bool,
    ) -> Option<(Arc<Batch>, Option<usize>)> {
        let mut table = self.inner.table.lock().unwrap();
        let entry = table.entries.get(&id)?;
        if entry.state.finished() || !allowed(entry) {
            return None;
        }
        let mut passed = Vec::new();
        if !table.transition(id, &state) {
            // Paused and resumed again while it ended: it ends from running.
            if !(table.transition(id, &TaskState::Running) && table.transition(id, &state)) {
                return None;
            }
            passed.push(TaskState::Running);
        }
        passed.push(state.clone());
        let entry = table.entries.get_mut(&id)?;
        entry.dispatched = false;
        let owners = (entry.batch.clone(), entry.task.group);
        if matches!(state, TaskState::Done | TaskState::Skipped) {
            table.entries.remove(&id);
        }
        drop(table);
        for state in passed {
            let _ = self.inner.tx.send(EngineEvent::State { id, state });
        }
        Some(owners)
    }

    /// Counts a settled task off its group (a move deletes the source once all of it
    /// arrived) and its request (which then reports the folders it changed).
    pub(super) async fn settle_counts(
        &self,
        (batch, group): (Arc<Batch>, Option<usize>),
        done: bool,
    ) {
        if !done {
            batch.failed.store(true, Ordering::SeqCst);
        }
        if let Some(group) = group.and_then(|g| batch.group(g)) {
            if !done {
                group.failed.store(true, Ordering::SeqCst);
            }
            self.count_off_group(&group).await;
        }
        self.count_off_batch(&batch);
    }

    pub(super) async fn count_off_group(&self, group: &Group) {
        if group.remaining.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.finish_group(group).await;
        }
    }

    pub(super) fn count_off_batch(&self, batch: &Batch) {
        if batch.remaining.fetch_sub(1, Ordering::SeqCst) == 1 {
            let _ = self.inner.tx.send(EngineEvent::Finished {
                changed: batch.changed.clone(),
                excluded: batch.excluded.load(Ordering::SeqCst),
            });
            if let Some(settled) = batch.settled.lock().unwrap().take() {
                let _ = settled.send(!batch.failed.load(Ordering::SeqCst));
            }
        }
    }
}
