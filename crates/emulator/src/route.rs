//! Graph request paths: how an item is addressed (root, id, `:/path:`) and what is
//! asked of it, parsed from the raw path; and resolving an address in the drive.

use super::error::{ApiError, ApiResult};
use super::http::decode;
use super::store::{Conflict, Drive, Resolved};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// How an item was addressed.
#[derive(Debug, Clone)]
pub enum Base {
    Root,
    Id(String),
}

#[derive(Debug, Clone)]
pub struct ItemRef {
    pub base: Base,
    /// Decoded path segments after `:/…:`, if the path form was used.
    pub path: Option<Vec<String>>,
}

/// The navigation after an item address.
#[derive(Debug, Clone, PartialEq)]
pub enum Nav {
    Item,
    Children,
    Content,
    CreateUploadSession,
    Copy,
    CreateLink,
    Delta,
    Search(String),
    /// `versions`, `versions/{v}`, `versions/{v}/content`, `versions/{v}/restoreVersion`.
    Versions,
    Version(String),
    VersionContent(String),
    RestoreVersion(String),
    /// `restore` (a deleted item, personal drives) and `permanentDelete`.
    Restore,
    PermanentDelete,
    /// `thumbnails`, `thumbnails/{set}/{size}`, `thumbnails/{set}/{size}/content`.
    Thumbnails,
    Thumbnail {
        set: String,
        size: String,
        content: bool,
    },
}

#[derive(Debug)]
pub enum Route {
    Drive,
    Item(ItemRef, Nav),
    DriveSearch(String),
}

/// Which drive a request addresses.
#[derive(Debug, Clone)]
pub enum DriveSel {
    /// `/me/drive`: the signed-in user's OneDrive.
    Mine,
    /// `/drives/{id}`, decoded.
    Id(String),
}

/// What a Graph path names: the user, their drives, sites, or something in a drive.
#[derive(Debug)]
pub enum Resource {
    Me,
    MyDrives,
    FollowedSites,
    /// `/sites` (with `?search=`).
    Sites,
    Site(String),
    SiteDrives(String),
    /// `/sites/{id}/recycleBin/items` (business).
    SiteRecycleBin(String),
    InDrive(DriveSel, Route),
}

/// Parses the part of the raw (still encoded) path after `/v1.0`.
pub fn parse_route(raw: &str) -> ApiResult<Resource> {
    match raw {
        "/me" => return Ok(Resource::Me),
        "/me/drives" => return Ok(Resource::MyDrives),
        "/me/followedSites" => return Ok(Resource::FollowedSites),
        "/sites" => return Ok(Resource::Sites),
        _ => {}
    }
    if let Some(after) = raw.strip_prefix("/sites/") {
        let (id, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
        let id = decode(id);
        return match rest {
            "" => Ok(Resource::Site(id)),
            "/drives" => Ok(Resource::SiteDrives(id)),
            "/recycleBin/items" => Ok(Resource::SiteRecycleBin(id)),
            _ => Err(ApiError::new(
                400,
                "BadRequest",
                "Resource not found for the segment (not implemented by the odc emulator: address a library as /drives/{id}).",
            )),
        };
    }
    let (drive, rest) = if let Some(rest) = raw.strip_prefix("/me/drive") {
        (DriveSel::Mine, rest)
    } else if let Some(after) = raw.strip_prefix("/drives/") {
        let (id, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
        (DriveSel::Id(decode(id)), rest)
    } else {
        return Err(ApiError::new(
            400,
            "BadRequest",
            format!(
                "Resource not found for the segment '{}'.",
                raw.trim_start_matches('/').split('/').next().unwrap_or("")
            ),
        ));
    };
    parse_in_drive(rest).map(|route| Resource::InDrive(drive, route))
}

/// The part after `/me/drive` or `/drives/{id}`.
fn parse_in_drive(rest: &str) -> ApiResult<Route> {
    if rest.is_empty() {
        return Ok(Route::Drive);
    }
    if let Some(search) = rest.strip_prefix('/').and_then(parse_search) {
        return Ok(Route::DriveSearch(search?));
    }
    let (base, tail) = if let Some(tail) = rest.strip_prefix("/root") {
        (Base::Root, tail)
    } else if let Some(after) = rest.strip_prefix("/items/") {
        let end = after.find(['/', ':']).unwrap_or(after.len());
        let id = decode(&after[..end]);
        if id.is_empty() {
            return Err(ApiError::bad_request("An item id is required."));
        }
        (Base::Id(id), &after[end..])
    } else {
        return Err(ApiError::new(
            400,
            "BadRequest",
            format!(
                "Resource not found for the segment '{}'.",
                rest.trim_start_matches('/').split('/').next().unwrap_or("")
            ),
        ));
    };
    let (path, nav) = if let Some(after_colon) = tail.strip_prefix(':') {
        let (path_raw, nav_raw) = match after_colon.find(':') {
            Some(i) => (&after_colon[..i], &after_colon[i + 1..]),
            None => (after_colon, ""),
        };
        let segments: Vec<String> = path_raw
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect();
        if segments.is_empty() {
            return Err(ApiError::bad_request(
                "The root is addressed as /root, never with an empty path.",
            )
            .inner("invalidPath"));
        }
        (Some(segments), nav_raw)
    } else {
        (None, tail)
    };
    let nav = match nav.strip_prefix('/').unwrap_or(nav) {
        "" => Nav::Item,
        "children" => Nav::Children,
        "content" => Nav::Content,
        "createUploadSession" => Nav::CreateUploadSession,
        "copy" => Nav::Copy,
        "createLink" => Nav::CreateLink,
        "delta" | "delta()" => Nav::Delta,
        "versions" => Nav::Versions,
        "restore" => Nav::Restore,
        "permanentDelete" => Nav::PermanentDelete,
        "thumbnails" => Nav::Thumbnails,
        other if other.starts_with("thumbnails/") => {
            let parts: Vec<String> = other["thumbnails/".len()..]
                .split('/')
                .map(decode)
                .collect();
            match parts.as_slice() {
                [set, size] => Nav::Thumbnail {
                    set: set.clone(),
                    size: size.clone(),
                    content: false,
                },
                [set, size, last] if last == "content" => Nav::Thumbnail {
                    set: set.clone(),
                    size: size.clone(),
                    content: true,
                },
                _ => {
                    return Err(ApiError::bad_request(
                        "Resource not found for the segment 'thumbnails'.",
                    ));
                }
            }
        }
        other if other.starts_with("versions/") => parse_version(&other["versions/".len()..])?,
        other => match parse_search(other) {
            Some(q) => Nav::Search(q?),
            None => {
                return Err(ApiError::new(
                    400,
                    "BadRequest",
                    format!(
                        "Resource not found for the segment '{}' (not implemented by the odc emulator, or not a Graph segment).",
                        decode(other)
                    ),
                ));
            }
        },
    };
    Ok(Route::Item(ItemRef { base, path }, nav))
}

/// What follows `versions/`: a version id, then nothing, `/content` or
/// `/restoreVersion`.
fn parse_version(rest: &str) -> ApiResult<Nav> {
    let (id, action) = rest.split_once('/').unwrap_or((rest, ""));
    let id = decode(id);
    if id.is_empty() {
        return Err(ApiError::bad_request("A version id is required."));
    }
    match action {
        "" => Ok(Nav::Version(id)),
        "content" => Ok(Nav::VersionContent(id)),
        "restoreVersion" => Ok(Nav::RestoreVersion(id)),
        other => Err(ApiError::new(
            400,
            "BadRequest",
            format!("Resource not found for the segment '{}'.", decode(other)),
        )),
    }
}

/// `search(q='text')`, with `''` standing for `'` inside the quotes.
pub(super) fn parse_search(segment: &str) -> Option<ApiResult<String>> {
    let decoded = decode(segment);
    let inner = decoded.strip_prefix("search(")?.strip_suffix(')')?;
    let quoted = inner.strip_prefix("q=")?;
    let Some(text) = quoted.strip_prefix('\'').and_then(|q| q.strip_suffix('\'')) else {
        return Some(Err(ApiError::bad_request(
            "search(q=…) needs a quoted string",
        )));
    };
    if text.replace("''", "").contains('\'') {
        return Some(Err(ApiError::bad_request(
            "A single quote inside search(q='…') must be doubled.",
        )));
    }
    Some(Ok(text.replace("''", "'")))
}

/// Resolves an address to an item or a missing last segment.
pub fn resolve(drive: &Drive, item: &ItemRef) -> ApiResult<Resolved> {
    let base = match &item.base {
        Base::Root => drive.root_id.clone(),
        Base::Id(id) => drive.get(id)?.id.clone(),
    };
    match &item.path {
        None => Ok(Resolved::Existing(base)),
        Some(segments) => drive.resolve(&base, segments),
    }
}

pub fn resolve_existing(drive: &Drive, item: &ItemRef) -> ApiResult<String> {
    match resolve(drive, item)? {
        Resolved::Existing(id) => Ok(id),
        Resolved::Missing { .. } => Err(ApiError::not_found()),
    }
}

pub fn parse_time(value: &Value, field: &str) -> ApiResult<Option<DateTime<Utc>>> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| ApiError::bad_request(format!("Invalid date in {field}: {text}"))),
        Some(_) => Err(ApiError::bad_request(format!("{field} must be a string"))),
    }
}

/// `@microsoft.graph.conflictBehavior` in a JSON body (new folders, multipart
/// uploads); `fail` when absent.
pub fn conflict_from_body(body: &Value) -> ApiResult<Conflict> {
    match body
        .get("@microsoft.graph.conflictBehavior")
        .and_then(Value::as_str)
    {
        Some(text) => Conflict::parse(text),
        None => Ok(Conflict::Fail),
    }
}

pub fn conflict_from_query(query: &[(String, String)], default: Conflict) -> ApiResult<Conflict> {
    match query
        .iter()
        .find(|(k, _)| k == "@microsoft.graph.conflictBehavior")
    {
        Some((_, v)) => Conflict::parse(v),
        None => Ok(default),
    }
}
