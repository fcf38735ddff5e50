//! `GET …/delta` (Graph reference §6.6): the items of a folder's subtree that
//! changed since a token, paged by nextLink, ending in a deltaLink to replay later.
//! Without a token, everything (the first sync); `token=latest`, nothing but a
//! deltaLink. Deleted items come with a `deleted` facet. A token older than the
//! configured lifetime gets 410 `resyncRequired` with a Location to start over.
//! Business drives: the root only, and items without cTag, createdBy and
//! lastModifiedBy. No item carries `parentReference.path`.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::Shared;
use super::error::{ApiError, ApiResult};
use super::http;
use super::item::{Item, ItemKind};
use super::listing::{
    Cursor, decode_cursor, next_link, parse_top, reject_unsupported, select_option,
};
use super::render::{Render, apply_select};
use axum::http::header;
use axum::response::Response;

/// The change count a token stands for, when it was issued, and for which folder.
fn encode_token(shared: &Shared, folder: &str, seq: u64, issued: DateTime<Utc>) -> String {
    let payload = format!("delta\n{folder}\n{seq}\n{}", issued.timestamp());
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&payload);
    format!("{encoded}.{}", shared.sign(&payload))
}

/// None: not a token this drive issued for this folder.
fn decode_token(shared: &Shared, folder: &str, token: &str) -> Option<(u64, i64)> {
    let (encoded, signature) = token.split_once('.')?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())?;
    if shared.sign(&payload) != signature {
        return None;
    }
    let parts: Vec<&str> = payload.split('\n').collect();
    match parts[..] {
        ["delta", f, seq, issued] if f == folder => Some((seq.parse().ok()?, issued.parse().ok()?)),
        _ => None,
    }
}

fn resync(shared: &Shared, raw_path: &str) -> ApiError {
    ApiError::new(
        410,
        "resyncRequired",
        "Resync required. Replace any local items with the server's version (including deletes) \
         if you're sure that the service was up to date with your local changes when you last \
         sync'd. Upload any local changes that the server doesn't know about.",
    )
    .header(
        header::LOCATION,
        &format!("{}{raw_path}", shared.graph_base()),
    )
}

pub fn delta(
    shared: &super::directory::Scoped,
    folder: &str,
    raw_path: &str,
    query: &[(String, String)],
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    reject_unsupported(query, &["$top", "$select", "$skiptoken"])?;
    let top = parse_top(query)?;
    let select = select_option(query)?;
    let drive = shared.drive.lock().unwrap();
    if drive.business() && folder != drive.root_id {
        return Err(ApiError::bad_request(
            "Delta is only supported on the root of a business drive.",
        ));
    }
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    // Where this page is: a skiptoken (the middle of a walk), a token (changes since
    // it), or neither (everything).
    let (since, upto, offset, page) = match (param("$skiptoken"), param("token")) {
        (Some(skip), _) => {
            let bad = || ApiError::bad_request("Invalid paging token.").inner("invalidQueryOption");
            let (encoded, _) = skip.split_once('.').ok_or_else(bad)?;
            let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(encoded)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(bad)?;
            let scope = payload.split('\n').next().unwrap_or_default().to_string();
            let cursor = decode_cursor(shared, skip, &scope)?;
            let parts: Vec<&str> = scope.split(':').collect();
            match parts[..] {
                ["delta", f, since, upto] if f == folder => (
                    since.parse::<u64>().ok().filter(|_| !since.is_empty()),
                    upto.parse::<u64>().map_err(|_| bad())?,
                    cursor.offset,
                    cursor.page,
                ),
                _ => return Err(bad()),
            }
        }
        (None, Some("latest")) => {
            let link = format!(
                "{}{raw_path}?token={}",
                shared.graph_base(),
                encode_token(shared, folder, drive.change_seq, now)
            );
            return Ok(http::json(
                200,
                &json!({"value": [], "@odata.deltaLink": link}),
            ));
        }
        (None, Some(token)) => {
            let Some((seq, issued)) = decode_token(shared, folder, token) else {
                return Err(resync(shared, raw_path));
            };
            let lifetime = shared.settings().delta_token_lifetime_secs as i64;
            if now.timestamp() - issued > lifetime || seq > drive.change_seq {
                return Err(resync(shared, raw_path));
            }
            (Some(seq), drive.change_seq, 0, 0)
        }
        (None, None) => (None, drive.change_seq, 0, 0),
    };
    let mut changed: Vec<(usize, &Item)> = drive
        .items
        .values()
        .filter(|item| match since {
            None => !item.deleted && item.changed_at <= upto,
            Some(since) => item.changed_at > since && item.changed_at <= upto,
        })
        .filter(|item| drive.is_ancestor(folder, &item.id))
        .map(|item| (depth(&drive, item), item))
        .collect();
    // Parents before their children; then the order of the changes.
    changed.sort_by(|(da, a), (db, b)| {
        da.cmp(db)
            .then(a.changed_at.cmp(&b.changed_at))
            .then(a.id.cmp(&b.id))
    });
    let end = (offset + top).min(changed.len());
    let render = Render {
        drive: &drive,
        shared,
        now,
    };
    let value: Vec<Value> = changed[offset.min(end)..end]
        .iter()
        .map(|(_, item)| {
            let rendered = if item.deleted {
                deleted(&drive.id, item)
            } else {
                let mut m = render.item(item, None);
                if let Some(parent) = m.get_mut("parentReference").and_then(Value::as_object_mut) {
                    parent.remove("path");
                }
                if drive.business() {
                    for key in ["cTag", "createdBy", "lastModifiedBy"] {
                        m.remove(key);
                    }
                }
                m
            };
            apply_select(rendered, select.as_deref())
        })
        .collect();
    let mut body = json!({ "value": value });
    if end < changed.len() {
        let since_text = since.map(|s| s.to_string()).unwrap_or_default();
        let cursor = Cursor {
            scope: format!("delta:{folder}:{since_text}:{upto}"),
            offset: end,
            page: page + 1,
        };
        body["@odata.nextLink"] = json!(next_link(shared, raw_path, query, &cursor));
    } else {
        body["@odata.deltaLink"] = json!(format!(
            "{}{raw_path}?token={}",
            shared.graph_base(),
            encode_token(shared, folder, upto, now)
        ));
    }
    Ok(http::json(200, &body))
}

fn depth(drive: &super::store::Drive, item: &Item) -> usize {
    let mut depth = 0;
    let mut cursor = item.parent.clone();
    while let Some(id) = cursor {
        depth += 1;
        cursor = drive.items.get(&id).and_then(|i| i.parent.clone());
    }
    depth
}

/// A deleted item as delta reports it: its id, name, parent and the facet.
fn deleted(drive_id: &str, item: &Item) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(item.id));
    m.insert("name".into(), json!(item.name));
    m.insert(
        "parentReference".into(),
        json!({"driveId": drive_id, "id": item.parent}),
    );
    m.insert("deleted".into(), json!({"state": "deleted"}));
    match item.kind {
        ItemKind::Folder { .. } => m.insert("folder".into(), json!({})),
        ItemKind::File { .. } => m.insert("file".into(), json!({})),
    };
    m
}
