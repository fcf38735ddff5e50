//! One task's life: wait while paused, take a slot, run, ask about conflicts and
//! errors, settle its request and (for moves) its group.

use super::*;

impl Engine {
    /// Runs a dispatched task with its slot until it settles, or until it is paused
    /// (then the slot goes to the next task and a resume queues it again).
    pub(super) async fn run(&self, id: u64, slot: tokio::sync::OwnedSemaphorePermit) {
        let slot = self.small_slot_for(id, slot).await;
        let final_state = loop {
            let Some((task, batch, cancel, attempt, progress)) = self.with(id, |c| {
                (
                    c.task.clone(),
                    c.batch.clone(),
                    c.cancel.clone(),
                    c.attempt.clone(),
                    c.progress.clone(),
                )
            }) else {
                return;
            };
            if cancel.is_cancelled() {
                break TaskState::Cancelled;
            }
            if attempt.is_cancelled() || !self.set_state(id, TaskState::Running) {
                // Paused before it started: give the slot back and wait for a resume.
                if self.park(id) || self.with(id, |c| c.state.finished()).unwrap_or(true) {
                    return;
                }
                continue;
            }
            match self.run_once(id, &task, &batch, &attempt, &progress).await {
                Ok(TaskOutcome::Done) => break TaskState::Done,
                Ok(TaskOutcome::Skipped) => break TaskState::Skipped,
                Err(Error::Cancelled) if !cancel.is_cancelled() => {
                    // Only the attempt was cancelled: a pause (maybe resumed already).
                    if self.park(id) {
                        return;
                    }
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
                            self.settle_waiting_in(&batch);
                            break TaskState::Failed(message);
                        }
                    }
                }
            }
        };
        drop(slot);
        let done = final_state == TaskState::Done;
        if let Some(owners) = self.end(id, final_state) {
            self.settle_counts(owners, done).await;
        }
    }

    /// A small upload or a move trades its slot for one of the many that batched
    /// requests share (they wait for a batch, not for the network), so the next
    /// task starts.
    async fn small_slot_for(
        &self,
        id: u64,
        slot: tokio::sync::OwnedSemaphorePermit,
    ) -> tokio::sync::OwnedSemaphorePermit {
        let Some(small) = self.inner.small_slots.clone() else {
            return slot;
        };
        let small_upload = self
            .with(id, |c| match c.task.direction {
                Direction::Upload => {
                    c.task.size <= odc_graph::batch_queue::SMALL_FILE_MAX
                        && c.task.resume_url.is_none()
                }
                // A move is a lookup and a PATCH, both batched.
                Direction::RemoteMove => true,
                _ => false,
            })
            .unwrap_or(false);
        if !small_upload {
            return slot;
        }
        match small.acquire_owned().await {
            Ok(permit) => permit,
            Err(_) => slot,
        }
    }

    /// A paused task lets go of its slot: true if it is still paused (the run ends;
    /// a resume queues it again), false if it was resumed meanwhile (run on).
    fn park(&self, id: u64) -> bool {
        let mut table = self.inner.table.lock().unwrap();
        let Some(entry) = table.entries.get_mut(&id) else {
            return true;
        };
        if entry.state == TaskState::Paused {
            entry.dispatched = false;
            return true;
        }
        // Resumed while winding down: nothing queued it again (the run owned it).
        false
    }

    /// Settles every task of `batch` that waits in line (after an abort).
    fn settle_waiting_in(&self, batch: &Arc<Batch>) {
        let ids: Vec<u64> = self
            .inner
            .table
            .lock()
            .unwrap()
            .entries
            .iter()
            .filter(|(_, c)| Arc::ptr_eq(&c.batch, batch))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.settle_if_waiting(id);
        }
    }

    /// A move across kinds: delete the source once everything in it arrived.
    pub(super) async fn finish_group(&self, group: &Group) {
        if group.failed.load(Ordering::SeqCst) {
            let _ = self.inner.tx.send(EngineEvent::Problem(format!(
                "{}: kept, because not everything in it was moved",
                group.source
            )));
            return;
        }
        let result = match &group.source {
            Location::Local(path) => local::remove(path).await,
            Location::Remote(path) => match self.graph_for(path).await {
                Ok(graph) => graph.delete(&ItemAddress::Path(path.clone())).await,
                Err(err) => Err(err),
            },
        };
        if let Err(err) = result {
            let _ = self.inner.tx.send(EngineEvent::Problem(format!(
                "{}: moved, but the source could not be deleted: {err}",
                group.source
            )));
        }
    }

    /// What is at `dest` now: (size, modified), or None.
    pub(super) async fn target(
        &self,
        dest: &Location,
    ) -> Result<Option<(u64, Option<DateTime<Utc>>)>> {
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
                .graph_for(path)
                .await?
                .item_if_exists_gathered(&ItemAddress::Path(path.clone()))
                .await?
                .map(|item| (item.size, item.modified()))),
        }
    }

    /// Whether the task's source and its target have the same QuickXorHash (sizes
    /// are compared first by the caller). A side without a hash counts as different.
    async fn same_content(&self, task: &FileTask) -> Result<bool> {
        let source = self.hash_of(&task.source, task.item.as_deref()).await?;
        let target = self.hash_of(&task.dest, None).await?;
        Ok(match (source, target) {
            (Some(a), Some(b)) => odc_core::quickxor::same_hash(&a, &b),
            _ => false,
        })
    }

    /// Whether a transfer's two ends differ only as the service changes the file:
    /// a document library rewrote it after an earlier upload of this same content,
    /// or it serves another rendition than it lists (an iPhone photo). Copying it
    /// again would only be changed again.
    async fn changed_by_server_only(&self, task: &FileTask) -> Result<bool> {
        let (remote, local, known) = match task.direction {
            Direction::Upload => (&task.dest, &task.source, None),
            Direction::Download => (&task.source, &task.dest, task.item.as_deref()),
            _ => return Ok(false),
        };
        let Some(stored) = self.hash_of(remote, known).await? else {
            return Ok(false);
        };
        let records =
            tokio::task::spawn_blocking(|| odc_graph::rewritten::Rewrites::standard().load())
                .await
                .unwrap_or_default();
        let Some(sent) = records.get(&stored) else {
            return Ok(false);
        };
        let local_size = match local {
            Location::Local(path) => tokio::fs::metadata(path).await.map(|m| m.len()).ok(),
            Location::Remote(_) => None,
        };
        if local_size != Some(sent.size) {
            return Ok(false);
        }
        let local = self.hash_of(local, None).await?;
        Ok(local.is_some_and(|h| odc_core::quickxor::same_hash(&h, &sent.hash)))
    }

    /// QuickXorHash in base64: a OneDrive item's from its metadata, a local file's
    /// by reading it.
    async fn hash_of(
        &self,
        at: &Location,
        known: Option<&odc_graph::DriveItem>,
    ) -> Result<Option<String>> {
        match at {
            Location::Local(path) => match odc_core::quickxor::hash_file(path, None).await {
                Ok(hasher) => Ok(Some(hasher.finish_base64())),
                Err(err) => Err(Error::io(path, err)),
            },
            Location::Remote(path) => {
                let item = match known {
                    Some(item) => Some(item.clone()),
                    None => {
                        self.graph_for(path)
                            .await?
                            .item_if_exists(&ItemAddress::Path(path.clone()))
                            .await?
                    }
                };
                Ok(item.and_then(|i| i.quick_xor_hash().map(str::to_string)))
            }
        }
    }

    pub(super) async fn source_modified(&self, task: &FileTask) -> Option<DateTime<Utc>> {
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
    pub(super) async fn free_name(&self, dest: &Location) -> Result<Location> {
        let parent = dest
            .parent()
            .ok_or_else(|| Error::Other("no parent folder".into()))?;
        for n in 1..1000 {
            let candidate = parent.join(&conflict::numbered_name(&dest.name(), n));
            if self.target(&candidate).await?.is_none() {
                return Ok(candidate);
            }
        }
        Err(Error::Other(format!("{}: no free name", dest)))
    }

    pub(super) async fn run_once(
        &self,
        id: u64,
        task: &FileTask,
        batch: &Batch,
        cancel: &CancellationToken,
        progress: &Arc<Progress>,
    ) -> Result<TaskOutcome> {
        // Uploads (conflictBehavior=fail) and moves (a PATCH onto a taken name is
        // refused, reference §6.2) look at the target only on a 409: no request
        // per file just to check.
        // A skip-unchanged run looks first: an unchanged file's bytes are never
        // sent just to be refused (lookups go twenty to a batch).
        let skip_unchanged = batch.policy.lock().await.conflict()
            == Some(crate::transfer::Resolution::SkipIfUnchanged);
        let optimistic =
            matches!(task.direction, Direction::Upload | Direction::RemoteMove) && !skip_unchanged;
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
                    Decision::Rename => {
                        dest = self.free_name(&dest).await?;
                        let name = dest.name();
                        let _ = self.inner.tx.send(EngineEvent::Renamed { id, name });
                    }
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

    pub(super) async fn resolve_conflict(
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
        if resolution == crate::transfer::Resolution::SkipIfUnchanged {
            let source_modified = self.source_modified(task).await;
            let same_time = match (source_modified, target_modified) {
                (Some(s), Some(t)) => s.timestamp() == t.timestamp(),
                _ => false,
            };
            let unchanged = if target_size == task.size {
                same_time
                    && (task.direction != Direction::Upload || self.same_content(task).await?)
            } else {
                same_time && self.changed_by_server_only(task).await?
            };
            return Ok(if unchanged {
                Decision::Skip
            } else {
                Decision::Overwrite
            });
        }
        if resolution == crate::transfer::Resolution::SkipIfSame {
            let same = if target_size == task.size {
                self.same_content(task).await?
            } else {
                self.changed_by_server_only(task).await?
            };
            return Ok(if same {
                Decision::Skip
            } else {
                Decision::Overwrite
            });
        }
        Ok(conflict::decide(
            resolution,
            self.source_modified(task).await,
            target_modified,
        ))
    }
}
