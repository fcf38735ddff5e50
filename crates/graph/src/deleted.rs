//! What odc sent to the recycle bin, so that it can be found again.
//!
//! A personal OneDrive's recycle bin cannot be listed through Graph (no endpoint
//! enumerates it: onedrive-api-docs#424), but an item in it can be read and
//! restored by its id (driveitem-get with `includeDeletedItems`, driveitem-restore).
//! So every delete odc makes is written down here, with where the item was: the
//! recycle bin odc shows is this list, each entry checked against the service
//! before it is shown. Kept beside the token store (`deleted.json`, 0600, written
//! atomically under a lock: a UI and commands may delete at the same time).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::item::DriveItem;
use super::path::RemotePath;

/// The newest records kept: a recycle bin holds items for 30 to 93 days.
const MAX_RECORDS: usize = 20_000;

/// One item odc deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    /// The account's sign-in name.
    pub account: String,
    pub drive_id: String,
    pub id: String,
    pub name: String,
    /// Where it was, from the drive's root (`/Documents/a.txt`).
    pub path: String,
    pub folder: bool,
    pub size: u64,
    pub deleted_at: DateTime<Utc>,
}

impl Deleted {
    /// The record of `item`, deleted from `drive_id` of `account`; its place is
    /// `known_path` when the caller addressed it by path, else what the item's
    /// `parentReference.path` says.
    pub fn of(
        account: &str,
        drive_id: &str,
        item: &DriveItem,
        known_path: Option<&RemotePath>,
    ) -> Self {
        let path = match known_path {
            Some(path) => path.to_string(),
            None => place_of(item),
        };
        Deleted {
            account: account.to_string(),
            drive_id: drive_id.to_string(),
            id: item.id.clone(),
            name: item.name.clone(),
            path,
            folder: item.is_folder(),
            size: item.size,
            deleted_at: Utc::now(),
        }
    }

    pub fn remote_path(&self) -> Option<RemotePath> {
        RemotePath::parse(&self.path).ok()
    }
}

/// `/drive/root:/a/b` + `name` → `/a/b/name`; only the name when the parent's
/// path is not given.
fn place_of(item: &DriveItem) -> String {
    let parent = item
        .parent_reference
        .as_ref()
        .and_then(|p| p.path.as_deref())
        .and_then(|p| p.split_once("root:").map(|(_, rest)| rest.to_string()))
        .unwrap_or_default();
    let parent = percent_encoding::percent_decode_str(&parent).decode_utf8_lossy();
    format!("{}/{}", parent.trim_end_matches('/'), item.name)
}

#[derive(Default, Serialize, Deserialize)]
struct Saved {
    records: Vec<Deleted>,
}

/// The records of one odc home.
#[derive(Debug, Clone)]
pub struct Journal {
    file: PathBuf,
}

impl Journal {
    /// The journal beside the token store at `store_file`.
    pub fn beside(store_file: &std::path::Path) -> Self {
        Self {
            file: store_file.with_file_name("deleted.json"),
        }
    }

    /// Every record, oldest first. An unreadable journal reads as empty: the
    /// items are still in the recycle bin, only odc no longer lists them.
    pub fn records(&self) -> Vec<Deleted> {
        std::fs::read(&self.file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Saved>(&bytes).ok())
            .unwrap_or_default()
            .records
    }

    /// Adds records (newer ones replace any of the same item).
    pub fn record(&self, new: Vec<Deleted>) -> std::io::Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        self.change(|records| {
            records.retain(|r| !new.iter().any(|n| n.id == r.id && n.drive_id == r.drive_id));
            records.extend(new);
        })
    }

    /// Drops the records of items no longer in the recycle bin (restored, or
    /// deleted for good).
    pub fn forget(&self, drive_id: &str, ids: &[String]) -> std::io::Result<()> {
        self.change(|records| {
            records.retain(|r| !(r.drive_id == drive_id && ids.contains(&r.id)));
        })
    }

    fn change(&self, edit: impl FnOnce(&mut Vec<Deleted>)) -> std::io::Result<()> {
        let _lock = odc_core::fsutil::lock_beside(&self.file)?;
        let mut records = self.records();
        edit(&mut records);
        let excess = records.len().saturating_sub(MAX_RECORDS);
        records.drain(..excess);
        let bytes = serde_json::to_vec(&Saved { records }).map_err(std::io::Error::other)?;
        odc_core::fsutil::write_private_atomically(&self.file, &bytes)
    }
}
