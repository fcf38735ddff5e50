//! Streaming a file's content to a writer (`odc cat`, `odc get PATH -`): no
//! partial file, resumed with Range after a drop, hash-checked at the end.

use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use super::client::Graph;
use super::error::{Error, Result};
use super::item::DriveItem;
use odc_core::quickxor::{QuickXorHash, hashes_match};

impl Graph {
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
                odc_core::display::escape_control(&item.name),
                item.kind()
            )));
        }
        let mut hasher = QuickXorHash::new();
        let mut offset = 0u64;
        let mut url: Option<String> = None;
        let mut retries = self.retries();
        while offset < item.size {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let step = tokio::select! {
                _ = cancel.cancelled() => Err(Error::Cancelled),
                r = self.stream_step(item, &mut url, offset, out, &mut hasher) => r,
            };
            match step {
                Ok(Some(written)) => offset += written,
                Ok(None) => self.after_throttle(&mut retries)?,
                Err(err) => {
                    let at = format!("streaming {} at byte {offset}", item.id);
                    self.retry_after_failure(&mut retries, err, &at).await?;
                }
            }
        }
        out.flush().await.map_err(|e| Error::io("stdout", e))?;
        if let Some(expected) = item.quick_xor_hash()
            && !hashes_match(expected, &hasher.digest())
        {
            return Err(Error::Integrity(format!(
                "{}: QuickXorHash differs (OneDrive says {expected}, the bytes give {})",
                odc_core::display::escape_control(&item.name),
                hasher.finish_base64()
            )));
        }
        Ok(())
    }

    /// One request from `offset`; returns how many bytes it wrote (a short count
    /// after a dropped connection is progress, not an error), None when throttled.
    async fn stream_step<W: tokio::io::AsyncWrite + Unpin>(
        &self,
        item: &DriveItem,
        url: &mut Option<String>,
        offset: u64,
        out: &mut W,
        hasher: &mut QuickXorHash,
    ) -> Result<Option<u64>> {
        let Some(mut response) = self.fetch_content(item, url, offset).await? else {
            return Ok(None); // throttled: the gate holds the next try
        };
        let mut skip = 0u64;
        match response.status().as_u16() {
            200 => skip = offset, // the range was ignored: drop what was written already
            206 => {}
            _ => return Err(super::download::refused_download(url, response).await),
        }
        let mut written = 0u64;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => {
                    super::bandwidth::receiving(chunk.len()).await;
                    chunk
                }
                Ok(None) => break,
                // What was written counts; the caller continues from there.
                Err(_) if written > 0 => return Ok(Some(written)),
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
                    odc_core::display::escape_control(&item.name),
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
        Ok(Some(written))
    }
}
