//! Downloads (Graph reference §4): `/content` → 302 → the pre-authenticated URL, fetched
//! without Authorization, streamed into `NAME.odc-partial` beside the target,
//! resumed with Range after a drop, verified (size and QuickXorHash), given the
//! item's modified time, then renamed into place. A failure never leaves anything
//! under the real name; an interrupted download leaves its partial file to resume.

use std::path::Path;
use std::time::{Duration, SystemTime};

use reqwest::{Method, header};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use super::client::{Body, Graph};
use super::error::{Error, Result};
use super::item::{DriveItem, ItemAddress};
use super::progress::Progress;
use super::retry::Retries;
use odc_core::quickxor::{QuickXorHash, hashes_match};

pub use super::partial::{PARTIAL_SUFFIX, check_replaceable, open_partial, partial_path};
use super::partial::{Partial, identity_of};

/// What a cancelled download does with its partial file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnCancel {
    Discard,
    Keep,
}

/// Keeps a local file that is about to be replaced (the engine moves it to the
/// trash or a backup folder), called once the new bytes are checked, just before
/// the rename. An error stops the replacement; the new bytes stay in the partial.
pub type SetAside =
    dyn Fn(std::path::PathBuf) -> futures::future::BoxFuture<'static, Result<()>> + Send + Sync;

/// A download's bytes, whole in their partial file, with their hash.
struct Arrived<'a> {
    partial_file: &'a Path,
    file: tokio::fs::File,
    hasher: QuickXorHash,
}

enum Step {
    Continue,
    /// Answered 429/503: the gate holds the next try, which counts.
    Throttled,
    Done,
}

impl Graph {
    /// The pre-authenticated URL for an item's content (from the 302).
    pub async fn download_url(&self, id: &str) -> Result<String> {
        let url = self.drive_url(&format!(
            "items/{}/content",
            super::path::encode_segment(id)
        ));
        self.location_of(&url).await
    }

    /// Where a `/content` request's 302 points.
    pub(super) async fn location_of(&self, url: &str) -> Result<String> {
        let response = self.send(Method::GET, url, Body::Empty, &[]).await?;
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| Error::Other("OneDrive did not give a download location".into()))
    }

    /// Downloads a file item to `target`. Cancelling discards the partial file.
    pub async fn download_file(
        &self,
        item: &DriveItem,
        target: &Path,
        progress: &Progress,
        cancel: &CancellationToken,
    ) -> Result<()> {
        self.download_file_with(item, target, progress, cancel, OnCancel::Discard, None)
            .await
    }

    /// Like [`Graph::download_file`]; with [`OnCancel::Keep`] a cancelled (paused)
    /// download keeps its partial file, and the next attempt resumes from it. A
    /// file it replaces is first handed to `set_aside`, if given.
    pub async fn download_file_with(
        &self,
        item: &DriveItem,
        target: &Path,
        progress: &Progress,
        cancel: &CancellationToken,
        on_cancel: OnCancel,
        set_aside: Option<&SetAside>,
    ) -> Result<()> {
        if !item.is_file() {
            return Err(Error::Other(format!(
                "{} is a {} and has no content to download",
                odc_core::display::escape_control(&item.name),
                item.kind()
            )));
        }
        if item.is_malware() {
            return Err(malware_detected(&item.name));
        }
        let size = item.size;
        let partial_file = partial_path(target);
        // Ranged streams read the item's current bytes: an earlier version comes
        // in one stream.
        let streams = match item.version {
            None => self.streams_for(size),
            Some(_) => 1,
        };
        let mut fetched = None;
        if streams > 1 {
            let attempt = tokio::select! {
                _ = cancel.cancelled() => Err(Error::Cancelled),
                done = self.download_in_streams(item, &partial_file, streams, progress) => done,
            };
            match attempt {
                Ok(Some(done)) => fetched = Some(done),
                // The server ignores ranges: one stream, from the start.
                Ok(None) => {}
                Err(err) => return Err(forget_if_discarded(err, &partial_file, on_cancel).await),
            }
        }
        let (file, hasher) = match fetched {
            Some(done) => done,
            None => {
                self.download_in_one_stream(item, &partial_file, progress, cancel, on_cancel)
                    .await?
            }
        };
        self.finish_download(
            item,
            target,
            Arrived {
                partial_file: &partial_file,
                file,
                hasher,
            },
            progress,
            set_aside,
        )
        .await
    }

    /// The download as one request (resumed with Range after a drop).
    async fn download_in_one_stream(
        &self,
        item: &DriveItem,
        partial_file: &Path,
        progress: &Progress,
        cancel: &CancellationToken,
        on_cancel: OnCancel,
    ) -> Result<(tokio::fs::File, QuickXorHash)> {
        let size = item.size;
        let mut partial =
            Partial::open(partial_file.to_path_buf(), size, &identity_of(item)).await?;
        progress.set_total(size);
        progress.set_resumed(partial.offset);
        let mut url: Option<String> = None;
        let mut retries = self.retries();

        let result = loop {
            if partial.offset >= size && size > 0 {
                break Ok(());
            }
            if cancel.is_cancelled() {
                break Err(Error::Cancelled);
            }
            let step = tokio::select! {
                _ = cancel.cancelled() => Err(Error::Cancelled),
                step = self.download_step(item, &mut url, &mut partial, progress) => step,
            };
            match step {
                Ok(Step::Done) => break Ok(()),
                Ok(Step::Continue) => {}
                Ok(Step::Throttled) => {
                    if let Err(err) = self.after_throttle(&mut retries) {
                        break Err(err);
                    }
                }
                Err(err) => {
                    let at = format!("download of {} at byte {}", item.id, partial.offset);
                    if let Err(err) = self.retry_after_failure(&mut retries, err, &at).await {
                        break Err(err);
                    }
                }
            }
        };
        if let Err(err) = result {
            // Keep what arrived: it is the offset the next attempt resumes from.
            let _ = partial.writer.flush().await;
            drop(partial);
            return Err(forget_if_discarded(err, partial_file, on_cancel).await);
        }
        partial.finish().await
    }

    /// Checks what arrived (size, QuickXorHash), gives it the item's modified time
    /// and renames it into place. A file that fails the check is removed.
    async fn finish_download(
        &self,
        item: &DriveItem,
        target: &Path,
        arrived: Arrived<'_>,
        progress: &Progress,
        set_aside: Option<&SetAside>,
    ) -> Result<()> {
        let Arrived {
            partial_file,
            file,
            hasher,
        } = arrived;
        let size = item.size;
        let written = file
            .metadata()
            .await
            .map_err(|e| Error::io(partial_file, e))?
            .len();
        let verdict = if written < size && super::rewritten::served_as_another_rendition(item) {
            // The listed size and hash are the original's; what was sent is what
            // the service serves of it (checked complete in `download_step`).
            // Remembered, so that this copy is not taken for a difference later.
            if let Some(stored) = item.quick_xor_hash()
                && hasher.len() == written
            {
                let served = super::rewritten::Sent {
                    size: written,
                    hash: hasher.finish_base64(),
                };
                if let Err(err) = super::rewritten::Rewrites::standard().remember(stored, served) {
                    tracing::warn!("cannot record a file served as another rendition: {err}");
                }
            }
            Ok(())
        } else if written != size {
            Err(format!("expected {size} bytes, received {written}"))
        } else if let Some(expected) = item.quick_xor_hash()
            && !hashes_match(expected, &hasher.digest())
        {
            Err(format!(
                "QuickXorHash differs (OneDrive says {expected}, the bytes give {})",
                hasher.finish_base64()
            ))
        } else {
            Ok(())
        };
        if let Err(reason) = verdict {
            drop(file);
            let _ = tokio::fs::remove_file(partial_file).await;
            return Err(Error::Integrity(format!(
                "{}: {reason}",
                odc_core::display::escape_control(&item.name)
            )));
        }
        let file = file.into_std().await;
        if let Some(modified) = item.modified() {
            let when: SystemTime = modified.into();
            let _ = file.set_modified(when);
        }
        odc_core::fsutil::set_mode_as_cp(&file, 0o666).map_err(|e| Error::io(partial_file, e))?;
        check_replaceable(target).await?;
        if let Some(set_aside) = set_aside
            && tokio::fs::symlink_metadata(target).await.is_ok()
        {
            set_aside(target.to_path_buf()).await?;
        }
        tokio::fs::rename(partial_file, target)
            .await
            .map_err(|e| Error::io(target, e))?;
        progress.set_done(size);
        Ok(())
    }

    /// One request to the download URL, writing what arrives.
    async fn download_step(
        &self,
        item: &DriveItem,
        url: &mut Option<String>,
        partial: &mut Partial,
        progress: &Progress,
    ) -> Result<Step> {
        let Some(mut response) = self.fetch_content(item, url, partial.offset).await? else {
            return Ok(Step::Throttled);
        };
        // How much the service says it has: what a complete reply ends at.
        let served_total = match response.status().as_u16() {
            200 => response.content_length(),
            206 => content_range_total(&response),
            _ => None,
        };
        match response.status().as_u16() {
            200 => {
                if partial.offset > 0 {
                    // The range was ignored: the whole file is coming.
                    partial.restart().await?;
                    progress.set_done(0);
                }
            }
            206 => {
                if content_range_start(&response) != Some(partial.offset) {
                    partial.restart().await?;
                    progress.set_done(0);
                    return Ok(Step::Continue);
                }
            }
            416 => {
                if partial.offset == item.size {
                    return Ok(Step::Done);
                }
                partial.restart().await?;
                return Ok(Step::Continue);
            }
            _ => return Err(refused_download(url, response).await),
        }
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::from(e.without_url()))?
        {
            if partial.offset + chunk.len() as u64 > item.size {
                return Err(Error::Integrity(format!(
                    "{}: more bytes than the {} OneDrive lists",
                    odc_core::display::escape_control(&item.name),
                    item.size
                )));
            }
            super::bandwidth::receiving(chunk.len()).await;
            partial.write(&chunk).await?;
            progress.set_done(partial.offset);
        }
        if partial.offset < item.size {
            if served_total == Some(partial.offset) {
                // Not a dropped connection: all the service has, fewer bytes
                // than it lists. Known of iPhone photos; anything else fails.
                if super::rewritten::served_as_another_rendition(item) {
                    tracing::warn!(
                        "{}: OneDrive lists {} bytes and sends {} (another rendition of the photo)",
                        item.name,
                        item.size,
                        partial.offset
                    );
                    return Ok(Step::Done);
                }
                return Err(Error::Integrity(format!(
                    "{}: OneDrive lists {} bytes but sends {}",
                    odc_core::display::escape_control(&item.name),
                    item.size,
                    partial.offset
                )));
            }
            return Err(Error::Network("the download ended early".into()));
        }
        Ok(Step::Done)
    }

    /// One GET of an item's content from `offset` on: a fresh pre-authenticated URL
    /// when there is none, `Range` when resuming. None when the reply was a
    /// throttle (the shared gate holds the next try).
    pub(super) async fn fetch_content(
        &self,
        item: &DriveItem,
        url: &mut Option<String>,
        offset: u64,
    ) -> Result<Option<reqwest::Response>> {
        self.gate().wait().await;
        let current = match url {
            Some(u) => u.clone(),
            None => {
                let fresh = self.location_of(&self.content_url(item)).await?;
                *url = Some(fresh.clone());
                fresh
            }
        };
        let mut request = self.plain().get(&current);
        if offset > 0 {
            request = request.header(header::RANGE, format!("bytes={offset}-"));
        }
        let response = request
            .send()
            .await
            .map_err(|e| Error::from(e.without_url()))?;
        if self.note_throttle(&response)? {
            return Ok(None);
        }
        Ok(Some(response))
    }

    /// Downloads by remote address (looks the item up first).
    pub async fn download(
        &self,
        address: &ItemAddress,
        target: &Path,
        progress: &Progress,
        cancel: &CancellationToken,
    ) -> Result<DriveItem> {
        let item = self.item(address).await?;
        self.download_file(&item, target, progress, cancel).await?;
        Ok(item)
    }
}

/// Where a 206 reply's `Content-Range` says its bytes start.
/// The total of a `Content-Range: bytes a-b/total` reply.
fn content_range_total(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit_once('/'))
        .and_then(|(_, total)| total.parse::<u64>().ok())
}

pub(super) fn content_range_start(response: &reqwest::Response) -> Option<u64> {
    response
        .headers()
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes "))
        .and_then(|v| v.split('-').next())
        .and_then(|v| v.parse::<u64>().ok())
}

impl Graph {
    /// A fresh retry budget (see [`Retries`]).
    pub(super) fn retries(&self) -> Retries {
        Retries::new(Duration::from_secs(self.config.network.retry_budget_secs))
    }

    /// After a failed step of a download: a final failure, or the last allowed
    /// attempt (or the end of the time allowed), is given back; anything else is
    /// counted, shown as a retry and waited out (backoff) before the caller tries
    /// again. `what` says where.
    pub(super) async fn retry_after_failure(
        &self,
        retries: &mut Retries,
        err: Error,
        what: &str,
    ) -> Result<()> {
        if is_final(&err) {
            return Err(err);
        }
        retries.failures += 1;
        tracing::warn!("{what} interrupted: {err}");
        if retries.failures >= self.max_attempts() || retries.out_of_time() {
            return Err(err);
        }
        self.note_retry(retries.failures + 1, "a dropped connection");
        tokio::time::sleep(self.backoff(retries.failures)).await;
        Ok(())
    }

    /// After a 429/503 answer (the gate already holds the next try): an error
    /// once too many came in a row or the time allowed is used up.
    pub(super) fn after_throttle(&self, retries: &mut Retries) -> Result<()> {
        if retries.throttled() {
            return Ok(());
        }
        Err(Error::Graph {
            status: 503,
            code: "serviceNotAvailable".into(),
            message: format!(
                "OneDrive kept asking to wait ({} times); try again later",
                retries.throttles
            ),
        })
    }
}

/// The error for a file the service flagged as malware.
pub(super) fn malware_detected(name: &str) -> Error {
    Error::Graph {
        status: 403,
        code: "malwareDetected".into(),
        message: format!(
            "{}: OneDrive found malware in it and refuses to hand it out; not downloaded",
            odc_core::display::escape_control(name)
        ),
    }
}

/// Failures a retry cannot mend: the caller hears of them at once.
pub(super) fn is_final(err: &Error) -> bool {
    matches!(
        err,
        Error::Cancelled | Error::Io { .. } | Error::Integrity(_) | Error::SignInRequired { .. }
    ) || err.is_wait_refused()
        || matches!(err, Error::Graph { code, .. } if code == "malwareDetected")
}

/// A cancelled download told to discard its partial file removes it (with the
/// record of its ranges); any other failure keeps it to resume from.
async fn forget_if_discarded(err: Error, partial_file: &Path, on_cancel: OnCancel) -> Error {
    if matches!(err, Error::Cancelled) && on_cancel == OnCancel::Discard {
        let _ = tokio::fs::remove_file(partial_file).await;
    }
    err
}

/// The error for a download reply that is not content: a refused URL (expired, or
/// the content changed) is forgotten so the next try gets a fresh one; 5xx is
/// worth retrying, anything else is final.
pub(super) async fn refused_download(
    url: &mut Option<String>,
    response: reqwest::Response,
) -> Error {
    let status = response.status().as_u16();
    if matches!(status, 401 | 404 | 410) {
        *url = None;
        return Error::Network(format!("the download URL was refused ({status})"));
    }
    let body = super::client::error_body(response).await;
    let err = Error::from_graph(status, &body);
    if status == 403 {
        // A file the service flagged as malware is refused for good (its 403
        // says `malwareDetected`); any other 403 is a stale URL: get a new one.
        if matches!(&err, Error::Graph { code, .. } if code == "malwareDetected") {
            return err;
        }
        *url = None;
        return Error::Network(format!("the download URL was refused ({status})"));
    }
    if status >= 500 {
        Error::Network(err.to_string())
    } else {
        err
    }
}
