//! Remote paths (`/Documents/a.txt`, from the drive root) and their encoding in
//! Graph URLs: each segment percent-encoded on its own (RFC 3986 unreserved kept),
//! `/` between segments, and always the closing colon (Graph reference §3).

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::error::{Error, Result};

/// Everything but `A-Z a-z 0-9 - . _ ~` is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What marks a OneDrive path where a local path could also be written.
pub const REMOTE_PREFIX: &str = "OneDrive:";
/// The name written for the default account's drive (`OneDrive:/…`); other
/// accounts are written by their short names (`work:/…`, `work@{drive-id}:/…`).
pub const DEFAULT_DRIVE_NAME: &str = "OneDrive";

/// Account names appear before a colon in paths (`work:/Reports`), so they are
/// short words; `OneDrive` is taken by the default account's paths.
pub fn check_account_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !name.eq_ignore_ascii_case(REMOTE_PREFIX.trim_end_matches(':'));
    if valid {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "{:?} cannot name an account: use letters, digits, '.', '_' or '-' (up to 64), and not \"OneDrive\"",
            odc_core::display::escape_control(name)
        )))
    }
}

/// Which drive a remote path is in: an account (by its short name; `None` is the
/// default account), one of its drives (`None` is its OneDrive), and, for a folder
/// shared from another drive, that folder (paths are then below it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DriveSpec {
    pub account: Option<String>,
    pub drive_id: Option<String>,
    /// The item id of a shared folder in `drive_id`, the root of paths in it.
    pub folder: Option<String>,
}

/// Separates a drive id from a shared folder's item id in a written place
/// (`OneDrive@0a1b…~0A1B…!105:/sub`): neither kind of id holds it.
const FOLDER_MARK: char = '~';

impl DriveSpec {
    pub fn is_default(&self) -> bool {
        self.account.is_none() && self.drive_id.is_none()
    }

    /// A folder shared from another drive, seen from `account`.
    pub fn shared_folder(account: Option<String>, drive_id: &str, folder: &str) -> DriveSpec {
        DriveSpec {
            account,
            drive_id: Some(drive_id.to_string()),
            folder: Some(folder.to_string()),
        }
    }

    /// `OneDrive`, `work`, `work@b!Xy…`, or `work@b!Xy…~01AB…` (before the `:` of a
    /// written path).
    pub fn prefix(&self) -> String {
        let account = self.account.as_deref().unwrap_or(DEFAULT_DRIVE_NAME);
        match (&self.drive_id, &self.folder) {
            (Some(id), Some(folder)) => format!("{account}@{id}{FOLDER_MARK}{folder}"),
            (Some(id), None) => format!("{account}@{id}"),
            (None, _) => account.to_string(),
        }
    }

    /// Reads a prefix back; `None` when `text` cannot be one.
    pub fn parse_prefix(text: &str) -> Option<DriveSpec> {
        let (account, drive_id) = match text.split_once('@') {
            Some((account, id)) => (account, Some(id)),
            None => (text, None),
        };
        let (drive_id, folder) = match drive_id.and_then(|id| id.split_once(FOLDER_MARK)) {
            Some((id, folder)) => (Some(id), Some(folder)),
            None => (drive_id, None),
        };
        let id_ok = |id: Option<&str>| {
            id.is_none_or(|id| {
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '!' | '-' | '_' | '.'))
            })
        };
        if !id_ok(drive_id) || !id_ok(folder) {
            return None;
        }
        let account = if account.eq_ignore_ascii_case(DEFAULT_DRIVE_NAME) {
            None
        } else {
            check_account_name(account).ok()?;
            Some(account.to_string())
        };
        Some(DriveSpec {
            account,
            drive_id: drive_id.map(str::to_string),
            folder: folder.map(str::to_string),
        })
    }
}

/// A drive id as odc keeps and compares it. Personal drive ids come back in
/// either case and sometimes without their leading zero (onedrive-api-docs#1890,
/// #1902; abraunegg#3072): they are written lower case and 16 digits long.
/// Business ids (`b!…`) are case-sensitive and kept as they are.
pub fn normal_drive_id(id: &str) -> String {
    if !id.is_empty() && id.len() < 16 && id.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("{:0>16}", id.to_ascii_lowercase())
    } else if id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()) {
        id.to_ascii_lowercase()
    } else {
        id.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RemotePath {
    drive: DriveSpec,
    segments: Vec<String>,
}

impl RemotePath {
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses a user-typed path. Empty segments and `.` are dropped; `..` is refused
    /// rather than guessed at.
    pub fn parse(text: &str) -> Result<Self> {
        let mut segments = Vec::new();
        for segment in text.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    return Err(Error::InvalidName(format!(
                        "{text}: \"..\" is not allowed in OneDrive paths; write the full path from /"
                    )));
                }
                s => segments.push(s.to_string()),
            }
        }
        Ok(Self {
            drive: DriveSpec::default(),
            segments,
        })
    }

    /// The same path in another drive.
    pub fn in_drive(mut self, drive: DriveSpec) -> Self {
        self.drive = drive;
        self
    }

    pub fn drive(&self) -> &DriveSpec {
        &self.drive
    }

    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    pub fn name(&self) -> Option<&str> {
        self.segments.last().map(String::as_str)
    }

    pub fn parent(&self) -> Option<RemotePath> {
        if self.segments.is_empty() {
            return None;
        }
        Some(Self {
            drive: self.drive.clone(),
            segments: self.segments[..self.segments.len() - 1].to_vec(),
        })
    }

    pub fn join(&self, name: &str) -> RemotePath {
        let mut segments = self.segments.clone();
        segments.push(name.to_string());
        Self {
            drive: self.drive.clone(),
            segments,
        }
    }

    /// `root` or `root:/a/b%20c:` (append `/children`, `/content`… after it).
    pub fn address(&self) -> String {
        self.address_below("root")
    }

    /// The path below `base` (`root`, or `items/{id}` for a shared folder):
    /// `base` itself, or `base:/a/b%20c:`. An empty relative path is never sent
    /// (`items/{id}:/` is refused with 400: rclone#3664).
    pub fn address_below(&self, base: &str) -> String {
        if self.segments.is_empty() {
            return base.to_string();
        }
        let encoded: Vec<String> = self
            .segments
            .iter()
            .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
            .collect();
        format!("{base}:/{}:", encoded.join("/"))
    }
}

impl fmt::Display for RemotePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}", self.segments.join("/"))
    }
}

/// Encodes one segment, for `items/{id}:/{name}:` forms.
pub fn encode_segment(name: &str) -> String {
    utf8_percent_encode(name, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_encoding_examples() {
        let cases = [
            (
                "/Ryan's Files/doc (1).docx",
                "root:/Ryan%27s%20Files/doc%20%281%29.docx:",
            ),
            ("/estimate%s.docx", "root:/estimate%25s.docx:"),
            ("/Break#Out", "root:/Break%23Out:"),
            ("/100% #1?.txt", "root:/100%25%20%231%3F.txt:"),
            (
                "/Ünïcødé 😀.txt",
                "root:/%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%F0%9F%98%80.txt:",
            ),
            ("/a+b", "root:/a%2Bb:"),
            ("/lit%2B", "root:/lit%252B:"),
        ];
        for (path, address) in cases {
            assert_eq!(
                RemotePath::parse(path).unwrap().address(),
                address,
                "{path}"
            );
        }
        assert_eq!(RemotePath::parse("/").unwrap().address(), "root");
        assert_eq!(RemotePath::parse("").unwrap().address(), "root");
    }

    #[test]
    fn parsing_and_navigation() {
        let path = RemotePath::parse("Documents//./Sub/a.txt").unwrap();
        assert_eq!(path.to_string(), "/Documents/Sub/a.txt");
        assert_eq!(path.name(), Some("a.txt"));
        assert_eq!(path.parent().unwrap().to_string(), "/Documents/Sub");
        assert_eq!(
            path.parent().unwrap().join("b").to_string(),
            "/Documents/Sub/b"
        );
        assert!(RemotePath::root().parent().is_none());
        assert!(RemotePath::parse("/a/../b").is_err());
    }

    #[test]
    fn a_shared_folder_is_written_and_read_back() {
        let spec = DriveSpec::shared_folder(
            Some("work".into()),
            "0a1b2c3d4e5f6a7b",
            "0A1B2C3D4E5F6A7B!105",
        );
        assert_eq!(spec.prefix(), "work@0a1b2c3d4e5f6a7b~0A1B2C3D4E5F6A7B!105");
        assert_eq!(DriveSpec::parse_prefix(&spec.prefix()), Some(spec));
        assert_eq!(DriveSpec::parse_prefix("OneDrive@x~"), None);
        assert_eq!(DriveSpec::parse_prefix("OneDrive@x~a/b"), None);
        let path = RemotePath::parse("/a b/c").unwrap();
        assert_eq!(
            path.address_below("items/X%21105"),
            "items/X%21105:/a%20b/c:"
        );
        assert_eq!(RemotePath::root().address_below("items/X"), "items/X");
    }

    #[test]
    fn personal_drive_ids_are_compared_as_written_by_odc() {
        assert_eq!(normal_drive_id("A1B2C3D4E5F6A7B"), "0a1b2c3d4e5f6a7b");
        assert_eq!(normal_drive_id("0A1B2C3D4E5F6A7B"), "0a1b2c3d4e5f6a7b");
        assert_eq!(normal_drive_id("b!AbC-x_Y"), "b!AbC-x_Y");
    }
}
