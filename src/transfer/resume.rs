//! Transfers interrupted by kill -9, an SSH drop or a crash, remembered in
//! `$XDG_STATE_HOME/odc/resume.json` (0600, written atomically: an uploadUrl lets
//! anyone write to the drive) so the next start can offer to continue them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::onedrive::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Way {
    Upload,
    Download,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interrupted {
    pub way: Way,
    pub local: PathBuf,
    /// The remote path, from the drive root.
    pub remote: String,
    pub size: u64,
    /// Local modified time (uploads): a changed file is not resumed.
    pub modified: Option<i64>,
    pub upload_url: Option<String>,
    /// The item (downloads).
    pub item_id: Option<String>,
}

pub struct ResumeStore {
    path: PathBuf,
    lock: Mutex<()>,
}

impl ResumeStore {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            lock: Mutex::new(()),
        }
    }

    pub fn default_location() -> Option<Self> {
        crate::paths::state_dir().map(|dir| Self::new(dir.join("resume.json")))
    }

    fn read(&self) -> BTreeMap<String, Interrupted> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn write(&self, records: &BTreeMap<String, Interrupted>) -> Result<()> {
        let json = serde_json::to_vec_pretty(records).expect("records serialise");
        crate::fsutil::write_private_atomically(&self.path, &json)
    }

    /// Everything recorded, by key.
    pub fn load(&self) -> Vec<(String, Interrupted)> {
        let _guard = self.lock.lock().unwrap();
        self.read().into_iter().collect()
    }

    pub fn put(&self, key: &str, record: Interrupted) {
        let _guard = self.lock.lock().unwrap();
        let mut records = self.read();
        records.insert(key.to_string(), record);
        if let Err(err) = self.write(&records) {
            tracing::warn!("cannot record a transfer for resuming: {err}");
        }
    }

    pub fn set_upload_url(&self, key: &str, url: &str) {
        let _guard = self.lock.lock().unwrap();
        let mut records = self.read();
        if let Some(record) = records.get_mut(key) {
            record.upload_url = Some(url.to_string());
            if let Err(err) = self.write(&records) {
                tracing::warn!("cannot record an upload session: {err}");
            }
        }
    }

    pub fn remove(&self, key: &str) {
        let _guard = self.lock.lock().unwrap();
        let mut records = self.read();
        if records.remove(key).is_some()
            && let Err(err) = self.write(&records)
        {
            tracing::warn!("cannot update the resume file: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = ResumeStore::new(dir.path().join("state/resume.json"));
        let record = Interrupted {
            way: Way::Upload,
            local: "/tmp/a".into(),
            remote: "/a".into(),
            size: 10,
            modified: Some(1),
            upload_url: None,
            item_id: None,
        };
        store.put("k1", record.clone());
        store.set_upload_url("k1", "http://127.0.0.1/up/x");
        let again = ResumeStore::new(dir.path().join("state/resume.json"));
        let loaded = again.load();
        assert_eq!(loaded.len(), 1);
        assert_eq!(
            loaded[0].1.upload_url.as_deref(),
            Some("http://127.0.0.1/up/x")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("state/resume.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        again.remove("k1");
        assert!(store.load().is_empty());
    }
}
