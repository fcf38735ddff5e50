//! The browser half of the authorization code grant with PKCE (Graph reference §10.4,
//! docs/graph-notes.md "Browser sign-in"): the `/authorize` page, the consent a person
//! gives or refuses on it, the redirect back with `code` and `state` (or `error`), and
//! the sign-out page. The code is redeemed at the token endpoint (identity.rs).
//!
//! Like the service, a request whose client or redirect URI cannot be trusted gets an
//! error page and no redirect (sending a code or an error to an unregistered address
//! would hand it to whoever owns it); every other error goes back to the app.

use std::sync::Arc;

use axum::body::Body;
use axum::http::header;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};

use super::Shared;
use super::grants::{AuthCode, AuthRequest};
use odc_core::display::escape_html;

/// How long a consent page stays usable, and a code redeemable: the service's codes
/// live about ten minutes (v2-oauth2-auth-code-flow).
pub(super) const CODE_LIFETIME_SECS: i64 = 600;

type Query = Vec<(String, String)>;

fn param<'a>(query: &'a Query, name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// `GET /{tenant}/oauth2/v2.0/authorize`.
pub(super) fn authorize(
    shared: &Arc<Shared>,
    tenant: &str,
    query: &Query,
    now: DateTime<Utc>,
) -> Response {
    let settings = shared.settings();
    let Some(client_id) = param(query, "client_id") else {
        return page(
            400,
            "Sign-in error",
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        );
    };
    if let Some(expected) = &settings.client_id
        && expected != client_id
    {
        return page(
            400,
            "Sign-in error",
            &format!(
                "AADSTS700016: Application with identifier '{client_id}' was not found in the directory."
            ),
        );
    }
    let Some(redirect_uri) = param(query, "redirect_uri") else {
        return page(
            400,
            "Sign-in error",
            "AADSTS900144: The request body must contain the following parameter: 'redirect_uri'.",
        );
    };
    if !settings
        .redirect_uris
        .iter()
        .any(|registered| redirect_matches(registered, redirect_uri))
    {
        return page(
            400,
            "Sign-in error",
            &format!(
                "AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."
            ),
        );
    }
    // From here on, errors go back to the app.
    let state = param(query, "state").map(str::to_string);
    let back = |error: &str, code: u32, text: &str| {
        redirect_with(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", &format!("AADSTS{code}: {text}")),
            ],
            state.as_deref(),
        )
    };
    if param(query, "response_type") != Some("code") {
        return back(
            "unsupported_response_type",
            700054,
            "response_type 'code' is required for this flow.",
        );
    }
    if param(query, "response_mode").is_some_and(|m| m != "query" && m != "fragment") {
        return back(
            "invalid_request",
            900144,
            "response_mode must be 'query' or 'fragment' for a native application.",
        );
    }
    let Some(scope) = param(query, "scope") else {
        return back(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    };
    let scopes = super::grants::parse_scopes(scope);
    if let Err(text) = super::grants::check_scopes(&scopes) {
        return back("invalid_scope", 70011, &text);
    }
    let challenge = match (
        param(query, "code_challenge"),
        param(query, "code_challenge_method"),
    ) {
        (None, None) => None,
        (None, Some(_)) => {
            return back(
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'code_challenge'.",
            );
        }
        (Some(challenge), method) => {
            let method = method.unwrap_or("plain");
            if method != "S256" && method != "plain" {
                return back(
                    "invalid_request",
                    50149,
                    "Invalid Code_Challenge_method parameter.",
                );
            }
            // RFC 7636 §4.2: 43 to 128 characters.
            if !(43..=128).contains(&challenge.len()) {
                return back(
                    "invalid_request",
                    501491,
                    "Invalid size of Code_Challenge parameter.",
                );
            }
            Some((challenge.to_string(), method.to_string()))
        }
    };
    let users = shared.accounts_for_tenant(tenant);
    if users.is_empty() {
        return back(
            "invalid_request",
            50020,
            "No account of this directory can sign in to this application.",
        );
    }
    let id = odc_core::ids::random_string(32, odc_core::ids::TOKEN_ALPHABET);
    shared.identity.lock().unwrap().auth_requests.insert(
        id.clone(),
        AuthRequest {
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            scopes,
            state,
            challenge,
            expires_at: now + Duration::seconds(CODE_LIFETIME_SECS),
        },
    );
    let hint = param(query, "login_hint").map(str::to_lowercase);
    let mut choices = String::new();
    for (index, upn) in users {
        if hint.as_ref().is_some_and(|h| *h != upn.to_lowercase()) {
            continue;
        }
        choices.push_str(&format!(
            "<li><a id=approve-{index} href=\"consent?request={id}&amp;user={index}&amp;decision=approve\">Accept as {}</a></li>",
            escape_html(&upn)
        ));
    }
    let body = format!(
        "<!doctype html><title>odc emulator: permissions requested</title>\
         <h1>Permissions requested</h1><p>An application wants to {}.</p><ul>{choices}</ul>\
         <p><a id=decline href=\"consent?request={id}&amp;decision=decline\">Cancel</a></p>",
        escape_html(scope)
    );
    html(200, body)
}

/// `GET /{tenant}/oauth2/v2.0/consent?request=…&decision=approve|decline&user=N`:
/// what the person chose on the page.
pub(super) fn consent(shared: &Arc<Shared>, query: &Query, now: DateTime<Utc>) -> Response {
    let request = param(query, "request").unwrap_or_default();
    let Some(pending) = shared
        .identity
        .lock()
        .unwrap()
        .auth_requests
        .remove(request)
    else {
        return page(
            400,
            "Sign-in error",
            "This sign-in page has already been used or has expired; start again from the application.",
        );
    };
    if now >= pending.expires_at {
        return page(
            400,
            "Sign-in error",
            "This sign-in page has expired; start again from the application.",
        );
    }
    if param(query, "decision") != Some("approve") {
        // What the service sends when the person cancels the consent screen.
        return redirect_with(
            &pending.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_subcode", "cancel"),
                (
                    "error_description",
                    "AADSTS65004: User declined to consent to access the app.",
                ),
            ],
            pending.state.as_deref(),
        );
    }
    let user = param(query, "user").and_then(|u| u.parse::<usize>().ok());
    let allowed = shared.accounts_for_tenant(&pending.tenant);
    let Some(user) = user.filter(|u| allowed.iter().any(|(i, _)| i == u)) else {
        return page(400, "Sign-in error", "Choose an account to sign in with.");
    };
    let code = format!(
        "M.C5{}",
        odc_core::ids::random_string(64, odc_core::ids::TOKEN_ALPHABET)
    );
    let redirect_uri = pending.redirect_uri.clone();
    let state = pending.state.clone();
    shared.identity.lock().unwrap().codes.insert(
        code.clone(),
        AuthCode {
            tenant: pending.tenant,
            client_id: pending.client_id,
            redirect_uri: pending.redirect_uri,
            scopes: pending.scopes,
            challenge: pending.challenge,
            expires_at: now + Duration::seconds(CODE_LIFETIME_SECS),
            user,
            redeemed: false,
        },
    );
    redirect_with(&redirect_uri, &[("code", &code)], state.as_deref())
}

/// `GET /{tenant}/oauth2/v2.0/logout`: the account's browser session ends; back to the
/// app only when `post_logout_redirect_uri` is one of its registered addresses.
pub(super) fn logout(shared: &Arc<Shared>, query: &Query) -> Response {
    let settings = shared.settings();
    if let Some(back) = param(query, "post_logout_redirect_uri")
        && settings
            .redirect_uris
            .iter()
            .any(|registered| redirect_matches(registered, back))
    {
        return redirect_with(back, &[], None);
    }
    page(
        200,
        "Signed out",
        "You have signed out of your account. It's a good idea to close all browser windows.",
    )
}

/// Whether a requested redirect URI matches a registered one: the same scheme, host
/// and path; for loopback hosts the port is not compared, so a native app may
/// listen on any free port (reply-url restrictions, Graph reference §10.4).
pub(super) fn redirect_matches(registered: &str, requested: &str) -> bool {
    let (Ok(registered), Ok(requested)) = (url::Url::parse(registered), url::Url::parse(requested))
    else {
        return false;
    };
    let loopback = matches!(
        registered.host_str(),
        Some("localhost") | Some("127.0.0.1") | Some("[::1]")
    );
    registered.scheme() == requested.scheme()
        && registered.host_str() == requested.host_str()
        && (loopback || registered.port_or_known_default() == requested.port_or_known_default())
        && registered.path().trim_end_matches('/') == requested.path().trim_end_matches('/')
        && requested.fragment().is_none()
}

fn redirect_with(target: &str, pairs: &[(&str, &str)], state: Option<&str>) -> Response {
    let mut url = match url::Url::parse(target) {
        Ok(url) => url,
        Err(_) => return page(400, "Sign-in error", "The redirect URI is not a URL."),
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    Response::builder()
        .status(302)
        .header(header::LOCATION, url.as_str())
        .body(Body::empty())
        .expect("valid response")
}

fn page(status: u16, title: &str, text: &str) -> Response {
    html(
        status,
        format!(
            "<!doctype html><title>{0}</title><h1>{0}</h1><p>{1}</p>",
            escape_html(title),
            escape_html(text)
        ),
    )
}

fn html(status: u16, body: String) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(body))
        .expect("valid response")
}

/// Is `verifier` the one the challenge was made from (RFC 7636 §4.6)?
pub(super) fn verifier_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    if method == "plain" {
        return challenge == verifier;
    }
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
}

/// The address of the link with this id on the consent page this module draws
/// (`approve-0`, `decline`), relative to the identity endpoints, unescaped.
pub fn consent_link(page: &str, id: &str) -> String {
    let marker = format!("id={id} href=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} on {page}"))
        + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_on_any_port_others_exactly() {
        assert!(redirect_matches(
            "http://localhost",
            "http://localhost:53682"
        ));
        assert!(redirect_matches("http://localhost", "http://localhost:1/"));
        assert!(!redirect_matches(
            "http://localhost",
            "http://127.0.0.1:53682"
        ));
        assert!(!redirect_matches(
            "http://localhost",
            "http://localhost:5/cb"
        ));
        assert!(!redirect_matches(
            "https://app.example",
            "https://app.example:444"
        ));
        assert!(!redirect_matches(
            "http://localhost",
            "http://localhost.evil.example"
        ));
    }

    #[test]
    fn an_s256_verifier_matches_only_its_challenge() {
        // Challenge = BASE64URL(SHA-256(verifier)), computed independently with Python's
        // hashlib and base64 modules.
        assert!(verifier_matches(
            "TP3DZQl9rJnri9eRuZaFS6Q7czCrth7sEZC00LreApo",
            "S256",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWEOEjXk"
        ));
        assert!(!verifier_matches(
            "TP3DZQl9rJnri9eRuZaFS6Q7czCrth7sEZC00LreApo",
            "S256",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWEOEjXX"
        ));
    }
}
