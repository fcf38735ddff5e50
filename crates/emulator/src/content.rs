//! File content held by the emulator: small inline buffers, uploaded blobs on disk,
//! and large files generated on the fly from a seed (the demo's multi-GiB files cost
//! no memory or disk). All three serve any byte range as a stream of chunks.

use std::io::SeekFrom;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use futures::Stream;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use odc_core::quickxor::QuickXorHash;

/// Bytes per chunk when streaming content out.
pub const CHUNK: usize = 64 * 1024;

#[derive(Clone)]
pub enum Content {
    Inline(Bytes),
    Blob(Arc<BlobFile>),
    Generated(Arc<Generated>),
}

impl Content {
    pub fn len(&self) -> u64 {
        match self {
            Content::Inline(b) => b.len() as u64,
            Content::Blob(blob) => blob.size,
            Content::Generated(g) => g.size,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Streams bytes `start..end` (end exclusive).
    pub fn stream(
        &self,
        start: u64,
        end: u64,
    ) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
        let source = self.clone();
        futures::stream::unfold(
            (source, start, None::<tokio::fs::File>),
            move |(source, pos, mut file)| async move {
                if pos >= end {
                    return None;
                }
                let n = (end - pos).min(CHUNK as u64) as usize;
                let chunk = match &source {
                    Content::Inline(b) => Ok(b.slice(pos as usize..pos as usize + n)),
                    Content::Generated(g) => Ok(Bytes::from(g.bytes_at(pos, n))),
                    Content::Blob(blob) => read_blob(&blob.path, &mut file, pos, n).await,
                };
                match chunk {
                    Ok(bytes) => Some((Ok(bytes), (source, pos + n as u64, file))),
                    Err(err) => Some((Err(err), (source, end, None))),
                }
            },
        )
    }
}

async fn read_blob(
    path: &Path,
    file: &mut Option<tokio::fs::File>,
    pos: u64,
    n: usize,
) -> std::io::Result<Bytes> {
    if file.is_none() {
        let mut opened = tokio::fs::File::open(path).await?;
        opened.seek(SeekFrom::Start(pos)).await?;
        *file = Some(opened);
    }
    let file = file.as_mut().expect("opened above");
    let mut buf = vec![0u8; n];
    file.read_exact(&mut buf).await?;
    Ok(Bytes::from(buf))
}

/// An uploaded file's bytes on disk. The file is deleted when the last reference
/// goes (the item was overwritten or purged and no download is reading it).
pub struct BlobFile {
    pub path: PathBuf,
    pub size: u64,
}

impl Drop for BlobFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Deterministic pseudo-random content: byte `i` depends only on the seed and `i`,
/// so any range can be produced without producing what comes before it.
pub struct Generated {
    pub size: u64,
    pub seed: u64,
    hash: OnceLock<String>,
}

impl Generated {
    pub fn new(size: u64, seed: u64) -> Arc<Self> {
        Arc::new(Self {
            size,
            seed,
            hash: OnceLock::new(),
        })
    }

    fn word(&self, index: u64) -> u64 {
        // splitmix64: fast, and every word is independent of its neighbours.
        let mut z = self
            .seed
            .wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `n` bytes starting at `offset` (clamped to the size).
    pub fn bytes_at(&self, offset: u64, n: usize) -> Vec<u8> {
        let end = (offset + n as u64).min(self.size);
        let len = end.saturating_sub(offset) as usize;
        let mut out = vec![0u8; len];
        // Index loops on a plain slice, byte by byte from each word: fast even in the
        // lightly optimised test build (a Vec's own indexing is a call there).
        let buf = out.as_mut_slice();
        let mut i = 0;
        while i < len {
            let pos = offset + i as u64;
            let word = self.word(pos / 8).to_le_bytes();
            let mut from = (pos % 8) as usize;
            while from < 8 && i < len {
                buf[i] = word[from];
                from += 1;
                i += 1;
            }
        }
        out
    }

    /// The QuickXorHash, computed once (a 2 GiB file takes about a second).
    pub fn quickxor(&self) -> &str {
        self.hash.get_or_init(|| {
            let mut hasher = QuickXorHash::new();
            let mut pos = 0;
            while pos < self.size {
                let n = (self.size - pos).min(1 << 20) as usize;
                hasher.update(&self.bytes_at(pos, n));
                pos += n as u64;
            }
            hasher.finish_base64()
        })
    }
}

/// `len` deterministic bytes that differ with `salt`: test content small enough to
/// hold in memory, for the tests of the emulator and of the crates above it.
pub fn pattern(len: usize, salt: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i as u64).wrapping_mul(2_654_435_761) >> 13) as u8 ^ salt)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    #[test]
    fn generated_ranges_agree_with_the_whole() {
        let g = Generated::new(1000, 42);
        let whole = g.bytes_at(0, 1000);
        assert_eq!(whole.len(), 1000);
        assert_eq!(g.bytes_at(3, 17), whole[3..20].to_vec());
        assert_eq!(g.bytes_at(995, 100), whole[995..].to_vec());
        assert_ne!(Generated::new(1000, 43).bytes_at(0, 1000), whole);
        assert_eq!(g.quickxor(), odc_core::quickxor::quickxor_base64(&whole));
    }

    #[tokio::test]
    async fn streams_cover_exactly_the_range() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        let content = Content::Inline(Bytes::from(data.clone()));
        let parts: Vec<Bytes> = content
            .stream(10, 150_010)
            .map(|r| r.unwrap())
            .collect()
            .await;
        let joined: Vec<u8> = parts.concat();
        assert_eq!(joined, data[10..150_010].to_vec());
    }
}
