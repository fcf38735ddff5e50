//! Server-side copies: accepted with 202 and a monitor URL, polled until done
//! (Graph reference §6.4).

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{Method, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Shared;
use super::error::{ApiError, ApiResult};
use super::http::{self, RequestInfo};
use super::route::{ItemRef, conflict_from_query, resolve_existing};
use super::store::{Conflict, Drive};

/// A server-side copy in progress.
pub struct CopyJob {
    pub(super) source: String,
    pub(super) dest_parent: String,
    pub(super) name: String,
    pub(super) conflict: Conflict,
    pub(super) polls_left: u32,
    pub(super) result: Option<Result<String, String>>,
    /// The drive the copy happens in.
    pub(super) drive: super::directory::DriveRef,
}

pub(super) fn start_copy(
    shared: &super::directory::Scoped,
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
    let id = odc_core::ids::random_string(24, odc_core::ids::TOKEN_ALPHABET);
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
            drive: shared.drive.clone(),
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
        let mut drive = job.drive.lock().unwrap();
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

pub(super) fn run_copy(
    drive: &mut Drive,
    job: &CopyJob,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let mut name = job.name.clone();
    if let Some(existing) = drive.child(&job.dest_parent, &name).map(|i| i.id.clone()) {
        match job.conflict {
            Conflict::Fail => return Err("NameAlreadyExists".into()),
            Conflict::Replace => drive
                .delete(&existing, now)
                .map_err(|e| e.code.to_string())?,
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
