//! Transfers an earlier run left unfinished: recorded while they run, offered and
//! queued again on the next start (or by the same command run again), or discarded.

use super::*;

/// Why a recorded transfer cannot be continued (it is then discarded).
#[derive(Debug, thiserror::Error)]
pub(super) enum NotResumable {
    #[error("the file changed since")]
    Changed,
    #[error("not signed in")]
    SignedOut,
    #[error("the record has no item id")]
    NoItemId,
    #[error("the record names a relative local path")]
    Relative,
    #[error("{0}")]
    Untrusted(String),
    #[error("{0}")]
    Local(std::io::Error),
    #[error("{0}")]
    Graph(Error),
}

impl Engine {
    /// Transfers an earlier run left unfinished. Reads a file: call it off the UI task.
    pub fn interrupted(&self) -> Result<Vec<(String, Interrupted)>> {
        match self.resume_store() {
            Some(store) => store.load(),
            None => Ok(Vec::new()),
        }
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
            // A locked file other odc processes share: read off the runtime workers.
            let taken = tokio::task::spawn_blocking(move || store.take_all()).await;
            let records = match taken {
                Ok(Ok(records)) => records,
                Ok(Err(err)) => {
                    let _ = engine.inner.tx.send(EngineEvent::Problem(err.to_string()));
                    Vec::new()
                }
                Err(_) => Vec::new(),
            };
            for (_, record) in records {
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
            // No answer given in advance: a file that is not the transfer's own
            // partial but stands where it is going is a question, never replaced.
            let batch = Batch::new(None, changed);
            for task in tasks {
                engine.queue(task, batch.clone());
            }
            engine.count_off_batch(&batch);
        });
    }

    /// Forgets the interrupted transfers, deleting their upload sessions.
    pub fn discard_interrupted(&self) {
        let engine = self.clone();
        tokio::spawn(async move {
            let Some(store) = engine.resume_store() else {
                return;
            };
            let taken = tokio::task::spawn_blocking(move || store.take_all()).await;
            for (_, record) in taken.ok().and_then(Result::ok).unwrap_or_default() {
                engine.discard(&record).await;
            }
        });
    }

    /// Whether a recorded upload URL may be used (see
    /// [`odc_graph::upload::check_recorded_upload_url`]).
    pub(super) fn trusted_upload_url(&self, url: &str) -> std::result::Result<(), String> {
        let graph_url = match self.graph() {
            Some(graph) => graph.config.endpoints.graph_url.clone(),
            None => return Err("not signed in".into()),
        };
        odc_graph::upload::check_recorded_upload_url(url, &graph_url)
    }

    pub(super) async fn discard(&self, record: &Interrupted) {
        if let Some(url) = &record.upload_url
            && self.trusted_upload_url(url).is_err()
        {
            // Never send anything to an address a planted record names.
            tracing::warn!("a resume record's upload address is not trusted; dropped");
            return;
        }
        if let (Some(url), Some(graph)) = (&record.upload_url, self.graph()) {
            let _ = graph.plain().delete(url).send().await;
        }
    }

    pub(super) async fn resumed_task(
        &self,
        record: &Interrupted,
    ) -> std::result::Result<FileTask, NotResumable> {
        let remote = record_path(&record.remote)?;
        // Records from before paths were kept absolute name a place relative to
        // a folder nobody knows any more: continuing would write somewhere else.
        if !record.local.is_absolute() {
            return Err(NotResumable::Relative);
        }
        match record.way {
            Way::Upload => {
                let metadata = tokio::fs::metadata(&record.local)
                    .await
                    .map_err(NotResumable::Local)?;
                let modified = metadata
                    .modified()
                    .ok()
                    .map(|t| DateTime::<Utc>::from(t).timestamp());
                let now = Interrupted {
                    size: metadata.len(),
                    modified,
                    version: Some(odc_core::fsutil::FileVersion::of(&metadata)),
                    ..record.clone()
                };
                if !record.same_local_file(&now) {
                    return Err(NotResumable::Changed);
                }
                if let Some(url) = &record.upload_url
                    && let Err(reason) = self.trusted_upload_url(url)
                {
                    return Err(NotResumable::Untrusted(reason));
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
                let graph = self
                    .graph_for(&remote)
                    .await
                    .map_err(|_| NotResumable::SignedOut)?;
                let id = record.item_id.clone().ok_or(NotResumable::NoItemId)?;
                let item = graph
                    .item(&ItemAddress::Id(id))
                    .await
                    .map_err(NotResumable::Graph)?;
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

    /// Records a transfer while it runs; the record outlives a killed process.
    /// The file is written (and synced) on the blocking pool, not on a runtime worker.
    /// Returns the record's key and the earlier record of the same transfer, if
    /// one was left by an interrupted run (its key is reused).
    pub(super) async fn remember(
        &self,
        record: Interrupted,
    ) -> (Option<String>, Option<Interrupted>) {
        let Some(store) = self.resume_store() else {
            return (None, None);
        };
        // Kept absolute: a record is continued from wherever the next odc starts.
        let record = Interrupted {
            local: std::path::absolute(&record.local).unwrap_or(record.local),
            ..record
        };
        let written = tokio::task::spawn_blocking(move || {
            let earlier = store.find(&record)?;
            let key = match &earlier {
                // The same transfer again: its record now describes this run (the
                // item may have a new id or size), keeping the session it had.
                Some((key, old)) => {
                    let current = Interrupted {
                        upload_url: record.upload_url.clone().or_else(|| old.upload_url.clone()),
                        ..record
                    };
                    if current != *old {
                        store.put(key, current)?;
                    }
                    key.clone()
                }
                None => {
                    let key = odc_core::ids::uuid_v4();
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

    pub(super) async fn forget(&self, key: Option<String>) {
        if let (Some(store), Some(key)) = (self.resume_store(), key) {
            let _ = tokio::task::spawn_blocking(move || store.remove(&key)).await;
        }
    }
}

/// The remote side of a record: `OneDrive:/…` or `work@id:/…` (which account and
/// drive it was in), or a bare `/…` from records written before accounts had names
/// (the default account's OneDrive).
fn record_path(text: &str) -> std::result::Result<RemotePath, NotResumable> {
    if text.starts_with('/') {
        return RemotePath::parse(text).map_err(NotResumable::Graph);
    }
    match Location::parse(text, None) {
        Ok(Location::Remote(path)) => Ok(path),
        Ok(Location::Local(_)) | Err(_) => Err(NotResumable::Graph(Error::Other(format!(
            "{text}: not a OneDrive path"
        )))),
    }
}
