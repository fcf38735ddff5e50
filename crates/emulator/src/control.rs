//! The emulator's own pages and control endpoints: the device-login page a user
//! opens, and `/_emulator/…` for tests and benchmarks run out of process.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::Shared;
use super::faults::FaultRule;
use super::http::{self, RequestInfo};

fn text(status: u16, body: String) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(body))
        .expect("valid response")
}

pub async fn handle(shared: &Arc<Shared>, request: Request, _info: &RequestInfo) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = http::query_pairs(request.uri().query());
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();

    match (&method, path.as_str()) {
        (&Method::GET, "/") => text(
            200,
            format!(
                "odc Graph emulator\nauthority: {origin}\ngraph:     {origin}/v1.0\nsign-in:   {origin}/devicelogin\n",
                origin = shared.origin
            ),
        ),
        (&Method::GET, "/devicelogin") => Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(
                "<!doctype html><title>odc emulator sign-in</title><form method=post>\
                 <p>Enter the code shown by odc:</p><input name=user_code autofocus>\
                 <button name=action value=approve>Approve</button>\
                 <button name=action value=decline>Decline</button></form>",
            ))
            .expect("valid response"),
        (&Method::POST, "/devicelogin") => {
            let form: Vec<(String, String)> =
                url::form_urlencoded::parse(&body).into_owned().collect();
            let field = |n: &str| form.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
            let code = field("user_code").unwrap_or_default();
            let approve = field("action").as_deref() != Some("decline");
            let user = field("user").and_then(|u| u.parse().ok()).unwrap_or(0);
            let mut identity = shared.identity.lock().unwrap();
            if identity.set_decision(&code, approve, user) {
                let verb = if approve { "approved" } else { "declined" };
                text(
                    200,
                    format!("Code {code} {verb}. You can close this page.\n"),
                )
            } else {
                text(400, format!("No pending sign-in has the code {code:?}.\n"))
            }
        }
        (&Method::GET, "/_emulator/requests") => http::json(200, &json!(shared.faults.requests())),
        (&Method::DELETE, "/_emulator/requests") => {
            shared.faults.clear_log();
            http::empty(204)
        }
        (&Method::GET, "/_emulator/pending") => {
            let codes = shared.identity.lock().unwrap().pending_user_codes();
            http::json(200, &json!(codes))
        }
        (&Method::POST, "/_emulator/faults") => match serde_json::from_slice::<FaultRule>(&body) {
            Ok(rule) => {
                shared.faults.add(rule);
                http::empty(204)
            }
            Err(err) => text(400, format!("invalid fault rule: {err}\n")),
        },
        (&Method::DELETE, "/_emulator/faults") => {
            shared.faults.clear();
            http::empty(204)
        }
        (&Method::GET, "/_emulator/settings") => http::json(200, &json!(shared.settings())),
        (&Method::POST, "/_emulator/settings") => {
            let mut current = json!(shared.settings());
            let Ok(Value::Object(changes)) = serde_json::from_slice::<Value>(&body) else {
                return text(400, "expected a JSON object of settings\n".into());
            };
            for (key, value) in changes {
                if current.get(&key).is_none() {
                    return text(400, format!("unknown setting {key:?}\n"));
                }
                current[key] = value;
            }
            match serde_json::from_value::<super::Settings>(current) {
                Ok(settings) => {
                    shared
                        .bandwidth
                        .store(settings.bandwidth_bytes_per_sec, Ordering::Relaxed);
                    *shared.settings.write().unwrap() = settings;
                    http::empty(204)
                }
                Err(err) => text(400, format!("invalid settings: {err}\n")),
            }
        }
        (&Method::POST, "/_emulator/clock") => {
            match param("advance_secs").and_then(|v| v.parse::<u64>().ok()) {
                Some(secs) => {
                    shared.clock.advance(std::time::Duration::from_secs(secs));
                    http::empty(204)
                }
                None => text(400, "give ?advance_secs=N\n".into()),
            }
        }
        (&Method::POST, "/_emulator/expire-tokens") => {
            shared.identity.lock().unwrap().expire_access_tokens();
            http::empty(204)
        }
        (&Method::POST, "/_emulator/revoke") => {
            let code = param("code").and_then(|v| v.parse().ok()).unwrap_or(700082);
            shared.identity.lock().unwrap().revoke_refresh_tokens(code);
            http::empty(204)
        }
        _ => text(404, format!("nothing at {path}\n")),
    }
}
