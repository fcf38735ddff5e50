//! The viewer's reads, run by the runner off the UI task: one block of a local file
//! or of a OneDrive file (a Range read), and searching a file of any size in
//! bounded memory, cancellable.

use std::sync::Arc;

use bytes::Bytes;
use tokio_util::sync::CancellationToken;

use crate::features::viewer::model::{BLOCK, LINE_MAX};
use crate::shared::messages::viewer::{Found, SearchRequest, ViewSource};
use odc_graph::Graph;
use odc_graph::range::UrlCache;

/// Bytes per read while searching.
const SEARCH_CHUNK: u64 = 1 << 20;

/// Where the viewer's bytes come from.
#[derive(Clone)]
pub struct Reader {
    source: ViewSource,
    graph: Option<Arc<Graph>>,
    urls: Arc<tokio::sync::Mutex<UrlCache>>,
}

impl Reader {
    pub fn new(
        source: ViewSource,
        graph: Option<Arc<Graph>>,
        urls: Arc<tokio::sync::Mutex<UrlCache>>,
    ) -> Self {
        Self {
            source,
            graph,
            urls,
        }
    }

    /// Bytes `offset..offset + len` (fewer at the end of the file).
    pub async fn read(&self, offset: u64, len: u64) -> Result<Bytes, String> {
        match &self.source {
            ViewSource::Local(path) => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || read_local(&path, offset, len))
                    .await
                    .map_err(|e| e.to_string())?
            }
            ViewSource::Remote { id, version, .. } => {
                let graph = self.graph.as_ref().ok_or("Sign in to OneDrive first")?;
                let key = odc_graph::range::ContentKey {
                    id,
                    version: version.as_deref(),
                };
                graph
                    .read_range(key, &self.urls, offset, len)
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }

    pub async fn block(&self, index: u64) -> Result<Bytes, String> {
        self.read(index * BLOCK, BLOCK).await
    }
}

fn read_local(path: &std::path::Path, offset: u64, len: u64) -> Result<Bytes, String> {
    use std::os::unix::fs::FileExt;
    let file = odc_core::fsutil::open_regular_for_read(path).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; len as usize];
    let mut filled = 0;
    while filled < buf.len() {
        match file.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => {
                return Err(format!("{}: {err}", odc_core::display::escape_path(path)));
            }
        }
    }
    buf.truncate(filled);
    Ok(Bytes::from(buf))
}

/// Lower-case letters match either case unless the pattern has a capital.
fn folding(pattern: &str) -> bool {
    !pattern.chars().any(char::is_uppercase)
}

fn fold(bytes: &[u8], on: bool) -> std::borrow::Cow<'_, [u8]> {
    if on {
        std::borrow::Cow::Owned(bytes.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

fn newlines(bytes: &[u8]) -> i64 {
    memchr::memchr_iter(b'\n', bytes).count() as i64
}

/// Searches for `request.pattern`; None when it is not in the file.
pub async fn search(
    reader: &Reader,
    request: &SearchRequest,
    cancel: &CancellationToken,
) -> Result<Option<Found>, String> {
    let fold_case = folding(&request.pattern);
    let needle = fold(request.pattern.as_bytes(), fold_case).into_owned();
    if needle.is_empty() {
        return Ok(None);
    }
    if request.forward {
        forward(reader, request, &needle, fold_case, cancel).await
    } else {
        backward(reader, request, &needle, fold_case, cancel).await
    }
}

/// The row to show a match at `start` from, given the last newline before it.
fn row_of(start: u64, last_newline: Option<u64>, floor: u64) -> u64 {
    let line = last_newline.map(|n| n + 1).unwrap_or(floor);
    line.max(start / LINE_MAX * LINE_MAX).max(floor)
}

async fn forward(
    reader: &Reader,
    request: &SearchRequest,
    needle: &[u8],
    fold_case: bool,
    cancel: &CancellationToken,
) -> Result<Option<Found>, String> {
    // Read from the top so that every newline up to the match is counted.
    let mut pos = request.top;
    let mut carry: Vec<u8> = Vec::new(); // the end of the last chunk, for matches across
    let mut lines = 0i64;
    let mut last_newline: Option<u64> = None;
    while pos < request.size {
        if cancel.is_cancelled() {
            return Err("search cancelled".into());
        }
        let chunk = reader.read(pos, SEARCH_CHUNK).await?;
        if chunk.is_empty() {
            break;
        }
        let base = pos - carry.len() as u64;
        let mut window = std::mem::take(&mut carry);
        window.extend_from_slice(&chunk);
        let folded = fold(&window, fold_case);
        let skip = request.from.saturating_sub(base).min(window.len() as u64) as usize;
        if let Some(at) = memchr::memmem::find(&folded[skip..], needle) {
            let at = skip + at;
            let start = base + at as u64;
            // Newlines of this window not yet counted: those after the carry.
            let counted_to = window.len() - chunk.len();
            let before = &window[..at];
            if let Some(n) = memchr::memrchr(b'\n', before) {
                last_newline = Some(base + n as u64);
            }
            let row_start = row_of(start, last_newline, request.top);
            let row_in_window = (row_start.saturating_sub(base)) as usize;
            if row_in_window > counted_to {
                lines += newlines(&window[counted_to..row_in_window]);
            } else {
                lines -= newlines(&window[row_in_window..counted_to]);
            }
            return Ok(Some(Found {
                start,
                end: start + needle.len() as u64,
                row_start,
                lines,
            }));
        }
        lines += newlines(&chunk);
        if let Some(n) = memchr::memrchr(b'\n', &chunk) {
            last_newline = Some(pos + n as u64);
        }
        pos += chunk.len() as u64;
        let keep = (needle.len() - 1).min(window.len());
        carry = window[window.len() - keep..].to_vec();
    }
    Ok(None)
}

async fn backward(
    reader: &Reader,
    request: &SearchRequest,
    needle: &[u8],
    fold_case: bool,
    cancel: &CancellationToken,
) -> Result<Option<Found>, String> {
    // Chunks aligned to SEARCH_CHUNK (a multiple of LINE_MAX), read towards the start;
    // each is searched with the first bytes of the one after it, for matches across.
    let mut end = request.from.min(request.size);
    let mut lines_below = 0i64; // newlines between the chunk's end and the top
    let mut after: Vec<u8> = Vec::new();
    while end > 0 {
        if cancel.is_cancelled() {
            return Err("search cancelled".into());
        }
        let start = (end - 1) / SEARCH_CHUNK * SEARCH_CHUNK;
        let chunk = reader.read(start, end - start).await?;
        let mut window = chunk.to_vec();
        window.extend_from_slice(&after);
        let folded = fold(&window, fold_case);
        // A match must start before `end` (and before `from`).
        let limit = (chunk.len() + needle.len() - 1).min(window.len());
        if let Some(at) = memchr::memmem::rfind(&folded[..limit], needle)
            && (at as u64) < chunk.len() as u64
        {
            let found = start + at as u64;
            let last_newline = memchr::memrchr(b'\n', &chunk[..at]).map(|n| start + n as u64);
            let row_start = row_of(found, last_newline, start);
            // Newlines from the row to the top: within this chunk, then those below.
            let to_top = (request.top.min(end).saturating_sub(start)) as usize;
            let from_row = (row_start - start) as usize;
            let mut lines = if from_row < to_top {
                -newlines(&chunk[from_row..to_top])
            } else {
                newlines(&chunk[to_top..from_row])
            };
            lines -= lines_below;
            return Ok(Some(Found {
                start: found,
                end: found + needle.len() as u64,
                row_start,
                lines,
            }));
        }
        let to_top = (request.top.min(end).saturating_sub(start)) as usize;
        lines_below += newlines(&chunk[..to_top]);
        after = chunk[..(needle.len() - 1).min(chunk.len())].to_vec();
        end = start;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader_for(data: &[u8]) -> (Reader, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, data).unwrap();
        let reader = Reader::new(ViewSource::Local(path), None, Default::default());
        (reader, dir)
    }

    async fn find(data: &[u8], pattern: &str, top: u64, from: u64, forward: bool) -> Option<Found> {
        let (reader, _dir) = reader_for(data);
        let request = SearchRequest {
            pattern: pattern.into(),
            size: data.len() as u64,
            top,
            from,
            forward,
        };
        search(&reader, &request, &CancellationToken::new())
            .await
            .unwrap()
    }

    /// `row 0\nrow 1\n…`: several search chunks long.
    fn rows(count: usize) -> String {
        (0..count).map(|n| format!("row {n}\n")).collect()
    }

    #[tokio::test]
    async fn finds_forward_across_chunks_counting_lines() {
        let text = rows(200_000);
        let at = text.find("row 150000\n").unwrap() as u64;
        let found = find(text.as_bytes(), "ROW 150000", 0, 0, true).await;
        assert_eq!(found, None, "a capital makes the search exact");
        let found = find(text.as_bytes(), "row 150000", 0, 0, true)
            .await
            .unwrap();
        assert_eq!(
            (found.start, found.row_start, found.lines),
            (at, at, 150_000)
        );
        let top = text.find("row 100\n").unwrap() as u64;
        let found = find(text.as_bytes(), "w 150000", top, top, true)
            .await
            .unwrap();
        assert_eq!((found.row_start, found.lines), (at, 149_900));
    }

    #[tokio::test]
    async fn finds_backward_with_negative_line_counts() {
        let text = rows(200_000);
        let top = text.find("row 190000\n").unwrap() as u64;
        let at = text.find("row 20\n").unwrap() as u64;
        let found = find(text.as_bytes(), "row 20\n", top, top, false)
            .await
            .unwrap();
        assert_eq!(
            (found.start, found.row_start, found.lines),
            (at, at, -189_980)
        );
        assert_eq!(
            find(text.as_bytes(), "nothing", top, top, false).await,
            None
        );
    }
}
