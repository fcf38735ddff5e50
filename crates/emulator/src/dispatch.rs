//! The one entry point for every request: latency, faults, routing, logging.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, header};
use axum::response::Response;
use futures::StreamExt;

use super::conn::ConnHandle;
use super::faults::{Decision, Fault, LoggedRequest, Target};
use super::http::{self, RequestInfo};
use super::{Shared, batch, control, download, graph, identity, upload};

pub(crate) async fn dispatch(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let authorization = request.headers().contains_key(header::AUTHORIZATION);
    let target = classify(&path);

    let latency = shared.settings().latency_ms;
    if latency > 0 && target != Target::Control {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let range = request
        .headers()
        .get(axum::http::header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let info = RequestInfo {
        request_id: odc_core::ids::uuid_v4(),
        client_request_id: request
            .headers()
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        now: shared.clock.now(),
    };

    let mut response = if lacks_length(target, &request) {
        http::length_required()
    } else {
        let decision = shared
            .faults
            .decide(target, &method, &path_and_query, info.now);
        reply(&shared, target, request, &info, &conn, decision).await
    };

    let headers = response.headers_mut();
    if let Ok(v) = info.request_id.parse() {
        headers.insert(HeaderName::from_static("request-id"), v);
    }
    if let Some(id) = &info.client_request_id
        && let Ok(v) = id.parse()
    {
        headers.insert(HeaderName::from_static("client-request-id"), v);
    }
    // Paths only: queries may carry skiptokens, and bodies carry codes and tokens.
    tracing::debug!(
        target: "odc::emulator",
        "{method} {path} -> {}",
        response.status().as_u16()
    );
    shared.faults.record(LoggedRequest {
        method,
        path: path_and_query,
        status: response.status().as_u16(),
        authorization,
        target,
        range,
        in_batch: false,
    });
    response
}

async fn reply(
    shared: &Arc<Shared>,
    target: Target,
    request: Request,
    info: &RequestInfo,
    conn: &ConnHandle,
    decision: Decision,
) -> Response {
    match decision {
        Decision::Proceed => route(shared, target, request, info, conn, None).await,
        Decision::Throttled {
            status,
            retry_after,
        } => {
            let mut response = fault_reply(target, status, info, shared);
            http::set_header(&mut response, header::RETRY_AFTER, &retry_after);
            response
        }
        Decision::Fault(Fault::Status { status, .. }) => {
            // Read the request first, as a server answering a fragment does: a
            // reply sent mid-upload would reach the client as a broken pipe, at
            // random, instead of as this status.
            let mut body = request.into_body().into_data_stream();
            while let Some(Ok(_)) = body.next().await {}
            fault_reply(target, status, info, shared)
        }
        Decision::Fault(Fault::Drop) => {
            conn.kill();
            http::empty(500)
        }
        Decision::Fault(fault @ Fault::PartialAccept { .. }) => {
            route(shared, target, request, info, conn, Some(fault)).await
        }
        Decision::Fault(Fault::DropMidBody { after_bytes }) => {
            let response = route(shared, target, request, info, conn, None).await;
            truncate_body(response, after_bytes)
        }
    }
}

/// Graph's front end answers 411 to a PUT, POST or PATCH that has neither a
/// `Content-Length` nor chunked encoding, an empty upload included (Graph reference §10.1).
fn lacks_length(target: Target, request: &Request) -> bool {
    use axum::http::Method;
    let carries_body = matches!(
        *request.method(),
        Method::PUT | Method::POST | Method::PATCH
    );
    let headers = request.headers();
    let chunked = headers
        .get(header::TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    matches!(target, Target::Graph | Target::Upload)
        && carries_body
        && !headers.contains_key(header::CONTENT_LENGTH)
        && !chunked
}

fn classify(path: &str) -> Target {
    if path == "/v1.0" || path.starts_with("/v1.0/") {
        Target::Graph
    } else if path.starts_with("/up/") {
        Target::Upload
    } else if path.starts_with("/dl/") {
        Target::Download
    } else if path.starts_with("/monitor/") {
        Target::Monitor
    } else if identity::is_identity_path(path) {
        Target::Identity
    } else {
        Target::Control
    }
}

async fn route(
    shared: &Arc<Shared>,
    target: Target,
    request: Request,
    info: &RequestInfo,
    conn: &ConnHandle,
    fault: Option<Fault>,
) -> Response {
    match target {
        Target::Graph if batch::is_batch_request(request.uri().path()) => {
            batch::serve(shared, request, info, |shared, request, info| {
                Box::pin(graph::handle(shared, request, info))
            })
            .await
        }
        Target::Graph => graph::handle(shared, request, info).await,
        Target::Identity => identity::handle(shared, request, info).await,
        Target::Upload => upload::handle_url(shared, request, info, conn, fault).await,
        Target::Download => download::handle(shared, request, info).await,
        Target::Monitor => graph::handle_monitor(shared, request, info).await,
        Target::Control | Target::Any => control::handle(shared, request, info).await,
    }
}

fn fault_reply(target: Target, status: u16, info: &RequestInfo, shared: &Shared) -> Response {
    if target == Target::Identity {
        let error = if status >= 500 || status == 429 {
            "temporarily_unavailable"
        } else {
            "invalid_request"
        };
        return http::sts_error(
            status,
            error,
            None,
            "The service is temporarily unavailable.",
            info,
            &shared.origin,
        );
    }
    http::graph_error(&http::error_for_status(status), info)
}

/// Sends the headers and the first `limit` bytes of the body, then fails the body so
/// the connection is cut mid-transfer.
fn truncate_body(response: Response, limit: u64) -> Response {
    let (parts, body) = response.into_parts();
    let stream = body.into_data_stream();
    let truncated = futures::stream::unfold(
        (stream, 0u64, false),
        move |(mut stream, sent, done)| async move {
            if done {
                return None;
            }
            if sent >= limit {
                // Let hyper flush what was sent before the connection is cut.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let cut = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "fault: cut");
                return Some((Err(cut), (stream, sent, true)));
            }
            match stream.next().await {
                Some(Ok(mut chunk)) => {
                    let room = (limit - sent) as usize;
                    if chunk.len() > room {
                        chunk.truncate(room);
                    }
                    let n = chunk.len() as u64;
                    Some((Ok(chunk), (stream, sent + n, false)))
                }
                Some(Err(err)) => Some((
                    Err(std::io::Error::other(err.to_string())),
                    (stream, sent, true),
                )),
                None => None,
            }
        },
    );
    Response::from_parts(parts, Body::from_stream(truncated))
}
