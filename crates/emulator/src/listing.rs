//! Children and search listings, paged with opaque `$skiptoken` nextLinks
//! (Graph reference §3, §6.5).

use base64::Engine as _;
use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::Shared;
use super::error::{ApiError, ApiResult};
use super::http;
use super::query::{SortKey, SortOrder};
use super::render::{Render, apply_select, parse_select};
use super::store::Profile;
use axum::response::Response;

const DEFAULT_TOP: usize = 200;
const MAX_TOP: usize = 1000;

/// Query characters left as they are in nextLinks we build.
const QUERY_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b',');

pub fn select_option(query: &[(String, String)]) -> ApiResult<Option<Vec<String>>> {
    query
        .iter()
        .find(|(k, _)| k == "$select")
        .map(|(_, v)| parse_select(v))
        .transpose()
}

/// Refuses `$` options Graph refuses on these endpoints, and any we don't know.
pub fn reject_unsupported(query: &[(String, String)], allowed: &[&str]) -> ApiResult<()> {
    for (key, _) in query {
        if !key.starts_with('$') || allowed.contains(&key.as_str()) {
            continue;
        }
        let message = match key.as_str() {
            "$filter" => "$filter is not available on this collection.".to_string(),
            "$skip" => "$skip is not supported; follow @odata.nextLink.".to_string(),
            "$count" => "$count is not supported on this collection.".to_string(),
            other => format!("Query option '{other}' is not allowed."),
        };
        return Err(ApiError::bad_request(message).inner("invalidQueryOption"));
    }
    Ok(())
}

pub(super) fn parse_top(query: &[(String, String)]) -> ApiResult<usize> {
    match query.iter().find(|(k, _)| k == "$top") {
        None => Ok(DEFAULT_TOP),
        Some((_, v)) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_TOP).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "Invalid $top value '{v}': expected 1 to {MAX_TOP}."
            ))
            .inner("invalidQueryOption")),
        },
    }
}

fn parse_orderby(query: &[(String, String)], profile: Profile) -> ApiResult<SortOrder> {
    let Some((_, value)) = query.iter().find(|(k, _)| k == "$orderby") else {
        return Ok(SortOrder::default());
    };
    let mut words = value.split_whitespace();
    let key = match words.next() {
        Some("name") => SortKey::Name,
        Some("size") => SortKey::Size,
        Some("lastModifiedDateTime") => SortKey::Modified,
        _ => {
            return Err(ApiError::bad_request(format!(
                "The property in $orderby '{value}' is not supported for OrderBy."
            )));
        }
    };
    let descending = match words.next() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid sort direction '{other}'."
            )));
        }
    };
    if profile == Profile::Business && key != SortKey::Name {
        return Err(ApiError::bad_request(format!(
            "The property in $orderby '{value}' is not supported for OrderBy."
        )));
    }
    Ok(SortOrder { key, descending })
}

/// A page position, signed so clients cannot build or edit one.
#[derive(Clone)]
pub(super) struct Cursor {
    pub scope: String,
    pub offset: usize,
    pub page: u32,
}

fn encode_cursor(shared: &Shared, cursor: &Cursor) -> String {
    let payload = format!("{}\n{}\n{}", cursor.scope, cursor.offset, cursor.page);
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&payload);
    format!("{encoded}.{}", shared.sign(&payload))
}

pub(super) fn decode_cursor(shared: &Shared, token: &str, scope: &str) -> ApiResult<Cursor> {
    let invalid = || ApiError::bad_request("Invalid paging token.").inner("invalidQueryOption");
    let (encoded, signature) = token.split_once('.').ok_or_else(invalid)?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(invalid)?;
    if shared.sign(&payload) != signature {
        return Err(invalid());
    }
    let mut parts = payload.split('\n');
    let (Some(token_scope), Some(offset), Some(page)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    if token_scope != scope {
        return Err(invalid());
    }
    Ok(Cursor {
        scope: scope.to_string(),
        offset: offset.parse().map_err(|_| invalid())?,
        page: page.parse().map_err(|_| invalid())?,
    })
}

/// The next link: `link_path` plus every original option, and the new skiptoken.
pub(super) fn next_link(
    shared: &Shared,
    link_path: &str,
    query: &[(String, String)],
    cursor: &Cursor,
) -> String {
    let mut parts: Vec<String> = query
        .iter()
        .filter(|(k, _)| k != "$skiptoken")
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, QUERY_SAFE),
                utf8_percent_encode(v, QUERY_SAFE)
            )
        })
        .collect();
    parts.push(format!("$skiptoken={}", encode_cursor(shared, cursor)));
    format!("{}{link_path}?{}", shared.graph_base(), parts.join("&"))
}

/// Takes one page from `total` items, honouring the listing faults.
fn page_window(shared: &Shared, cursor: &Cursor, top: usize, total: usize) -> (usize, usize, bool) {
    let settings = shared.settings();
    if settings.empty_page_every > 0 && (cursor.page + 1).is_multiple_of(settings.empty_page_every)
    {
        return (cursor.offset, cursor.offset, true);
    }
    let start = if settings.duplicate_across_pages && cursor.offset > 0 {
        cursor.offset - 1
    } else {
        cursor.offset
    };
    let end = (cursor.offset + top).min(total);
    (start.min(end), end, false)
}

pub fn children(
    shared: &super::directory::Scoped,
    folder: &str,
    query: &[(String, String)],
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    reject_unsupported(
        query,
        &["$top", "$select", "$orderby", "$skiptoken", "$expand"],
    )?;
    if query.iter().any(|(k, _)| k == "$expand") {
        return Err(ApiError::bad_request(
            "$expand is not implemented by the odc emulator on children.",
        ));
    }
    let top = parse_top(query)?;
    let select = select_option(query)?;
    let drive = shared.drive.lock().unwrap();
    let order = parse_orderby(query, drive.profile)?;
    let scope = format!("children:{folder}");
    let cursor = match query.iter().find(|(k, _)| k == "$skiptoken") {
        Some((_, token)) => decode_cursor(shared, token, &scope)?,
        None => Cursor {
            scope,
            offset: 0,
            page: 0,
        },
    };
    let mut items = drive.children_sorted(folder, order)?;
    if drive.business() && !shared.include_shortcuts {
        items.retain(|item| item.remote.is_none());
    }
    let (start, end, empty) = page_window(shared, &cursor, top, items.len());
    let render = Render {
        drive: &drive,
        shared,
        now,
    };
    let parent_path = render.parent_path(folder);
    let value: Vec<Value> = items[start..end]
        .iter()
        .map(|item| apply_select(render.item(item, Some(&parent_path)), select.as_deref()))
        .collect();
    let mut body = json!({
        "@odata.context": format!("{}/$metadata#drives('{}')/items('{folder}')/children", shared.graph_base(), drive.id),
        "value": value,
    });
    if end < items.len() || empty {
        let next = if shared.settings().repeat_next_link && cursor.page == 1 {
            cursor.clone()
        } else {
            Cursor {
                scope: cursor.scope.clone(),
                offset: end,
                page: cursor.page + 1,
            }
        };
        let link_path = format!("/drives/{}/items/{folder}/children", drive.id);
        body["@odata.nextLink"] = json!(next_link(shared, &link_path, query, &next));
    }
    Ok(http::json(200, &body))
}

/// `search(q=…)` below a folder, or in the whole drive (`drive_wide`), where items
/// other users shared with the searching user come last, marked with `remoteItem`
/// (Graph reference §6.5).
pub fn search(
    shared: &super::directory::Scoped,
    raw_path: &str,
    query: &[(String, String)],
    text: &str,
    drive_wide: bool,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    reject_unsupported(query, &["$top", "$select", "$skiptoken", "$expand"])?;
    let top = parse_top(query)?;
    let select = select_option(query)?;
    // Gathered before this drive is locked: each owner's drive is locked alone.
    let from_others = match (drive_wide, shared.user) {
        (true, Some(user)) => super::shares::shared_search_results(
            &shared.directory.read().unwrap(),
            user,
            text,
            &shared.origin,
        ),
        _ => Vec::new(),
    };
    let drive = shared.drive.lock().unwrap();
    let scope = format!("search:{text}");
    let cursor = match query.iter().find(|(k, _)| k == "$skiptoken") {
        Some((_, token)) => decode_cursor(shared, token, &scope)?,
        None => Cursor {
            scope,
            offset: 0,
            page: 0,
        },
    };
    let found = drive.search(text);
    let total = found.len() + from_others.len();
    let (start, end, empty) = page_window(shared, &cursor, top, total);
    let render = Render {
        drive: &drive,
        shared,
        now,
    };
    let own_end = end.min(found.len());
    let others = from_others
        .into_iter()
        .skip(start.saturating_sub(found.len()))
        .take(end.saturating_sub(start.max(found.len())))
        .map(|value| match value {
            Value::Object(m) => apply_select(m, select.as_deref()),
            other => other,
        });
    let value: Vec<Value> = found[start.min(own_end)..own_end]
        .iter()
        .map(|item| {
            let mut m = render.item(item, None);
            m.insert("searchResult".into(), json!({}));
            // Business search results carry no parentReference.path (onedrive-api-docs
            // issues 451, 1234, 1870): clients find the folder by parentReference.id.
            if drive.business()
                && let Some(parent) = m.get_mut("parentReference").and_then(|p| p.as_object_mut())
            {
                parent.remove("path");
            }
            apply_select(m, select.as_deref())
        })
        .chain(others)
        .collect();
    let mut body = json!({"value": value});
    if end < total || empty {
        let next = Cursor {
            scope: cursor.scope.clone(),
            offset: end,
            page: cursor.page + 1,
        };
        body["@odata.nextLink"] = json!(next_link(shared, raw_path, query, &next));
    }
    Ok(http::json(200, &body))
}
