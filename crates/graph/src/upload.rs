//! Uploads (Graph reference §5): one PUT up to the configured size and for empty files;
//! above it an upload session fed fragment by fragment from disk, never with
//! Authorization. After a dropped or partly accepted fragment the session is asked
//! for `nextExpectedRanges` and the upload goes on from there; a session that is
//! gone is replaced by a new one; an abandoned session is deleted.

use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::{Method, header};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::client::{Body, Graph};
use super::error::{Error, Result};
use super::fragments::{FragmentReader, RunningHash};
use super::item::{Conflict, DriveItem, check_path};
use super::path::RemotePath;
use super::progress::Progress;
use odc_core::quickxor::{QuickXorHash, hashes_match};

/// Resuming and recording upload sessions (for resume across restarts).
#[derive(Default)]
pub struct UploadOptions<'a> {
    /// An upload session from an earlier run to continue, if it is still valid.
    pub resume_url: Option<String>,
    /// Told the uploadUrl of each session this upload creates.
    pub on_session: Option<&'a (dyn Fn(&str) + Send + Sync)>,
    /// A cancelled upload keeps its session (a pause): the caller continues it
    /// later with `resume_url`, or deletes it.
    pub keep_session_on_cancel: bool,
    /// Replace the item only if its eTag is still this one (an edit of what was
    /// downloaded): otherwise the upload fails with 412 (Graph reference §10.6).
    pub if_match: Option<String>,
}

enum FragmentReply {
    Done(Box<DriveItem>),
    /// Continue from this offset.
    Resume(u64),
    /// The session is gone; start a new one.
    NewSession,
}

/// Bytes of a fragment handed to the connection at once.
const SEND_SLICE: usize = 256 * 1024;

/// The length a fragment starting at `offset` must have.
fn upload_fragment_len(graph: &Graph, offset: u64, size: u64) -> u64 {
    (size - offset).min(graph.config.transfer.upload_fragment_bytes)
}

impl Graph {
    /// Uploads `local` to `dest` (the full remote path, name included).
    pub async fn upload_file(
        &self,
        local: &Path,
        dest: &RemotePath,
        conflict: Conflict,
        progress: &Arc<Progress>,
        cancel: &CancellationToken,
    ) -> Result<DriveItem> {
        self.upload_file_with(
            local,
            dest,
            conflict,
            progress,
            cancel,
            UploadOptions::default(),
        )
        .await
    }

    /// [`Graph::upload_file`] that can continue an earlier session and reports the
    /// sessions it creates.
    pub async fn upload_file_with(
        &self,
        local: &Path,
        dest: &RemotePath,
        conflict: Conflict,
        progress: &Arc<Progress>,
        cancel: &CancellationToken,
        options: UploadOptions<'_>,
    ) -> Result<DriveItem> {
        check_path(dest, false)?;
        let metadata = tokio::fs::metadata(local)
            .await
            .map_err(|e| Error::io(local, e))?;
        if !metadata.is_file() {
            return Err(Error::Other(format!("{} is not a file", local.display())));
        }
        let size = metadata.len();
        let modified: Option<DateTime<Utc>> = metadata
            .modified()
            .ok()
            .map(DateTime::<Utc>::from)
            .filter(|_| self.config.transfer.keep_modified_time);
        progress.set_total(size);
        progress.set_done(0);
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        // On business a PATCH of the modified time after a PUT makes a second
        // version, counted against the quota (rclone#1716): a file with a time to
        // keep goes through an upload session, which carries it (empty files cannot).
        let time_in_session = modified.is_some() && size > 0 && self.is_business().await?;
        let item = if size <= self.config.transfer.simple_upload_max_bytes && !time_in_session {
            let if_match = options.if_match.as_deref();
            self.simple_upload(local, dest, size, (conflict, if_match), modified, cancel)
                .await?
        } else {
            self.session_upload(
                local, dest, size, conflict, modified, progress, cancel, options,
            )
            .await?
        };
        // The bytes sent were hashed and verified, but a file that was being
        // written meanwhile may have sent a mix of two versions.
        let after = tokio::fs::metadata(local)
            .await
            .map_err(|e| Error::io(local, e))?;
        if after.len() != size || after.modified().ok() != metadata.modified().ok() {
            return Err(Error::Other(format!(
                "{}: changed while uploading; OneDrive may hold a mix of old and new contents, upload it again",
                odc_core::display::escape_path(local)
            )));
        }
        progress.set_done(size);
        Ok(item)
    }

    async fn simple_upload(
        &self,
        local: &Path,
        dest: &RemotePath,
        size: u64,
        (conflict, if_match): (Conflict, Option<&str>),
        modified: Option<DateTime<Utc>>,
        cancel: &CancellationToken,
    ) -> Result<DriveItem> {
        // Small by definition (the simple-upload cutoff), so it is read once and
        // can be sent again on retry.
        let data = tokio::fs::read(local)
            .await
            .map_err(|e| Error::io(local, e))?;
        if data.len() as u64 != size {
            return Err(Error::Other(format!(
                "{} changed while it was read",
                local.display()
            )));
        }
        let upload = super::batch_queue::SmallUpload {
            data: Bytes::from(data),
            dest: dest.clone(),
            conflict,
            modified,
        };
        // Small files share JSON batches with others (a PUT and a PATCH each, many
        // files per request); "keep both" and conditional writes go alone, as the
        // PATCH addresses the file by the name it asked for.
        let batched = self.config.transfer.batch_small_files
            && size <= super::batch_queue::SMALL_FILE_MAX
            && if_match.is_none()
            && conflict != Conflict::Rename;
        let work = async {
            if batched {
                self.batcher().upload(upload).await
            } else {
                self.put_small(&upload, if_match).await
            }
        };
        tokio::select! {
            _ = cancel.cancelled() => Err(Error::Cancelled),
            r = work => r,
        }
    }

    /// A small file in one PUT, then its modified time in a PATCH: a simple PUT
    /// cannot carry timestamps (Graph reference §5.1).
    pub(super) async fn upload_small_alone(
        &self,
        upload: &super::batch_queue::SmallUpload,
    ) -> Result<DriveItem> {
        self.put_small(upload, None).await
    }

    async fn put_small(
        &self,
        upload: &super::batch_queue::SmallUpload,
        if_match: Option<&str>,
    ) -> Result<DriveItem> {
        let mut hasher = QuickXorHash::new();
        hasher.update(&upload.data);
        let url = format!(
            "{}/content?@microsoft.graph.conflictBehavior={}",
            self.path_url(&upload.dest),
            upload.conflict.as_str()
        );
        let mut headers = vec![(header::CONTENT_TYPE, "application/octet-stream".to_string())];
        if let Some(tag) = if_match {
            headers.push((header::IF_MATCH, tag.to_string()));
        }
        let response = self
            .send(
                Method::PUT,
                &url,
                Body::Bytes(upload.data.clone()),
                &headers,
            )
            .await?;
        let item: DriveItem = super::client::reply_json(response).await?;
        super::verify::verify(&item, upload.data.len() as u64, &hasher)?;
        match upload.modified {
            Some(when) => self.set_modified(&item.id, when).await,
            None => Ok(item),
        }
    }

    async fn create_session(
        &self,
        dest: &RemotePath,
        (conflict, if_match): (Conflict, Option<&str>),
        modified: Option<DateTime<Utc>>,
    ) -> Result<String> {
        let mut item = json!({
            "@microsoft.graph.conflictBehavior": conflict.as_str(),
            "name": dest.name().unwrap_or_default(),
        });
        if let Some(when) = modified {
            item["fileSystemInfo"] = json!({"lastModifiedDateTime": super::format_time(when)});
        }
        let url = format!("{}/createUploadSession", self.path_url(dest));
        let headers: Vec<_> = if_match
            .map(|tag| (header::IF_MATCH, tag.to_string()))
            .into_iter()
            .collect();
        let response = self
            .send(
                Method::POST,
                &url,
                Body::Json(json!({"item": item})),
                &headers,
            )
            .await?;
        let reply: Value = super::client::reply_json(response).await?;
        reply["uploadUrl"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| Error::Other("the upload session has no uploadUrl".into()))
    }

    /// The item at `dest` if it already holds exactly this file (same size and
    /// QuickXorHash): a session that vanished after its last fragment completed.
    async fn already_uploaded(
        &self,
        local: &Path,
        dest: &RemotePath,
        size: u64,
    ) -> Result<Option<DriveItem>> {
        let Some(item) = self
            .item_if_exists(&super::item::ItemAddress::Path(dest.clone()))
            .await?
        else {
            return Ok(None);
        };
        let Some(remote_hash) = item.quick_xor_hash().map(str::to_string) else {
            return Ok(None);
        };
        if item.size != size || !item.is_file() {
            return Ok(None);
        }
        let hasher = odc_core::quickxor::hash_file(local, None)
            .await
            .map_err(|e| Error::io(local, e))?;
        if hasher.len() == size && hashes_match(&remote_hash, &hasher.digest()) {
            tracing::info!("the upload session had completed already; not uploading again");
            return Ok(Some(item));
        }
        Ok(None)
    }

    /// Best effort: tells the service to drop an abandoned session.
    pub async fn delete_session(&self, upload_url: &str) {
        match self.plain().delete(upload_url).send().await {
            Ok(reply) => tracing::info!("upload session deleted ({})", reply.status()),
            Err(err) => tracing::warn!(
                "could not delete an upload session: {}",
                Error::from(err.without_url())
            ),
        }
    }

    /// The session's next expected offset, or None when the session is gone.
    async fn session_offset(&self, upload_url: &str) -> Result<Option<u64>> {
        loop {
            self.gate().wait().await;
            let reply = self
                .plain()
                .get(upload_url)
                .send()
                .await
                .map_err(|e| Error::from(e.without_url()))?;
            if self.note_throttle(&reply)? {
                continue;
            }
            let status = reply.status().as_u16();
            if status == 404 || status == 401 || status == 403 {
                return Ok(None);
            }
            if status != 200 {
                let body = super::client::error_body(reply).await;
                return Err(Error::Network(Error::from_graph(status, &body).to_string()));
            }
            let body: Value = super::client::reply_json(reply).await?;
            return Ok(next_expected(&body));
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn session_upload(
        &self,
        local: &Path,
        dest: &RemotePath,
        size: u64,
        conflict: Conflict,
        modified: Option<DateTime<Utc>>,
        progress: &Arc<Progress>,
        cancel: &CancellationToken,
        options: UploadOptions<'_>,
    ) -> Result<DriveItem> {
        let hash = Arc::new(Mutex::new(RunningHash::default()));
        let announce = |url: &str| {
            if let Some(on_session) = options.on_session {
                on_session(url);
            }
        };
        // Continue an earlier session where the service says, if it still exists.
        let resumed = match &options.resume_url {
            Some(url) => match self.session_offset(url).await {
                Ok(Some(next)) if next <= size => Some((url.clone(), next)),
                Ok(None) => {
                    // Gone: maybe because it completed (the reply to the last
                    // fragment was lost to a pause or a kill). Never upload twice.
                    if let Some(item) = self.already_uploaded(local, dest, size).await? {
                        return Ok(item);
                    }
                    None
                }
                _ => None,
            },
            None => None,
        };
        let (mut upload_url, mut offset) = match resumed {
            Some((url, next)) => {
                tracing::info!("resuming an upload session at byte {next} of {size}");
                hash_prefix_into(local, next, &hash).await?;
                (url, next)
            }
            None => {
                let url = self
                    .create_session(dest, (conflict, options.if_match.as_deref()), modified)
                    .await?;
                announce(&url);
                (url, 0)
            }
        };
        progress.set_resumed(offset);
        let fragment = self.config.transfer.upload_fragment_bytes;
        let mut fragments = FragmentReader::open(local, size, fragment, hash.clone()).await?;
        let mut failures = 0u32;
        let keep = options.keep_session_on_cancel;
        loop {
            if cancel.is_cancelled() {
                if !keep {
                    self.delete_session(&upload_url).await;
                }
                return Err(Error::Cancelled);
            }
            let attempt = tokio::select! {
                _ = cancel.cancelled() => Err(Error::Cancelled),
                r = self.send_fragment(&mut fragments, &upload_url, offset, size, progress) => r,
            };
            let outcome = match attempt {
                Ok(outcome) => outcome,
                Err(Error::Cancelled) => {
                    if !keep {
                        self.delete_session(&upload_url).await;
                    }
                    return Err(Error::Cancelled);
                }
                Err(err @ (Error::Graph { .. } | Error::Io { .. } | Error::Integrity(_))) => {
                    self.delete_session(&upload_url).await;
                    return Err(err);
                }
                Err(err) => {
                    failures += 1;
                    tracing::warn!("fragment at {offset} failed: {err} (attempt {failures})");
                    if failures >= self.max_attempts() {
                        self.delete_session(&upload_url).await;
                        return Err(err);
                    }
                    self.note_retry(failures + 1, "a dropped connection");
                    tokio::time::sleep(self.backoff(failures)).await;
                    match self.session_offset(&upload_url).await {
                        Ok(Some(next)) => FragmentReply::Resume(next),
                        Ok(None) => FragmentReply::NewSession,
                        Err(_) => FragmentReply::Resume(offset),
                    }
                }
            };
            match outcome {
                FragmentReply::Done(item) => {
                    let hasher = hash.lock().unwrap().hasher.clone();
                    super::verify::verify(&item, size, &hasher)?;
                    return Ok(*item);
                }
                FragmentReply::Resume(next) => {
                    if next > size {
                        self.delete_session(&upload_url).await;
                        return Err(Error::Other(format!(
                            "the service expects byte {next} of a {size}-byte file"
                        )));
                    }
                    offset = next;
                    progress.set_done(offset);
                }
                FragmentReply::NewSession => {
                    if offset > 0
                        && let Some(item) = self.already_uploaded(local, dest, size).await?
                    {
                        return Ok(item);
                    }
                    failures += 1;
                    if failures >= self.max_attempts() {
                        return Err(Error::Network(
                            "the upload session kept disappearing".into(),
                        ));
                    }
                    upload_url = self
                        .create_session(dest, (conflict, options.if_match.as_deref()), modified)
                        .await?;
                    announce(&upload_url);
                    offset = 0;
                    progress.set_done(0);
                }
            }
        }
    }

    /// Sends one fragment starting at `offset`, streamed from disk.
    async fn send_fragment(
        &self,
        fragments: &mut FragmentReader,
        upload_url: &str,
        offset: u64,
        size: u64,
        progress: &Arc<Progress>,
    ) -> Result<FragmentReply> {
        let data = fragments.take(offset).await?;
        let length = data.len() as u64;
        if length < upload_fragment_len(self, offset, size) {
            return Err(Error::Integrity(format!(
                "{}: shorter than when the upload began; upload it again",
                odc_core::display::escape_path(fragments.path())
            )));
        }
        // Handed to the connection a slice at a time, so progress moves with the wire.
        // Each slice waits for its share of the bandwidth limit, if there is one.
        let done = progress.clone();
        let starts: Vec<usize> = (0..data.len()).step_by(SEND_SLICE).collect();
        let body = futures::StreamExt::then(futures::stream::iter(starts), move |at| {
            let slice = data.slice(at..(at + SEND_SLICE).min(data.len()));
            let done = done.clone();
            async move {
                super::bandwidth::sending(slice.len()).await;
                done.set_done(offset + (at + slice.len()) as u64);
                Ok::<_, std::io::Error>(slice)
            }
        });
        self.gate().wait().await;
        let response = self
            .plain()
            .put(upload_url)
            .header(header::CONTENT_LENGTH, length)
            .header(
                header::CONTENT_RANGE,
                format!("bytes {offset}-{}/{size}", offset + length - 1),
            )
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .map_err(|e| Error::from(e.without_url()))?;
        if self.note_throttle(&response)? {
            return Err(Error::Network("throttled on the upload URL".into()));
        }
        let status = response.status().as_u16();
        match status {
            202 => {
                let body: Value = super::client::reply_json(response).await?;
                Ok(FragmentReply::Resume(
                    next_expected(&body).unwrap_or(offset + length),
                ))
            }
            200 | 201 => {
                let item: DriveItem = super::client::reply_json(response).await?;
                Ok(FragmentReply::Done(Box::new(item)))
            }
            416 => match self.session_offset(upload_url).await? {
                Some(next) => Ok(FragmentReply::Resume(next)),
                None => Ok(FragmentReply::NewSession),
            },
            404 => Ok(FragmentReply::NewSession),
            401 => Ok(FragmentReply::NewSession),
            s if s >= 500 && s != 507 => {
                Err(Error::Network(format!("the upload URL answered {s}")))
            }
            s => {
                let body = super::client::error_body(response).await;
                Err(Error::from_graph(s, &body))
            }
        }
    }
}

/// Feeds the first `len` bytes of the file to the running hash (a resumed session
/// has them already; the hash must still cover them).
async fn hash_prefix_into(local: &Path, len: u64, hash: &Arc<Mutex<RunningHash>>) -> Result<()> {
    let hasher = odc_core::quickxor::hash_file(local, Some(len))
        .await
        .map_err(|e| Error::io(local, e))?;
    if hasher.len() < len {
        return Err(Error::Other(format!(
            "{} is shorter than before",
            local.display()
        )));
    }
    hash.lock().unwrap().hasher = hasher;
    Ok(())
}

fn next_expected(body: &Value) -> Option<u64> {
    body["nextExpectedRanges"]
        .as_array()?
        .first()?
        .as_str()?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// Hosts Microsoft's storage answers upload sessions from (reference §5: uploadUrl
/// is `https://…up.1drv.com/…` on personal drives, the tenant's SharePoint host on
/// business ones, in every national cloud).
const UPLOAD_HOST_SUFFIXES: &[&str] = &[
    "1drv.com",
    "onedrive.com",
    "microsoftpersonalcontent.com",
    "livefilestore.com",
    "sharepoint.com",
    "sharepoint.us",
    "sharepoint-mil.us",
    "sharepoint.cn",
    "sharepoint.de",
];

/// Whether an upload URL read back from a file (a resume record) is one the
/// service could have given: https on a Microsoft storage host or on the configured
/// Graph host, or plain http to the configured Graph host when that is itself
/// plain http (the emulator). A record pointing elsewhere would send the file's
/// bytes to whoever planted it. The reason is `Err`.
pub fn check_recorded_upload_url(url: &str, graph_url: &str) -> std::result::Result<(), String> {
    let refuse = |why: &str| Err(format!("its upload address is not trusted ({why})"));
    let Ok(parsed) = Url::parse(url) else {
        return refuse("not a URL");
    };
    let graph = Url::parse(graph_url).ok();
    let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
    let graph_host = graph
        .as_ref()
        .and_then(|g| g.host_str())
        .map(str::to_ascii_lowercase);
    let is_graph_host = graph_host.as_deref() == Some(host.as_str());
    match parsed.scheme() {
        "https" => {
            let microsoft = UPLOAD_HOST_SUFFIXES
                .iter()
                .any(|suffix| host == *suffix || host.ends_with(&format!(".{suffix}")));
            if microsoft || is_graph_host {
                Ok(())
            } else {
                refuse("not a Microsoft storage host")
            }
        }
        "http" if is_graph_host && graph.as_ref().is_some_and(|g| g.scheme() == "http") => Ok(()),
        _ => refuse("not https"),
    }
}
