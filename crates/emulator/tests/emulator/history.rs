//! Versions and the recycle bin, as the Graph reference §10.8 describes them.

use odc_emulator::{EmulatorOptions, Profile};
use reqwest::Method;
use serde_json::json;

use super::support;

#[tokio::test]
async fn each_overwrite_keeps_a_version_that_can_be_read_and_restored() {
    let api = support::empty().await;
    for text in ["one", "two 2", "three 33"] {
        let reply = api
            .put_bytes("/me/drive/root:/a.txt:/content", text.as_bytes().to_vec())
            .await;
        assert!(reply.status.is_success());
    }
    let used_before = api.get("/me/drive").await.json()["quota"]["used"]
        .as_u64()
        .unwrap();
    assert_eq!(
        used_before,
        3 + 5 + 8,
        "earlier versions count in quota.used"
    );
    let versions = api.get("/me/drive/root:/a.txt:/versions").await.json();
    let list = versions["value"].as_array().unwrap();
    let sizes: Vec<u64> = list.iter().map(|v| v["size"].as_u64().unwrap()).collect();
    assert_eq!(sizes, [8, 5, 3], "newest first, the current one at the top");
    assert_eq!(list[0]["id"], "current", "personal drives call it current");
    let second = list[1]["id"].as_str().unwrap().to_string();
    assert!(list[1]["lastModifiedDateTime"].is_string());

    // The current version's bytes are refused through /versions.
    let reply = api
        .get("/me/drive/root:/a.txt:/versions/current/content")
        .await;
    assert_eq!(reply.status, 400);
    // An older one's come like a download: a 302 to a pre-authenticated URL.
    let reply = api
        .get(&format!("/me/drive/root:/a.txt:/versions/{second}/content"))
        .await;
    assert_eq!(reply.status, 302);
    let bytes = api
        .get_plain(&reply.header("location").unwrap(), None)
        .await;
    assert_eq!(&bytes.body[..], b"two 2");
    let reply = api
        .get("/me/drive/root:/a.txt:/versions/NOPE/content")
        .await;
    assert_eq!(reply.status, 404);

    // Restoring makes a new current version with those bytes; none is lost.
    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/root:/a.txt:/versions/{second}/restoreVersion"),
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(api.download("/a.txt").await, b"two 2");
    assert_eq!(api.emu.versions_of("/a.txt"), 4);
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root:/a.txt:/versions/current/restoreVersion",
            None,
        )
        .await;
    assert_eq!(reply.status, 400);

    // Folders have none.
    api.call(
        Method::POST,
        "/me/drive/root/children",
        Some(json!({"name": "f", "folder": {}})),
    )
    .await;
    assert_eq!(api.get("/me/drive/root:/f:/versions").await.status, 404);
}

#[tokio::test]
async fn business_numbers_its_versions() {
    let api = support::start(EmulatorOptions {
        profile: Profile::Business,
        ..Default::default()
    })
    .await;
    for text in ["one", "two"] {
        api.put_bytes("/me/drive/root:/a.txt:/content", text.as_bytes().to_vec())
            .await;
    }
    let versions = api.get("/me/drive/root:/a.txt:/versions").await.json();
    let ids: Vec<&str> = versions["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["2.0", "1.0"]);
}

#[tokio::test]
async fn a_deleted_item_is_read_and_restored_by_id_on_a_personal_drive() {
    let api = support::empty().await;
    api.call(
        Method::POST,
        "/me/drive/root/children",
        Some(json!({"name": "f", "folder": {}})),
    )
    .await;
    let file = api
        .put_bytes("/me/drive/root:/f/a.txt:/content", b"abc".to_vec())
        .await
        .json();
    let folder = api.get("/me/drive/root:/f").await.json();
    let folder_id = folder["id"].as_str().unwrap().to_string();
    let reply = api.call(Method::DELETE, "/me/drive/root:/f", None).await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        api.get("/me/drive").await.json()["quota"]["deleted"],
        3,
        "the bin counts"
    );

    // Gone from the drive; found by id with includeDeletedItems.
    let path = format!("/me/drive/items/{folder_id}");
    assert_eq!(api.get(&path).await.status, 404);
    let found = api
        .get(&format!("{path}?includeDeletedItems=true"))
        .await
        .json();
    assert_eq!(found["name"], "f");
    assert_eq!(found["deleted"]["state"], "deleted");

    // Something new took the name: restoring there conflicts, elsewhere works.
    api.call(
        Method::POST,
        "/me/drive/root/children",
        Some(json!({"name": "f", "folder": {}})),
    )
    .await;
    let reply = api
        .call(Method::POST, &format!("{path}/restore"), Some(json!({})))
        .await;
    assert_eq!(reply.status, 409);
    let reply = api
        .call(
            Method::POST,
            &format!("{path}/restore"),
            Some(json!({"name": "f (restored)"})),
        )
        .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.json()["name"], "f (restored)");
    assert_eq!(api.download("/f (restored)/a.txt").await, b"abc");
    assert_eq!(api.get("/me/drive").await.json()["quota"]["deleted"], 0);
    // Only what went to the bin itself comes back by itself.
    let file_id = file["id"].as_str().unwrap();
    let reply = api
        .call(Method::DELETE, "/me/drive/root:/f (restored)", None)
        .await;
    assert_eq!(reply.status, 204);
    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/items/{file_id}/restore"),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn permanent_delete_skips_the_bin_or_empties_it_of_one_item() {
    let api = support::empty().await;
    let a = api
        .put_bytes("/me/drive/root:/a.txt:/content", b"aaaa".to_vec())
        .await
        .json();
    api.put_bytes("/me/drive/root:/a.txt:/content", b"aaaaaa".to_vec())
        .await;
    let b = api
        .put_bytes("/me/drive/root:/b.txt:/content", b"bb".to_vec())
        .await
        .json();
    assert_eq!(quota(&api).await["used"], 4 + 6 + 2);

    let a_id = a["id"].as_str().unwrap();
    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/items/{a_id}/permanentDelete"),
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    assert!(!api.emu.exists("/a.txt"));
    let q = quota(&api).await;
    assert_eq!(q["used"], 2, "its versions went with it");
    assert_eq!(q["deleted"], 0, "and nothing went to the bin");
    let reply = api
        .get(&format!("/me/drive/items/{a_id}?includeDeletedItems=true"))
        .await;
    assert_eq!(reply.status, 404);

    let b_id = b["id"].as_str().unwrap();
    api.call(Method::DELETE, "/me/drive/root:/b.txt", None)
        .await;
    assert_eq!(quota(&api).await["deleted"], 2);
    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/items/{b_id}/permanentDelete"),
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    let q = quota(&api).await;
    assert_eq!(
        (q["used"].as_u64(), q["deleted"].as_u64()),
        (Some(0), Some(0))
    );
    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/items/{b_id}/restore"),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, 404, "gone for good");
}

#[tokio::test]
async fn business_drives_refuse_restore_and_ignore_include_deleted_items() {
    let api = support::start(EmulatorOptions {
        profile: Profile::Business,
        ..Default::default()
    })
    .await;
    let a = api
        .put_bytes("/me/drive/root:/a.txt:/content", b"a".to_vec())
        .await
        .json();
    let id = a["id"].as_str().unwrap();
    api.call(Method::DELETE, "/me/drive/root:/a.txt", None)
        .await;
    let path = format!("/me/drive/items/{id}");
    assert_eq!(
        api.get(&format!("{path}?includeDeletedItems=true"))
            .await
            .status,
        404
    );
    let reply = api
        .call(Method::POST, &format!("{path}/restore"), Some(json!({})))
        .await;
    assert_eq!(reply.status, 400);
    let reply = api
        .call(Method::POST, &format!("{path}/permanentDelete"), None)
        .await;
    assert_eq!(reply.status, 204);
}

async fn quota(api: &support::Api) -> serde_json::Value {
    api.get("/me/drive").await.json()["quota"].clone()
}

#[tokio::test]
async fn a_business_drives_site_lists_its_recycle_bin() {
    let api = support::start(EmulatorOptions {
        profile: Profile::Business,
        ..Default::default()
    })
    .await;
    api.emu.mkdir_p("/Reports");
    api.put_bytes("/me/drive/root:/Reports/q1.txt:/content", b"q1".to_vec())
        .await;
    let reply = api
        .call(Method::DELETE, "/me/drive/root:/Reports/q1.txt", None)
        .await;
    assert_eq!(reply.status, 204);
    // The site id is given only when selected.
    assert!(api.get("/me/drive").await.json()["sharePointIds"].is_null());
    let drive = api.get("/me/drive?$select=id,sharePointIds").await.json();
    let site = drive["sharePointIds"]["siteId"]
        .as_str()
        .unwrap()
        .to_string();
    let bin = api
        .get(&format!("/sites/{site}/recycleBin/items"))
        .await
        .json();
    let items = bin["value"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "q1.txt");
    assert_eq!(items[0]["deletedFromLocation"], "Documents/Reports");
    assert_eq!(items[0]["size"], 2);
    assert!(items[0]["deletedDateTime"].is_string());
    assert_eq!(
        api.get("/sites/contoso.sharepoint.com,nope,nope/recycleBin/items")
            .await
            .status,
        404
    );
    // Personal accounts have no sites.
    let api = support::empty().await;
    let reply = api.get("/sites/x/recycleBin/items").await;
    assert_eq!(reply.status, 400);
}
