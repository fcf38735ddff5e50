//! File versions (Graph reference §10.8): every content change keeps the bytes
//! replaced as a version, listed newest first with the current one at the top;
//! an older version's bytes are downloaded like a file's (302 to a
//! pre-authenticated URL), the current one's are refused through `/versions`
//! (onedrive-api-docs#1112), and `restoreVersion` makes an older version's bytes
//! the current ones, keeping every version (a new one is made).

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::directory::Scoped;
use super::error::{ApiError, ApiResult};
use super::http;
use super::route::{ItemRef, resolve_existing};
use super::store::{Drive, Item, ItemKind, OldVersion};

/// What the personal service calls the newest version (onedrive-api-docs#1560).
const CURRENT: &str = "current";

impl Drive {
    /// Keeps the file's present bytes as a version before they change.
    pub(super) fn keep_version(&mut self, id: &str) -> ApiResult<()> {
        let business = self.business();
        let item = self.get_mut(id)?;
        let ItemKind::File { content, hash } = &item.kind else {
            return Ok(());
        };
        let version_id = if business {
            format!("{}.0", item.history.len() + 1)
        } else {
            // Opaque, as personal drives give them.
            format!("{:X}", odc_core::ids::random_u64())
        };
        let old = OldVersion {
            id: version_id,
            content_version: item.content_version,
            modified: item.modified,
            content: content.clone(),
            hash: hash.clone(),
        };
        let bytes = old.content.len();
        item.history.push(old);
        self.version_bytes += bytes;
        Ok(())
    }

    /// How many versions the service keeps of a file, the current one included.
    pub fn version_count(item: &Item) -> u32 {
        item.history.len() as u32 + 1
    }

    /// The id the current version of `item` is listed with.
    pub fn current_version_id(&self, item: &Item) -> String {
        if self.business() {
            format!("{}.0", item.history.len() + 1)
        } else {
            CURRENT.to_string()
        }
    }

    /// Makes the bytes of version `version_id` the file's current ones; what was
    /// current becomes a version.
    pub fn restore_version(
        &mut self,
        id: &str,
        version_id: &str,
        now: DateTime<Utc>,
    ) -> ApiResult<()> {
        let item = self.get(id)?;
        if version_id == self.current_version_id(item) {
            return Err(ApiError::bad_request(
                "The current version cannot be restored; it already is the current one.",
            ));
        }
        let old = old_version(item, version_id)?.clone();
        self.replace_content(id, old.content, old.hash, None, now)
    }
}

fn old_version<'a>(item: &'a Item, version_id: &str) -> ApiResult<&'a OldVersion> {
    item.history
        .iter()
        .find(|v| v.id == version_id)
        .ok_or_else(|| ApiError::new(404, "itemNotFound", "The version could not be found."))
}

/// The file an address names; folders have no versions (404, as the service).
fn file<'a>(drive: &'a Drive, item: &ItemRef) -> ApiResult<&'a Item> {
    let id = resolve_existing(drive, item)?;
    let found = drive.get(&id)?;
    if found.is_folder() || found.remote.is_some() {
        return Err(ApiError::not_found());
    }
    Ok(found)
}

fn version_json(drive: &Drive, id: &str, modified: DateTime<Utc>, size: u64) -> Value {
    json!({
        "id": id,
        "lastModifiedDateTime": super::clock::graph_time(modified),
        "size": size,
        "lastModifiedBy": {"user": {"id": drive.owner_id, "displayName": drive.owner_name}},
    })
}

/// `GET …/versions`: newest first, the current version at the top.
pub fn list(shared: &Scoped, item: &ItemRef) -> ApiResult<Response> {
    let drive = shared.drive.lock().unwrap();
    let file = file(&drive, item)?;
    let mut value = vec![version_json(
        &drive,
        &drive.current_version_id(file),
        file.modified,
        file.size(&drive),
    )];
    for old in file.history.iter().rev() {
        value.push(version_json(
            &drive,
            &old.id,
            old.modified,
            old.content.len(),
        ));
    }
    Ok(http::json(200, &json!({ "value": value })))
}

/// `GET …/versions/{v}`.
pub fn get(shared: &Scoped, item: &ItemRef, version_id: &str) -> ApiResult<Response> {
    let drive = shared.drive.lock().unwrap();
    let file = file(&drive, item)?;
    if version_id == drive.current_version_id(file) {
        let json = version_json(&drive, version_id, file.modified, file.size(&drive));
        return Ok(http::json(200, &json));
    }
    let old = old_version(file, version_id)?;
    let json = version_json(&drive, &old.id, old.modified, old.content.len());
    Ok(http::json(200, &json))
}

/// `GET …/versions/{v}/content`: 302 to the bytes, except for the current
/// version, whose bytes are the item's own.
pub fn content(
    shared: &Scoped,
    item: &ItemRef,
    version_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let drive = shared.drive.lock().unwrap();
    let file = file(&drive, item)?;
    if version_id == drive.current_version_id(file) {
        return Err(ApiError::bad_request(
            "You cannot get the content of the current version.",
        ));
    }
    let old = old_version(file, version_id)?;
    let url =
        super::render::download_url_of(shared, &file.id, &format!("h{}", old.content_version), now);
    let mut response = http::empty(302);
    http::set_header(&mut response, axum::http::header::LOCATION, &url);
    Ok(response)
}

/// `POST …/versions/{v}/restoreVersion`: 204.
pub fn restore(
    shared: &Scoped,
    item: &ItemRef,
    version_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let mut drive = shared.drive.lock().unwrap();
    let id = file(&drive, item)?.id.clone();
    drive.restore_version(&id, version_id, now)?;
    Ok(http::empty(204))
}
