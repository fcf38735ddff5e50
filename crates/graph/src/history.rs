//! Versions of a file and the recycle bin (Graph reference §10.8): listing a
//! file's versions, reading and restoring one; reading, restoring and deleting
//! for good an item in the recycle bin.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::client::{Body, Graph};
use super::error::{Error, Result};
use super::item::{DriveItem, ItemAddress};
use super::path::encode_segment;

/// One version of a file, as `/versions` lists it (newest first).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub id: String,
    pub last_modified_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub size: u64,
    pub last_modified_by: Option<serde_json::Value>,
}

impl Version {
    /// Who made it, when the service says.
    pub fn by(&self) -> Option<&str> {
        self.last_modified_by
            .as_ref()?
            .pointer("/user/displayName")?
            .as_str()
    }
}

impl Graph {
    /// The versions of a file, newest (the current one) first.
    pub async fn versions(&self, address: &ItemAddress) -> Result<Vec<Version>> {
        let address = self.by_id(address).await?;
        self.collection(self.item_url(&address, "/versions")?).await
    }

    /// The file `item` as it was at `version`: its size, and bytes read through
    /// `/versions/{id}/content`. The service gives versions no hash, so the
    /// bytes are checked against the size only.
    pub fn as_version(item: &DriveItem, version: &Version) -> DriveItem {
        let mut old = item.clone();
        old.size = version.size;
        old.last_modified_date_time = version.last_modified_date_time;
        old.file_system_info = None;
        old.e_tag = None;
        old.c_tag = None;
        if let Some(file) = &mut old.file {
            file.hashes = None;
        }
        old.download_url = None;
        old.version = Some(version.id.clone());
        old
    }

    /// Makes `version` the file's current bytes; the service keeps what was
    /// current as a version (nothing is lost).
    pub async fn restore_version(&self, id: &str, version: &str) -> Result<()> {
        let url = self.drive_url(&format!(
            "items/{}/versions/{}/restoreVersion",
            encode_segment(id),
            encode_segment(version)
        ));
        self.send(Method::POST, &url, Body::Empty, &[]).await?;
        Ok(())
    }

    /// The path of `item`'s bytes: its own, or an earlier version's.
    pub(super) fn content_url(&self, item: &DriveItem) -> String {
        self.content_url_of(&item.id, item.version.as_deref())
    }

    pub(super) fn content_url_of(&self, id: &str, version: Option<&str>) -> String {
        match version {
            None => self.drive_url(&format!("items/{}/content", encode_segment(id))),
            Some(version) => self.drive_url(&format!(
                "items/{}/versions/{}/content",
                encode_segment(id),
                encode_segment(version)
            )),
        }
    }

    /// An item in the recycle bin, read by id (personal drives only): `None`
    /// when it is not there (restored, deleted for good, or never deleted).
    pub async fn deleted_item(&self, id: &str) -> Result<Option<DriveItem>> {
        let url = format!(
            "{}?includeDeletedItems=true",
            self.drive_url(&format!("items/{}", encode_segment(id)))
        );
        match self.get::<DriveItem>(&url).await {
            Ok(item) if item.deleted.is_some() => Ok(Some(item)),
            Ok(_) => Ok(None),
            Err(Error::Graph { status: 404, .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Brings an item back from the recycle bin (personal drives only): where
    /// it was, or into `parent_id`, as `name` when given.
    pub async fn restore_deleted(
        &self,
        id: &str,
        parent_id: Option<&str>,
        name: Option<&str>,
    ) -> Result<DriveItem> {
        let mut body = json!({});
        if let Some(parent) = parent_id {
            body["parentReference"] = json!({ "id": parent });
        }
        if let Some(name) = name {
            super::item::check_name(name, false)?;
            body["name"] = json!(name);
        }
        let url = self.drive_url(&format!("items/{}/restore", encode_segment(id)));
        self.json(Method::POST, &url, Body::Json(body)).await
    }

    /// The journal of what this account's deletes sent to the recycle bin.
    pub fn deleted_journal(&self) -> super::deleted::Journal {
        super::deleted::Journal::beside(self.session().store().path())
    }

    /// Writes down items just sent to the recycle bin. The delete happened
    /// either way: a journal that cannot be written is logged, and the items
    /// are still in the bin (only odc's list of it misses them).
    pub(super) async fn note_deleted(
        &self,
        items: Vec<(DriveItem, Option<super::path::RemotePath>)>,
    ) {
        if items.is_empty() {
            return;
        }
        let account = self.session().username().await;
        let drive = self.drive_id();
        let records = items
            .iter()
            .map(|(item, path)| {
                let drive_id = item
                    .parent_reference
                    .as_ref()
                    .and_then(|p| p.drive_id.clone())
                    .or_else(|| drive.clone())
                    .unwrap_or_default();
                super::deleted::Deleted::of(&account, &drive_id, item, path.as_ref())
            })
            .collect();
        if let Err(err) = self.deleted_journal().record(records) {
            tracing::warn!("the list of deleted items could not be written: {err}");
        }
    }

    /// Deletes an item for good, live or in the recycle bin: it cannot be
    /// restored afterwards.
    pub async fn permanent_delete(&self, id: &str) -> Result<()> {
        let url = self.drive_url(&format!("items/{}/permanentDelete", encode_segment(id)));
        self.send(Method::POST, &url, Body::Empty, &[]).await?;
        Ok(())
    }
}

impl Graph {
    /// The recycle bin as far as odc can see it: the journal's entries for this
    /// account, deleted from within `within`, newest first. On a personal drive
    /// each is checked with the service (an entry restored on the web or
    /// emptied from the bin leaves the journal). A work account's bin is the
    /// service's own list (everything in it, whoever deleted it); the flag is
    /// false then: Graph v1.0 can list it but not restore from it.
    pub async fn recycle_bin(
        &self,
        within: &super::path::RemotePath,
    ) -> Result<(Vec<super::deleted::Deleted>, bool)> {
        let account = self.session().username().await;
        let within =
            |r: &super::deleted::Deleted| r.remote_path().is_some_and(|p| below(&p, within));
        if self.is_business().await? {
            let mut listed = self.site_recycle_bin(&account).await?;
            listed.retain(within);
            return Ok((listed, false));
        }
        let journal = self.deleted_journal();
        let mut entries: Vec<_> = journal
            .records()
            .into_iter()
            .filter(|r| r.account == account && within(r))
            .collect();
        entries.reverse();
        // Eight at a time, in order: a sync that deleted a thousand files makes
        // a thousand entries to check.
        use futures::StreamExt;
        let checks = futures::stream::iter(entries)
            .map(|entry| async move {
                let found = self
                    .on_drive(Some(&entry.drive_id))
                    .deleted_item(&entry.id)
                    .await;
                (entry, found)
            })
            .buffered(8)
            .collect::<Vec<_>>()
            .await;
        let mut kept = Vec::new();
        for (entry, found) in checks {
            match found? {
                Some(_) => kept.push(entry),
                None => journal
                    .forget(&entry.drive_id, std::slice::from_ref(&entry.id))
                    .map_err(|e| Error::io("the list of deleted items", e))?,
            }
        }
        Ok((kept, true))
    }
}

impl Graph {
    /// Brings an entry of [`Graph::recycle_bin`] back where it was (personal
    /// drives), and takes it off the journal.
    pub async fn restore_from_bin(&self, entry: &super::deleted::Deleted) -> Result<DriveItem> {
        let restored = self
            .on_drive(Some(&entry.drive_id))
            .restore_deleted(&entry.id, None, None)
            .await?;
        self.forget_in_journal(entry)?;
        Ok(restored)
    }

    /// Deletes an entry of [`Graph::recycle_bin`] for good, and takes it off
    /// the journal.
    pub async fn purge_from_bin(&self, entry: &super::deleted::Deleted) -> Result<()> {
        self.on_drive(Some(&entry.drive_id))
            .permanent_delete(&entry.id)
            .await?;
        self.forget_in_journal(entry)
    }

    fn forget_in_journal(&self, entry: &super::deleted::Deleted) -> Result<()> {
        self.deleted_journal()
            .forget(&entry.drive_id, std::slice::from_ref(&entry.id))
            .map_err(|e| Error::io("the list of deleted items", e))
    }
}

/// An item of a SharePoint site's recycle bin (`recycleBinItem`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecycleBinItem {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    size: u64,
    deleted_date_time: Option<DateTime<Utc>>,
    /// Where it was, from the site: `Documents/Reports` for the default library.
    #[serde(default)]
    deleted_from_location: String,
}

impl Graph {
    /// A work account's recycle bin as the service lists it: the bin of the
    /// site its drive belongs to (`GET /sites/{id}/recycleBin/items`, v1.0 since
    /// December 2024; reference §10.8), newest first.
    async fn site_recycle_bin(&self, account: &str) -> Result<Vec<super::deleted::Deleted>> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Ids {
            site_id: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct DriveIds {
            id: String,
            share_point_ids: Option<Ids>,
        }
        let drive: DriveIds = self
            .get(&format!(
                "{}?$select=id,sharePointIds",
                self.drive_url("").trim_end_matches('/')
            ))
            .await?;
        let site = drive
            .share_point_ids
            .and_then(|ids| ids.site_id)
            .ok_or_else(|| {
                Error::Other("OneDrive did not say which site this drive belongs to".into())
            })?;
        let url = self.graph_url(&format!("sites/{}/recycleBin/items", encode_segment(&site)));
        let mut items: Vec<RecycleBinItem> = self.collection(url).await?;
        items.sort_by_key(|item| std::cmp::Reverse(item.deleted_date_time));
        Ok(items
            .into_iter()
            .map(|item| {
                // `Documents/Reports` → `/Reports`: the place in the drive.
                let folder = item
                    .deleted_from_location
                    .split_once('/')
                    .map(|(_, rest)| format!("/{rest}"))
                    .unwrap_or_default();
                super::deleted::Deleted {
                    account: account.to_string(),
                    drive_id: drive.id.clone(),
                    path: format!("{folder}/{}", item.name),
                    name: item.name,
                    id: item.id,
                    folder: false,
                    size: item.size,
                    deleted_at: item.deleted_date_time.unwrap_or_default(),
                }
            })
            .collect())
    }
}

/// Whether `path` is `folder` or lies below it (names compared as OneDrive
/// does, without regard to case).
fn below(path: &super::path::RemotePath, folder: &super::path::RemotePath) -> bool {
    let (path, folder) = (path.segments(), folder.segments());
    path.len() >= folder.len()
        && path
            .iter()
            .zip(folder)
            .all(|(a, b)| a.to_lowercase() == b.to_lowercase())
}
