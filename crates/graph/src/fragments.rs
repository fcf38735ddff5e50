//! Upload fragments read ahead (issue 14): while one fragment is on the wire, the
//! next is read from disk and hashed on a blocking thread, so neither the disk
//! nor QuickXorHash ever holds the connection up. At most two fragments are in
//! memory: the one being sent and the one read ahead.

use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::task::JoinHandle;

use super::error::{Error, Result};
use odc_core::quickxor::QuickXorHash;

/// Hashes the file as it is read, exactly once per byte even when a fragment is
/// read again after a resume.
#[derive(Default)]
pub(super) struct RunningHash {
    pub hasher: QuickXorHash,
}

impl RunningHash {
    fn feed(&mut self, offset: u64, chunk: &[u8]) {
        let hashed = self.hasher.len();
        let end = offset + chunk.len() as u64;
        if offset <= hashed && end > hashed {
            self.hasher.update(&chunk[(hashed - offset) as usize..]);
        }
    }
}

/// A fragment being read: where it starts and the read itself.
type Ahead = (u64, JoinHandle<std::io::Result<Bytes>>);

/// Reads `size` bytes of one open file as fragments of `fragment` bytes.
pub(super) struct FragmentReader {
    path: PathBuf,
    file: Arc<std::fs::File>,
    size: u64,
    fragment: u64,
    hash: Arc<Mutex<RunningHash>>,
    ahead: Option<Ahead>,
}

impl FragmentReader {
    pub async fn open(
        path: &Path,
        size: u64,
        fragment: u64,
        hash: Arc<Mutex<RunningHash>>,
    ) -> Result<Self> {
        let owned = path.to_path_buf();
        let file = tokio::task::spawn_blocking(move || std::fs::File::open(owned))
            .await
            .map_err(|e| Error::Other(format!("reading {}: {e}", path.display())))?
            .map_err(|e| Error::io(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            file: Arc::new(file),
            size,
            fragment,
            hash,
            ahead: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The fragment that starts at `offset` (read ahead if it was the next one,
    /// else read now), and the read of the one after it started.
    pub async fn take(&mut self, offset: u64) -> Result<Bytes> {
        let read = match self.ahead.take() {
            Some((at, read)) if at == offset => read,
            // After a resume elsewhere: what was read ahead is of no use.
            _ => self.start_read(offset),
        };
        let data = read
            .await
            .map_err(|e| Error::Other(format!("reading {}: {e}", self.path.display())))?
            .map_err(|e| Error::io(&self.path, e))?;
        let next = offset + data.len() as u64;
        if next < self.size {
            self.ahead = Some((next, self.start_read(next)));
        }
        Ok(data)
    }

    /// Reads and hashes the fragment at `offset` on a blocking thread. A file
    /// that ends early gives a short fragment; the upload then fails on the size.
    fn start_read(&self, offset: u64) -> JoinHandle<std::io::Result<Bytes>> {
        let len = self.fragment.min(self.size.saturating_sub(offset)) as usize;
        let (file, hash) = (self.file.clone(), self.hash.clone());
        tokio::task::spawn_blocking(move || {
            let mut buffer = vec![0u8; len];
            let mut filled = 0;
            while filled < len {
                match file.read_at(&mut buffer[filled..], offset + filled as u64) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
            buffer.truncate(filled);
            hash.lock().unwrap().feed(offset, &buffer);
            Ok(Bytes::from(buffer))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fragments_read_ahead_hash_each_byte_once_and_follow_a_resume() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let hash = Arc::new(Mutex::new(RunningHash::default()));
        let mut reader = FragmentReader::open(&path, 10_000, 4_000, hash.clone())
            .await
            .unwrap();
        assert_eq!(reader.take(0).await.unwrap(), &data[..4_000]);
        assert_eq!(
            reader.ahead.as_ref().map(|a| a.0),
            Some(4_000),
            "read ahead"
        );
        // The service wants byte 1,000 again (a partly accepted fragment).
        assert_eq!(reader.take(1_000).await.unwrap(), &data[1_000..5_000]);
        assert_eq!(reader.take(5_000).await.unwrap(), &data[5_000..9_000]);
        assert_eq!(reader.take(9_000).await.unwrap(), &data[9_000..]);
        assert!(reader.ahead.is_none(), "nothing after the end");
        let mut whole = QuickXorHash::new();
        whole.update(&data);
        assert_eq!(hash.lock().unwrap().hasher.digest(), whole.digest());
    }
}
