//! Files that must never be seen half-written: a temp file in the same directory,
//! fsync, rename over the target, fsync of the directory. Created with mode 0600
//! (they hold tokens and upload URLs).

//!
//! Errors are plain `io::Error`s whose message names the file, so each layer can
//! wrap them in its own error type without losing which file it was.

use std::io::{self, Write};
use std::path::Path;

use crate::display::escape_path;

type Result<T> = io::Result<T>;

/// `err` with `path` in front of its message (the kind is kept).
fn at(path: &Path, err: io::Error) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", escape_path(path)))
}

fn parent_of(path: &Path) -> Result<&Path> {
    path.parent().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} has no directory", escape_path(path)),
        )
    })
}

pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_of(path)?;
    std::fs::create_dir_all(dir).map_err(|e| at(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    // tempfile creates the file with mode 0600 on Unix.
    let mut temp = tempfile::Builder::new()
        .prefix(".odc-")
        .tempfile_in(dir)
        .map_err(|e| at(dir, e))?;
    temp.write_all(bytes).map_err(|e| at(temp.path(), e))?;
    temp.as_file().sync_all().map_err(|e| at(temp.path(), e))?;
    temp.persist(path).map_err(|e| at(path, e.error))?;
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}

/// Opens `path` to read and write without following a symbolic link, creating it
/// exclusively (mode 0600) when it does not exist. An existing file must be a
/// regular file owned by this user; anything else is an error that says what it
/// is. The file is not truncated: the caller decides what to keep.
pub fn open_private_for_write(path: &Path) -> Result<std::fs::File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    for _ in 0..3 {
        let existing = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path);
        match existing {
            Ok(file) => {
                let meta = file.metadata().map_err(|e| at(path, e))?;
                // SAFETY: geteuid has no preconditions and cannot fail.
                let me = unsafe { libc::geteuid() };
                if !meta.is_file() || meta.uid() != me {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!(
                            "{} is {}{}; remove it and try again",
                            escape_path(path),
                            describe_kind(&meta),
                            if meta.is_file() {
                                " owned by another user"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
                return Ok(file);
            }
            Err(err) if err.raw_os_error() == Some(libc::ELOOP) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "{} is a symbolic link; odc does not write through it (remove it and try again)",
                        escape_path(path)
                    ),
                ));
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .custom_flags(libc::O_NOFOLLOW)
                    .open(path)
                {
                    Ok(file) => return Ok(file),
                    // Someone created it meanwhile: look at what it is.
                    Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(err) => return Err(at(path, err)),
                }
            }
            Err(err) => return Err(at(path, err)),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::Interrupted,
        format!("{} keeps changing under odc; try again", escape_path(path)),
    ))
}

/// Opens a regular file to read. A FIFO or device would block or never end, so
/// it is refused (opened without blocking first, then looked at, so it cannot be
/// swapped in between).
pub fn open_regular_for_read(path: &Path) -> Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| at(path, e))?;
    let meta = file.metadata().map_err(|e| at(path, e))?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is {}, not a file",
                escape_path(path),
                describe_kind(&meta)
            ),
        ));
    }
    Ok(file)
}

/// Which version of a local file this is: device, inode, size, and modified and
/// change times in nanoseconds. `cp -p`, `rsync -t` or `touch -r` put size and
/// modified time back after an edit, but no program can set the change time (any
/// write or `utime` moves it), and a file replaced by another has a new inode: an
/// edit always changes the version. The hash cache and the resume records key on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FileVersion {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i128,
    pub ctime_ns: i128,
}

impl FileVersion {
    pub fn of(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nsec: i64| secs as i128 * 1_000_000_000 + nsec as i128;
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// The process's file mode creation mask. Read from `/proc/self/status` (Linux
/// 4.7+) because `umask(2)` can only be read by setting it, which would race with
/// other threads creating files; 0o022 where it cannot be read.
pub fn umask() -> u32 {
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UMASK.get_or_init(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                let line = status.lines().find(|l| l.starts_with("Umask:"))?;
                u32::from_str_radix(line["Umask:".len()..].trim(), 8).ok()
            })
            .unwrap_or(0o022)
    })
}

/// Gives a finished file the mode `cp` would give a new one: `base` (0o666 for a
/// download, the source's mode for a local copy) less the umask. Partial files
/// are created 0600 so that nobody reads a file before it is whole and checked;
/// this runs just before the rename that makes it visible.
pub fn set_mode_as_cp(file: &std::fs::File, base: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = base & 0o777 & !umask();
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

/// "a directory", "a FIFO"…: what a non-regular file is, for messages.
pub fn describe_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_file() {
        "a file"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// An exclusive advisory lock held while the returned file is open. Several odc
/// processes (a UI and commands in other terminals) read-modify-write the same
/// small files; the lock makes each of those a single step. The lock file sits
/// beside the data (`NAME.lock`) because the data file itself is replaced by
/// rename on every write, and a lock on a replaced file protects nothing.
pub fn lock_beside(path: &Path) -> Result<std::fs::File> {
    let dir = parent_of(path)?;
    std::fs::create_dir_all(dir).map_err(|e| at(dir, e))?;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock_path = dir.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(&lock_path).map_err(|e| at(&lock_path, e))?;
    file.lock().map_err(|e| at(&lock_path, e))?;
    Ok(file)
}

/// Moves a damaged file aside (`NAME.damaged-UNIXTIME`) so that nothing is lost
/// when it is replaced, and returns where it went.
pub fn set_aside(path: &Path) -> Result<std::path::PathBuf> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".damaged-{}", chrono::Utc::now().timestamp()));
    let aside = path.with_file_name(name);
    std::fs::rename(path, &aside).map_err(|e| at(path, e))?;
    Ok(aside)
}

/// The bytes of the regular files below `dir` (links not followed), and how many
/// folders could not be read (their contents are missing from the sum).
pub fn tree_size(dir: &Path) -> (u64, usize) {
    let (mut bytes, mut unreadable) = (0u64, 0usize);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            unreadable += 1;
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(entry.path()),
                Ok(kind) if kind.is_file() => {
                    bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
                }
                _ => {}
            }
        }
    }
    (bytes, unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_excludes_a_second_holder_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("state.json");
        let first = lock_beside(&data).unwrap();
        let second = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.path().join("state.json.lock"))
            .unwrap();
        assert!(second.try_lock().is_err(), "held by the first");
        drop(first);
        assert!(second.try_lock().is_ok(), "free once released");
    }

    #[test]
    fn a_damaged_file_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("resume.json");
        std::fs::write(&data, b"{not json").unwrap();
        let aside = set_aside(&data).unwrap();
        assert!(!data.exists());
        assert_eq!(std::fs::read(aside).unwrap(), b"{not json");
    }
}

#[cfg(test)]
mod tree_size_tests {
    /// The files below, at any depth; links are not followed.
    #[test]
    fn tree_size_sums_the_files_below_without_following_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/one"), [0u8; 10]).unwrap();
        std::fs::write(dir.path().join("a/b/two"), [0u8; 32]).unwrap();
        std::os::unix::fs::symlink("/", dir.path().join("a/root")).unwrap();
        assert_eq!(super::tree_size(dir.path()), (42, 0));
        assert_eq!(super::tree_size(&dir.path().join("missing")), (0, 1));
    }
}
