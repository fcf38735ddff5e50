//! The Microsoft identity platform's device-code and token endpoints (Graph reference §1),
//! and the bearer-token check every Graph request goes through.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{Method, header};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::http::{self, RequestInfo};
use super::{Settings, Shared};

use super::grants::*;
pub use super::grants::{IdentityState, IssuedTokens};
use super::grants::{check_scopes, has_scope, parse_scopes, short_scope};
pub(super) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub fn is_identity_path(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    let (_tenant, a, b, endpoint) = (parts.next(), parts.next(), parts.next(), parts.next());
    a == Some("oauth2")
        && b == Some("v2.0")
        && matches!(
            endpoint,
            Some("devicecode" | "token" | "authorize" | "consent" | "logout")
        )
        && parts.next().is_none()
}

struct Form(HashMap<String, String>);

impl Form {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

pub async fn handle(shared: &Arc<Shared>, request: Request, info: &RequestInfo) -> Response {
    let path = request.uri().path().to_string();
    let mut parts = path.trim_start_matches('/').split('/');
    let tenant = parts.next().unwrap_or_default().to_string();
    let endpoint = path.rsplit('/').next().unwrap_or_default().to_string();
    let authority = shared.origin.clone();
    let err = |status: u16, error: &str, code: Option<u32>, text: &str| {
        http::sts_error(status, error, code, text, info, &authority)
    };

    if matches!(endpoint.as_str(), "authorize" | "consent" | "logout") {
        if request.method() != Method::GET {
            return err(
                405,
                "invalid_request",
                None,
                "The page only accepts GET requests.",
            );
        }
        if !valid_tenant(&tenant) {
            return err(
                400,
                "invalid_request",
                Some(90002),
                &format!("Tenant '{tenant}' not found."),
            );
        }
        // OAuth parameters in a query are form-encoded (RFC 6749 appendix B):
        // `+` is a space, unlike in Graph paths.
        let query: Vec<(String, String)> =
            url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        return match endpoint.as_str() {
            "authorize" => super::authorize::authorize(shared, &tenant, &query, info.now),
            "consent" => super::authorize::consent(shared, &query, info.now),
            _ => super::authorize::logout(shared, &query),
        };
    }
    if request.method() != Method::POST {
        return err(
            405,
            "invalid_request",
            Some(900561),
            "The endpoint only accepts POST requests.",
        );
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = match axum::body::to_bytes(request.into_body(), 64 * 1024).await {
        Ok(body) => body,
        Err(_) => {
            return err(
                400,
                "invalid_request",
                Some(900144),
                "The request body is too large.",
            );
        }
    };
    if !is_form {
        return err(
            400,
            "invalid_request",
            Some(900144),
            "The request body must contain the following parameter: 'grant_type' (form-encoded).",
        );
    }
    if !valid_tenant(&tenant) {
        return err(
            400,
            "invalid_request",
            Some(90002),
            &format!("Tenant '{tenant}' not found."),
        );
    }
    let form = Form(url::form_urlencoded::parse(&body).into_owned().collect());
    let settings = shared.settings();

    let Some(client_id) = form.get("client_id") else {
        return err(
            400,
            "invalid_request",
            Some(900144),
            "The request body must contain the following parameter: 'client_id'.",
        );
    };
    if let Some(expected) = &settings.client_id
        && expected != client_id
    {
        return err(
            400,
            "unauthorized_client",
            Some(700016),
            &format!("Application with identifier '{client_id}' was not found in the directory."),
        );
    }
    if form.get("client_secret").is_some() || form.get("client_assertion").is_some() {
        return err(
            401,
            "invalid_client",
            Some(700025),
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        );
    }

    let now = info.now;
    match endpoint.as_str() {
        "devicecode" => device_code(shared, &form, &tenant, client_id, now, &settings, err),
        // The code grant comes from a registered redirect URI (the "Mobile and desktop
        // applications" platform), which does not need "Allow public client flows".
        _ if form.get("grant_type") == Some("authorization_code") => {
            redeem_code(shared, &form, &tenant, now, &settings, err)
        }
        _ => {
            if !settings.public_client_flows {
                return err(
                    401,
                    "invalid_client",
                    Some(7000218),
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                );
            }
            match form.get("grant_type") {
                Some(DEVICE_CODE_GRANT) => poll(shared, &form, &tenant, now, &settings, err),
                Some("refresh_token") => refresh(shared, &form, &tenant, now, &settings, err),
                Some(other) => err(
                    400,
                    "unsupported_grant_type",
                    Some(70003),
                    &format!("The app requested an unsupported grant type '{other}'."),
                ),
                None => err(
                    400,
                    "invalid_request",
                    Some(900144),
                    "The request body must contain the following parameter: 'grant_type'.",
                ),
            }
        }
    }
}

fn valid_tenant(tenant: &str) -> bool {
    !tenant.is_empty()
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

fn device_code(
    shared: &Shared,
    form: &Form,
    tenant: &str,
    client_id: &str,
    now: DateTime<Utc>,
    settings: &Settings,
    err: impl Fn(u16, &str, Option<u32>, &str) -> Response,
) -> Response {
    let Some(scope) = form.get("scope") else {
        return err(
            400,
            "invalid_request",
            Some(900144),
            "The request body must contain the following parameter: 'scope'.",
        );
    };
    let scopes = parse_scopes(scope);
    if let Err(text) = check_scopes(&scopes) {
        return err(400, "invalid_scope", Some(70011), &text);
    }
    let device_code = format!(
        "DAQABAAEAAAD--{}",
        odc_core::ids::random_string(80, odc_core::ids::TOKEN_ALPHABET)
    );
    let user_code = odc_core::ids::random_string(9, b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
    let lifetime = settings.device_code_lifetime_secs;
    shared.identity.lock().unwrap().device_codes.insert(
        device_code.clone(),
        DeviceGrant {
            user_code: user_code.clone(),
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            scopes,
            expires_at: now + Duration::seconds(lifetime as i64),
            interval_secs: settings.poll_interval_secs,
            last_poll: None,
            polls: 0,
            state: GrantState::Pending,
            user: 0,
        },
    );
    let verification_uri = format!("{}/devicelogin", shared.origin);
    http::json(
        200,
        &json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verification_uri,
            "expires_in": lifetime,
            "interval": settings.poll_interval_secs,
            "message": format!(
                "To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."
            ),
        }),
    )
}

fn token_reply(tokens: &IssuedTokens, scopes: &[String]) -> Response {
    let mut body = json!({
        "token_type": "Bearer",
        "scope": tokens.scope,
        "expires_in": tokens.expires_in,
        "ext_expires_in": tokens.expires_in,
        "access_token": tokens.access_token,
    });
    if let Some(refresh) = &tokens.refresh_token {
        body["refresh_token"] = json!(refresh);
    }
    if has_scope(scopes, "openid") {
        body["id_token"] = json!(id_token());
    }
    http::json(200, &body)
}

/// An unsigned JWT-shaped id_token with the claims a client might show.
fn id_token() -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(br#"{"typ":"JWT","alg":"none"}"#);
    let claims = b64.encode(
        json!({
            "tid": "9188040d-6c67-4c5b-b112-36a304b66dad",
            "name": "Ada Example",
            "preferred_username": "ada@example.com",
        })
        .to_string(),
    );
    format!("{header}.{claims}.")
}

fn poll(
    shared: &Shared,
    form: &Form,
    tenant: &str,
    now: DateTime<Utc>,
    settings: &Settings,
    err: impl Fn(u16, &str, Option<u32>, &str) -> Response,
) -> Response {
    let Some(code) = form.get("device_code") else {
        return err(
            400,
            "invalid_request",
            Some(900144),
            "The request body must contain the following parameter: 'device_code'.",
        );
    };
    let mut identity = shared.identity.lock().unwrap();
    let bad_code = || {
        err(
            400,
            "bad_verification_code",
            Some(70018),
            "The provided value for the input parameter 'device_code' is not valid.",
        )
    };
    let client_id = form.get("client_id").unwrap_or_default();
    let Some(grant) = identity
        .device_codes
        .get_mut(code)
        .filter(|g| g.tenant == tenant && g.client_id == client_id)
    else {
        return bad_code();
    };
    if grant.state == GrantState::Redeemed {
        return bad_code();
    }
    if now >= grant.expires_at {
        return err(
            400,
            "expired_token",
            Some(70019),
            "Verification code expired.",
        );
    }
    // RFC 8628 §3.5: polling faster than the interval earns slow_down and 5 more
    // seconds for this and every later poll.
    if let Some(last) = grant.last_poll
        && (now - last) < Duration::seconds(grant.interval_secs as i64)
    {
        grant.last_poll = Some(now);
        grant.interval_secs += 5;
        return err(
            400,
            "slow_down",
            None,
            "The client is polling too quickly and should back off.",
        );
    }
    grant.last_poll = Some(now);
    grant.polls += 1;
    if grant.state == GrantState::Pending
        && settings.approve_after_polls > 0
        && grant.polls > settings.approve_after_polls
    {
        grant.state = GrantState::Approved;
    }
    match grant.state {
        GrantState::Pending => err(
            400,
            "authorization_pending",
            Some(70016),
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        GrantState::Declined => err(
            400,
            "authorization_declined",
            None,
            "The end user denied the authorization request.",
        ),
        GrantState::Approved => {
            grant.state = GrantState::Redeemed;
            let scopes = grant.scopes.clone();
            let tenant = grant.tenant.clone();
            let user = grant.user;
            let tokens = identity.issue(&scopes, &tenant, user, now, settings);
            token_reply(&tokens, &scopes)
        }
        GrantState::Redeemed => bad_code(),
    }
}

fn refresh(
    shared: &Shared,
    form: &Form,
    tenant: &str,
    now: DateTime<Utc>,
    settings: &Settings,
    err: impl Fn(u16, &str, Option<u32>, &str) -> Response,
) -> Response {
    let Some(token) = form.get("refresh_token") else {
        return err(
            400,
            "invalid_request",
            Some(900144),
            "The request body must contain the following parameter: 'refresh_token'.",
        );
    };
    let mut identity = shared.identity.lock().unwrap();
    let Some(grant) = identity.refresh.get(token) else {
        return err(
            400,
            "invalid_grant",
            Some(9002313),
            "Invalid request. Request is malformed or invalid.",
        );
    };
    if let Some(code) = grant.revoked {
        let text = match code {
            700082 => "The refresh token has expired due to inactivity.",
            50173 => {
                "The provided grant has expired due to it being revoked, a fresh auth token is needed."
            }
            _ => "The refresh token has been revoked.",
        };
        return err(400, "invalid_grant", Some(code), text);
    }
    if grant.tenant != tenant {
        return err(
            400,
            "invalid_grant",
            Some(9002313),
            "The refresh token was issued for another tenant.",
        );
    }
    let consented = grant.scopes.clone();
    let user = grant.user;
    let scopes = match form.get("scope") {
        Some(text) => {
            let requested = parse_scopes(text);
            if let Some(extra) = requested
                .iter()
                .find(|s| !has_scope(&consented, short_scope(s)))
            {
                return err(
                    400,
                    "invalid_grant",
                    Some(65001),
                    &format!(
                        "The user or administrator has not consented to use the application for scope {extra}."
                    ),
                );
            }
            requested
        }
        None => consented,
    };
    let tenant = tenant.to_string();
    let tokens = identity.issue(&scopes, &tenant, user, now, settings);
    token_reply(&tokens, &scopes)
}

/// `grant_type=authorization_code`: redeems a code from the browser flow, once, with
/// the same redirect URI and the PKCE verifier of the challenge (Graph reference §10.4).
fn redeem_code(
    shared: &Shared,
    form: &Form,
    tenant: &str,
    now: DateTime<Utc>,
    settings: &Settings,
    err: impl Fn(u16, &str, Option<u32>, &str) -> Response,
) -> Response {
    let missing = |name: &str| {
        err(
            400,
            "invalid_request",
            Some(900144),
            &format!("The request body must contain the following parameter: '{name}'."),
        )
    };
    let Some(code) = form.get("code") else {
        return missing("code");
    };
    let Some(redirect_uri) = form.get("redirect_uri") else {
        return missing("redirect_uri");
    };
    let client_id = form.get("client_id").unwrap_or_default();
    let mut identity = shared.identity.lock().unwrap();
    let Some(grant) = identity
        .codes
        .get_mut(code)
        .filter(|g| g.tenant == tenant && g.client_id == client_id)
    else {
        return err(
            400,
            "invalid_grant",
            Some(70000),
            "The provided value for the 'code' parameter is not valid.",
        );
    };
    if grant.redeemed {
        return err(
            400,
            "invalid_grant",
            Some(54005),
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        );
    }
    if now >= grant.expires_at {
        return err(
            400,
            "invalid_grant",
            Some(70008),
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        );
    }
    if grant.redirect_uri != redirect_uri {
        return err(
            400,
            "invalid_grant",
            Some(500112),
            &format!(
                "The reply address '{redirect_uri}' does not match the reply address '{}' provided when requesting Authorization code.",
                grant.redirect_uri
            ),
        );
    }
    if let Some((challenge, method)) = &grant.challenge {
        let verifier = form.get("code_verifier").unwrap_or_default();
        if !super::authorize::verifier_matches(challenge, method, verifier) {
            return err(
                400,
                "invalid_grant",
                Some(501481),
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            );
        }
    }
    grant.redeemed = true;
    let (scopes, user) = (grant.scopes.clone(), grant.user);
    let tokens = identity.issue(&scopes, tenant, user, now, settings);
    token_reply(&tokens, &scopes)
}
