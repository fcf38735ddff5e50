//! Delta (Graph reference §6.6): a first walk in pages ending with a deltaLink, then
//! only what changed (deleted items with their facet, changed ones once each),
//! `token=latest`, 410 resyncRequired for an old token, business rules.

use std::time::Duration;

use odc_emulator::{EmulatorOptions, Profile, Settings};
use serde_json::Value;

use super::support::{self, Api};

/// Follows nextLinks from `first`; returns the items and the deltaLink.
async fn walk(api: &Api, first: &str) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut url = first.to_string();
    loop {
        let reply = api.get(&url).await;
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        let body = reply.json();
        items.extend(body["value"].as_array().unwrap().iter().cloned());
        if let Some(next) = body["@odata.nextLink"].as_str() {
            assert!(body.get("@odata.deltaLink").is_none());
            url = next.to_string();
        } else {
            return (
                items,
                body["@odata.deltaLink"]
                    .as_str()
                    .expect("a deltaLink")
                    .to_string(),
            );
        }
    }
}

fn names(items: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = items
        .iter()
        .map(|i| {
            let gone = if i.get("deleted").is_some() {
                " (deleted)"
            } else {
                ""
            };
            format!("{}{gone}", i["name"].as_str().unwrap())
        })
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_first_walk_then_only_the_changes() {
    let api = support::empty().await;
    api.emu.put_file("/Docs/a.txt", b"a");
    api.emu.put_file("/Docs/Old/b.txt", b"b");
    api.emu.put_file("/c.txt", b"c");
    let (items, link) = walk(&api, "/me/drive/root/delta?$top=2").await;
    assert_eq!(
        names(&items),
        vec!["Docs", "Old", "a.txt", "b.txt", "c.txt", "root"]
    );
    let position = |name: &str| items.iter().position(|i| i["name"] == name).unwrap();
    assert!(
        position("Docs") < position("Old") && position("Old") < position("b.txt"),
        "parents first"
    );
    assert!(
        items
            .iter()
            .all(|i| i["parentReference"].get("path").is_none()),
        "no paths in delta"
    );

    // Nothing changed: nothing to say.
    let (none, link) = walk(&api, &link).await;
    assert!(none.is_empty(), "{none:?}");

    // A change, a new file, a delete (with what was inside), a rename.
    api.emu.put_file("/Docs/a.txt", b"a, edited");
    api.emu.put_file("/Docs/new.txt", b"new");
    let old = api.get("/me/drive/root:/Docs/Old").await.json();
    let gone = api
        .call(
            reqwest::Method::DELETE,
            &format!("/me/drive/items/{}", old["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    let c = api.get("/me/drive/root:/c.txt").await.json();
    let renamed = api
        .call(
            reqwest::Method::PATCH,
            &format!("/me/drive/items/{}", c["id"].as_str().unwrap()),
            Some(serde_json::json!({"name": "c renamed.txt"})),
        )
        .await;
    assert_eq!(renamed.status, 200);
    let (changes, link) = walk(&api, &link).await;
    assert_eq!(
        names(&changes),
        vec![
            "Docs",
            "Old (deleted)",
            "a.txt",
            "b.txt (deleted)",
            "c renamed.txt",
            "new.txt",
            "root"
        ],
        "each changed item once, their folders too"
    );
    let deleted = changes.iter().find(|i| i["name"] == "b.txt").unwrap();
    assert_eq!(deleted["deleted"]["state"], "deleted");

    // A folder's own delta sees only its subtree (personal drives).
    let docs = api.get("/me/drive/root:/Docs").await.json();
    let (docs_items, _) = walk(
        &api,
        &format!("/me/drive/items/{}/delta", docs["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(names(&docs_items), vec!["Docs", "a.txt", "new.txt"]);

    // token=latest: no items, a link from now on.
    let latest = api.get("/me/drive/root/delta?token=latest").await.json();
    assert_eq!(latest["value"].as_array().unwrap().len(), 0);
    let from_now = latest["@odata.deltaLink"].as_str().unwrap().to_string();
    api.emu.put_file("/later.txt", b"l");
    let (later, _) = walk(&api, &from_now).await;
    assert_eq!(names(&later), vec!["later.txt", "root"]);
    let (again, _) = walk(&api, &link).await;
    assert!(names(&again).contains(&"later.txt".to_string()));
}

#[tokio::test]
async fn an_old_or_foreign_token_must_start_over() {
    let api = support::start(support::options(
        odc_emulator::Seed::Empty,
        Settings {
            delta_token_lifetime_secs: 60,
            ..Settings::default()
        },
    ))
    .await;
    api.emu.put_file("/a.txt", b"a");
    let (_, link) = walk(&api, "/me/drive/root/delta").await;
    api.emu.advance_clock(Duration::from_secs(120));
    let stale = api.get(&link).await;
    assert_eq!(stale.status, 410);
    assert_eq!(stale.json()["error"]["code"], "resyncRequired");
    let start_over = stale.header("location").unwrap();
    assert!(
        start_over.ends_with("/v1.0/me/drive/root/delta"),
        "{start_over}"
    );
    let forged = api.get("/me/drive/root/delta?token=made-up").await;
    assert_eq!(forged.status, 410);
}

#[tokio::test]
async fn business_drives_have_root_delta_only_without_ctags() {
    let api = support::start(EmulatorOptions {
        profile: Profile::Business,
        ..Default::default()
    })
    .await;
    api.emu.put_file("/Docs/a.txt", b"a");
    let (items, _) = walk(&api, "/me/drive/root/delta").await;
    assert!(
        items
            .iter()
            .all(|i| i.get("cTag").is_none() && i.get("createdBy").is_none())
    );
    let docs = api.get("/me/drive/root:/Docs").await.json();
    let folder = api
        .get(&format!(
            "/me/drive/items/{}/delta",
            docs["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(folder.status, 400);
}
