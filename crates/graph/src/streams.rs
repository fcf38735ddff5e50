//! Large downloads in several ranged streams (issue 14): the partial file is made
//! the item's size and split into one range per stream; each stream asks for its
//! range with `Range: bytes=a-b` (Graph reference §4) and writes at its own offset
//! (positional writes, no shared file position). How far each range got is kept
//! with the partial, so an interrupted download resumes every range where it
//! stopped. Each range is hashed as it arrives: QuickXorHash puts every byte on
//! bits chosen by its offset, so the ranges' hashes combine into the file's and
//! nothing is read back (only what an earlier attempt wrote, when resuming).

use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::client::Graph;
use super::download::content_range_start;
use super::error::{Error, Result};
use super::item::DriveItem;
use super::partial::{identity_of, open_partial, partial_tag};
use super::progress::Progress;
use super::range::UrlCache;
use odc_core::quickxor::QuickXorHash;

/// Bytes a stream gathers before one positional write (and one progress record).
const WRITE_BYTES: usize = 1 << 20;

/// One stream's share of the file: bytes `start..end`, of which `done` are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub start: u64,
    pub done: u64,
    pub end: u64,
}

impl Span {
    fn next(&self) -> u64 {
        self.start + self.done
    }

    fn finished(&self) -> bool {
        self.next() >= self.end
    }
}

/// `size` bytes cut into `streams` ranges of (nearly) equal length.
pub(super) fn split(size: u64, streams: u32) -> Vec<Span> {
    let streams = u64::from(streams.max(1)).min(size.max(1));
    let step = size.div_ceil(streams);
    (0..streams)
        .map(|i| Span {
            start: i * step,
            done: 0,
            end: ((i + 1) * step).min(size),
        })
        .filter(|span| span.start < span.end)
        .collect()
}

/// The record kept with the partial: `start done end` per line.
pub(super) fn encode(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| format!("{} {} {}\n", s.start, s.done, s.end))
        .collect()
}

/// Reads a record back; None unless it is well formed and covers exactly
/// `0..size` in order (anything else is not trusted and the download starts over).
pub(super) fn decode(text: &str, size: u64) -> Option<Vec<Span>> {
    let mut spans = Vec::new();
    let mut expected_start = 0;
    for line in text.lines() {
        let mut numbers = line.split(' ').map(|n| n.parse::<u64>().ok());
        let (Some(Some(start)), Some(Some(done)), Some(Some(end)), None) = (
            numbers.next(),
            numbers.next(),
            numbers.next(),
            numbers.next(),
        ) else {
            return None;
        };
        if start != expected_start || end <= start || done > end - start {
            return None;
        }
        spans.push(Span { start, done, end });
        expected_start = end;
    }
    (expected_start == size && !spans.is_empty()).then_some(spans)
}

/// The identity a partial in ranges carries: unlike a one-stream partial, its
/// length says nothing about how much arrived, so the two must never be mistaken.
fn ranged_identity(item: &DriveItem) -> String {
    format!("{}\nin ranges", identity_of(item))
}

/// The partial file and its ranges, shared by the streams.
struct Ranged {
    path: PathBuf,
    file: Arc<std::fs::File>,
    spans: Mutex<Vec<Span>>,
    /// Each range's hash of what it has written (one writer per range).
    hashes: Vec<Mutex<QuickXorHash>>,
}

impl Ranged {
    /// Opens the partial: a record of ranges for this very version continues
    /// where each range stopped; a one-stream partial of it keeps its prefix;
    /// anything else starts afresh. The file is then made the item's size.
    fn open(file: std::fs::File, path: PathBuf, item: &DriveItem, streams: u32) -> Result<Self> {
        let size = item.size;
        let tag = partial_tag::read(&file, partial_tag::IDENTITY);
        let identity = ranged_identity(item);
        let mut spans = split(size, streams);
        if tag.as_deref() == Some(identity.as_bytes()) {
            if let Some(kept) = partial_tag::read(&file, partial_tag::RANGES)
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|text| decode(&text, size))
            {
                spans = kept;
            }
        } else if tag.as_deref() == Some(identity_of(item).as_bytes()) {
            // A one-stream download of the same version got this far.
            let len = file.metadata().map_err(|e| Error::io(&path, e))?.len();
            for span in &mut spans {
                span.done = len.clamp(span.start, span.end) - span.start;
            }
        }
        // The record first, then the tag: whatever is read after a crash between
        // the two is either the old partial or a consistent new one.
        let kept = partial_tag::write(&file, partial_tag::RANGES, encode(&spans).as_bytes())
            .and_then(|()| partial_tag::write(&file, partial_tag::IDENTITY, identity.as_bytes()));
        if let Err(err) = kept {
            // Still downloads; only resuming after an interruption is lost.
            tracing::info!(
                "cannot tag {} ({err}); it will not be resumed",
                path.display()
            );
        }
        file.set_len(size).map_err(|e| Error::io(&path, e))?;
        let hashes = spans
            .iter()
            .map(|span| hash_written(&file, span).map(Mutex::new))
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| Error::io(&path, e))?;
        Ok(Self {
            path,
            file: Arc::new(file),
            spans: Mutex::new(spans),
            hashes,
        })
    }

    /// The whole file's hash, once every range is written.
    fn hash(&self, size: u64) -> QuickXorHash {
        let parts: Vec<QuickXorHash> = self
            .hashes
            .iter()
            .map(|h| h.lock().unwrap().clone())
            .collect();
        QuickXorHash::combine(&parts, size)
    }

    fn span(&self, index: usize) -> Span {
        self.spans.lock().unwrap()[index]
    }

    fn done(&self) -> u64 {
        self.spans.lock().unwrap().iter().map(|s| s.done).sum()
    }

    /// Writes `bytes` where range `index` continues, then records the range's new
    /// length with the partial (after the write, so the record never claims bytes
    /// the file does not hold). Gives the buffer back for reuse.
    async fn write(self: &Arc<Self>, index: usize, bytes: Vec<u8>) -> Result<Vec<u8>> {
        let ranged = self.clone();
        tokio::task::spawn_blocking(move || {
            let at = ranged.span(index).next();
            ranged
                .file
                .write_all_at(&bytes, at)
                .map_err(|e| Error::io(&ranged.path, e))?;
            ranged.hashes[index].lock().unwrap().update(&bytes);
            let record = {
                let mut spans = ranged.spans.lock().unwrap();
                spans[index].done += bytes.len() as u64;
                encode(&spans)
            };
            // Records may land out of order; each is true (ranges only grow).
            let _ = partial_tag::write(&*ranged.file, partial_tag::RANGES, record.as_bytes());
            Ok(bytes)
        })
        .await
        .map_err(|e| Error::Other(format!("writing {}: {e}", self.path.display())))?
    }
}

/// The hash of what an earlier attempt wrote of `span`, read back from the file.
fn hash_written(file: &std::fs::File, span: &Span) -> std::io::Result<QuickXorHash> {
    let mut hash = QuickXorHash::starting_at(span.start);
    let mut buffer = vec![0u8; WRITE_BYTES.min(span.done as usize)];
    let mut at = span.start;
    while at < span.next() {
        let want = buffer.len().min((span.next() - at) as usize);
        let n = file.read_at(&mut buffer[..want], at)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the partial file is shorter than its record",
            ));
        }
        hash.update(&buffer[..n]);
        at += n as u64;
    }
    Ok(hash)
}

/// How one stream ended.
enum StreamEnd {
    Finished,
    /// The server sent the whole file for a range: streams cannot work here.
    RangesIgnored,
}

/// One reply to a range request.
enum Reply {
    Written,
    Throttled,
    RangesIgnored,
}

impl Graph {
    /// How many streams download a file of `size` bytes: the configured number
    /// from `transfer.download_streams_min_bytes` on, else one.
    pub(super) fn streams_for(&self, size: u64) -> u32 {
        let transfer = &self.config.transfer;
        if transfer.download_streams > 1 && size >= transfer.download_streams_min_bytes {
            transfer.download_streams
        } else {
            1
        }
    }

    /// Downloads `item` into `partial_file` in `streams` ranged streams. Returns
    /// the file (synced) and its hash, or None when the server ignores ranges
    /// (the caller downloads in one stream instead). On failure the partial and
    /// its record stay, for the next attempt to resume.
    pub(super) async fn download_in_streams(
        &self,
        item: &DriveItem,
        partial_file: &Path,
        streams: u32,
        progress: &Progress,
    ) -> Result<Option<(tokio::fs::File, QuickXorHash)>> {
        let file = open_partial(partial_file).await?.into_std().await;
        let (path, owned) = (partial_file.to_path_buf(), item.clone());
        let ranged = tokio::task::spawn_blocking(move || Ranged::open(file, path, &owned, streams))
            .await
            .map_err(|e| Error::Other(format!("partial file: {e}")))??;
        let ranged = Arc::new(ranged);
        progress.set_total(item.size);
        progress.set_resumed(ranged.done());

        let urls = tokio::sync::Mutex::new(UrlCache::default());
        let count = ranged.spans.lock().unwrap().len();
        let mut running: FuturesUnordered<_> = (0..count)
            .map(|index| self.download_range(item, &urls, &ranged, index, progress))
            .collect();
        while let Some(end) = running.next().await {
            match end? {
                StreamEnd::Finished => {}
                StreamEnd::RangesIgnored => return Ok(None),
            }
        }
        drop(running);

        let (file, path) = (ranged.file.clone(), partial_file.to_path_buf());
        let file = tokio::task::spawn_blocking(move || {
            file.sync_all().map_err(|e| Error::io(&path, e))?;
            partial_tag::clear(&*file);
            file.try_clone().map_err(|e| Error::io(&path, e))
        })
        .await
        .map_err(|e| Error::Other(format!("partial file: {e}")))??;
        Ok(Some((
            tokio::fs::File::from_std(file),
            ranged.hash(item.size),
        )))
    }

    /// One stream: its range, asked for again from where it stopped after a
    /// dropped connection, until it is whole or a failure is final.
    async fn download_range(
        &self,
        item: &DriveItem,
        urls: &tokio::sync::Mutex<UrlCache>,
        ranged: &Arc<Ranged>,
        index: usize,
        progress: &Progress,
    ) -> Result<StreamEnd> {
        let mut retries = self.retries();
        while !ranged.span(index).finished() {
            match self.fetch_range(item, urls, ranged, index, progress).await {
                Ok(Reply::Written) => {}
                Ok(Reply::Throttled) => self.after_throttle(&mut retries)?,
                Ok(Reply::RangesIgnored) => return Ok(StreamEnd::RangesIgnored),
                Err(err) => {
                    let span = ranged.span(index);
                    let at = format!(
                        "download of {} (bytes {}-{}) at byte {}",
                        item.id,
                        span.start,
                        span.end,
                        span.next()
                    );
                    self.retry_after_failure(&mut retries, err, &at).await?;
                }
            }
        }
        Ok(StreamEnd::Finished)
    }

    /// One request for what is left of range `index`, written as it arrives. What
    /// arrived before a drop is written too, so the next request asks for less.
    async fn fetch_range(
        &self,
        item: &DriveItem,
        urls: &tokio::sync::Mutex<UrlCache>,
        ranged: &Arc<Ranged>,
        index: usize,
        progress: &Progress,
    ) -> Result<Reply> {
        let span = ranged.span(index);
        let Some(mut response) = self
            .ranged_get(
                super::range::ContentKey::current(&item.id),
                urls,
                span.next(),
                span.end,
            )
            .await?
        else {
            return Ok(Reply::Throttled);
        };
        match response.status().as_u16() {
            206 => {
                if content_range_start(&response) != Some(span.next()) {
                    return Err(Error::Network(format!(
                        "asked for bytes from {}, the server sent another range",
                        span.next()
                    )));
                }
            }
            200 => return Ok(Reply::RangesIgnored),
            _ => return Err(self.refused_range(urls, response).await),
        }
        let mut buffer = Vec::with_capacity(WRITE_BYTES);
        let mut received = span.next();
        let arrived = loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    super::bandwidth::receiving(chunk.len()).await;
                    received += chunk.len() as u64;
                    if received > span.end {
                        return Err(Error::Integrity(format!(
                            "{}: more bytes than the range asked for",
                            odc_core::display::escape_control(&item.name)
                        )));
                    }
                    buffer.extend_from_slice(&chunk);
                    if buffer.len() >= WRITE_BYTES {
                        let n = buffer.len() as u64;
                        buffer = ranged.write(index, buffer).await?;
                        buffer.clear();
                        progress.add(n);
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(Error::from(e.without_url())),
            }
        };
        if !buffer.is_empty() {
            let n = buffer.len() as u64;
            ranged.write(index, buffer).await?;
            progress.add(n);
        }
        arrived?;
        if !ranged.span(index).finished() {
            return Err(Error::Network("the download ended early".into()));
        }
        Ok(Reply::Written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_covers_the_file_in_near_equal_ranges() {
        let spans = split(10, 4);
        assert_eq!(
            spans.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(),
            vec![(0, 3), (3, 6), (6, 9), (9, 10)]
        );
        assert_eq!(split(2, 4).len(), 2);
        assert_eq!(
            split(100, 1),
            vec![Span {
                start: 0,
                done: 0,
                end: 100
            }]
        );
    }

    #[test]
    fn the_record_reads_back_and_refuses_anything_else() {
        let mut spans = split(1000, 3);
        spans[1].done = 17;
        assert_eq!(decode(&encode(&spans), 1000), Some(spans.clone()));
        // Another size, a gap, an overlong range, junk: not trusted.
        assert_eq!(decode(&encode(&spans), 999), None);
        assert_eq!(decode("0 0 10\n11 0 20\n", 20), None);
        assert_eq!(decode("0 11 10\n", 10), None);
        assert_eq!(decode("0 0 10 4\n", 10), None);
        assert_eq!(decode("zero\n", 10), None);
        assert_eq!(decode("", 0), None);
    }
}
