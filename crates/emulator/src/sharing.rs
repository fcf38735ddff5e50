//! `POST …/items/{id}/createLink` (Graph reference §10.5; Microsoft's driveItem
//! createLink page): a view, edit or embed link with an anonymous or organization
//! scope. The same type and scope asked again gives the same link back (200), a new
//! one is 201. Personal drives have no organization scope; embed is personal-only
//! and for files; a tenant can switch anonymous links off (403).

use std::collections::HashMap;

use axum::response::Response;
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::http;
use super::route::{ItemRef, resolve_existing};

/// (item id, link type, scope).
type LinkKey = (String, String, String);

/// Links made so far: key -> (permission id, URL).
#[derive(Default)]
pub struct Links {
    made: std::sync::Mutex<HashMap<LinkKey, (String, String)>>,
}

pub fn create_link(
    shared: &super::directory::Scoped,
    item: &ItemRef,
    body: &Value,
) -> ApiResult<Response> {
    let drive = shared.drive.lock().unwrap();
    let id = resolve_existing(&drive, item)?;
    let target = drive.get(&id)?;
    let business = drive.business();
    let kind = match body.get("type").and_then(Value::as_str) {
        Some(kind @ ("view" | "edit" | "embed")) => kind,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid link type '{other}'; expected view, edit or embed."
            )));
        }
        None => return Err(ApiError::bad_request("The link type is required.")),
    };
    // Without a scope the organization's default: anonymous on personal drives.
    let default_scope = if business {
        "organization"
    } else {
        "anonymous"
    };
    let scope = match body.get("scope").and_then(Value::as_str) {
        None => default_scope,
        Some(scope @ ("anonymous" | "organization")) => scope,
        Some("users") => {
            return Err(ApiError::bad_request(
                "Links for specific people need recipients (the invite action); not supported by the odc emulator.",
            ));
        }
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid scope '{other}'; expected anonymous or organization."
            )));
        }
    };
    if scope == "organization" && !business {
        return Err(ApiError::bad_request(
            "Organization links are only available in OneDrive for Business and SharePoint.",
        ));
    }
    if kind == "embed" && (business || target.is_folder()) {
        return Err(ApiError::new(
            400,
            "notSupported",
            "Embed links are only available for files in OneDrive personal.",
        ));
    }
    if scope == "anonymous" && business && shared.settings().anonymous_links_disabled {
        return Err(ApiError::new(
            403,
            "accessDenied",
            "Anonymous sharing links are disabled by the administrator of this organization.",
        ));
    }
    let key = (id.clone(), kind.to_string(), scope.to_string());
    let mut made = shared.links.made.lock().unwrap();
    let (status, (permission, url)) = match made.get(&key) {
        Some(existing) => (200, existing.clone()),
        None => {
            let token = odc_core::ids::random_string(22, odc_core::ids::TOKEN_ALPHABET);
            let fresh = (
                odc_core::ids::random_string(12, odc_core::ids::TOKEN_ALPHABET),
                format!("{}/s/{token}", shared.origin),
            );
            made.insert(key, fresh.clone());
            (201, fresh)
        }
    };
    let role = if kind == "edit" { "write" } else { "read" };
    let mut link = json!({
        "type": kind,
        "scope": scope,
        "webUrl": url,
        "application": {"id": "odc-emulator", "displayName": "odc"},
    });
    if kind == "embed" {
        link["webHtml"] = json!(format!("<iframe src=\"{url}\"></iframe>"));
    }
    Ok(http::json(
        status,
        &json!({"id": permission, "roles": [role], "link": link}),
    ))
}
