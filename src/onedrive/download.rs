//! Downloads (reference §4): `/content` → 302 → the pre-authenticated URL, fetched
//! without Authorization, streamed into `NAME.odc-partial` beside the target,
//! resumed with Range after a drop, verified (size and QuickXorHash), given the
//! item's modified time, then renamed into place. A failure never leaves anything
//! under the real name; an interrupted download leaves its partial file to resume.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use reqwest::{Method, header};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use super::client::{Body, Graph};
use super::error::{Error, Result};
use super::items::{DriveItem, ItemAddress};
use super::progress::Progress;
use super::quickxor::{QuickXorHash, hashes_match};

pub const PARTIAL_SUFFIX: &str = ".odc-partial";

/// Longest file name most filesystems take, in bytes.
const NAME_MAX: usize = 255;

/// `dir/NAME.odc-partial` for `dir/NAME`. A name too long for the suffix is cut
/// (at a character boundary) and given a hash of the whole name, so a 250-byte
/// name still downloads and two long names never share a partial.
pub fn partial_path(target: &Path) -> PathBuf {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    if name.len() + PARTIAL_SUFFIX.len() <= NAME_MAX {
        return target.with_file_name(format!("{name}{PARTIAL_SUFFIX}"));
    }
    // FNV-1a: stable across runs, so an interrupted download finds its partial.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    let tag = format!("~{hash:016x}");
    let mut keep = NAME_MAX - PARTIAL_SUFFIX.len() - tag.len();
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    target.with_file_name(format!("{}{tag}{PARTIAL_SUFFIX}", &name[..keep]))
}

/// What a partial file is part of: the item, its content version (cTag, else eTag,
/// else its hash) and its size.
fn identity_of(item: &DriveItem) -> String {
    let version = item
        .c_tag
        .as_deref()
        .or(item.e_tag.as_deref())
        .or(item.quick_xor_hash())
        .unwrap_or("");
    format!("{}\n{version}\n{}", item.id, item.size)
}

/// The identity tag kept with a partial file, as an extended attribute, so that
/// whoever finds the partial (a later `get`, the UI, a resume) knows what it holds.
mod partial_tag {
    use std::ffi::CStr;
    use std::os::fd::AsRawFd;

    const NAME: &CStr = c"user.odc.partial";

    pub fn read(file: &tokio::fs::File) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 1024];
        // SAFETY: the fd is open for the call, and buf is valid for buf.len() bytes.
        let n = unsafe {
            libc::fgetxattr(
                file.as_raw_fd(),
                NAME.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        (n >= 0).then(|| {
            buf.truncate(n as usize);
            buf
        })
    }

    pub fn write(file: &tokio::fs::File, value: &[u8]) -> std::io::Result<()> {
        // SAFETY: the fd is open for the call, and value is valid for its length.
        let rc = unsafe {
            libc::fsetxattr(
                file.as_raw_fd(),
                NAME.as_ptr(),
                value.as_ptr().cast(),
                value.len(),
                0,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
}

/// Opens (or creates, exclusively and private) a partial file to write. Never
/// follows a symbolic link and never writes into anything but a regular file of
/// this user: a planted `NAME.odc-partial` link must not let a download truncate
/// the file it points at.
pub async fn open_partial(path: &Path) -> Result<tokio::fs::File> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || crate::fsutil::open_private_for_write(&path))
        .await
        .map_err(|e| Error::Other(format!("partial file: {e}")))?
        .map(tokio::fs::File::from_std)
}

/// Refuses to rename over anything but a regular file: a FIFO, device, socket,
/// directory or link at the target is the user's, and not ours to replace.
pub async fn check_replaceable(target: &Path) -> Result<()> {
    match tokio::fs::symlink_metadata(target).await {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) => Err(Error::Other(format!(
            "{} exists and is {}; it was not replaced",
            super::display::escape_control(&target.display().to_string()),
            crate::fsutil::describe_kind(&meta)
        ))),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(Error::io(target, err)),
    }
}

struct Partial {
    path: PathBuf,
    writer: tokio::io::BufWriter<tokio::fs::File>,
    offset: u64,
    hasher: QuickXorHash,
}

impl Partial {
    /// Opens the partial file, keeping what a previous attempt wrote only if its
    /// tag says it holds the start of this very version of the item; anything
    /// else (another version, no tag, a filesystem that cannot keep the tag) is
    /// started afresh.
    async fn open(path: PathBuf, size: u64, identity: &str) -> Result<Self> {
        let file = open_partial(&path).await?;
        let same = partial_tag::read(&file).as_deref() == Some(identity.as_bytes());
        let existing_len = if same {
            file.metadata()
                .await
                .map_err(|e| Error::io(&path, e))?
                .len()
        } else {
            0
        };
        let offset = if existing_len <= size {
            existing_len
        } else {
            0
        };
        if !same && let Err(err) = partial_tag::write(&file, identity.as_bytes()) {
            // Still downloads; only resuming after an interruption is lost.
            tracing::info!(
                "cannot tag {} ({err}); it will not be resumed",
                path.display()
            );
        }
        let hasher = if offset > 0 {
            super::quickxor::hash_file(&path, Some(offset))
                .await
                .map_err(|e| Error::io(&path, e))?
        } else {
            QuickXorHash::new()
        };
        file.set_len(offset)
            .await
            .map_err(|e| Error::io(&path, e))?;
        let mut writer = tokio::io::BufWriter::with_capacity(1 << 20, file);
        writer
            .get_mut()
            .seek_end()
            .await
            .map_err(|e| Error::io(&path, e))?;
        Ok(Self {
            path,
            writer,
            offset,
            hasher,
        })
    }

    async fn restart(&mut self) -> Result<()> {
        self.writer
            .flush()
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        let file = self.writer.get_mut();
        file.set_len(0)
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        file.seek_end()
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        self.offset = 0;
        self.hasher = QuickXorHash::new();
        Ok(())
    }

    async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.writer
            .write_all(chunk)
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        self.hasher.update(chunk);
        self.offset += chunk.len() as u64;
        Ok(())
    }

    async fn finish(mut self) -> Result<(tokio::fs::File, QuickXorHash)> {
        self.writer
            .flush()
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        let file = self.writer.into_inner();
        file.sync_all()
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        Ok((file, self.hasher))
    }
}

trait SeekEnd {
    async fn seek_end(&mut self) -> std::io::Result<u64>;
}

impl SeekEnd for tokio::fs::File {
    async fn seek_end(&mut self) -> std::io::Result<u64> {
        use tokio::io::AsyncSeekExt;
        self.seek(std::io::SeekFrom::End(0)).await
    }
}

/// What a cancelled download does with its partial file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnCancel {
    Discard,
    Keep,
}

enum Step {
    Continue,
    Done,
}

impl Graph {
    /// The pre-authenticated URL for an item's content (from the 302).
    pub async fn download_url(&self, id: &str) -> Result<String> {
        let url = self.drive_url(&format!(
            "items/{}/content",
            super::path::encode_segment(id)
        ));
        let response = self.send(Method::GET, &url, Body::Empty, &[]).await?;
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
        self.download_file_with(item, target, progress, cancel, OnCancel::Discard)
            .await
    }

    /// Like [`Graph::download_file`]; with [`OnCancel::Keep`] a cancelled (paused)
    /// download keeps its partial file, and the next attempt resumes from it.
    pub async fn download_file_with(
        &self,
        item: &DriveItem,
        target: &Path,
        progress: &Progress,
        cancel: &CancellationToken,
        on_cancel: OnCancel,
    ) -> Result<()> {
        if !item.is_file() {
            return Err(Error::Other(format!(
                "{} is a {} and has no content to download",
                super::display::escape_control(&item.name),
                item.kind()
            )));
        }
        let size = item.size;
        let partial_file = partial_path(target);
        let mut partial = Partial::open(partial_file.clone(), size, &identity_of(item)).await?;
        progress.set_total(size);
        progress.set_done(partial.offset);
        let mut url: Option<String> = None;
        let mut failures = 0u32;

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
                Err(Error::Cancelled) => break Err(Error::Cancelled),
                Err(
                    err @ (Error::Io { .. } | Error::Integrity(_) | Error::SignInRequired { .. }),
                ) => {
                    break Err(err);
                }
                Err(err) if err.is_wait_refused() => break Err(err),
                Err(err) => {
                    failures += 1;
                    tracing::warn!(
                        "download of {} interrupted at {}: {err}",
                        item.id,
                        partial.offset
                    );
                    if failures >= self.max_attempts() {
                        break Err(err);
                    }
                    self.note_retry(failures + 1, "a dropped connection");
                    tokio::time::sleep(self.backoff(failures)).await;
                }
            }
        };
        if let Err(err) = result {
            // Keep what arrived: it is the offset the next attempt resumes from.
            let _ = partial.writer.flush().await;
            drop(partial);
            if matches!(err, Error::Cancelled) && on_cancel == OnCancel::Discard {
                let _ = tokio::fs::remove_file(&partial_file).await;
            }
            return Err(err);
        }

        let (file, hasher) = partial.finish().await?;
        let written = file
            .metadata()
            .await
            .map_err(|e| Error::io(&partial_file, e))?
            .len();
        let verdict = if written != size {
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
            let _ = tokio::fs::remove_file(&partial_file).await;
            return Err(Error::Integrity(format!(
                "{}: {reason}",
                super::display::escape_control(&item.name)
            )));
        }
        if let Some(modified) = item.modified() {
            let file = file.into_std().await;
            let when: SystemTime = modified.into();
            let _ = file.set_modified(when);
        }
        check_replaceable(target).await?;
        tokio::fs::rename(&partial_file, target)
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
        self.gate().wait().await;
        let current = match url {
            Some(u) => u.clone(),
            None => {
                let fresh = self.download_url(&item.id).await?;
                *url = Some(fresh.clone());
                fresh
            }
        };
        let mut request = self.plain().get(&current);
        if partial.offset > 0 {
            request = request.header(header::RANGE, format!("bytes={}-", partial.offset));
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| Error::from(e.without_url()))?;
        if self.note_throttle(&response)? {
            return Ok(Step::Continue);
        }
        match response.status().as_u16() {
            200 => {
                if partial.offset > 0 {
                    // The range was ignored: the whole file is coming.
                    partial.restart().await?;
                    progress.set_done(0);
                }
            }
            206 => {
                let start = response
                    .headers()
                    .get(header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("bytes "))
                    .and_then(|v| v.split('-').next())
                    .and_then(|v| v.parse::<u64>().ok());
                if start != Some(partial.offset) {
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
            401 | 403 | 404 | 410 => {
                // The URL expired or the content changed: get a fresh one.
                *url = None;
                return Err(Error::Network(format!(
                    "the download URL was refused ({})",
                    response.status().as_u16()
                )));
            }
            status => {
                let body = response.bytes().await.unwrap_or_default();
                let err = Error::from_graph(status, &body);
                return if status >= 500 {
                    Err(Error::Network(err.to_string()))
                } else {
                    Err(err)
                };
            }
        }
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::from(e.without_url()))?
        {
            if partial.offset + chunk.len() as u64 > item.size {
                return Err(Error::Integrity(format!(
                    "{}: more bytes than the {} OneDrive lists",
                    super::display::escape_control(&item.name),
                    item.size
                )));
            }
            partial.write(&chunk).await?;
            progress.set_done(partial.offset);
        }
        if partial.offset < item.size {
            return Err(Error::Network("the download ended early".into()));
        }
        Ok(Step::Done)
    }

    /// Streams a file's content into `out` (stdout for `odc cat`): no partial file
    /// and no rename. A dropped connection continues with a Range request from the
    /// bytes already written; the size and QuickXorHash are checked at the end (the
    /// bytes are out by then, so a mismatch is reported as an error).
    pub async fn stream_to<W: tokio::io::AsyncWrite + Unpin>(
        &self,
        item: &DriveItem,
        out: &mut W,
        cancel: &CancellationToken,
    ) -> Result<()> {
        if !item.is_file() {
            return Err(Error::Other(format!(
                "{} is a {}, not a file",
                super::display::escape_control(&item.name),
                item.kind()
            )));
        }
        let mut hasher = QuickXorHash::new();
        let mut offset = 0u64;
        let mut url: Option<String> = None;
        let mut failures = 0u32;
        while offset < item.size {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let step = tokio::select! {
                _ = cancel.cancelled() => Err(Error::Cancelled),
                r = self.stream_step(item, &mut url, offset, out, &mut hasher) => r,
            };
            match step {
                Ok(written) => offset += written,
                Err(err @ (Error::Cancelled | Error::Io { .. } | Error::Integrity(_))) => {
                    return Err(err);
                }
                Err(err) if err.is_wait_refused() => return Err(err),
                Err(err) => {
                    failures += 1;
                    if failures >= self.max_attempts() {
                        return Err(err);
                    }
                    tokio::time::sleep(self.backoff(failures)).await;
                }
            }
        }
        out.flush().await.map_err(|e| Error::io("stdout", e))?;
        if let Some(expected) = item.quick_xor_hash()
            && !hashes_match(expected, &hasher.digest())
        {
            return Err(Error::Integrity(format!(
                "{}: QuickXorHash differs (OneDrive says {expected}, the bytes give {})",
                super::display::escape_control(&item.name),
                hasher.finish_base64()
            )));
        }
        Ok(())
    }

    /// One request from `offset`; returns how many bytes it wrote (a short count
    /// after a dropped connection is progress, not an error).
    async fn stream_step<W: tokio::io::AsyncWrite + Unpin>(
        &self,
        item: &DriveItem,
        url: &mut Option<String>,
        offset: u64,
        out: &mut W,
        hasher: &mut QuickXorHash,
    ) -> Result<u64> {
        self.gate().wait().await;
        let current = match url {
            Some(u) => u.clone(),
            None => {
                let fresh = self.download_url(&item.id).await?;
                *url = Some(fresh.clone());
                fresh
            }
        };
        let mut request = self.plain().get(&current);
        if offset > 0 {
            request = request.header(header::RANGE, format!("bytes={offset}-"));
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| Error::from(e.without_url()))?;
        if self.note_throttle(&response)? {
            return Ok(0);
        }
        let mut skip = 0u64;
        match response.status().as_u16() {
            200 => skip = offset, // the range was ignored: drop what was written already
            206 => {}
            401 | 403 | 404 | 410 => {
                *url = None;
                return Err(Error::Network(format!(
                    "the download URL was refused ({})",
                    response.status().as_u16()
                )));
            }
            status => {
                let body = response.bytes().await.unwrap_or_default();
                let err = Error::from_graph(status, &body);
                return if status >= 500 {
                    Err(Error::Network(err.to_string()))
                } else {
                    Err(err)
                };
            }
        }
        let mut written = 0u64;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                // What was written counts; the caller continues from there.
                Err(_) if written > 0 => return Ok(written),
                Err(err) => return Err(Error::from(err.without_url())),
            };
            let mut data = &chunk[..];
            if skip > 0 {
                let n = skip.min(data.len() as u64) as usize;
                data = &data[n..];
                skip -= n as u64;
            }
            if offset + written + data.len() as u64 > item.size {
                return Err(Error::Integrity(format!(
                    "{}: more bytes than the {} OneDrive lists",
                    super::display::escape_control(&item.name),
                    item.size
                )));
            }
            out.write_all(data)
                .await
                .map_err(|e| Error::io("stdout", e))?;
            hasher.update(data);
            written += data.len() as u64;
        }
        if written == 0 && offset < item.size {
            return Err(Error::Network("the download ended early".into()));
        }
        Ok(written)
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
