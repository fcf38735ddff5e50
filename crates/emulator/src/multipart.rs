//! The personal drive's multipart upload (Graph reference §10.3, OneDrive dev docs
//! "driveitem_post_content"): `POST …/items/{parent}/children` with
//! `Content-Type: multipart/related` and two parts, the metadata (JSON: `name`,
//! `file`, `"@microsoft.graph.sourceUrl": "cid:content"`, conflict behaviour, other
//! properties such as `fileSystemInfo`) and the content, up to 4 MB: a file and its
//! modified time in one request. Business drives do not offer it.

use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::content::Content;
use super::directory::Scoped;
use super::error::{ApiError, ApiResult};
use super::render::single_item_reply;
use super::route::{ItemRef, parse_time, resolve_existing};

/// The largest content a multipart upload carries.
pub const MAX_CONTENT: usize = 4_000_000;

/// 413 for content over [`MAX_CONTENT`].
pub fn too_large() -> ApiError {
    ApiError::new(
        413,
        "requestTooLarge",
        "A multipart upload carries at most 4 MB; use an upload session.",
    )
}

/// The `boundary` of a `multipart/related` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';').map(str::trim);
    if !parts.next()?.eq_ignore_ascii_case("multipart/related") {
        return None;
    }
    parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
}

struct Part<'a> {
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl Part<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts between `--boundary` lines (RFC 2046 §5.1).
fn parts<'a>(body: &'a [u8], boundary: &str) -> ApiResult<Vec<Part<'a>>> {
    let bad = || ApiError::bad_request("The multipart body is malformed.");
    let delimiter = format!("--{boundary}");
    let mut rest = &body[find(body, delimiter.as_bytes()).ok_or_else(bad)? + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest.strip_prefix(b"\r\n").ok_or_else(bad)?;
        let next = format!("\r\n--{boundary}");
        let end = find(rest, next.as_bytes()).ok_or_else(bad)?;
        let part = &rest[..end];
        let split = find(part, b"\r\n\r\n").ok_or_else(bad)?;
        let headers = String::from_utf8_lossy(&part[..split])
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        parts.push(Part {
            headers,
            body: &part[split + 4..],
        });
        rest = &rest[end + next.len()..];
    }
}

/// `POST …/children` with a multipart body into the folder `item`.
pub fn upload(
    shared: &Scoped,
    item: &ItemRef,
    boundary: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    if shared.drive.lock().unwrap().business() {
        return Err(ApiError::bad_request(
            "Multipart upload is not supported on this drive; use PUT …/content or an upload session.",
        ));
    }
    let parts = parts(body, boundary)?;
    if parts.len() != 2 {
        return Err(ApiError::bad_request(
            "A multipart upload has exactly two parts: the metadata and the content.",
        ));
    }
    let metadata: Value = serde_json::from_slice(parts[0].body)
        .map_err(|_| ApiError::bad_request("The metadata part is not JSON."))?;
    let source = metadata
        .get("@microsoft.graph.sourceUrl")
        .and_then(Value::as_str)
        .and_then(|s| s.strip_prefix("cid:"))
        .ok_or_else(|| {
            ApiError::bad_request("The metadata must name the content part: \"@microsoft.graph.sourceUrl\": \"cid:…\".")
        })?;
    let content_id = parts[1]
        .header("Content-ID")
        .map(|id| id.trim_matches(|c| c == '<' || c == '>'));
    if content_id != Some(source) {
        return Err(ApiError::bad_request(format!(
            "No part has the Content-ID {source}."
        )));
    }
    let name = metadata
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("A name is required."))?;
    if metadata.get("file").is_none() {
        return Err(ApiError::bad_request("The metadata needs a file facet."));
    }
    let data = parts[1].body;
    if data.len() > MAX_CONTENT {
        return Err(too_large());
    }
    let conflict = super::route::conflict_from_body(&metadata)?;
    let fs_modified = match metadata.get("fileSystemInfo") {
        Some(info) => parse_time(info, "lastModifiedDateTime")?,
        None => None,
    };
    let hash = odc_core::quickxor::quickxor_base64(data);
    let mut drive = shared.drive.lock().unwrap();
    let parent = resolve_existing(&drive, item)?;
    drive.check_space(data.len() as u64, 0)?;
    let content = Content::Inline(Bytes::copy_from_slice(data));
    let (id, created) = drive.write_file(
        &parent,
        name,
        (content, Some(hash)),
        conflict,
        fs_modified,
        now,
    )?;
    single_item_reply(
        shared,
        &drive,
        &id,
        if created { 201 } else { 200 },
        now,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_and_parts() {
        assert_eq!(
            boundary("multipart/related; boundary=\"A-B\"").as_deref(),
            Some("A-B")
        );
        assert_eq!(boundary("application/json"), None);
        let body = b"--X\r\nContent-ID: <metadata>\r\nContent-Type: application/json\r\n\r\n{}\r\n--X\r\nContent-ID: <content>\r\n\r\nbytes\r\n--X--\r\n";
        let parts = parts(body, "X").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].header("content-id"), Some("<content>"));
        assert_eq!(parts[1].body, b"bytes");
        assert!(super::parts(b"--X\r\nno end", "X").is_err());
    }
}
