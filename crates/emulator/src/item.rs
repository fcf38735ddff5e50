//! One drive item as the emulator keeps it: its kind, content, names and tags, and
//! the few enums requests use to speak about items.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::content::Content;
use super::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// OneDrive personal: 16-hex drive ids, `DRIVE!N` item ids, folder cTags.
    Personal,
    /// OneDrive for Business: `b!` drive ids, `01…` item ids, no folder cTag,
    /// `quota.fileCount`, `$orderby=name` only.
    Business,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Fail,
    Replace,
    Rename,
}

impl Conflict {
    pub fn parse(text: &str) -> ApiResult<Self> {
        match text {
            "fail" => Ok(Conflict::Fail),
            "replace" => Ok(Conflict::Replace),
            "rename" => Ok(Conflict::Rename),
            other => Err(ApiError::bad_request(format!(
                "Invalid value '{other}' for @microsoft.graph.conflictBehavior; expected fail, replace or rename"
            ))),
        }
    }
}

pub enum ItemKind {
    Folder {
        /// Case-folded name -> id.
        children: BTreeMap<String, String>,
    },
    File {
        content: Content,
        /// QuickXorHash for stored content; generated content computes its own.
        hash: Option<String>,
    },
}

pub struct Item {
    pub id: String,
    pub name: String,
    pub parent: Option<String>,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    pub fs_created: DateTime<Utc>,
    pub fs_modified: DateTime<Utc>,
    /// Bumped on any change (eTag).
    pub version: u64,
    /// Bumped on content changes (cTag).
    pub content_version: u64,
    /// The drive's change count at this item's last change (delta).
    pub changed_at: u64,
    pub deleted: bool,
    pub kind: ItemKind,
    /// A package (`"oneNote"` for a OneNote notebook): a folder inside, shown with
    /// a `package` facet and no `folder` facet, as the service shows notebooks.
    pub package: Option<String>,
    /// A special folder's name (`"vault"` for the Personal Vault): shown as the
    /// `specialFolder` facet.
    pub special_folder: Option<String>,
    /// The service found malware in this file: shown as the `malware` facet, and
    /// its content is refused with 403 `malwareDetected` (onedrive-api-docs#1626).
    pub malware: Option<String>,
    /// A shortcut ("Add shortcut to My files"): a stub whose `remoteItem` points at
    /// an item in another drive. It holds no children of its own and paths do not
    /// pass through it; the target is reached at `/drives/{d}/items/{i}`.
    pub remote: Option<RemoteRef>,
    /// The earlier versions the service keeps of this file, oldest first: every
    /// content change makes one, and on business a change of `fileSystemInfo`
    /// does too (rclone#1716, onedrive-api-docs#877). The current version is the
    /// item itself.
    pub history: Vec<OldVersion>,
    /// What a download of this file sends when it is not the content listed: an
    /// iPhone's HEIC photo is listed with its original size and hash but served
    /// as a smaller still image (onedrive-api-docs#1723; onedrive-go quirks).
    pub served: Option<Content>,
}

/// An earlier version of a file: its bytes as they were.
#[derive(Clone)]
pub struct OldVersion {
    /// Personal drives give older versions opaque ids; business numbers them
    /// `1.0`, `2.0`… (onedrive-api-docs#1560).
    pub id: String,
    /// The `content_version` the file had, which its download URL names.
    pub content_version: u64,
    pub modified: DateTime<Utc>,
    pub content: Content,
    pub hash: Option<String>,
}

/// What a shortcut shows of its target, taken when it was made.
#[derive(Debug, Clone)]
pub struct RemoteRef {
    pub drive_id: String,
    pub drive_type: &'static str,
    pub item_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub folder: bool,
    pub size: u64,
    pub child_count: usize,
    pub owner_id: String,
    pub owner_name: String,
}

impl Item {
    pub fn is_folder(&self) -> bool {
        matches!(self.kind, ItemKind::Folder { .. })
    }

    /// A folder of this drive that items can be created in and paths pass
    /// through: not a shortcut's stub.
    pub fn holds_children(&self) -> bool {
        self.is_folder() && self.remote.is_none()
    }

    pub fn quickxor(&self) -> Option<String> {
        match &self.kind {
            ItemKind::File {
                content: Content::Generated(g),
                ..
            } => Some(g.quickxor().to_string()),
            ItemKind::File { hash, .. } => hash.clone(),
            ItemKind::Folder { .. } => None,
        }
    }

    pub fn child_count(&self) -> usize {
        match &self.kind {
            ItemKind::Folder { children } => children.len(),
            ItemKind::File { .. } => 0,
        }
    }

    pub fn etag(&self) -> String {
        format!("\"{{{}}},{}\"", self.id, self.version)
    }

    pub fn ctag(&self) -> String {
        format!("\"c:{{{}}},{}\"", self.id, self.content_version)
    }
}

/// Key under which a name is stored among its siblings.
pub fn fold(name: &str) -> String {
    name.to_lowercase()
}

/// What a path resolved to.
pub enum Resolved {
    Existing(String),
    /// Everything but the last segment exists; the last names a new child.
    Missing {
        parent: String,
        name: String,
    },
}
