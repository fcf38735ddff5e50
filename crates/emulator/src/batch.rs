//! JSON batching (Graph reference §10.2, learn.microsoft.com/graph/json-batching):
//! `POST /$batch` with up to 20 requests, each answered on its own — its own status,
//! its own throttling (a sub-request can get 429 and a Retry-After while the others
//! succeed), `dependsOn` for order (a failed dependency gives 424) — in one HTTP reply.
//! Bodies that are not JSON travel base64-encoded, and an upload's reply comes back
//! base64-encoded too.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, header};
use axum::response::Response;
use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::Shared;
use super::error::{ApiError, ApiResult};
use super::faults::{Decision, Fault, LoggedRequest, Target};
use super::http::{self, RequestInfo};

/// Requests one batch may hold.
pub const MAX_REQUESTS: usize = 20;

struct Step {
    id: String,
    method: Method,
    /// Relative to the version: `/me/drive/root:/a.txt:/content`.
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    depends_on: Vec<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "BadRequest", message)
}

fn parse(payload: &Value) -> ApiResult<Vec<Step>> {
    let requests = payload
        .get("requests")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("Invalid batch payload format: 'requests' must be an array."))?;
    if requests.is_empty() {
        return Err(invalid("The batch holds no requests."));
    }
    if requests.len() > MAX_REQUESTS {
        return Err(invalid(format!(
            "The batch holds {} requests; the limit is {MAX_REQUESTS}.",
            requests.len()
        )));
    }
    let mut steps: Vec<Step> = Vec::new();
    for request in requests {
        let id = request
            .get("id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| invalid("Every request in a batch needs an id."))?
            .to_string();
        // Ids are case-insensitive and unique within the batch.
        if steps.iter().any(|s| s.id.eq_ignore_ascii_case(&id)) {
            return Err(invalid(format!("The request id '{id}' is used twice.")));
        }
        let method = request
            .get("method")
            .and_then(Value::as_str)
            .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
            .ok_or_else(|| invalid(format!("Request '{id}' has no valid method.")))?;
        let url = request
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("Request '{id}' has no url.")))?;
        if url.contains("://") {
            return Err(invalid(format!(
                "Request '{id}': the url must be relative to the version (/me/drive/…)."
            )));
        }
        let url = format!("/{}", url.trim_start_matches('/'));
        let headers: Vec<(String, String)> = match request.get("headers") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect(),
            Some(_) => {
                return Err(invalid(format!(
                    "Request '{id}': headers must be an object."
                )));
            }
        };
        let content_type = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.to_ascii_lowercase());
        let body = match request.get("body") {
            None | Some(Value::Null) => None,
            Some(body) => {
                let Some(content_type) = &content_type else {
                    return Err(invalid(format!(
                        "Request '{id}' has a body but no Content-Type header."
                    )));
                };
                Some(match body {
                    // Not JSON: the bytes, base64-encoded (either alphabet).
                    Value::String(text) if !content_type.contains("json") => decode_base64(text)
                        .ok_or_else(|| {
                            invalid(format!("Request '{id}': the body is not valid base64."))
                        })?,
                    other => serde_json::to_vec(other).expect("JSON values serialise"),
                })
            }
        };
        let depends_on: Vec<String> = match request.get("dependsOn") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ids)) => ids
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect(),
            Some(_) => {
                return Err(invalid(format!(
                    "Request '{id}': dependsOn must be an array."
                )));
            }
        };
        for dependency in &depends_on {
            if !steps.iter().any(|s| s.id.eq_ignore_ascii_case(dependency)) {
                return Err(invalid(format!(
                    "Request '{id}' depends on '{dependency}', which is not an earlier request of the batch."
                )));
            }
        }
        steps.push(Step {
            id,
            method,
            url,
            headers,
            body,
            depends_on,
        });
    }
    Ok(steps)
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .or_else(|_| URL_SAFE_NO_PAD.decode(text))
        .ok()
}

/// Whether a Graph request is a batch (`/v1.0/$batch`, `$` escaped or not).
pub fn is_batch_request(path: &str) -> bool {
    names_batch(path.strip_prefix("/v1.0").unwrap_or(""))
}

/// `POST /v1.0/$batch` as it arrives: the batch itself is checked (method, sign-in,
/// payload), then each of its requests goes to `each` (the Graph handler), as one
/// of its own would.
pub async fn serve(
    shared: &Arc<Shared>,
    request: axum::extract::Request,
    info: &RequestInfo,
    each: Handler,
) -> Response {
    match serve_inner(shared, request, info, each).await {
        Ok(response) => response,
        Err(err) => http::graph_error(&err, info),
    }
}

/// The handler a batch's requests go through: `graph::handle`, handed down by the
/// dispatcher so that this module does not reach up to the router.
pub type Handler =
    for<'a> fn(
        &'a Arc<Shared>,
        axum::extract::Request,
        &'a RequestInfo,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send + 'a>>;

async fn serve_inner(
    shared: &Arc<Shared>,
    request: axum::extract::Request,
    info: &RequestInfo,
    each: Handler,
) -> ApiResult<Response> {
    let (parts, body) = request.into_parts();
    let now = info.now;
    if parts.method != Method::POST {
        return Err(http::drain_then(
            body,
            ApiError::new(405, "invalidRequest", "A batch is sent with POST."),
        )
        .await);
    }
    // The batch itself is authenticated: an expired token gets 401 for the
    // whole request, which a client answers by refreshing once.
    let checked = shared.bearer_user(&parts.headers, "Files.", now);
    if let Err(err) = checked {
        return Err(http::drain_then(body, err).await);
    }
    let bytes = axum::body::to_bytes(body, 64 << 20)
        .await
        .map_err(|_| ApiError::bad_request("The batch is too large or was cut off."))?;
    let payload: Value = serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::bad_request("Invalid batch payload format."))?;
    handle(shared, &parts.headers, payload, info, each).await
}

/// The batch's requests, in waves of those whose dependencies are done.
async fn handle(
    shared: &Arc<Shared>,
    headers: &HeaderMap,
    payload: Value,
    info: &RequestInfo,
    each: Handler,
) -> ApiResult<Response> {
    let mut waiting = parse(&payload)?;
    let authorization = headers.get(header::AUTHORIZATION).cloned();
    let mut statuses: Vec<(String, u16)> = Vec::new();
    let mut responses = Vec::new();
    // As the service may, requests run side by side once what they depend on is
    // done: a wave of independent uploads, then the requests that waited for them.
    while !waiting.is_empty() {
        let done = |id: &String| statuses.iter().any(|(s, _)| s.eq_ignore_ascii_case(id));
        let (ready, later): (Vec<Step>, Vec<Step>) = waiting
            .into_iter()
            .partition(|step| step.depends_on.iter().all(done));
        waiting = later;
        let wave = ready.iter().map(|step| {
            let failed_dependency = step.depends_on.iter().any(|d| {
                statuses
                    .iter()
                    .any(|(id, status)| id.eq_ignore_ascii_case(d) && *status >= 400)
            });
            let authorization = authorization.clone();
            async move {
                let reply = if failed_dependency {
                    let err = ApiError::new(
                        424,
                        "FailedDependency",
                        "A request this one depends on failed.",
                    );
                    http::graph_error(&err, info)
                } else {
                    run(shared, step, authorization, info, each).await
                };
                let status = reply.status().as_u16();
                let path = step.url.split('?').next().unwrap_or("");
                let upload = step.method == Method::PUT && path.ends_with("/content");
                (
                    step.id.clone(),
                    status,
                    sub_response(&step.id, reply, upload).await,
                )
            }
        });
        for (id, status, answer) in futures::future::join_all(wave).await {
            statuses.push((id, status));
            responses.push(answer);
        }
    }
    // Answers come in any order (the docs say so): not the order asked.
    responses.reverse();
    Ok(http::json(200, &json!({"responses": responses})))
}

/// One request of the batch, through the same handlers and fault rules as a request
/// of its own; it is logged as one too.
async fn run(
    shared: &Arc<Shared>,
    step: &Step,
    authorization: Option<axum::http::HeaderValue>,
    info: &RequestInfo,
    each: Handler,
) -> Response {
    let path = format!("/v1.0{}", step.url);
    let mut builder = Request::builder().method(step.method.clone()).uri(&path);
    for (name, value) in &step.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Some(authorization) = authorization.clone() {
        builder = builder.header(header::AUTHORIZATION, authorization);
    }
    let body = step.body.clone().unwrap_or_default();
    builder = builder.header(header::CONTENT_LENGTH, body.len());
    let reply = match builder.body(Body::from(body)) {
        Err(_) => http::graph_error(
            &invalid("The request's url or headers are not valid."),
            info,
        ),
        Ok(request) => {
            match shared
                .faults
                .decide(Target::Graph, step.method.as_str(), &path, info.now)
            {
                Decision::Throttled {
                    status,
                    retry_after,
                } => {
                    let mut reply = http::graph_error(&http::error_for_status(status), info);
                    http::set_header(&mut reply, header::RETRY_AFTER, &retry_after);
                    reply
                }
                Decision::Fault(Fault::Status { status, .. }) => {
                    http::graph_error(&http::error_for_status(status), info)
                }
                // Connection faults have no meaning inside a batch's reply.
                Decision::Proceed | Decision::Fault(_) if names_batch(&step.url) => {
                    http::graph_error(&invalid("A batch cannot hold another batch."), info)
                }
                Decision::Proceed | Decision::Fault(_) => each(shared, request, info).await,
            }
        }
    };
    shared.faults.record(LoggedRequest {
        method: step.method.to_string(),
        path,
        status: reply.status().as_u16(),
        authorization: authorization.is_some(),
        target: Target::Graph,
        range: None,
        in_batch: true,
    });
    reply
}

/// Whether a path below the Graph version is `/$batch` (`$` escaped or not); a
/// batch's own request URL may carry a query.
fn names_batch(url: &str) -> bool {
    let path = url.split('?').next().unwrap_or("");
    path == "/$batch" || path.eq_ignore_ascii_case("/%24batch")
}

/// `{id, status, headers, body}`: a JSON body as JSON, anything else (and an
/// upload's reply) base64-encoded.
async fn sub_response(id: &str, reply: Response, upload: bool) -> Value {
    let status = reply.status().as_u16();
    let mut headers = Map::new();
    for (name, value) in reply.headers() {
        if let Ok(value) = value.to_str() {
            headers.insert(name.as_str().to_string(), json!(value));
        }
    }
    let is_json = reply
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let bytes = axum::body::to_bytes(reply.into_body(), 64 << 20)
        .await
        .unwrap_or_default();
    let mut answer = json!({"id": id, "status": status, "headers": headers});
    if !bytes.is_empty() {
        answer["body"] = match serde_json::from_slice::<Value>(&bytes) {
            Ok(value) if is_json && !upload => value,
            _ => json!(base64::engine::general_purpose::STANDARD.encode(&bytes)),
        };
    }
    answer
}
