//! Pre-authenticated download URLs (Graph reference §4): Range, 206, 416, expiry, and a
//! 401 for any request that carries Authorization.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::response::Response;
use base64::Engine as _;

use super::Shared;
use super::error::ApiError;
use super::http::{self, RequestInfo};
use super::store::ItemKind;

pub async fn handle(shared: &Arc<Shared>, request: Request, info: &RequestInfo) -> Response {
    let fail = |err: ApiError| http::graph_error(&err, info);
    if request.headers().contains_key(header::AUTHORIZATION)
        && !shared.settings().accept_authorization_on_preauth_urls
    {
        return fail(ApiError::new(
            401,
            "unauthenticated",
            "The download URL is pre-authenticated; an Authorization header must not be sent.",
        ));
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return fail(ApiError::new(405, "invalidRequest", "Only GET is allowed."));
    }
    let token = request.uri().path().trim_start_matches("/dl/");
    let Some((drive_id, id, version, expires)) = verify(shared, token) else {
        return fail(ApiError::new(
            403,
            "accessDenied",
            "The download URL is not valid.",
        ));
    };
    if info.now.timestamp() >= expires {
        return fail(ApiError::new(
            403,
            "accessDenied",
            "The download URL has expired; get the item again for a fresh one.",
        ));
    }
    let content = {
        let Some(drive) = shared.directory.read().unwrap().any_drive(&drive_id) else {
            return fail(ApiError::not_found());
        };
        let drive = drive.lock().unwrap();
        match drive.get(&id) {
            Ok(item) if item.malware.is_some() => {
                return fail(ApiError::new(403, "malwareDetected", "Malware detected"));
            }
            Ok(item) if item.content_version.to_string() == version => match &item.kind {
                ItemKind::File { .. } if item.served.is_some() => {
                    item.served.clone().expect("matched")
                }
                ItemKind::File { content, .. } => content.clone(),
                ItemKind::Folder { .. } => return fail(ApiError::not_found()),
            },
            // A thumbnail of the picture as it is now (made below, off the lock).
            Ok(item)
                if version.strip_prefix('t').is_some_and(|t| {
                    t.split_once(':')
                        .is_some_and(|(cv, _)| cv == item.content_version.to_string())
                }) =>
            {
                match &item.kind {
                    ItemKind::File { content, .. } => content.clone(),
                    ItemKind::Folder { .. } => return fail(ApiError::not_found()),
                }
            }
            // An earlier version's bytes (`/versions/{v}/content`).
            Ok(item) if version.starts_with('h') => {
                match item
                    .history
                    .iter()
                    .find(|v| format!("h{}", v.content_version) == version)
                {
                    Some(old) => old.content.clone(),
                    None => return fail(ApiError::not_found()),
                }
            }
            _ => return fail(ApiError::not_found()),
        }
    };
    let content = match version.strip_prefix('t').and_then(|t| t.split_once(':')) {
        Some((_, spec)) => {
            let spec = super::thumbnails::Spec::parse(spec);
            match spec {
                Some(spec) => match super::thumbnails::render(&content, spec).await {
                    Some(bytes) => super::content::Content::Inline(bytes.into()),
                    None => return fail(ApiError::not_found()),
                },
                None => return fail(ApiError::not_found()),
            }
        }
        None => content,
    };
    let size = content.len();
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let honour_range = !shared.settings().ignore_range;
    let (status, start, end) = match range.filter(|_| honour_range) {
        None => (200, 0, size),
        Some(text) => match parse_range(&text, size) {
            RangeAnswer::Whole => (200, 0, size),
            RangeAnswer::Part(start, end) => (206, start, end),
            RangeAnswer::Unsatisfiable => {
                let mut response = fail(ApiError::new(
                    416,
                    "invalidRange",
                    "The requested range is not satisfiable.",
                ));
                http::set_header(
                    &mut response,
                    header::CONTENT_RANGE,
                    &format!("bytes */{size}"),
                );
                return response;
            }
        },
    };
    let body = if request.method() == Method::HEAD {
        Body::empty()
    } else {
        Body::from_stream(content.stream(start, end))
    };
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, end - start)
        .header(header::ACCEPT_RANGES, "bytes");
    if status == 206 {
        builder = builder.header(
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{size}", end - 1),
        );
    }
    builder.body(body).expect("valid response")
}

fn verify(shared: &Shared, token: &str) -> Option<(String, String, String, i64)> {
    let (encoded, signature) = token.split_once('.')?;
    let payload = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(encoded)
            .ok()?,
    )
    .ok()?;
    if shared.sign(&payload) != signature {
        return None;
    }
    let mut parts = payload.split('\n');
    let drive = parts.next()?.to_string();
    let id = parts.next()?.to_string();
    let version = parts.next()?.to_string();
    let expires = parts.next()?.parse().ok()?;
    Some((drive, id, version, expires))
}

enum RangeAnswer {
    Whole,
    /// start..end, end exclusive.
    Part(u64, u64),
    Unsatisfiable,
}

/// One `bytes=` range; several ranges or other units get the whole file.
fn parse_range(text: &str, size: u64) -> RangeAnswer {
    let Some(spec) = text.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Whole;
    };
    if spec.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return RangeAnswer::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // Suffix: the last N bytes.
        return match last.parse::<u64>() {
            Ok(0) | Err(_) => RangeAnswer::Unsatisfiable,
            Ok(n) => RangeAnswer::Part(size.saturating_sub(n), size),
        };
    }
    let Ok(start) = first.parse::<u64>() else {
        return RangeAnswer::Whole;
    };
    if start >= size {
        return RangeAnswer::Unsatisfiable;
    }
    let end = if last.is_empty() {
        size
    } else {
        match last.parse::<u64>() {
            Ok(l) if l >= start => (l + 1).min(size),
            _ => return RangeAnswer::Whole,
        }
    };
    RangeAnswer::Part(start, end)
}
