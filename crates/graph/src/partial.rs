//! Partial files: `NAME.odc-partial` beside the target while a download or a local
//! copy runs. Never opened through a link, created exclusively and private, tagged
//! with what they hold so only the same version is ever continued, and never
//! renamed over anything but a regular file.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

use super::error::{Error, Result};
use super::item::DriveItem;
use odc_core::quickxor::QuickXorHash;

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
pub(super) fn identity_of(item: &DriveItem) -> String {
    let version = item
        .c_tag
        .as_deref()
        .or(item.e_tag.as_deref())
        .or(item.quick_xor_hash())
        .unwrap_or("");
    format!("{}\n{version}\n{}", item.id, item.size)
}

/// Tags kept with a partial file as extended attributes, so that whoever finds the
/// partial (a later `get`, the UI, a resume) knows what it holds.
pub(super) mod partial_tag {
    use std::ffi::CStr;
    use std::os::fd::AsRawFd;

    /// What the partial is part of ([`super::identity_of`]).
    pub const IDENTITY: &CStr = c"user.odc.partial";
    /// For a download in several streams: how far each range got.
    pub const RANGES: &CStr = c"user.odc.ranges";

    pub fn read(file: &impl AsRawFd, name: &CStr) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 4096];
        // SAFETY: the fd is open for the call, and buf is valid for buf.len() bytes.
        let n = unsafe {
            libc::fgetxattr(
                file.as_raw_fd(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        (n >= 0).then(|| {
            buf.truncate(n as usize);
            buf
        })
    }

    pub fn write(file: &impl AsRawFd, name: &CStr, value: &[u8]) -> std::io::Result<()> {
        // SAFETY: the fd is open for the call, and value is valid for its length.
        let rc = unsafe {
            libc::fsetxattr(
                file.as_raw_fd(),
                name.as_ptr(),
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

    /// Removes the tags before the partial becomes the real file: they describe
    /// a download, not the file it produced.
    pub fn clear(file: &impl AsRawFd) {
        for name in [IDENTITY, RANGES] {
            // SAFETY: the fd is open for the call; a missing attribute is fine.
            unsafe { libc::fremovexattr(file.as_raw_fd(), name.as_ptr()) };
        }
    }
}

/// Opens (or creates, exclusively and private) a partial file to write. Never
/// follows a symbolic link and never writes into anything but a regular file of
/// this user: a planted `NAME.odc-partial` link must not let a download truncate
/// the file it points at.
pub async fn open_partial(path: &Path) -> Result<tokio::fs::File> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || odc_core::fsutil::open_private_for_write(&path))
        .await
        .map_err(|e| Error::Other(format!("partial file: {e}")))?
        .map(tokio::fs::File::from_std)
        .map_err(Error::Local)
}

/// Refuses to rename over anything but a regular file: a FIFO, device, socket,
/// directory or link at the target is the user's, and not ours to replace.
pub async fn check_replaceable(target: &Path) -> Result<()> {
    match tokio::fs::symlink_metadata(target).await {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) => Err(Error::Other(format!(
            "{} exists and is {}; it was not replaced",
            odc_core::display::escape_path(target),
            odc_core::fsutil::describe_kind(&meta)
        ))),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(Error::io(target, err)),
    }
}

pub(super) struct Partial {
    pub(super) path: PathBuf,
    pub(super) writer: tokio::io::BufWriter<tokio::fs::File>,
    pub(super) offset: u64,
    pub(super) hasher: QuickXorHash,
}

impl Partial {
    /// Opens the partial file, keeping what a previous attempt wrote only if its
    /// tag says it holds the start of this very version of the item; anything
    /// else (another version, no tag, a filesystem that cannot keep the tag) is
    /// started afresh.
    pub(super) async fn open(path: PathBuf, size: u64, identity: &str) -> Result<Self> {
        let file = open_partial(&path).await?;
        let same =
            partial_tag::read(&file, partial_tag::IDENTITY).as_deref() == Some(identity.as_bytes());
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
        if !same
            && let Err(err) = partial_tag::write(&file, partial_tag::IDENTITY, identity.as_bytes())
        {
            // Still downloads; only resuming after an interruption is lost.
            tracing::info!(
                "cannot tag {} ({err}); it will not be resumed",
                path.display()
            );
        }
        let hasher = if offset > 0 {
            odc_core::quickxor::hash_file(&path, Some(offset))
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

    pub(super) async fn restart(&mut self) -> Result<()> {
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

    pub(super) async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.writer
            .write_all(chunk)
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        self.hasher.update(chunk);
        self.offset += chunk.len() as u64;
        Ok(())
    }

    pub(super) async fn finish(mut self) -> Result<(tokio::fs::File, QuickXorHash)> {
        self.writer
            .flush()
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        let file = self.writer.into_inner();
        file.sync_all()
            .await
            .map_err(|e| Error::io(&self.path, e))?;
        partial_tag::clear(&file);
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
