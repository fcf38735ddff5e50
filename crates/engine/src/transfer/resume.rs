//! Transfers interrupted by kill -9, an SSH drop or a crash, remembered in
//! `$XDG_STATE_HOME/odc/resume.json` (0600, written atomically: an uploadUrl lets
//! anyone write to the drive) so the next start can offer to continue them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use odc_graph::path::REMOTE_PREFIX;
use odc_graph::{Error, Result};

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
    /// The local file's version (uploads): a file rewritten with its size and
    /// modified time put back is not continued, or the drive would get a mix of
    /// two revisions. Absent in records from before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<odc_core::fsutil::FileVersion>,
}

impl Interrupted {
    /// One line for a person: "↑ /home/ada/big.iso → OneDrive:/Backups/big.iso".
    pub fn describe(&self) -> String {
        let local = self.local.display();
        // The remote path is kept in its written form (`OneDrive:/x`, `work:/x`);
        // records from before accounts had names hold a bare `/x`.
        let remote = if self.remote.starts_with('/') {
            format!("{REMOTE_PREFIX}{}", self.remote)
        } else {
            self.remote.clone()
        };
        match self.way {
            Way::Upload => format!("↑ {local} → {remote}"),
            Way::Download => format!("↓ {remote} → {local}"),
        }
    }
}

impl Interrupted {
    /// Whether an upload's local file is still the version the record was made
    /// for: same size, modified time and (where both records know it) version.
    pub fn same_local_file(&self, now: &Interrupted) -> bool {
        self.size == now.size
            && self.modified == now.modified
            && match (self.version, now.version) {
                (Some(then), Some(now)) => then == now,
                _ => true,
            }
    }
}

/// Shared by every odc process of the user (the UI and commands in other
/// terminals): each change is a locked read-modify-write of the file.
pub struct ResumeStore {
    path: PathBuf,
    lock: Mutex<()>,
}

type Records = BTreeMap<String, Interrupted>;

impl ResumeStore {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            lock: Mutex::new(()),
        }
    }

    pub fn default_location() -> Option<Self> {
        odc_core::paths::state_dir().map(|dir| Self::new(dir.join("resume.json")))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Runs `change` on the records under both locks (threads and processes) and
    /// writes them back if it says so. A damaged file is set aside, never emptied
    /// silently: the error names where it went, and the change goes on from empty.
    fn update<R>(&self, change: impl FnOnce(&mut Records) -> (R, bool)) -> Result<R> {
        let _thread = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let _process = odc_core::fsutil::lock_beside(&self.path).map_err(Error::Local)?;
        let (mut records, damaged) = match std::fs::read(&self.path) {
            Ok(bytes) => match serde_json::from_slice::<Records>(&bytes) {
                Ok(records) => (records, None),
                Err(err) => {
                    let aside = odc_core::fsutil::set_aside(&self.path).map_err(Error::Local)?;
                    (
                        Records::new(),
                        Some(format!(
                            "{}: the record of interrupted transfers was damaged ({err}); kept as {}",
                            self.path.display(),
                            aside.display()
                        )),
                    )
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => (Records::new(), None),
            Err(err) => return Err(Error::io(&self.path, err)),
        };
        let (result, changed) = change(&mut records);
        if changed {
            let json = serde_json::to_vec_pretty(&records).expect("records serialise");
            odc_core::fsutil::write_private_atomically(&self.path, &json).map_err(Error::Local)?;
        }
        match damaged {
            Some(message) => {
                tracing::warn!("{message}");
                Err(Error::Other(message))
            }
            None => Ok(result),
        }
    }

    /// Everything recorded, by key.
    pub fn load(&self) -> Result<Vec<(String, Interrupted)>> {
        self.update(|records| (records.clone().into_iter().collect(), false))
    }

    /// Everything recorded, removed in the same locked step (resume or discard).
    pub fn take_all(&self) -> Result<Vec<(String, Interrupted)>> {
        self.update(|records| {
            let all: Vec<_> = std::mem::take(records).into_iter().collect();
            let changed = !all.is_empty();
            (all, changed)
        })
    }

    pub fn put(&self, key: &str, record: Interrupted) -> Result<()> {
        self.update(|records| {
            records.insert(key.to_string(), record);
            ((), true)
        })
    }

    pub fn set_upload_url(&self, key: &str, url: &str) -> Result<()> {
        self.update(|records| match records.get_mut(key) {
            Some(record) => {
                record.upload_url = Some(url.to_string());
                ((), true)
            }
            None => ((), false),
        })
    }

    pub fn remove(&self, key: &str) -> Result<()> {
        self.update(|records| {
            let removed = records.remove(key).is_some();
            ((), removed)
        })
    }

    /// The record of an earlier, interrupted transfer of the same thing: the same
    /// direction and local path, the same remote path, and (uploads) the same size
    /// and modified time. Another process's running transfer looks the same; the
    /// upload session itself refuses a second writer at the same offset.
    pub fn find(&self, wanted: &Interrupted) -> Result<Option<(String, Interrupted)>> {
        self.update(|records| {
            let found = records
                .iter()
                .find(|(_, r)| {
                    r.way == wanted.way
                        && r.local == wanted.local
                        && r.remote == wanted.remote
                        && (r.way == Way::Download || r.same_local_file(wanted))
                })
                .map(|(k, r)| (k.clone(), r.clone()));
            (found, false)
        })
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
            version: None,
        };
        store.put("k1", record.clone()).unwrap();
        store.set_upload_url("k1", "http://127.0.0.1/up/x").unwrap();
        let again = ResumeStore::new(dir.path().join("state/resume.json"));
        let loaded = again.load().unwrap();
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
        assert_eq!(
            store.find(&record).unwrap().map(|(k, _)| k).as_deref(),
            Some("k1")
        );
        let changed = Interrupted {
            modified: Some(2),
            ..record.clone()
        };
        assert!(store.find(&changed).unwrap().is_none(), "a changed file");
        again.remove("k1").unwrap();
        assert!(store.load().unwrap().is_empty());
    }

    #[test]
    fn a_record_says_where_its_transfer_goes_in_the_written_form() {
        let record = Interrupted {
            way: Way::Download,
            local: "/home/ada/big.iso".into(),
            remote: "OneDrive:/Backups/big.iso".into(),
            size: 1,
            modified: None,
            upload_url: None,
            item_id: Some("x".into()),
            version: None,
        };
        assert_eq!(
            record.describe(),
            "↓ OneDrive:/Backups/big.iso → /home/ada/big.iso"
        );
        let old = Interrupted {
            remote: "/Backups/big.iso".into(),
            ..record.clone()
        };
        assert_eq!(
            old.describe(),
            record.describe(),
            "records from before accounts"
        );
        let work = Interrupted {
            remote: "work:/Inbox/a".into(),
            ..record
        };
        assert!(work.describe().starts_with("↓ work:/Inbox/a → "));
    }

    #[test]
    fn a_damaged_record_file_is_reported_and_set_aside_not_emptied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("resume.json");
        std::fs::write(&path, b"{\"k\": {\"way\": \"upl").unwrap();
        let store = ResumeStore::new(path.clone());
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains("damaged"), "{err}");
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("resume.json.damaged-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            std::fs::read(dir.path().join(&aside[0])).unwrap(),
            b"{\"k\": {\"way\": \"upl"
        );
        assert!(store.load().unwrap().is_empty(), "reported once");
    }
}
