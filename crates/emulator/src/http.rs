//! Building replies: JSON, Graph errors, identity errors, query parsing.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::error::ApiError;

/// Per-request facts that go into error bodies.
#[derive(Clone)]
pub struct RequestInfo {
    pub request_id: String,
    pub client_request_id: Option<String>,
    pub now: DateTime<Utc>,
}

pub fn json(status: u16, value: &Value) -> Response {
    let body = serde_json::to_vec(value).expect("JSON values serialise");
    Response::builder()
        .status(status)
        .header(
            header::CONTENT_TYPE,
            "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
        )
        .body(Body::from(body))
        .expect("valid response")
}

pub fn empty(status: u16) -> Response {
    Response::builder()
        .status(status)
        .body(Body::empty())
        .expect("valid response")
}

/// The front end's HTML page for a body-carrying request without a length
/// (Graph reference §10.1): not Graph's JSON error shape.
pub fn length_required() -> Response {
    const PAGE: &str = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n<HTML><HEAD><TITLE>Length Required</TITLE>\r\n<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n<BODY><h2>Length Required</h2>\r\n<hr><p>HTTP Error 411. The request must be chunked or have a content length.</p>\r\n</BODY></HTML>\r\n";
    Response::builder()
        .status(411)
        .header(header::CONTENT_TYPE, "text/html; charset=us-ascii")
        .body(Body::from(PAGE))
        .expect("valid response")
}

/// Graph's error shape (Graph reference §7).
pub fn graph_error(err: &ApiError, info: &RequestInfo) -> Response {
    let mut inner = json!({
        "date": info.now.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "request-id": info.request_id,
        "client-request-id": info.client_request_id.clone().unwrap_or_else(|| info.request_id.clone()),
    });
    if let Some(code) = err.inner {
        inner["code"] = json!(code);
    }
    let body = json!({"error": {"code": err.code, "message": err.message, "innerError": inner}});
    let mut response = json(err.status.as_u16(), &body);
    for (name, value) in &err.headers {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

/// The identity platform's error shape (Graph reference §1.8).
pub fn sts_error(
    status: u16,
    error: &str,
    code: Option<u32>,
    description: &str,
    info: &RequestInfo,
    authority: &str,
) -> Response {
    let timestamp = super::clock::sts_time(info.now);
    let trace = odc_core::ids::uuid_v4();
    let correlation = info
        .client_request_id
        .clone()
        .unwrap_or_else(odc_core::ids::uuid_v4);
    let prefix = code.map(|c| format!("AADSTS{c}: ")).unwrap_or_default();
    let mut body = json!({
        "error": error,
        "error_description": format!(
            "{prefix}{description}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {timestamp}"
        ),
        "error_codes": code.map(|c| vec![c]).unwrap_or_default(),
        "timestamp": timestamp,
        "trace_id": trace,
        "correlation_id": correlation,
    });
    if let Some(c) = code {
        body["error_uri"] = json!(format!("{authority}/error?code={c}"));
    }
    json(status, &body)
}

/// The Graph error a bare status stands for (used by status faults).
pub fn error_for_status(status: u16) -> ApiError {
    match status {
        401 => ApiError::new(
            401,
            "InvalidAuthenticationToken",
            "Access token has expired or is not yet valid.",
        ),
        403 => ApiError::new(403, "accessDenied", "Access denied"),
        404 => ApiError::not_found(),
        409 => ApiError::new(409, "nameAlreadyExists", "Name already exists"),
        423 => ApiError::new(423, "resourceLocked", "The resource is locked"),
        429 => ApiError::new(
            429,
            "activityLimitReached",
            "The request has been throttled",
        )
        .inner("throttledRequest"),
        503 => ApiError::new(503, "serviceNotAvailable", "Service Unavailable"),
        507 => ApiError::quota(),
        509 => ApiError::new(509, "bandwidthLimitExceeded", "Bandwidth Limit Exceeded"),
        s if s >= 500 => ApiError::new(s, "generalException", "An unspecified error has occurred."),
        s => ApiError::new(s, "invalidRequest", "The request is not valid."),
    }
}

/// Query pairs, percent-decoded once (`+` stays `+`, as RFC 3986 has it).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let Some(query) = query else {
        return Vec::new();
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

pub fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

pub fn set_header(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// `If-Match` against an item: its eTag, its cTag or `*`; otherwise 412.
pub(super) fn if_match(
    headers: &axum::http::HeaderMap,
    item: &super::store::Item,
) -> super::error::ApiResult<()> {
    if let Some(value) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        let value = value.trim();
        if value != "*" && value != item.etag() && value != item.ctag() {
            return Err(ApiError::precondition_failed());
        }
    }
    Ok(())
}

/// Reads and drops a request body, then gives back `err`: the service answers
/// after reading what was sent, and an early reply to an upload would reach the
/// client as a broken pipe instead of as this error.
pub(super) async fn drain_then(body: Body, err: ApiError) -> ApiError {
    let mut stream = body.into_data_stream();
    while let Some(Ok(_)) = futures::StreamExt::next(&mut stream).await {}
    err
}
