//! Graph drive endpoints (Graph reference §2–§6): addressing, item JSON, metadata,
//! folders, rename/move, delete, copy with a monitor, simple upload, downloads.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde_json::{Map, Value, json};
use tokio::io::AsyncWriteExt;

use super::Shared;
use super::content::{BlobFile, Content};
use super::error::{ApiError, ApiResult};
use super::http::{self, RequestInfo, decode};
use super::store::{Conflict, Drive, Item, ItemKind, Resolved};
use super::{listing, upload};
use crate::onedrive::quickxor::QuickXorHash;

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
    Search(String),
}

#[derive(Debug)]
pub enum Route {
    Me,
    Drive,
    Item(ItemRef, Nav),
    DriveSearch(String),
}

/// Parses the part of the raw (still encoded) path after `/v1.0`.
pub fn parse_route(raw: &str, drive_id: &str) -> ApiResult<Route> {
    if raw == "/me" {
        return Ok(Route::Me);
    }
    let rest = if let Some(rest) = raw.strip_prefix("/me/drive") {
        rest
    } else if let Some(after) = raw.strip_prefix("/drives/") {
        let (id, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
        // Personal drive ids come in both cases (Graph reference §2).
        if !decode(id).eq_ignore_ascii_case(drive_id) {
            return Err(ApiError::new(
                404,
                "itemNotFound",
                "The drive could not be found.",
            ));
        }
        rest
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

/// `search(q='text')`, with `''` standing for `'` inside the quotes.
fn parse_search(segment: &str) -> Option<ApiResult<String>> {
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

/// Context for rendering items.
pub struct Render<'a> {
    pub drive: &'a Drive,
    pub shared: &'a Shared,
    pub now: DateTime<Utc>,
}

impl Render<'_> {
    /// `parentReference.path` of children of `folder`.
    pub fn parent_path(&self, folder: &str) -> String {
        let path = self.drive.path_of(folder);
        if path == "/" {
            "/drive/root:".to_string()
        } else {
            format!("/drive/root:{path}")
        }
    }

    pub fn item(&self, item: &Item, parent_path: Option<&str>) -> Map<String, Value> {
        let drive = self.drive;
        let drive_type = if drive.business() {
            "business"
        } else {
            "personal"
        };
        let owner = json!({"user": {"id": drive.owner_id, "displayName": drive.owner_name}});
        let mut m = Map::new();
        m.insert("id".into(), json!(item.id));
        m.insert("name".into(), json!(item.name));
        m.insert("size".into(), json!(item.size(drive)));
        m.insert(
            "createdDateTime".into(),
            json!(super::clock::graph_time(item.created)),
        );
        m.insert(
            "lastModifiedDateTime".into(),
            json!(super::clock::graph_time(item.modified)),
        );
        m.insert("eTag".into(), json!(item.etag()));
        if !(item.is_folder() && drive.business()) {
            m.insert("cTag".into(), json!(item.ctag()));
        }
        m.insert(
            "webUrl".into(),
            json!(format!("{}/web/{}", self.shared.origin, item.id)),
        );
        m.insert("createdBy".into(), owner.clone());
        m.insert("lastModifiedBy".into(), owner);
        let mut parent_ref = json!({"driveId": drive.id, "driveType": drive_type});
        if let Some(parent) = &item.parent {
            parent_ref["id"] = json!(parent);
            let path = match parent_path {
                Some(p) => p.to_string(),
                None => self.parent_path(parent),
            };
            parent_ref["path"] = json!(path);
        }
        m.insert("parentReference".into(), parent_ref);
        match &item.kind {
            ItemKind::Folder { .. } => {
                m.insert("folder".into(), json!({"childCount": item.child_count()}));
                if item.parent.is_none() {
                    m.insert("root".into(), json!({}));
                }
            }
            ItemKind::File { .. } => {
                let mut hashes = json!({});
                if let Some(hash) = item.quickxor() {
                    hashes["quickXorHash"] = json!(hash);
                }
                m.insert(
                    "file".into(),
                    json!({"mimeType": mime_type(&item.name), "hashes": hashes}),
                );
                m.insert(
                    "@microsoft.graph.downloadUrl".into(),
                    json!(download_url(self.shared, item, self.now)),
                );
            }
        }
        m.insert(
            "fileSystemInfo".into(),
            json!({
                "createdDateTime": super::clock::graph_time(item.fs_created),
                "lastModifiedDateTime": super::clock::graph_time(item.fs_modified),
            }),
        );
        m
    }
}

/// Properties `$select` may name.
const SELECTABLE: [&str; 24] = [
    "id",
    "name",
    "size",
    "createdDateTime",
    "lastModifiedDateTime",
    "eTag",
    "cTag",
    "webUrl",
    "createdBy",
    "lastModifiedBy",
    "parentReference",
    "file",
    "folder",
    "package",
    "remoteItem",
    "root",
    "fileSystemInfo",
    "@microsoft.graph.downloadUrl",
    "deleted",
    "searchResult",
    "description",
    "image",
    "photo",
    "video",
];

pub fn parse_select(value: &str) -> ApiResult<Vec<String>> {
    let fields: Vec<String> = value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    for field in &fields {
        if !SELECTABLE.contains(&field.as_str()) && field != "content.downloadUrl" {
            return Err(ApiError::bad_request(format!(
                "Could not find a property named '{field}' on type 'microsoft.graph.driveItem'."
            ))
            .inner("invalidQueryOption"));
        }
    }
    Ok(fields)
}

pub fn apply_select(mut item: Map<String, Value>, select: Option<&[String]>) -> Value {
    if let Some(fields) = select {
        item.retain(|k, _| fields.iter().any(|f| f == k));
    }
    Value::Object(item)
}

fn mime_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "md" | "log" => "text/plain",
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "mp4" => "video/mp4",
        "zip" => "application/zip",
        "json" => "application/json",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// A pre-authenticated, expiring, unforgeable download URL.
pub fn download_url(shared: &Shared, item: &Item, now: DateTime<Utc>) -> String {
    use base64::Engine as _;
    let expires =
        now.timestamp() + shared.settings.read().unwrap().download_url_lifetime_secs as i64;
    let payload = format!("{}\n{}\n{}", item.id, item.content_version, expires);
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&payload);
    let signature = shared.sign(&payload);
    format!("{}/dl/{encoded}.{signature}", shared.origin)
}

/// Reads a small JSON request body.
pub async fn json_body(body: Body) -> ApiResult<Option<Value>> {
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .map_err(|_| ApiError::bad_request("The request body is too large or was cut off."))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ApiError::bad_request(format!("Invalid JSON body: {e}")))
}

fn if_match(headers: &HeaderMap, item: &Item) -> ApiResult<()> {
    if let Some(value) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        let value = value.trim();
        if value != "*" && value != item.etag() && value != item.ctag() {
            return Err(ApiError::precondition_failed());
        }
    }
    Ok(())
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

fn conflict_from_query(query: &[(String, String)], default: Conflict) -> ApiResult<Conflict> {
    match query
        .iter()
        .find(|(k, _)| k == "@microsoft.graph.conflictBehavior")
    {
        Some((_, v)) => Conflict::parse(v),
        None => Ok(default),
    }
}

/// Reads and drops a request body, then gives back `err`: the service answers
/// after reading what was sent, and an early reply to an upload would reach the
/// client as a broken pipe instead of as this error.
async fn drain_then(body: Body, err: ApiError) -> ApiError {
    let mut stream = body.into_data_stream();
    while let Some(Ok(_)) = stream.next().await {}
    err
}

pub async fn handle(shared: &Arc<Shared>, request: Request, info: &RequestInfo) -> Response {
    match handle_inner(shared, request, info).await {
        Ok(response) => response,
        Err(err) => http::graph_error(&err, info),
    }
}

async fn handle_inner(
    shared: &Arc<Shared>,
    request: Request,
    info: &RequestInfo,
) -> ApiResult<Response> {
    let (parts, body) = request.into_parts();
    let raw = parts.uri.path().strip_prefix("/v1.0").unwrap_or("");
    let query = http::query_pairs(parts.uri.query());
    let now = info.now;
    let drive_id = shared.drive.lock().unwrap().id.clone();
    let route = match parse_route(raw, &drive_id) {
        Ok(route) => route,
        Err(err) => return Err(drain_then(body, err).await),
    };

    let needs = if matches!(route, Route::Me) {
        "User.Read"
    } else {
        "Files."
    };
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let checked =
        shared
            .identity
            .lock()
            .unwrap()
            .check_bearer(authorization, needs, now, &shared.origin);
    if let Err(err) = checked {
        return Err(drain_then(body, err).await);
    }

    let method = parts.method.clone();
    match (route, &method) {
        (Route::Me, &Method::GET) => Ok(me(shared)),
        (Route::Drive, &Method::GET) => Ok(drive_json(shared)),
        (Route::DriveSearch(q), &Method::GET) => listing::search(shared, raw, &query, &q, now),
        (Route::Item(item, Nav::Search(q)), &Method::GET) => {
            let drive = shared.drive.lock().unwrap();
            resolve_existing(&drive, &item)?;
            drop(drive);
            listing::search(shared, raw, &query, &q, now)
        }
        (Route::Item(item, Nav::Item), &Method::GET) => {
            get_item(shared, &item, &query, &parts.headers, now)
        }
        (Route::Item(item, Nav::Item), &Method::PATCH) => {
            let body = json_body(body).await?.unwrap_or(Value::Null);
            patch_item(shared, &item, &body, &parts.headers, now)
        }
        (Route::Item(item, Nav::Item), &Method::DELETE) => {
            let mut drive = shared.drive.lock().unwrap();
            let id = resolve_existing(&drive, &item)?;
            if_match(&parts.headers, drive.get(&id)?)?;
            drive.delete(&id)?;
            Ok(http::empty(204))
        }
        (Route::Item(item, Nav::Children), &Method::GET) => {
            let folder = resolve_existing(&shared.drive.lock().unwrap(), &item)?;
            listing::children(shared, &folder, &query, now)
        }
        (Route::Item(item, Nav::Children), &Method::POST) => {
            let body = json_body(body).await?.unwrap_or(Value::Null);
            create_child(shared, &item, &body, now)
        }
        (Route::Item(item, Nav::Content), &Method::GET) => {
            let drive = shared.drive.lock().unwrap();
            let id = resolve_existing(&drive, &item)?;
            let item = drive.get(&id)?;
            if item.is_folder() {
                return Err(ApiError::bad_request(
                    "Only files have content to download.",
                ));
            }
            if let Some(tag) = parts
                .headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                && (tag == item.etag() || tag == item.ctag())
            {
                return Ok(http::empty(304));
            }
            let mut response = http::empty(302);
            http::set_header(
                &mut response,
                header::LOCATION,
                &download_url(shared, item, now),
            );
            Ok(response)
        }
        (Route::Item(item, Nav::Content), &Method::PUT) => {
            // Errors are answered after the body was read, as the service does.
            let mut stream = body.into_data_stream();
            let result =
                simple_upload(shared, &item, &query, &parts.headers, &mut stream, now).await;
            if result.is_err() {
                while let Some(Ok(_)) = stream.next().await {}
            }
            result
        }
        (Route::Item(item, Nav::CreateUploadSession), &Method::POST) => {
            let body = json_body(body).await?;
            upload::create_session(shared, &item, body.as_ref(), now)
        }
        (Route::Item(item, Nav::Copy), &Method::POST) => {
            let body = json_body(body).await?.unwrap_or(Value::Null);
            start_copy(shared, &item, &query, &body, now)
        }
        (_, method) => Err(ApiError::new(
            405,
            "invalidRequest",
            format!("The method {method} is not allowed on this resource."),
        )),
    }
}

fn me(shared: &Shared) -> Response {
    let drive = shared.drive.lock().unwrap();
    http::json(
        200,
        &json!({
            "@odata.context": format!("{}/$metadata#users/$entity", shared.graph_base()),
            "id": drive.owner_id,
            "displayName": drive.owner_name,
            "userPrincipalName": "ada@example.com",
            "mail": "ada@example.com",
            "givenName": "Ada",
            "surname": "Example",
            "jobTitle": null,
            "mobilePhone": null,
            "officeLocation": null,
            "preferredLanguage": "en-US",
            "businessPhones": [],
        }),
    )
}

fn drive_json(shared: &Shared) -> Response {
    let drive = shared.drive.lock().unwrap();
    let q = drive.quota();
    let mut quota = json!({
        "total": q.total, "used": q.used, "remaining": q.remaining,
        "deleted": q.deleted, "state": q.state,
    });
    if drive.business() {
        quota["fileCount"] = json!(q.file_count);
    }
    http::json(
        200,
        &json!({
            "@odata.context": format!("{}/$metadata#drives/$entity", shared.graph_base()),
            "id": drive.id,
            "name": "OneDrive",
            "driveType": if drive.business() { "business" } else { "personal" },
            "owner": {"user": {"id": drive.owner_id, "displayName": drive.owner_name}},
            "quota": quota,
            "webUrl": format!("{}/web", shared.origin),
        }),
    )
}

fn single_item_reply(
    shared: &Shared,
    drive: &Drive,
    id: &str,
    status: u16,
    now: DateTime<Utc>,
    select: Option<&[String]>,
) -> ApiResult<Response> {
    let render = Render { drive, shared, now };
    let item = drive.get(id)?;
    let mut value = apply_select(render.item(item, None), select);
    value["@odata.context"] = json!(format!(
        "{}/$metadata#drives('{}')/items/$entity",
        shared.graph_base(),
        drive.id
    ));
    Ok(http::json(status, &value))
}

fn get_item(
    shared: &Shared,
    item: &ItemRef,
    query: &[(String, String)],
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let select = listing::select_option(query)?;
    listing::reject_unsupported(query, &["$select", "$expand"])?;
    if query.iter().any(|(k, _)| k == "$expand") {
        return Err(ApiError::bad_request(
            "$expand is not implemented by the odc emulator; list /children instead.",
        ));
    }
    let drive = shared.drive.lock().unwrap();
    let id = resolve_existing(&drive, item)?;
    let found = drive.get(&id)?;
    if let Some(tag) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && tag == found.etag()
    {
        return Ok(http::empty(304));
    }
    single_item_reply(shared, &drive, &id, 200, now, select.as_deref())
}

fn patch_item(
    shared: &Shared,
    item: &ItemRef,
    body: &Value,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let mut drive = shared.drive.lock().unwrap();
    let id = resolve_existing(&drive, item)?;
    if_match(headers, drive.get(&id)?)?;
    let name = match body.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::bad_request("name must be a string")),
    };
    let parent = match body.get("parentReference") {
        None | Some(Value::Null) => None,
        Some(reference) => {
            if let Some(drive_id) = reference.get("driveId").and_then(Value::as_str)
                && !drive_id.eq_ignore_ascii_case(&drive.id)
            {
                return Err(ApiError::bad_request(
                    "Moving items between drives is not supported; copy and delete instead.",
                ));
            }
            if let Some(parent_id) = reference.get("id").and_then(Value::as_str) {
                if parent_id == "root" {
                    return Err(ApiError::bad_request(
                        "parentReference.id must be the root's real id, not the 'root' alias.",
                    ));
                }
                Some(drive.get(parent_id)?.id.clone())
            } else if let Some(path) = reference.get("path").and_then(Value::as_str) {
                let relative = path.strip_prefix("/drive/root:").ok_or_else(|| {
                    ApiError::bad_request("parentReference.path must start with /drive/root:")
                })?;
                let segments: Vec<String> = relative
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                let root = drive.root_id.clone();
                match drive.resolve(&root, &segments)? {
                    Resolved::Existing(id) => Some(id),
                    Resolved::Missing { .. } => return Err(ApiError::not_found()),
                }
            } else {
                None
            }
        }
    };
    let fs = body.get("fileSystemInfo").cloned().unwrap_or(Value::Null);
    let fs_created = parse_time(&fs, "createdDateTime")?;
    let fs_modified = parse_time(&fs, "lastModifiedDateTime")?;
    drive.update(
        &id,
        name.as_deref(),
        parent.as_deref(),
        fs_created,
        fs_modified,
        now,
    )?;
    single_item_reply(shared, &drive, &id, 200, now, None)
}

fn create_child(
    shared: &Shared,
    item: &ItemRef,
    body: &Value,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("A name is required to create an item."))?;
    if body.get("folder").is_none() {
        return Err(ApiError::bad_request(
            "Only folders can be created this way; upload files with PUT …/content or an upload session.",
        ));
    }
    let conflict = match body
        .get("@microsoft.graph.conflictBehavior")
        .and_then(Value::as_str)
    {
        Some(text) => Conflict::parse(text)?,
        None => Conflict::Fail,
    };
    let mut drive = shared.drive.lock().unwrap();
    let parent = resolve_existing(&drive, item)?;
    let (id, created) = drive.create_folder(&parent, name, conflict, now)?;
    single_item_reply(
        shared,
        &drive,
        &id,
        if created { 201 } else { 200 },
        now,
        None,
    )
}

/// PUT …/content: streams the body to a blob while hashing it.
async fn simple_upload(
    shared: &Arc<Shared>,
    item: &ItemRef,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: &mut axum::body::BodyDataStream,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let conflict = conflict_from_query(query, Conflict::Replace)?;
    // The front end already refused a PUT with no length at all (411, HTML); a
    // chunked body of unknown size is refused here, as the upload needs the length.
    let length: u64 = match headers.get(header::CONTENT_LENGTH) {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| ApiError::bad_request("Invalid Content-Length."))?,
        None => {
            return Err(ApiError::new(
                411,
                "lengthRequired",
                "Content-Length is required.",
            ));
        }
    };
    let limit = shared.settings().simple_upload_limit;
    if length > limit {
        return Err(ApiError::new(
            413,
            "requestTooLarge",
            format!("A simple upload takes at most {limit} bytes; use an upload session."),
        ));
    }
    // Check the target before reading the body, as the service does.
    let target = {
        let drive = shared.drive.lock().unwrap();
        let target = resolve(&drive, item)?;
        match &target {
            Resolved::Existing(id) => {
                let existing = drive.get(id)?;
                if existing.is_folder() {
                    return Err(ApiError::bad_request("Cannot write content to a folder."));
                }
                if_match(headers, existing)?;
                if conflict == Conflict::Fail && item.path.is_some() {
                    return Err(ApiError::name_exists(&existing.name));
                }
                drive.check_space(length, existing.size(&drive))?;
            }
            Resolved::Missing { parent, name } => {
                drive.check_new_name(parent, name, false)?;
                drive.check_space(length, 0)?;
            }
        }
        target
    };
    let (content, hash) = receive_blob(shared, body, length).await?;
    let mut drive = shared.drive.lock().unwrap();
    let (id, created) = match target {
        Resolved::Existing(id) if item.path.is_some() && conflict == Conflict::Rename => {
            let existing = drive.get(&id)?;
            let parent = existing.parent.clone().expect("files have parents");
            let name = existing.name.clone();
            drive.write_file(&parent, &name, (content, Some(hash)), conflict, None, now)?
        }
        Resolved::Existing(id) => {
            drive.replace_content(&id, content, Some(hash), None, now)?;
            (id, false)
        }
        Resolved::Missing { parent, name } => {
            drive.write_file(&parent, &name, (content, Some(hash)), conflict, None, now)?
        }
    };
    single_item_reply(
        shared,
        &drive,
        &id,
        if created { 201 } else { 200 },
        now,
        None,
    )
}

async fn receive_blob(
    shared: &Shared,
    stream: &mut axum::body::BodyDataStream,
    length: u64,
) -> ApiResult<(Content, String)> {
    let path = shared.blobs.new_path();
    let blob = BlobFile {
        path: path.clone(),
        size: length,
    };
    let mut file = tokio::fs::File::create(&path)
        .await
        .map_err(|e| ApiError::new(500, "generalException", e.to_string()))?;
    let mut hasher = QuickXorHash::new();
    let mut received = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("The request body was cut off."))?;
        received += chunk.len() as u64;
        if received > length {
            return Err(ApiError::bad_request("More bytes than Content-Length."));
        }
        hasher.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|e| ApiError::new(500, "generalException", e.to_string()))?;
    }
    if received != length {
        return Err(ApiError::bad_request("Fewer bytes than Content-Length."));
    }
    file.flush()
        .await
        .map_err(|e| ApiError::new(500, "generalException", e.to_string()))?;
    Ok((Content::Blob(Arc::new(blob)), hasher.finish_base64()))
}

/// A server-side copy in progress.
pub struct CopyJob {
    source: String,
    dest_parent: String,
    name: String,
    conflict: Conflict,
    polls_left: u32,
    result: Option<Result<String, String>>,
}

fn start_copy(
    shared: &Shared,
    item: &ItemRef,
    query: &[(String, String)],
    body: &Value,
    _now: DateTime<Utc>,
) -> ApiResult<Response> {
    let drive = shared.drive.lock().unwrap();
    let source = resolve_existing(&drive, item)?;
    let reference = body
        .get("parentReference")
        .ok_or_else(|| ApiError::bad_request("parentReference is required."))?;
    if let Some(drive_id) = reference.get("driveId").and_then(Value::as_str)
        && !drive_id.eq_ignore_ascii_case(&drive.id)
    {
        return Err(ApiError::not_found());
    }
    let parent_id = reference
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("parentReference.id is required."))?;
    let dest_parent = drive.get(parent_id)?.id.clone();
    if !drive.get(&dest_parent)?.is_folder() {
        return Err(ApiError::bad_request("The destination is not a folder."));
    }
    if drive.is_ancestor(&source, &dest_parent) {
        return Err(ApiError::bad_request(
            "A folder cannot be copied into itself.",
        ));
    }
    let source_item = drive.get(&source)?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| source_item.name.clone());
    drive.check_new_name(&dest_parent, &name, source_item.is_folder())?;
    // Personal drives ignore conflictBehavior and refuse a taken name at once.
    let conflict = if drive.business() {
        conflict_from_query(query, Conflict::Fail)?
    } else {
        Conflict::Fail
    };
    if conflict == Conflict::Fail && drive.child(&dest_parent, &name).is_some() {
        return Err(ApiError::name_exists(&name));
    }
    drop(drive);
    let id = crate::ids::random_string(24, crate::ids::TOKEN_ALPHABET);
    let polls = shared.settings().copy_polls;
    shared.copies.lock().unwrap().insert(
        id.clone(),
        CopyJob {
            source,
            dest_parent,
            name,
            conflict,
            polls_left: polls,
            result: None,
        },
    );
    let mut response = http::empty(202);
    http::set_header(
        &mut response,
        header::LOCATION,
        &format!("{}/monitor/{id}", shared.origin),
    );
    Ok(response)
}

/// GET on a copy monitor URL: progress, then the result. No Authorization allowed.
pub async fn handle_monitor(
    shared: &Arc<Shared>,
    request: Request,
    info: &RequestInfo,
) -> Response {
    if request.headers().contains_key(header::AUTHORIZATION) {
        return http::graph_error(
            &ApiError::new(
                401,
                "unauthenticated",
                "The monitor URL is pre-authenticated; do not send Authorization.",
            ),
            info,
        );
    }
    if request.method() != Method::GET {
        return http::graph_error(
            &ApiError::new(405, "invalidRequest", "Only GET is allowed."),
            info,
        );
    }
    let id = request
        .uri()
        .path()
        .trim_start_matches("/monitor/")
        .to_string();
    let mut copies = shared.copies.lock().unwrap();
    let Some(job) = copies.get_mut(&id) else {
        return http::graph_error(&ApiError::not_found(), info);
    };
    if job.result.is_none() {
        if job.polls_left > 0 {
            let total = shared.settings().copy_polls.max(1);
            let done = total - job.polls_left;
            job.polls_left -= 1;
            let percentage = 100.0 * done as f64 / total as f64;
            let status = if done == 0 {
                "notStarted"
            } else {
                "inProgress"
            };
            return http::json(
                202,
                &json!({"operation": "ItemCopy", "percentageComplete": percentage, "status": status}),
            );
        }
        let mut drive = shared.drive.lock().unwrap();
        job.result = Some(run_copy(&mut drive, job, info.now));
    }
    match job.result.as_ref().expect("set above") {
        Ok(resource) => http::json(
            202,
            &json!({"operation": "ItemCopy", "percentageComplete": 100.0, "resourceId": resource, "status": "completed"}),
        ),
        Err(code) => http::json(
            202,
            &json!({"operation": "ItemCopy", "percentageComplete": 0.0, "status": "failed", "errorCode": code}),
        ),
    }
}

fn run_copy(drive: &mut Drive, job: &CopyJob, now: DateTime<Utc>) -> Result<String, String> {
    let mut name = job.name.clone();
    if let Some(existing) = drive.child(&job.dest_parent, &name).map(|i| i.id.clone()) {
        match job.conflict {
            Conflict::Fail => return Err("NameAlreadyExists".into()),
            Conflict::Replace => drive.delete(&existing).map_err(|e| e.code.to_string())?,
            Conflict::Rename => {
                name = drive.free_name(&job.dest_parent, &job.name);
            }
        }
    }
    drive
        .copy_tree(&job.source, &job.dest_parent, &name, now)
        .map_err(|e| match e.status.as_u16() {
            507 => "QuotaLimitReached".to_string(),
            404 => "ItemNotFound".to_string(),
            _ => e.code.to_string(),
        })
}
