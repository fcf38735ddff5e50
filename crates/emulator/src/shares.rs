//! Items shared with other users, and the shortcuts that point at them (Graph
//! reference §2 `remoteItem`, §6.5 search, §6.7 sharedWithMe).
//!
//! A share lets one user open an item of another user's drive (and what is below
//! it) at `/drives/{d}/items/{i}`, to read or to read and write. A shortcut ("Add
//! shortcut to My files") is a stub in the recipient's drive with a `remoteItem`
//! facet and no `folder` facet; paths do not pass through it. Business drives list
//! shortcuts only to requests that send `Prefer: Include-Feature=AddToOneDrive`
//! (abraunegg src/onedrive.d; onedrive-api-docs#1781). Shared items are found by
//! searching the drive: `sharedWithMe` is deprecated and returns next to nothing
//! (msgraph-sdk-design#120), so it is not offered.

use axum::http::Method;
use serde_json::{Value, json};

use super::directory::{Access, Directory};
use super::error::{ApiError, ApiResult};
use super::render::remote_item_json;
use super::route::{Nav, Route};
use super::store::{Drive, Item, RemoteRef};

/// What a shortcut or a search result shows of an item in another drive.
pub fn snapshot(drive: &Drive, item: &Item) -> RemoteRef {
    RemoteRef {
        drive_id: drive.id.clone(),
        drive_type: if drive.business() {
            "business"
        } else {
            "personal"
        },
        item_id: item.id.clone(),
        parent_id: item.parent.clone(),
        name: item.name.clone(),
        folder: item.is_folder(),
        size: item.size(drive),
        child_count: item.child_count(),
        owner_id: drive.owner_id.clone(),
        owner_name: drive.owner_name.clone(),
    }
}

/// A search result for an item shared with the searching user: the item's own id
/// and name, no `folder` or `file` facet of its own, and the `remoteItem` facet.
pub fn search_result_json(target: &RemoteRef, origin: &str) -> Value {
    let facet = remote_item_json(target, origin);
    let mut result = json!({
        "parentReference": {
            "driveId": facet["parentReference"]["driveId"],
            "driveType": facet["parentReference"]["driveType"],
        },
        "searchResult": {},
    });
    for field in ["id", "name", "size", "webUrl"] {
        result[field] = facet[field].clone();
    }
    result["remoteItem"] = facet;
    result
}

/// The items shared with `user` whose names match `text` (`*` matches all), as
/// search results. Each owner's drive is locked on its own, never together with
/// the searching user's drive.
pub fn shared_search_results(
    directory: &Directory,
    user: usize,
    text: &str,
    origin: &str,
) -> Vec<Value> {
    let needle = text.to_lowercase();
    let mut results = Vec::new();
    for share in directory.shares.iter().filter(|s| s.user == user) {
        let Some(drive) = directory.any_drive(&share.drive_id) else {
            continue;
        };
        let drive = drive.lock().unwrap();
        let Ok(item) = drive.get(&share.item_id) else {
            continue;
        };
        if needle == "*" || needle.is_empty() || item.name.to_lowercase().contains(&needle) {
            results.push(search_result_json(&snapshot(&drive, item), origin));
        }
    }
    results
}

/// Whether a request of `method` to `route` may go ahead in a drive opened with
/// `access`. Outside the shared items it is as if nothing were there (404); a
/// change through a share that only lets the user read is 403 `accessDenied`, as
/// is any change to the shared item itself (it belongs to its owner).
pub fn check(drive: &Drive, access: &Access, route: &Route, method: &Method) -> ApiResult<()> {
    let Access::Shared(roots) = access else {
        return Ok(());
    };
    let (item, nav) = match route {
        Route::Item(item, nav) => (item, nav),
        Route::Drive | Route::DriveSearch(_) => return Err(denied()),
    };
    let anchor = match super::route::resolve(drive, item)? {
        super::store::Resolved::Existing(id) => id,
        super::store::Resolved::Missing { parent, .. } => parent,
    };
    let Some((root, write)) = roots
        .iter()
        .find(|(root, _)| *root == anchor || drive.is_ancestor(root, &anchor))
    else {
        return Err(ApiError::not_found());
    };
    let changes = match nav {
        Nav::Item => matches!(*method, Method::PATCH | Method::DELETE),
        Nav::Children | Nav::Content | Nav::CreateUploadSession | Nav::CreateLink => {
            *method != Method::GET
        }
        Nav::RestoreVersion(_) | Nav::Restore | Nav::PermanentDelete => true,
        Nav::Copy
        | Nav::Delta
        | Nav::Search(_)
        | Nav::Versions
        | Nav::Version(_)
        | Nav::VersionContent(_)
        | Nav::Thumbnails
        | Nav::Thumbnail { .. } => false,
    };
    let the_item_itself = matches!(nav, Nav::Item) && *root == anchor;
    if changes && (!write || the_item_itself) {
        return Err(denied());
    }
    Ok(())
}

fn denied() -> ApiError {
    ApiError::new(403, "accessDenied", "Access denied")
}
