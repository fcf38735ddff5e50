//! Upload sessions (Graph reference §5.2–§5.4): creation, fragments with every rule the
//! service enforces, status, cancel, commit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use super::Shared;
use super::conn::ConnHandle;
use super::content::{BlobFile, Content};
use super::error::{ApiError, ApiResult};
use super::faults::Fault;
use super::http::{self, RequestInfo};
use super::render::Render;
use super::route::{ItemRef, parse_time, resolve};
use super::store::{Conflict, Resolved};
use odc_core::quickxor::QuickXorHash;

use super::rules::{FRAGMENT_MAX_EXCLUSIVE, FRAGMENT_MULTIPLE};

enum Target {
    New {
        parent: String,
        name: String,
        conflict: Conflict,
    },
    Existing {
        id: String,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Active,
    Finished,
}

pub struct Session {
    target: Target,
    fs_created: Option<DateTime<Utc>>,
    fs_modified: Option<DateTime<Utc>>,
    total: Option<u64>,
    received: u64,
    blob: Option<Arc<BlobFile>>,
    file: Option<tokio::fs::File>,
    hasher: QuickXorHash,
    expires_at: DateTime<Utc>,
    state: State,
    /// The drive the file goes to.
    drive: super::directory::DriveRef,
}

#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Session>>>>,
}

impl Sessions {
    pub fn open_count(&self) -> usize {
        self.map
            .lock()
            .unwrap()
            .values()
            .filter(|s| {
                s.try_lock()
                    .map(|s| s.state == State::Active)
                    .unwrap_or(true)
            })
            .count()
    }

    fn get(&self, id: &str) -> Option<Arc<tokio::sync::Mutex<Session>>> {
        self.map.lock().unwrap().get(id).cloned()
    }
}

fn status_body(session: &Session) -> Value {
    json!({
        "expirationDateTime": super::clock::graph_time_ms(session.expires_at),
        "nextExpectedRanges": [format!("{}-", session.received)],
    })
}

/// POST …/createUploadSession.
pub fn create_session(
    shared: &super::directory::Scoped,
    item: &ItemRef,
    body: Option<&Value>,
    headers: &axum::http::HeaderMap,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let empty = json!({});
    let props = body.and_then(|b| b.get("item")).unwrap_or(&empty);
    if body
        .and_then(|b| b.get("deferCommit"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        return Err(ApiError::bad_request(
            "deferCommit is not implemented by the odc emulator.",
        ));
    }
    // The docs' default for sessions is fail (Graph reference §5.2); the annotation only
    // counts inside `item`.
    let conflict = match props
        .get("@microsoft.graph.conflictBehavior")
        .and_then(Value::as_str)
    {
        Some(text) => Conflict::parse(text)?,
        None => Conflict::Fail,
    };
    let fs = props.get("fileSystemInfo").cloned().unwrap_or(Value::Null);
    let fs_created = parse_time(&fs, "createdDateTime")?;
    let fs_modified = parse_time(&fs, "lastModifiedDateTime")?;
    let drive = shared.drive.lock().unwrap();
    let target = match resolve(&drive, item)? {
        Resolved::Missing { parent, name } => {
            drive.check_new_name(&parent, &name, false)?;
            Target::New {
                parent,
                name,
                conflict,
            }
        }
        Resolved::Existing(id) => {
            let existing = drive.get(&id)?;
            if existing.is_folder() {
                return Err(ApiError::bad_request("Cannot upload content to a folder."));
            }
            // An edit of a file someone changed meanwhile (Graph reference §10.6).
            super::http::if_match(headers, existing)?;
            if item.path.is_some() {
                if conflict == Conflict::Fail {
                    return Err(ApiError::name_exists(&existing.name));
                }
                let parent = existing.parent.clone().expect("files have parents");
                Target::New {
                    parent,
                    name: existing.name.clone(),
                    conflict,
                }
            } else {
                Target::Existing { id }
            }
        }
    };
    if let (
        Some(name),
        Target::New {
            name: path_name, ..
        },
    ) = (props.get("name").and_then(Value::as_str), &target)
        && !name.eq_ignore_ascii_case(path_name)
    {
        return Err(ApiError::bad_request(
            "item.name must match the name in the path.",
        ));
    }
    if let Some(size) = props.get("fileSize").and_then(Value::as_u64) {
        drive.check_space(size, 0)?;
    }
    drop(drive);
    let lifetime = shared.settings().upload_session_lifetime_secs as i64;
    let session = Session {
        target,
        fs_created,
        fs_modified,
        total: None,
        received: 0,
        blob: None,
        file: None,
        hasher: QuickXorHash::new(),
        expires_at: now + Duration::seconds(lifetime),
        state: State::Active,
        drive: shared.drive.clone(),
    };
    let id = odc_core::ids::random_string(48, odc_core::ids::TOKEN_ALPHABET);
    let mut body = status_body(&session);
    body["uploadUrl"] = json!(format!("{}/up/{id}", shared.origin));
    shared
        .uploads
        .map
        .lock()
        .unwrap()
        .insert(id, Arc::new(tokio::sync::Mutex::new(session)));
    Ok(http::json(200, &body))
}

/// Requests to an uploadUrl: PUT a fragment, GET the status, DELETE to cancel.
pub async fn handle_url(
    shared: &Arc<Shared>,
    request: Request,
    info: &RequestInfo,
    conn: &ConnHandle,
    fault: Option<Fault>,
) -> Response {
    match handle_inner(shared, request, info, conn, fault).await {
        Ok(response) => response,
        Err(err) => http::graph_error(&err, info),
    }
}

async fn handle_inner(
    shared: &Arc<Shared>,
    request: Request,
    info: &RequestInfo,
    conn: &ConnHandle,
    fault: Option<Fault>,
) -> ApiResult<Response> {
    if request.headers().contains_key(header::AUTHORIZATION)
        && !shared.settings().accept_authorization_on_preauth_urls
    {
        return Err(ApiError::new(
            401,
            "unauthenticated",
            "The upload URL is pre-authenticated; an Authorization header must not be sent.",
        ));
    }
    let id = request.uri().path().trim_start_matches("/up/").to_string();
    let session = shared.uploads.get(&id).ok_or_else(ApiError::not_found)?;
    let mut session = session.lock().await;
    let now = info.now;
    if session.state != State::Active || now >= session.expires_at {
        return Err(ApiError::not_found());
    }
    // Answered in the view of the drive the session was created for.
    let shared = &super::directory::Scoped::new(shared, session.drive.clone());
    match *request.method() {
        Method::GET => Ok(http::json(200, &status_body(&session))),
        Method::DELETE => {
            session.state = State::Finished;
            session.blob = None;
            session.file = None;
            Ok(http::empty(204))
        }
        Method::PUT => {
            let (parts, body) = request.into_parts();
            let partial = match fault {
                Some(Fault::PartialAccept { bytes }) => Some(bytes),
                Some(_) => {
                    conn.kill();
                    return Ok(http::empty(500));
                }
                None => None,
            };
            // Read what was sent before answering an error, as the service does: a
            // reply in the middle of the upload reaches the client as a broken pipe.
            let mut stream = body.into_data_stream();
            let result = put_fragment(
                shared,
                &mut session,
                &parts.headers,
                &mut stream,
                now,
                conn,
                partial,
            )
            .await;
            if result.is_err() && !conn.is_killed() {
                while let Some(Ok(_)) = stream.next().await {}
            }
            result
        }
        _ => Err(ApiError::new(
            405,
            "invalidRequest",
            "Use PUT, GET or DELETE on an upload URL.",
        )),
    }
}

/// `bytes START-END/TOTAL`.
fn parse_content_range(headers: &HeaderMap) -> ApiResult<(u64, u64, u64)> {
    let invalid = || {
        ApiError::bad_request("Invalid Content-Range header value; expected bytes START-END/TOTAL.")
    };
    let value = headers
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(invalid)?;
    let rest = value.strip_prefix("bytes ").ok_or_else(invalid)?;
    let (range, total) = rest.split_once('/').ok_or_else(invalid)?;
    let (start, end) = range.split_once('-').ok_or_else(invalid)?;
    let parse = |s: &str| s.trim().parse::<u64>().map_err(|_| invalid());
    let (start, end, total) = (parse(start)?, parse(end)?, parse(total)?);
    if end < start {
        return Err(invalid());
    }
    Ok((start, end, total))
}

async fn put_fragment(
    shared: &super::directory::Scoped,
    session: &mut Session,
    headers: &HeaderMap,
    stream: &mut axum::body::BodyDataStream,
    now: DateTime<Utc>,
    conn: &ConnHandle,
    partial: Option<u64>,
) -> ApiResult<Response> {
    let (start, end, total) = parse_content_range(headers)?;
    let length = end - start + 1;
    let declared: Option<u64> = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    if declared != Some(length) {
        return Err(ApiError::bad_request(format!(
            "Content-Length ({}) must equal the Content-Range length ({length}).",
            declared
                .map(|d| d.to_string())
                .unwrap_or_else(|| "missing".into())
        )));
    }
    if length >= FRAGMENT_MAX_EXCLUSIVE {
        return Err(
            ApiError::bad_request("A fragment must be smaller than 60 MiB.")
                .inner("maxFragmentLengthExceeded"),
        );
    }
    if let Some(expected) = session.total
        && expected != total
    {
        return Err(ApiError::bad_request(format!(
            "The total size {total} differs from {expected}, given with earlier fragments."
        ))
        .inner("fragmentLengthMismatch"));
    }
    if end >= total {
        return Err(ApiError::bad_request(
            "The fragment ends past the total size.",
        ));
    }
    if start < session.received {
        return Err(ApiError::new(
            416,
            "invalidRange",
            format!(
                "The fragment overlaps data already received; the next expected range starts at {}.",
                session.received
            ),
        )
        .inner("fragmentOverlap"));
    }
    if start > session.received {
        return Err(ApiError::bad_request(format!(
            "Fragments must be sent in order; expected a fragment starting at {}.",
            session.received
        ))
        .inner("fragmentOutOfOrder"));
    }
    if !length.is_multiple_of(FRAGMENT_MULTIPLE) && end + 1 != total {
        return Err(ApiError::bad_request(
            "Every fragment but the last must be a multiple of 320 KiB (327,680 bytes).",
        ));
    }
    if session.total.is_none() {
        {
            let drive = shared.drive.lock().unwrap();
            let replaced = match &session.target {
                Target::Existing { id } => drive.get(id).map(|i| i.size(&drive)).unwrap_or(0),
                Target::New { .. } => 0,
            };
            drive.check_space(total, replaced)?;
        }
        session.total = Some(total);
        let path = shared.blobs.new_path();
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| ApiError::new(500, "generalException", e.to_string()))?;
        session.blob = Some(Arc::new(BlobFile { path, size: total }));
        session.file = Some(file);
    }

    let accept_limit = partial.map(|p| p.min(length.saturating_sub(1)));
    let mut taken = 0u64;
    let mut cut_off = false;
    while let Some(chunk) = stream.next().await {
        let Ok(mut chunk) = chunk else {
            cut_off = true;
            break;
        };
        if let Some(limit) = accept_limit {
            let room = (limit - taken) as usize;
            chunk.truncate(room);
        }
        let file = session.file.as_mut().expect("created above");
        file.write_all(&chunk)
            .await
            .map_err(|e| ApiError::new(500, "generalException", e.to_string()))?;
        session.hasher.update(&chunk);
        taken += chunk.len() as u64;
        session.received += chunk.len() as u64;
        if accept_limit.is_some_and(|limit| taken >= limit) {
            break;
        }
    }
    session.expires_at =
        now + Duration::seconds(shared.settings().upload_session_lifetime_secs as i64);
    if accept_limit.is_some() {
        // Part of the fragment was stored; the client sees its connection drop.
        conn.kill();
        return Ok(http::empty(500));
    }
    if cut_off {
        return Err(ApiError::bad_request("The fragment was cut off."));
    }
    if session.received < total {
        return Ok(http::json(202, &status_body(session)));
    }
    commit(shared, session, now).await
}

async fn commit(
    shared: &super::directory::Scoped,
    session: &mut Session,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    if let Some(mut file) = session.file.take() {
        file.flush()
            .await
            .map_err(|e| ApiError::new(500, "generalException", e.to_string()))?;
    }
    let blob = session.blob.clone().expect("data was received");
    let hash = session.hasher.finish_base64();
    let content = Content::Blob(blob);
    let mut drive = shared.drive.lock().unwrap();
    // On failure (a name taken meanwhile with `fail`, or quota) the session stays
    // open with its data, as the service keeps it until expiry.
    let (id, created) = match &session.target {
        Target::New {
            parent,
            name,
            conflict,
        } => drive.write_file(
            parent,
            name,
            (content, Some(hash)),
            *conflict,
            session.fs_modified,
            now,
        )?,
        Target::Existing { id } => {
            drive.replace_content(id, content, Some(hash), session.fs_modified, now)?;
            (id.clone(), false)
        }
    };
    if let Some(created_at) = session.fs_created {
        drive.update(&id, None, None, Some(created_at), None, now)?;
    }
    super::rewrite::after_upload(shared, &mut drive, &id)?;
    session.state = State::Finished;
    session.blob = None;
    let render = Render {
        drive: &drive,
        shared,
        now,
    };
    let item = render.item(drive.get(&id)?, None);
    Ok(http::json(
        if created { 201 } else { 200 },
        &Value::Object(item),
    ))
}
