//! The recycle bin (Graph reference §10.8): DELETE sends an item there with
//! everything below it. On a personal drive an item in it can be read by id with
//! `?includeDeletedItems=true` and brought back with `POST …/restore` (both
//! personal only: driveitem-get, driveitem-restore); no API lists or empties a
//! personal bin (onedrive-api-docs#424). `POST …/permanentDelete` deletes an item
//! for good, skipping the bin, on both kinds of drive (driveitem-permanentdelete;
//! rclone#9917 reports it working on personal drives too).

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::directory::Scoped;
use super::error::{ApiError, ApiResult};
use super::http;
use super::route::{Base, ItemRef};
use super::store::{BinEntry, Drive, Item, ItemKind};

impl Drive {
    /// DELETE: the item and everything below it go to the recycle bin.
    pub fn delete(&mut self, id: &str, now: DateTime<Utc>) -> ApiResult<()> {
        let item = self.get(id)?;
        let Some(parent) = item.parent.clone() else {
            return Err(ApiError::new(
                403,
                "accessDenied",
                "The root folder cannot be deleted",
            ));
        };
        let name = item.name.clone();
        let (bytes, files) = self.mark_deleted(id);
        self.live_bytes -= bytes;
        self.live_files -= files;
        self.deleted_bytes += bytes;
        self.detach(&parent, &name);
        self.bin.push(BinEntry {
            id: id.to_string(),
            parent,
            name,
            deleted_at: now,
        });
        Ok(())
    }

    /// An item in the recycle bin: one deleted, or below a folder deleted, and
    /// not deleted for good since.
    pub fn binned(&self, id: &str) -> ApiResult<&Item> {
        let mut cursor = Some(id.to_string());
        while let Some(current) = cursor {
            let item = self.items.get(&current).filter(|i| i.deleted);
            let Some(item) = item else {
                return Err(ApiError::not_found());
            };
            if self.bin.iter().any(|entry| entry.id == current) {
                return Ok(self.items.get(id).expect("walked from it"));
            }
            cursor = item.parent.clone();
        }
        Err(ApiError::not_found())
    }

    /// `restore`: brings a deleted item back, into `parent` (default: where it
    /// was) as `name` (default: its name).
    pub fn restore_deleted(
        &mut self,
        id: &str,
        parent: Option<&str>,
        name: Option<&str>,
    ) -> ApiResult<()> {
        self.binned(id)?;
        let Some(index) = self.bin.iter().position(|e| e.id == id) else {
            return Err(ApiError::bad_request(
                "The item was deleted with the folder it is in; restore that folder.",
            ));
        };
        let entry = self.bin[index].clone();
        let parent = parent.unwrap_or(&entry.parent).to_string();
        let name = name.unwrap_or(&entry.name).to_string();
        match self.get(&parent) {
            Ok(folder) if folder.holds_children() => {}
            _ => {
                return Err(ApiError::new(
                    404,
                    "itemNotFound",
                    "The folder to restore into does not exist; give another parentReference.",
                ));
            }
        }
        if self.child(&parent, &name).is_some() {
            return Err(ApiError::new(
                409,
                "nameAlreadyExists",
                "An item with the same name already exists in the folder to restore into.",
            ));
        }
        let is_folder = self.items.get(id).is_some_and(Item::is_folder);
        self.check_new_name(&parent, &name, is_folder)?;
        self.bin.remove(index);
        let (bytes, files) = self.set_deleted(id, false);
        self.deleted_bytes -= bytes;
        self.live_bytes += bytes;
        self.live_files += files;
        let item = self.items.get_mut(id).expect("binned");
        item.parent = Some(parent.clone());
        item.name = name.clone();
        self.attach(&parent, id, &name);
        Ok(())
    }

    /// `permanentDelete`: a live item, or one in the recycle bin, gone for good
    /// with its versions. What delta knows of it stays as a deleted item.
    pub fn purge(&mut self, id: &str) -> ApiResult<()> {
        if let Ok(item) = self.get(id) {
            if item.parent.is_none() {
                return Err(ApiError::new(
                    403,
                    "accessDenied",
                    "The root folder cannot be deleted",
                ));
            }
            let (parent, name) = (item.parent.clone().expect("checked"), item.name.clone());
            let (bytes, files) = self.mark_deleted(id);
            self.live_bytes -= bytes;
            self.live_files -= files;
            self.detach(&parent, &name);
        } else {
            self.binned(id)?;
            let Some(index) = self.bin.iter().position(|e| e.id == id) else {
                return Err(ApiError::bad_request(
                    "The item was deleted with the folder it is in; delete that folder for good.",
                ));
            };
            self.bin.remove(index);
            self.deleted_bytes -= self.content_below(id);
        }
        self.version_bytes -= self.versions_below(id);
        self.forget_content(id);
        Ok(())
    }

    /// The ids of `id` and everything below it.
    fn subtree(&self, id: &str) -> Vec<String> {
        let mut ids = vec![id.to_string()];
        let mut at = 0;
        while at < ids.len() {
            if let Some(ItemKind::Folder { children }) = self.items.get(&ids[at]).map(|i| &i.kind) {
                ids.extend(children.values().cloned());
            }
            at += 1;
        }
        ids
    }

    fn content_below(&self, id: &str) -> u64 {
        self.subtree(id)
            .iter()
            .filter_map(|id| self.items.get(id))
            .map(|item| match &item.kind {
                ItemKind::File { content, .. } => content.len(),
                ItemKind::Folder { .. } => 0,
            })
            .sum()
    }

    fn versions_below(&self, id: &str) -> u64 {
        self.subtree(id)
            .iter()
            .filter_map(|id| self.items.get(id))
            .flat_map(|item| item.history.iter().map(|v| v.content.len()))
            .sum()
    }

    /// Drops the bytes and versions of a subtree deleted for good.
    fn forget_content(&mut self, id: &str) {
        for id in self.subtree(id) {
            if let Some(item) = self.items.get_mut(&id) {
                item.history.clear();
                if let ItemKind::File { content, .. } = &mut item.kind {
                    *content = super::content::Content::Inline(bytes::Bytes::new());
                }
            }
        }
    }
}

fn by_id_only(item: &ItemRef) -> ApiResult<&str> {
    match (&item.base, &item.path) {
        (Base::Id(id), None) => Ok(id),
        _ => Err(ApiError::not_found()),
    }
}

fn personal_only(drive: &Drive) -> ApiResult<()> {
    if drive.business() {
        return Err(ApiError::new(
            400,
            "invalidRequest",
            "This functionality is only available for OneDrive Personal.",
        ));
    }
    Ok(())
}

/// `GET /items/{id}?includeDeletedItems=true` on a personal drive: a live item as
/// usual, or one in the recycle bin with the `deleted` facet. `None`: not such a
/// request (business drives ignore the parameter).
pub fn get_deleted(
    shared: &Scoped,
    item: &ItemRef,
    query: &[(String, String)],
    now: DateTime<Utc>,
) -> Option<ApiResult<Response>> {
    let wanted = query
        .iter()
        .any(|(k, v)| k == "includeDeletedItems" && v.eq_ignore_ascii_case("true"));
    let drive = shared.drive.lock().unwrap();
    if !wanted || drive.business() {
        return None;
    }
    let Ok(id) = by_id_only(item) else {
        return None;
    };
    if drive.get(id).is_ok() {
        return None;
    }
    Some(drive.binned(id).map(|found| {
        let render = super::render::Render {
            drive: &drive,
            shared,
            now,
        };
        let parent_path = found.parent.as_deref().map(|p| render.parent_path(p));
        let mut value = Value::Object(render.item(found, parent_path.as_deref()));
        value["deleted"] = json!({"state": "deleted"});
        http::json(200, &value)
    }))
}

/// `POST /items/{id}/restore` (personal): 200 with the item restored.
pub fn restore(
    shared: &Scoped,
    item: &ItemRef,
    body: &Value,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let mut drive = shared.drive.lock().unwrap();
    personal_only(&drive)?;
    let id = by_id_only(item)?.to_string();
    let parent = body
        .pointer("/parentReference/id")
        .and_then(Value::as_str)
        .map(str::to_string);
    let name = body.get("name").and_then(Value::as_str).map(str::to_string);
    drive.restore_deleted(&id, parent.as_deref(), name.as_deref())?;
    super::render::single_item_reply(shared, &drive, &id, 200, now, None)
}

/// `POST /items/{id}/permanentDelete`: 204.
pub fn permanent_delete(shared: &Scoped, item: &ItemRef) -> ApiResult<Response> {
    let mut drive = shared.drive.lock().unwrap();
    let id = match super::route::resolve_existing(&drive, item) {
        Ok(id) => id,
        Err(_) => by_id_only(item)?.to_string(),
    };
    drive.purge(&id)?;
    Ok(http::empty(204))
}
