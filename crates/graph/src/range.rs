//! Reading part of a file (the viewer, searching inside a file): one `Range: bytes=a-b`
//! request to the item's pre-authenticated download URL (Graph reference §4), so a
//! 10 GiB file can be looked at without downloading it.

use bytes::{Bytes, BytesMut};
use reqwest::header;

use super::client::Graph;
use super::download::refused_download;
use super::error::{Error, Result};

/// The download URL of one item, kept between reads; renewed when refused.
#[derive(Debug, Default)]
pub struct UrlCache {
    item: Option<(String, String)>,
}

/// Whose bytes a ranged read reads: a file's, or one of its earlier versions'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentKey<'a> {
    pub id: &'a str,
    pub version: Option<&'a str>,
}

impl<'a> ContentKey<'a> {
    pub fn current(id: &'a str) -> Self {
        Self { id, version: None }
    }

    /// What the URL cache remembers it by.
    fn cache_key(&self) -> String {
        match self.version {
            None => self.id.to_string(),
            Some(version) => format!("{}\n{version}", self.id),
        }
    }
}

impl Graph {
    /// Bytes `offset..offset + len` of the file `id` (fewer at its end, none past it).
    /// A server that ignores Range sends the whole file: what comes before `offset`
    /// is skipped and the reply is dropped after `len` bytes, never held in memory.
    pub async fn read_range(
        &self,
        id: ContentKey<'_>,
        cache: &tokio::sync::Mutex<UrlCache>,
        offset: u64,
        len: u64,
    ) -> Result<Bytes> {
        if len == 0 {
            return Ok(Bytes::new());
        }
        let mut retries = self.retries();
        loop {
            match self.try_read_range(id, cache, offset, len).await {
                Ok(Some(bytes)) => return Ok(bytes),
                Ok(None) => self.after_throttle(&mut retries)?,
                Err(err @ (Error::SignInRequired { .. } | Error::Cancelled)) => return Err(err),
                Err(err) if err.is_wait_refused() => return Err(err),
                Err(err) => {
                    retries.failures += 1;
                    if retries.failures >= self.max_attempts() || retries.out_of_time() {
                        return Err(err);
                    }
                    tokio::time::sleep(self.backoff(retries.failures)).await;
                }
            }
        }
    }

    async fn try_read_range(
        &self,
        id: ContentKey<'_>,
        cache: &tokio::sync::Mutex<UrlCache>,
        offset: u64,
        len: u64,
    ) -> Result<Option<Bytes>> {
        let Some(response) = self.ranged_get(id, cache, offset, offset + len).await? else {
            return Ok(None);
        };
        let skip = match response.status().as_u16() {
            206 => 0,
            200 => offset,                        // the range was ignored
            416 => return Ok(Some(Bytes::new())), // past the end
            _ => return Err(self.refused_range(cache, response).await),
        };
        Ok(Some(take_range(response, skip, len).await?))
    }

    /// One GET of bytes `start..end` of the file `id` from its pre-authenticated
    /// URL (fetched and kept in `cache` when there is none). None when the reply
    /// was a throttle (the shared gate holds the next try).
    pub(super) async fn ranged_get(
        &self,
        id: ContentKey<'_>,
        cache: &tokio::sync::Mutex<UrlCache>,
        start: u64,
        end: u64,
    ) -> Result<Option<reqwest::Response>> {
        self.gate().wait().await;
        let url = {
            let mut cache = cache.lock().await;
            match &cache.item {
                Some((for_id, url)) if *for_id == id.cache_key() => url.clone(),
                _ => {
                    let fresh = self
                        .location_of(&self.content_url_of(id.id, id.version))
                        .await?;
                    cache.item = Some((id.cache_key(), fresh.clone()));
                    fresh
                }
            }
        };
        let response = self
            .plain()
            .get(&url)
            .header(header::RANGE, format!("bytes={start}-{}", end - 1))
            .send()
            .await
            .map_err(|e| Error::from(e.without_url()))?;
        if self.note_throttle(&response)? {
            return Ok(None);
        }
        Ok(Some(response))
    }

    /// The error for a ranged reply that is not content; a refused URL is dropped
    /// from `cache` so the next try fetches a fresh one.
    pub(super) async fn refused_range(
        &self,
        cache: &tokio::sync::Mutex<UrlCache>,
        response: reqwest::Response,
    ) -> Error {
        let mut refused = Some(String::new());
        let err = refused_download(&mut refused, response).await;
        if refused.is_none() {
            cache.lock().await.item = None;
        }
        err
    }
}

/// Reads `len` bytes after skipping `skip`, then stops reading.
async fn take_range(mut response: reqwest::Response, mut skip: u64, len: u64) -> Result<Bytes> {
    let mut out = BytesMut::with_capacity(len.min(1 << 20) as usize);
    while (out.len() as u64) < len {
        let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::from(e.without_url()))?
        else {
            break;
        };
        let mut chunk = &chunk[..];
        if skip > 0 {
            let n = skip.min(chunk.len() as u64) as usize;
            skip -= n as u64;
            chunk = &chunk[n..];
        }
        let room = (len - out.len() as u64) as usize;
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    Ok(out.freeze())
}
