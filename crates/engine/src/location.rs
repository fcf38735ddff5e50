//! Where an item is: a local path or a path in the signed-in OneDrive. The one model
//! the panes, the job engine, the resume file and the commands share, with its one
//! written form (`OneDrive:/Documents/a.txt` or `/home/ada/a.txt`) and its parser.

use std::fmt;
use std::path::{Path, PathBuf};

use odc_graph::RemotePath;

use odc_graph::path::REMOTE_PREFIX;

/// Why a written location cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("the destination is empty")]
    Empty,
    #[error("{0}: give an absolute path, or {REMOTE_PREFIX}/path")]
    Relative(String),
    #[error("{0}")]
    Remote(odc_graph::Error),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    Local(PathBuf),
    Remote(RemotePath),
}

impl Location {
    pub fn is_remote(&self) -> bool {
        matches!(self, Location::Remote(_))
    }

    pub fn name(&self) -> String {
        match self {
            Location::Local(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Location::Remote(p) => p.name().unwrap_or_default().to_string(),
        }
    }

    pub fn join(&self, name: &str) -> Location {
        match self {
            Location::Local(p) => Location::Local(p.join(name)),
            Location::Remote(p) => Location::Remote(p.join(name)),
        }
    }

    /// Whether this is `ancestor` or lies below it (same side only).
    pub fn is_within(&self, ancestor: &Location) -> bool {
        match (self, ancestor) {
            (Location::Local(p), Location::Local(a)) => p.starts_with(a),
            (Location::Remote(p), Location::Remote(a)) => {
                p.drive() == a.drive()
                    && p.segments().len() >= a.segments().len()
                    && p.segments()
                        .iter()
                        .zip(a.segments())
                        .all(|(x, y)| x.to_lowercase() == y.to_lowercase())
            }
            _ => false,
        }
    }

    pub fn parent(&self) -> Option<Location> {
        match self {
            Location::Local(p) => p.parent().map(|p| Location::Local(p.to_path_buf())),
            Location::Remote(p) => p.parent().map(Location::Remote),
        }
    }

    /// The path alone, without the OneDrive mark: for places that already say which
    /// side they show (a command's output names the remote path it was given).
    pub fn bare_path(&self) -> String {
        match self {
            Location::Local(p) => p.display().to_string(),
            Location::Remote(p) => p.to_string(),
        }
    }

    /// Parses the written form: `OneDrive:/path`, an absolute local path, or a local
    /// path relative to `relative_to` when one is given.
    pub fn parse(text: &str, relative_to: Option<&Path>) -> Result<Location, LocationError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LocationError::Empty);
        }
        if let Some(rest) = text.strip_prefix(REMOTE_PREFIX) {
            return RemotePath::parse(rest)
                .map(Location::Remote)
                .map_err(LocationError::Remote);
        }
        // `work:/Reports`, `work@b!x:/Reports`: another account or drive.
        if let Some((prefix, rest)) = text.split_once(':')
            && rest.starts_with('/')
            && let Some(drive) = odc_graph::path::DriveSpec::parse_prefix(prefix)
        {
            return RemotePath::parse(rest)
                .map(|path| Location::Remote(path.in_drive(drive)))
                .map_err(LocationError::Remote);
        }
        let path = PathBuf::from(text);
        if path.is_absolute() {
            return Ok(Location::Local(path));
        }
        match relative_to {
            Some(base) => Ok(Location::Local(base.join(path))),
            None => Err(LocationError::Relative(text.to_string())),
        }
    }
}

/// The written form `parse` reads back. Local paths that are not UTF-8 are shown
/// lossily; callers escape control characters where they print.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Local(p) => write!(f, "{}", p.display()),
            Location::Remote(p) => write!(f, "{}:{p}", p.drive().prefix()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_form_reads_back() {
        for location in [
            Location::Local(PathBuf::from("/home/ada/a b.txt")),
            Location::Remote(RemotePath::root()),
            Location::Remote(RemotePath::parse("/Documents/ü 1.txt").unwrap()),
        ] {
            assert_eq!(
                Location::parse(&location.to_string(), None).unwrap(),
                location
            );
        }
        assert_eq!(
            Location::Remote(RemotePath::parse("/a/b").unwrap()).to_string(),
            "OneDrive:/a/b"
        );
    }

    #[test]
    fn other_accounts_and_drives_are_written_before_the_colon() {
        use odc_graph::path::DriveSpec;
        let work = DriveSpec {
            account: Some("work".into()),
            drive_id: None,
            folder: None,
        };
        let library = DriveSpec {
            account: Some("work".into()),
            drive_id: Some("b!AbC-_9".into()),
            folder: None,
        };
        for (drive, written) in [
            (work, "work:/Reports/q1.xlsx"),
            (library, "work@b!AbC-_9:/Reports/q1.xlsx"),
        ] {
            let location = Location::Remote(
                RemotePath::parse("/Reports/q1.xlsx")
                    .unwrap()
                    .in_drive(drive),
            );
            assert_eq!(location.to_string(), written);
            assert_eq!(Location::parse(written, None).unwrap(), location);
            assert_eq!(
                location.parent().unwrap().to_string(),
                written.replace("/q1.xlsx", "")
            );
        }
        // Not a drive: a relative local path stays one.
        assert_eq!(
            Location::parse("a b:/x", Some(Path::new("/h"))).unwrap(),
            Location::Local(PathBuf::from("/h/a b:/x"))
        );
    }

    #[test]
    fn relative_and_empty_destinations() {
        assert_eq!(
            Location::parse(" sub/x ", Some(Path::new("/home/ada"))).unwrap(),
            Location::Local(PathBuf::from("/home/ada/sub/x"))
        );
        assert!(
            Location::parse("sub", None)
                .unwrap_err()
                .to_string()
                .contains("OneDrive:/path")
        );
        assert_eq!(
            Location::parse("  ", None).unwrap_err().to_string(),
            "the destination is empty"
        );
    }
}
