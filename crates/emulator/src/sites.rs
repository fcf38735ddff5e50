//! The signed-in user and what they can open beyond one drive (Graph reference §2 and
//! §10.7): `/me`, `/me/drives`, `/me/followedSites`, `/sites?search=`, `/sites/{id}`
//! and `/sites/{id}/drives`. Sites are work-account only: Microsoft's docs list
//! "Delegated (personal Microsoft account): Not supported" for them.

use std::sync::Arc;

use axum::response::Response;
use serde_json::{Value, json};

use super::Shared;
use super::directory::{Site, User};
use super::error::{ApiError, ApiResult};
use super::http;
use super::route::Resource;
use super::store::Drive;

pub fn handle(
    shared: &Arc<Shared>,
    user: usize,
    resource: Resource,
    query: &[(String, String)],
) -> ApiResult<Response> {
    let directory = shared.directory.read().unwrap();
    let me = directory.users.get(user).ok_or_else(ApiError::not_found)?;
    let base = shared.graph_base();
    match resource {
        Resource::Me => Ok(http::json(200, &user_json(shared, me))),
        Resource::MyDrives => {
            let mut drives = vec![drive_json(shared, &me.drive.lock().unwrap(), "OneDrive")];
            for (name, drive) in &me.other_drives {
                drives.push(drive_json(shared, &drive.lock().unwrap(), name));
            }
            Ok(collection(&base, "drives", drives))
        }
        _ if !me.business() => Err(ApiError::new(
            400,
            "BadRequest",
            "Specified resource is not supported for MSA requests.",
        )),
        Resource::FollowedSites => {
            let sites = directory
                .sites
                .iter()
                .filter(|s| s.followed)
                .map(site_json)
                .collect();
            Ok(collection(&base, "sites", sites))
        }
        Resource::Sites => {
            let Some((_, search)) = query.iter().find(|(k, _)| k == "search") else {
                return Err(ApiError::bad_request(
                    "Listing every site needs application permissions; use ?search=.",
                ));
            };
            let wanted = search.trim_matches('"').to_lowercase();
            // An empty or "*" search lists every site the user can see.
            let sites = directory
                .sites
                .iter()
                .filter(|s| {
                    wanted.is_empty()
                        || wanted == "*"
                        || s.name.to_lowercase().contains(&wanted)
                        || s.display_name.to_lowercase().contains(&wanted)
                })
                .map(site_json)
                .collect();
            Ok(collection(&base, "sites", sites))
        }
        Resource::Site(id) => {
            let site = find_site(&directory.sites, &id)?;
            Ok(http::json(200, &site_json(site)))
        }
        Resource::SiteDrives(id) => {
            let site = find_site(&directory.sites, &id)?;
            let drives = site
                .libraries
                .iter()
                .map(|(name, drive)| drive_json(shared, &drive.lock().unwrap(), name))
                .collect();
            Ok(collection(&base, "drives", drives))
        }
        Resource::SiteRecycleBin(id) => {
            let drives: Vec<_> = std::iter::once(&me.drive)
                .chain(me.other_drives.iter().map(|(_, d)| d))
                .chain(
                    directory
                        .sites
                        .iter()
                        .flat_map(|s| s.libraries.iter().map(|(_, d)| d)),
                )
                .filter(|d| {
                    d.lock()
                        .unwrap()
                        .site_id
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(&id))
                })
                .collect();
            if drives.is_empty() {
                return Err(ApiError::new(
                    404,
                    "itemNotFound",
                    "Requested site could not be found",
                ));
            }
            let mut items = Vec::new();
            for drive in drives {
                let drive = drive.lock().unwrap();
                for entry in drive.bin.iter().rev() {
                    let Some(item) = drive.items.get(&entry.id) else {
                        continue;
                    };
                    let from = drive.path_of(&entry.parent);
                    items.push(json!({
                        "id": entry.id,
                        "name": entry.name,
                        "title": entry.name,
                        "size": item.size(&drive),
                        "deletedDateTime": super::clock::graph_time(entry.deleted_at),
                        "deletedFromLocation": format!("Documents{}", if from == "/" { String::new() } else { from }),
                        "deletedBy": {"user": {"displayName": drive.owner_name}},
                    }));
                }
            }
            Ok(collection(&base, "recycleBinItems", items))
        }
        Resource::InDrive(..) => unreachable!("drive requests are answered in graph.rs"),
    }
}

fn find_site<'a>(sites: &'a [Site], id: &str) -> ApiResult<&'a Site> {
    sites
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| ApiError::new(404, "itemNotFound", "Requested site could not be found"))
}

fn collection(base: &str, kind: &str, values: Vec<Value>) -> Response {
    http::json(
        200,
        &json!({"@odata.context": format!("{base}/$metadata#{kind}"), "value": values}),
    )
}

fn user_json(shared: &Shared, user: &User) -> Value {
    let (given, surname) = user
        .display_name
        .split_once(' ')
        .unwrap_or((&user.display_name, ""));
    json!({
        "@odata.context": format!("{}/$metadata#users/$entity", shared.graph_base()),
        "id": user.id,
        "displayName": user.display_name,
        "userPrincipalName": user.upn,
        "mail": user.upn,
        "givenName": given,
        "surname": surname,
        "jobTitle": null,
        "mobilePhone": null,
        "officeLocation": null,
        "preferredLanguage": "en-US",
        "businessPhones": [],
    })
}

fn site_json(site: &Site) -> Value {
    json!({
        "id": site.id,
        "name": site.name,
        "displayName": site.display_name,
        "webUrl": site.web_url,
    })
}

/// A drive resource: personal quotas carry `deleted`; business quotas carry
/// `fileCount` and no `deleted` (Graph reference §10.7).
pub fn drive_json(shared: &Shared, drive: &Drive, name: &str) -> Value {
    let q = drive.quota();
    let mut quota = json!({
        "total": q.total, "used": q.used, "remaining": q.remaining, "state": q.state,
    });
    let drive_type = if !drive.business() {
        quota["deleted"] = json!(q.deleted);
        "personal"
    } else {
        quota["fileCount"] = json!(q.file_count);
        if name == "OneDrive" {
            "business"
        } else {
            "documentLibrary"
        }
    };
    json!({
        "@odata.context": format!("{}/$metadata#drives/$entity", shared.graph_base()),
        "id": drive.id,
        "name": name,
        "driveType": drive_type,
        "owner": {"user": {"id": drive.owner_id, "displayName": drive.owner_name}},
        "quota": quota,
        "webUrl": format!("{}/web/{}", shared.origin, drive.id),
    })
}
