//! Graph drive endpoints (Graph reference §2–§6): addressing, item JSON, metadata,
//! folders, rename/move, delete, copy with a monitor, simple upload, downloads.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

use super::Shared;
use super::content::{BlobFile, Content};
use super::error::{ApiError, ApiResult};
use super::http::{self, RequestInfo};
use super::store::{Conflict, Resolved};
use super::{listing, upload};
use odc_core::quickxor::QuickXorHash;

use super::copy::start_copy;
pub use super::copy::{CopyJob, handle_monitor};
use super::directory::Scoped;
pub use super::render::download_url;
pub use super::route::{
    DriveSel, ItemRef, Nav, Resource, Route, conflict_from_query, parse_route, parse_time, resolve,
    resolve_existing,
};

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

pub async fn handle(shared: &Arc<Shared>, request: Request, info: &RequestInfo) -> Response {
    match handle_inner(shared, request, info).await {
        Ok(response) => response,
        Err(err) => http::graph_error(&err, info),
    }
}

pub(super) async fn handle_inner(
    shared: &Arc<Shared>,
    request: Request,
    info: &RequestInfo,
) -> ApiResult<Response> {
    let (parts, body) = request.into_parts();
    let raw = parts.uri.path().strip_prefix("/v1.0").unwrap_or("");
    let query = http::query_pairs(parts.uri.query());
    let now = info.now;
    let resource = match parse_route(raw) {
        Ok(resource) => resource,
        Err(err) => return Err(http::drain_then(body, err).await),
    };

    let needs = if matches!(resource, Resource::Me) {
        "User.Read"
    } else if matches!(
        resource,
        Resource::Sites | Resource::Site(_) | Resource::SiteDrives(_) | Resource::FollowedSites
    ) {
        "Sites."
    } else {
        "Files."
    };
    let checked = shared.bearer_user(&parts.headers, needs, now);
    let user = match checked {
        Ok(user) => user,
        Err(err) => return Err(http::drain_then(body, err).await),
    };
    let (selector, route) = match resource {
        Resource::InDrive(selector, route) => (selector, route),
        other => {
            if parts.method != Method::GET {
                return Err(http::drain_then(
                    body,
                    ApiError::new(
                        405,
                        "invalidRequest",
                        format!(
                            "The method {} is not allowed on this resource.",
                            parts.method
                        ),
                    ),
                )
                .await);
            }
            return super::sites::handle(shared, user, other, &query);
        }
    };
    let drive = {
        let directory = shared.directory.read().unwrap();
        match &selector {
            DriveSel::Mine => directory
                .users
                .get(user)
                .map(|u| (u.drive.clone(), super::directory::Access::Owner)),
            DriveSel::Id(id) => directory.open_drive(user, id),
        }
    };
    let Some((drive, access)) = drive else {
        return Err(http::drain_then(
            body,
            ApiError::new(404, "itemNotFound", "The drive could not be found."),
        )
        .await);
    };
    let checked = super::shares::check(&drive.lock().unwrap(), &access, &route, &parts.method);
    if let Err(err) = checked {
        return Err(http::drain_then(body, err).await);
    }
    let mut scoped = Scoped::new(shared, drive);
    scoped.user = Some(user);
    scoped.include_shortcuts = parts
        .headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.to_ascii_lowercase()
                .contains("include-feature=addtoonedrive")
        });
    let shared = &scoped;

    let method = parts.method.clone();
    // A file and its metadata in one request (personal drives).
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(super::multipart::boundary);
    match (route, &method) {
        (Route::Drive, &Method::GET) => {
            let drive = shared.drive.lock().unwrap();
            let mut json = super::sites::drive_json(shared, &drive, "OneDrive");
            // Only when selected, as the service (drive resource: sharePointIds).
            let selected = query.iter().any(|(k, v)| {
                k == "$select"
                    && v.split(',')
                        .any(|f| f.eq_ignore_ascii_case("sharePointIds"))
            });
            if let (true, Some(site)) = (selected, &drive.site_id) {
                json["sharePointIds"] = serde_json::json!({ "siteId": site });
            }
            Ok(http::json(200, &json))
        }
        (Route::DriveSearch(q), &Method::GET) => {
            listing::search(shared, raw, &query, &q, true, now)
        }
        (Route::Item(item, Nav::Search(q)), &Method::GET) => {
            let drive = shared.drive.lock().unwrap();
            resolve_existing(&drive, &item)?;
            drop(drive);
            listing::search(shared, raw, &query, &q, false, now)
        }
        (Route::Item(item, Nav::Item), &Method::GET) => {
            match super::bin::get_deleted(shared, &item, &query, now) {
                Some(reply) => reply,
                None => get_item(shared, &item, &query, &parts.headers, now),
            }
        }
        (Route::Item(item, Nav::Item), &Method::PATCH) => {
            let body = json_body(body).await?.unwrap_or(Value::Null);
            patch_item(shared, &item, &body, &parts.headers, now)
        }
        (Route::Item(item, Nav::Item), &Method::DELETE) => {
            let mut drive = shared.drive.lock().unwrap();
            let id = resolve_existing(&drive, &item)?;
            http::if_match(&parts.headers, drive.get(&id)?)?;
            drive.delete(&id, now)?;
            Ok(http::empty(204))
        }
        (Route::Item(item, Nav::Children), &Method::GET) => {
            let folder = resolve_existing(&shared.drive.lock().unwrap(), &item)?;
            listing::children(shared, &folder, &query, now)
        }
        (Route::Item(item, Nav::Children), &Method::POST) if multipart.is_some() => {
            let boundary = multipart.expect("matched above");
            let bytes = axum::body::to_bytes(body, super::multipart::MAX_CONTENT + 64 * 1024)
                .await
                .map_err(|_| super::multipart::too_large())?;
            super::multipart::upload(shared, &item, &boundary, &bytes, now)
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
            upload::create_session(shared, &item, body.as_ref(), &parts.headers, now)
        }
        (Route::Item(item, Nav::Delta), &Method::GET) => {
            let folder = resolve_existing(&shared.drive.lock().unwrap(), &item)?;
            super::delta::delta(shared, &folder, raw, &query, now)
        }
        (Route::Item(item, Nav::CreateLink), &Method::POST) => {
            let body = json_body(body).await?.unwrap_or(Value::Null);
            super::sharing::create_link(shared, &item, &body)
        }
        (Route::Item(item, Nav::Copy), &Method::POST) => {
            let body = json_body(body).await?.unwrap_or(Value::Null);
            start_copy(shared, &item, &query, &body, now)
        }
        (Route::Item(item, Nav::Thumbnails), &Method::GET) => {
            super::thumbnails::list(shared, &item, now).await
        }
        (Route::Item(item, Nav::Thumbnail { set, size, content }), &Method::GET) => {
            super::thumbnails::one(shared, &item, &set, &size, content, now).await
        }
        (Route::Item(item, Nav::Versions), &Method::GET) => super::versions::list(shared, &item),
        (Route::Item(item, Nav::Version(v)), &Method::GET) => {
            super::versions::get(shared, &item, &v)
        }
        (Route::Item(item, Nav::VersionContent(v)), &Method::GET) => {
            super::versions::content(shared, &item, &v, now)
        }
        (Route::Item(item, Nav::RestoreVersion(v)), &Method::POST) => {
            super::versions::restore(shared, &item, &v, now)
        }
        (Route::Item(item, Nav::Restore), &Method::POST) => {
            let body = json_body(body).await?.unwrap_or(Value::Null);
            super::bin::restore(shared, &item, &body, now)
        }
        (Route::Item(item, Nav::PermanentDelete), &Method::POST) => {
            super::bin::permanent_delete(shared, &item)
        }
        (_, method) => Err(ApiError::new(
            405,
            "invalidRequest",
            format!("The method {method} is not allowed on this resource."),
        )),
    }
}

pub(super) fn get_item(
    shared: &Scoped,
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
    super::render::single_item_reply(shared, &drive, &id, 200, now, select.as_deref())
}

pub(super) fn patch_item(
    shared: &Scoped,
    item: &ItemRef,
    body: &Value,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let mut drive = shared.drive.lock().unwrap();
    let id = resolve_existing(&drive, item)?;
    http::if_match(headers, drive.get(&id)?)?;
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
    // Business keeps a version for a change of a file's times too, and counts it
    // against the quota (rclone#1716, onedrive-api-docs#877).
    if drive.business() && (fs_created.is_some() || fs_modified.is_some()) {
        drive.keep_version(&id)?;
    }
    super::render::single_item_reply(shared, &drive, &id, 200, now, None)
}

pub(super) fn create_child(
    shared: &Scoped,
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
    let conflict = super::route::conflict_from_body(body)?;
    let mut drive = shared.drive.lock().unwrap();
    let parent = resolve_existing(&drive, item)?;
    let (id, created) = drive.create_folder(&parent, name, conflict, now)?;
    super::render::single_item_reply(
        shared,
        &drive,
        &id,
        if created { 201 } else { 200 },
        now,
        None,
    )
}

/// PUT …/content: streams the body to a blob while hashing it.
pub(super) async fn simple_upload(
    shared: &Scoped,
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
                http::if_match(headers, existing)?;
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
    super::rewrite::after_upload(shared, &mut drive, &id)?;
    super::render::single_item_reply(
        shared,
        &drive,
        &id,
        if created { 201 } else { 200 },
        now,
        None,
    )
}

pub(super) async fn receive_blob(
    shared: &Scoped,
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
