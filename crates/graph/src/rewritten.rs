//! Files the service changes: served as another rendition, or changed after upload.
//!
//! Files the service changed after they were uploaded. SharePoint document
//! libraries write their properties into Office, PDF and HTML files, so the stored
//! size and hash differ from the bytes sent (onedrive-api-docs#935; Graph reference
//! §10.8). Such an upload is accepted when the drive is a business one and the file
//! of a kind the service rewrites, and remembered here (by the stored file's hash:
//! what was sent, its size and hash), so that a later compare says "changed by the
//! server" instead of a difference and a sync does not send the file again and
//! again. Kept in `$XDG_STATE_HOME/odc/rewritten.json` (0600, written atomically).

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::item::DriveItem;

/// Extensions SharePoint rewrites.
const REWRITTEN: [&str; 12] = [
    "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pptm", "pdf", "html", "htm",
];

/// The newest records kept: enough for any one library, small enough to read whole.
const MAX_RECORDS: usize = 20_000;

/// Whether the service may have changed `item` after it was stored: a file of a
/// kind document libraries rewrite, on a business drive.
pub fn may_be_rewritten(item: &DriveItem) -> bool {
    let business = item
        .parent_reference
        .as_ref()
        .and_then(|p| p.drive_type.as_deref())
        .is_some_and(|t| t == "business" || t == "documentLibrary");
    let kind = item
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .is_some_and(|e| REWRITTEN.contains(&e.as_str()));
    business && kind
}

/// Whether the service is known to send another rendition of this file than the
/// one it lists (size and hash): iPhone HEIC photos download as a smaller still
/// image (onedrive-api-docs#1723; onedrive-go's quirk list).
pub fn served_as_another_rendition(item: &DriveItem) -> bool {
    item.name
        .rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case("heic") || e.eq_ignore_ascii_case("heif"))
}

/// What was sent for a file the service then changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub size: u64,
    /// QuickXorHash of the bytes sent.
    pub hash: String,
}

#[derive(Default, Serialize, Deserialize)]
struct Saved {
    /// Stored file's QuickXorHash → what was sent, oldest first.
    records: Vec<(String, Sent)>,
}

/// The records of one odc home.
#[derive(Debug, Clone)]
pub struct Rewrites {
    file: Option<PathBuf>,
}

impl Rewrites {
    pub fn standard() -> Self {
        Self {
            file: odc_core::paths::state_dir().map(|d| d.join("rewritten.json")),
        }
    }

    /// Stored hash → what was sent. An unreadable record file reads as empty: the
    /// worst that follows is a file compared as different.
    pub fn load(&self) -> HashMap<String, Sent> {
        self.read().records.into_iter().collect()
    }

    fn read(&self) -> Saved {
        self.file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Remembers that the file stored with `stored_hash` was sent as `sent`.
    pub fn remember(&self, stored_hash: &str, sent: Sent) -> std::io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        // Uploads running side by side each add their record: one at a time, or
        // one would write over the other's.
        static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = WRITING.lock().unwrap_or_else(|e| e.into_inner());
        let mut saved = self.read();
        saved.records.retain(|(hash, _)| hash != stored_hash);
        saved.records.push((stored_hash.to_string(), sent));
        let excess = saved.records.len().saturating_sub(MAX_RECORDS);
        saved.records.drain(..excess);
        let bytes = serde_json::to_vec(&saved).map_err(std::io::Error::other)?;
        odc_core::fsutil::write_private_atomically(file, &bytes)
    }
}
