//! Items as Graph shows them: the JSON of a driveItem, `$select`, MIME types and
//! pre-authenticated download URLs.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::store::{Drive, Item, ItemKind, RemoteRef};

/// Context for rendering items.
pub struct Render<'a> {
    pub drive: &'a Drive,
    pub shared: &'a super::directory::Scoped,
    pub now: DateTime<Utc>,
}

impl Render<'_> {
    /// `parentReference.path` of children of `folder`.
    pub fn parent_path(&self, folder: &str) -> String {
        let path = self.drive.path_of(folder);
        if path == "/" {
            "/drive/root:".to_string()
        } else {
            format!("/drive/root:{path}")
        }
    }

    pub fn item(&self, item: &Item, parent_path: Option<&str>) -> Map<String, Value> {
        let drive = self.drive;
        let drive_type = if drive.business() {
            "business"
        } else {
            "personal"
        };
        let owner = json!({"user": {"id": drive.owner_id, "displayName": drive.owner_name}});
        let mut m = Map::new();
        m.insert("id".into(), json!(item.id));
        m.insert("name".into(), json!(item.name));
        let size = match &item.remote {
            Some(target) => target.size,
            None => item.size(drive),
        };
        m.insert("size".into(), json!(size));
        m.insert(
            "createdDateTime".into(),
            json!(super::clock::graph_time(item.created)),
        );
        m.insert(
            "lastModifiedDateTime".into(),
            json!(super::clock::graph_time(item.modified)),
        );
        m.insert("eTag".into(), json!(item.etag()));
        if !(item.is_folder() && drive.business()) {
            m.insert("cTag".into(), json!(item.ctag()));
        }
        m.insert(
            "webUrl".into(),
            json!(format!("{}/web/{}", self.shared.origin, item.id)),
        );
        m.insert("createdBy".into(), owner.clone());
        m.insert("lastModifiedBy".into(), owner);
        let mut parent_ref = json!({"driveId": drive.id, "driveType": drive_type});
        if let Some(parent) = &item.parent {
            parent_ref["id"] = json!(parent);
            let path = match parent_path {
                Some(p) => p.to_string(),
                None => self.parent_path(parent),
            };
            parent_ref["path"] = json!(path);
        }
        m.insert("parentReference".into(), parent_ref);
        match &item.kind {
            // A shortcut shows no `folder` facet, only where its target lives
            // (onedrive-api-docs#284: "by design").
            _ if item.remote.is_some() => {
                let target = item.remote.as_ref().expect("matched");
                m.insert(
                    "remoteItem".into(),
                    remote_item_json(target, &self.shared.origin),
                );
            }
            // A notebook is a folder inside, but the service shows only its
            // `package` facet (reference: notebooks have no `file`/`folder` facet).
            ItemKind::Folder { .. } if item.package.is_some() => {
                m.insert("package".into(), json!({"type": item.package}));
            }
            ItemKind::Folder { .. } => {
                m.insert("folder".into(), json!({"childCount": item.child_count()}));
                if item.parent.is_none() {
                    m.insert("root".into(), json!({}));
                }
            }
            ItemKind::File { .. } => {
                let mut hashes = json!({});
                if let Some(hash) = item.quickxor() {
                    hashes["quickXorHash"] = json!(hash);
                }
                m.insert(
                    "file".into(),
                    json!({"mimeType": mime_type(&item.name), "hashes": hashes}),
                );
                m.insert(
                    "@microsoft.graph.downloadUrl".into(),
                    json!(download_url(self.shared, item, self.now)),
                );
            }
        }
        if let Some(name) = &item.special_folder {
            m.insert("specialFolder".into(), json!({"name": name}));
        }
        if let Some(description) = &item.malware {
            m.insert("malware".into(), json!({"description": description}));
        }
        m.insert(
            "fileSystemInfo".into(),
            json!({
                "createdDateTime": super::clock::graph_time(item.fs_created),
                "lastModifiedDateTime": super::clock::graph_time(item.fs_modified),
            }),
        );
        m
    }
}

/// Properties `$select` may name.
pub(super) const SELECTABLE: [&str; 26] = [
    "id",
    "name",
    "size",
    "createdDateTime",
    "lastModifiedDateTime",
    "eTag",
    "cTag",
    "webUrl",
    "createdBy",
    "lastModifiedBy",
    "parentReference",
    "file",
    "folder",
    "package",
    "remoteItem",
    "root",
    "fileSystemInfo",
    "@microsoft.graph.downloadUrl",
    "deleted",
    "searchResult",
    "description",
    "image",
    "photo",
    "video",
    "specialFolder",
    "malware",
];

pub fn parse_select(value: &str) -> ApiResult<Vec<String>> {
    let fields: Vec<String> = value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    for field in &fields {
        if !SELECTABLE.contains(&field.as_str()) && field != "content.downloadUrl" {
            return Err(ApiError::bad_request(format!(
                "Could not find a property named '{field}' on type 'microsoft.graph.driveItem'."
            ))
            .inner("invalidQueryOption"));
        }
    }
    Ok(fields)
}

pub fn apply_select(mut item: Map<String, Value>, select: Option<&[String]>) -> Value {
    if let Some(fields) = select {
        item.retain(|k, _| fields.iter().any(|f| f == k));
    }
    Value::Object(item)
}

pub(super) fn mime_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "md" | "log" => "text/plain",
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "mp4" => "video/mp4",
        "zip" => "application/zip",
        "json" => "application/json",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// A pre-authenticated, expiring, unforgeable download URL.
pub fn download_url(shared: &super::directory::Scoped, item: &Item, now: DateTime<Utc>) -> String {
    download_url_of(shared, &item.id, &item.content_version.to_string(), now)
}

/// The download URL of item `id`'s bytes: `which` is its current
/// `content_version` (a URL that stops working when the file changes), or
/// `h{content_version}` for an earlier version's bytes.
pub fn download_url_of(
    shared: &super::directory::Scoped,
    id: &str,
    which: &str,
    now: DateTime<Utc>,
) -> String {
    use base64::Engine as _;
    let expires =
        now.timestamp() + shared.settings.read().unwrap().download_url_lifetime_secs as i64;
    let payload = format!("{}\n{}\n{}\n{}", shared.drive_id, id, which, expires);
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&payload);
    let signature = shared.sign(&payload);
    format!("{}/dl/{encoded}.{signature}", shared.origin)
}

/// The drive id as the `remoteItem` facet shows it on personal drives: upper case,
/// leading zeros gone (onedrive-api-docs#1890, abraunegg#3072).
fn shown_drive_id(id: &str, drive_type: &str) -> String {
    if drive_type == "personal" {
        let trimmed = id.trim_start_matches('0').to_uppercase();
        if trimmed.is_empty() {
            "0".into()
        } else {
            trimmed
        }
    } else {
        id.to_string()
    }
}

/// The `remoteItem` facet.
pub fn remote_item_json(target: &RemoteRef, origin: &str) -> Value {
    let mut facet = json!({
        "id": target.item_id,
        "name": target.name,
        "size": target.size,
        "webUrl": format!("{origin}/web/{}", target.item_id),
        "parentReference": {
            "driveId": shown_drive_id(&target.drive_id, target.drive_type),
            "driveType": target.drive_type,
        },
        "shared": {"owner": {"user": {"id": target.owner_id, "displayName": target.owner_name}}},
    });
    if let Some(parent) = &target.parent_id {
        facet["parentReference"]["id"] = json!(parent);
    }
    if target.folder {
        facet["folder"] = json!({"childCount": target.child_count});
    } else {
        facet["file"] = json!({"mimeType": mime_type(&target.name)});
    }
    facet
}

/// One item as a reply with its `@odata.context`, as a create or an update answers.
pub(super) fn single_item_reply(
    shared: &super::directory::Scoped,
    drive: &Drive,
    id: &str,
    status: u16,
    now: DateTime<Utc>,
    select: Option<&[String]>,
) -> ApiResult<axum::response::Response> {
    let render = Render { drive, shared, now };
    let item = drive.get(id)?;
    let mut value = apply_select(render.item(item, None), select);
    value["@odata.context"] = json!(format!(
        "{}/$metadata#drives('{}')/items/$entity",
        shared.graph_base(),
        drive.id
    ));
    Ok(super::http::json(status, &value))
}
