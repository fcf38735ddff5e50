//! The I/O of one task in each direction: upload, download, server-side copy and
//! move, local copy and move.

use super::*;

impl Engine {
    pub(super) async fn remote_parent_id(
        &self,
        graph: &Graph,
        dest: &RemotePath,
    ) -> Result<String> {
        let parent = dest.parent().unwrap_or_default();
        // Sent with the other tasks' requests: many files going to one place at
        // once look it up in a few batches.
        graph
            .item_if_exists_gathered(&ItemAddress::Path(parent.clone()))
            .await?
            .map(|item| item.id)
            .ok_or_else(|| Error::Other(format!("{parent}: no such folder")))
    }

    pub(super) async fn perform(
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
                let graph = self.graph_for(target).await?;
                let conflict = if overwrite {
                    Conflict::Replace
                } else {
                    Conflict::Fail
                };
                let metadata = tokio::fs::metadata(source).await.ok();
                let modified = metadata
                    .as_ref()
                    .and_then(|m| m.modified().ok())
                    .map(|t| DateTime::<Utc>::from(t).timestamp());
                let version = metadata.as_ref().map(odc_core::fsutil::FileVersion::of);
                // The same upload interrupted earlier (by this UI, or by `odc put`
                // stopped with Ctrl-C) continues its session. A batched small file
                // has no session and takes one round trip: no record (two writes of
                // the resume file would cost more than sending it again).
                let batched = self.inner.small_slots.is_some()
                    && task.size <= odc_graph::batch_queue::SMALL_FILE_MAX;
                let (record, earlier) = if batched {
                    (None, None)
                } else {
                    self.remember(Interrupted {
                        way: Way::Upload,
                        local: source.clone(),
                        remote: Location::Remote(target.clone()).to_string(),
                        size: task.size,
                        modified,
                        upload_url: task.resume_url.clone(),
                        item_id: None,
                        version,
                    })
                    .await
                };
                let store = self.resume_store();
                let on_session = |url: &str| {
                    if let (Some(store), Some(key)) = (&store, &record) {
                        // Off the runtime: the callback runs inside the upload.
                        let (store, key, url) = (store.clone(), key.clone(), url.to_string());
                        tokio::task::spawn_blocking(move || store.set_upload_url(&key, &url));
                    }
                    self.with_mut(id, |c| c.session_url = Some(url.to_string()));
                };
                // A paused upload continues its session; a new one resumes from a record.
                let resume_url = self
                    .with(id, |c| c.session_url.clone())
                    .flatten()
                    .or_else(|| task.resume_url.clone())
                    .or_else(|| earlier.and_then(|r| r.upload_url))
                    .filter(|url| match self.trusted_upload_url(url) {
                        Ok(()) => true,
                        Err(reason) => {
                            let _ = self.inner.tx.send(EngineEvent::Problem(format!(
                                "{}: a new upload is started: {reason}",
                                source.display()
                            )));
                            false
                        }
                    });
                let options = UploadOptions {
                    resume_url: resume_url.clone(),
                    on_session: Some(&on_session),
                    keep_session_on_cancel: true,
                    if_match: None,
                };
                let result = graph
                    .upload_file_with(source, target, conflict, progress, cancel, options)
                    .await;
                let keep = self.paused(id) || self.interrupting();
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
                    self.with_mut(id, |c| c.session_url = None);
                    self.forget(record).await;
                }
                result?;
            }
            (Direction::Download, source, Location::Local(target)) => {
                let graph = match source {
                    Location::Remote(path) => self.graph_for(path).await?,
                    Location::Local(_) => self.need_graph()?,
                };
                let item = task
                    .item
                    .as_deref()
                    .ok_or_else(|| Error::Other("no item to download".into()))?;
                let remote = match source {
                    Location::Remote(_) => source.to_string(),
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
                        version: None,
                    })
                    .await;
                let set_aside = self.set_aside();
                let result = graph
                    .download_file_with(
                        item,
                        target,
                        progress,
                        cancel,
                        OnCancel::Keep,
                        Some(&*set_aside),
                    )
                    .await;
                let keep = self.paused(id) || self.interrupting();
                let cancelled = matches!(result, Err(Error::Cancelled));
                if cancelled && !keep {
                    // Cancelled by the person (not paused, not odc quitting): nothing
                    // will resume it, so its partial file goes too.
                    let partial = odc_graph::partial::partial_path(target);
                    let _ = tokio::fs::remove_file(&partial).await;
                }
                if !(cancelled && keep) {
                    // Done or failed: the partial is gone or will be started afresh.
                    self.forget(record).await;
                }
                result?;
            }
            (Direction::Relay, Location::Remote(from), Location::Remote(target)) => {
                self.relay(task, from, target, overwrite, cancel, progress)
                    .await?;
            }
            (Direction::LocalCopy, Location::Local(source), Location::Local(target)) => {
                let set_aside = self.set_aside();
                local::copy_file(source, target, progress, cancel, Some(&*set_aside)).await?;
            }
            (Direction::RemoteCopy, _, Location::Remote(target)) => {
                let graph = self.graph_for(target).await?;
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
                let graph = self.graph_for(target).await?;
                let item = task
                    .item
                    .as_deref()
                    .ok_or_else(|| Error::Other("no item to move".into()))?;
                if overwrite {
                    graph.delete(&ItemAddress::Path(target.clone())).await?;
                }
                let parent = self.remote_parent_id(&graph, target).await?;
                let name = target.name().filter(|n| *n != item.name);
                graph
                    .move_item_gathered(&item.id, Some(&parent), name)
                    .await?;
                progress.set_done(task.size);
            }
            (Direction::LocalMove, Location::Local(source), Location::Local(target)) => {
                if overwrite && tokio::fs::symlink_metadata(target).await.is_ok() {
                    // Replaced, not lost: to the trash or the backup folder.
                    (self.set_aside())(target.clone()).await?;
                }
                match tokio::fs::rename(source, target).await {
                    Ok(()) => {}
                    Err(err)
                        if err.kind() == std::io::ErrorKind::CrossesDevices && source.is_file() =>
                    {
                        local::copy_file(source, target, progress, cancel, None).await?;
                        local::remove(source).await?;
                    }
                    Err(err) => return Err(Error::io(source, err)),
                }
                progress.set_done(task.size);
            }
            (direction, source, dest) => {
                return Err(Error::Other(format!(
                    "task {id}: cannot {direction:?} {} to {}",
                    source, dest
                )));
            }
        }
        self.set_state(id, TaskState::Verifying);
        Ok(())
    }

    /// A file from one account's drive to another's: downloaded (verified by its
    /// hash) into a private temporary folder, then uploaded with its modified time;
    /// the copy is removed either way. Progress shows each half in turn.
    async fn relay(
        &self,
        task: &FileTask,
        from: &RemotePath,
        target: &RemotePath,
        overwrite: bool,
        cancel: &CancellationToken,
        progress: &Arc<Progress>,
    ) -> Result<()> {
        let source_graph = self.graph_for(from).await?;
        let dest_graph = self.graph_for(target).await?;
        let item = task
            .item
            .as_deref()
            .ok_or_else(|| Error::Other("no item to copy".into()))?;
        let dir = tempfile::Builder::new()
            .prefix("odc-relay-")
            .tempdir()
            .map_err(Error::Local)?;
        let local = dir.path().join("content");
        source_graph
            .download_file_with(item, &local, progress, cancel, OnCancel::Discard, None)
            .await?;
        progress.set_done(0);
        let conflict = if overwrite {
            Conflict::Replace
        } else {
            Conflict::Fail
        };
        dest_graph
            .upload_file_with(
                &local,
                target,
                conflict,
                progress,
                cancel,
                UploadOptions::default(),
            )
            .await?;
        Ok(())
    }
}
