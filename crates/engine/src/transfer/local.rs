//! Local → local: streamed copy into `NAME.odc-partial`, size and hash checked,
//! modified time kept, then renamed into place; moves by rename.

use std::path::Path;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use odc_core::quickxor::QuickXorHash;
use odc_graph::download::{SetAside, check_replaceable, open_partial, partial_path};
use odc_graph::{Error, Progress, Result};

/// Copies `source` to `target`; a file it replaces is first handed to
/// `set_aside`, if given.
pub async fn copy_file(
    source: &Path,
    target: &Path,
    progress: &Progress,
    cancel: &CancellationToken,
    set_aside: Option<&SetAside>,
) -> Result<()> {
    let metadata = tokio::fs::metadata(source)
        .await
        .map_err(|e| Error::io(source, e))?;
    if !metadata.is_file() {
        // Opening a FIFO or a device to read would block or never end.
        return Err(Error::Other(format!(
            "{} is {}; only files are copied",
            source.display(),
            odc_core::fsutil::describe_kind(&metadata)
        )));
    }
    let size = metadata.len();
    progress.set_total(size);
    progress.set_done(0);
    let partial = partial_path(target);
    // Never through a planted link, never into someone else's file; a fresh copy
    // starts from nothing.
    let mut output = open_partial(&partial).await?;
    output
        .set_len(0)
        .await
        .map_err(|e| Error::io(&partial, e))?;
    let result = async {
        let mut input = tokio::fs::File::open(source)
            .await
            .map_err(|e| Error::io(source, e))?;
        let mut written = QuickXorHash::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let n = input
                .read(&mut buf)
                .await
                .map_err(|e| Error::io(source, e))?;
            if n == 0 {
                break;
            }
            output
                .write_all(&buf[..n])
                .await
                .map_err(|e| Error::io(&partial, e))?;
            written.update(&buf[..n]);
            progress.add(n as u64);
        }
        output
            .sync_all()
            .await
            .map_err(|e| Error::io(&partial, e))?;
        if written.len() != size {
            return Err(Error::Integrity(format!(
                "{}: read {} bytes of {size}; the file changed during the copy",
                source.display(),
                written.len()
            )));
        }
        // Read back what landed on disk and compare hashes.
        let landed = odc_core::quickxor::hash_file(&partial, None)
            .await
            .map_err(|e| Error::io(&partial, e))?;
        if landed.digest() != written.digest() {
            return Err(Error::Integrity(format!(
                "{}: the copy differs from the source",
                target.display()
            )));
        }
        let output = output.into_std().await;
        if let Ok(modified) = metadata.modified() {
            let _ = output.set_modified(modified);
        }
        use std::os::unix::fs::PermissionsExt;
        odc_core::fsutil::set_mode_as_cp(&output, metadata.permissions().mode())
            .map_err(|e| Error::io(&partial, e))?;
        Ok(())
    }
    .await;
    if let Err(err) = result {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(err);
    }
    if let Err(err) = check_replaceable(target).await {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(err);
    }
    if let Some(set_aside) = set_aside
        && tokio::fs::symlink_metadata(target).await.is_ok()
        && let Err(err) = set_aside(target.to_path_buf()).await
    {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(err);
    }
    tokio::fs::rename(&partial, target)
        .await
        .map_err(|e| Error::io(target, e))
}

/// Moves `path` into `dir` under its own name (`name (1).ext` when that is
/// taken): what `--backup-dir` keeps of a replaced file. Both must be on one
/// filesystem (a rename: nothing is copied, nothing can be half-kept).
pub async fn move_into(dir: &Path, path: &Path) -> Result<()> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut candidate = dir.join(&name);
    let mut n = 0;
    while tokio::fs::symlink_metadata(&candidate).await.is_ok() {
        n += 1;
        candidate = dir.join(crate::transfer::conflict::numbered_name(&name, n));
    }
    tokio::fs::rename(path, &candidate).await.map_err(|e| {
        Error::Other(format!(
            "{}: not kept in the backup folder {} ({e}); it must be on the same filesystem",
            odc_core::display::escape_path(path),
            odc_core::display::escape_path(dir)
        ))
    })
}

/// Moves a file or folder to the desktop trash (`~/.local/share/Trash`), from
/// where it can be restored; an error says it was not moved.
pub async fn to_trash(path: &Path) -> std::result::Result<(), String> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || trash::delete(&path))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("not moved to the trash ({e}); delete it by hand if you meant to"))
}

/// Removes a file or a directory tree.
pub async fn remove(path: &Path) -> Result<()> {
    let metadata = tokio::fs::symlink_metadata(path)
        .await
        .map_err(|e| Error::io(path, e))?;
    if metadata.is_dir() {
        tokio::fs::remove_dir_all(path).await
    } else {
        tokio::fs::remove_file(path).await
    }
    .map_err(|e| Error::io(path, e))
}
