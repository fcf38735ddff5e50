//! Real drives beyond files and folders (reference §2 `remoteItem`, §6.5, §10.8):
//! shares between users, shortcuts, finding shared items by search, libraries
//! that rewrite Office files, versions per item, and files served as another
//! rendition than the one listed.

use odc_emulator::{EmulatorOptions, Profile};
use reqwest::Method;
use serde_json::json;

use super::support::{self, Api, qxh};

/// Ada (the token's user) and Bob, who shares `/Photos` to read and `/Team` to
/// change; Ada has a shortcut to Photos.
async fn shared(profile: Profile) -> (Api, String) {
    let api = support::start(EmulatorOptions {
        profile,
        ..Default::default()
    })
    .await;
    let (bob, bob_drive) = api.emu.add_user("bob@example.com", "Bob Example", profile);
    api.emu.put_file_on(&bob_drive, "/Photos/a.jpg", b"a photo");
    api.emu.put_file_on(&bob_drive, "/Team/plan.txt", b"plan");
    api.emu
        .put_file_on(&bob_drive, "/Private/diary.txt", b"mine");
    api.emu.share(bob, "/Photos", 0, false);
    api.emu.share(bob, "/Team", 0, true);
    api.emu.add_shortcut(0, "Shared Photos", bob, "/Photos");
    (api, bob_drive)
}

#[tokio::test]
async fn a_shortcut_has_a_remote_item_and_no_folder_facet_and_paths_stop_at_it() {
    let (api, bob_drive) = shared(Profile::Personal).await;
    let item = api.get("/me/drive/root:/Shared Photos").await.json();
    assert!(item.get("folder").is_none(), "{item}");
    let remote = &item["remoteItem"];
    assert!(remote["folder"]["childCount"].is_number(), "{item}");
    assert_eq!(
        remote["shared"]["owner"]["user"]["displayName"],
        "Bob Example"
    );
    // Personal drive ids show upper case and without their leading zero.
    let shown = remote["parentReference"]["driveId"].as_str().unwrap();
    assert_eq!(shown, bob_drive.trim_start_matches('0').to_uppercase());
    let (children, _) = api
        .list_all(&format!(
            "/me/drive/items/{}/children",
            item["id"].as_str().unwrap()
        ))
        .await;
    assert!(children.is_empty(), "a stub holds nothing");
    assert_eq!(
        api.get("/me/drive/root:/Shared Photos/a.jpg").await.status,
        404
    );
    let put = api
        .put_bytes(
            "/me/drive/root:/Shared Photos/x.txt:/content",
            b"x".to_vec(),
        )
        .await;
    assert_eq!(put.status, 404);

    // Through the target's own drive, with the id as shown: there it is.
    let target = remote["id"].as_str().unwrap();
    let (inside, _) = api
        .list_all(&format!("/drives/{shown}/items/{target}/children"))
        .await;
    assert_eq!(inside[0]["name"], "a.jpg");
    let by_path = api
        .get(&format!("/drives/{bob_drive}/items/{target}:/a.jpg:"))
        .await;
    assert_eq!(by_path.status, 200);
}

#[tokio::test]
async fn a_share_opens_only_what_was_shared_and_writes_only_where_allowed() {
    let (api, bob_drive) = shared(Profile::Personal).await;
    let drive = |path: &str| format!("/drives/{bob_drive}{path}");
    assert_eq!(api.get(&drive("")).await.status, 403);
    assert_eq!(api.get(&drive("/root/children")).await.status, 404);
    assert_eq!(
        api.get(&drive("/root:/Private/diary.txt")).await.status,
        404
    );
    let photos = api.get(&drive("/root:/Photos")).await;
    assert_eq!(photos.status, 200);
    let photos = photos.json()["id"].as_str().unwrap().to_string();
    let team = api.get(&drive("/root:/Team")).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let refused = api
        .put_bytes(
            &drive(&format!("/items/{photos}:/new.txt:/content")),
            b"n".to_vec(),
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.error_code(), "accessDenied");
    let written = api
        .put_bytes(
            &drive(&format!("/items/{team}:/new.txt:/content")),
            b"n".to_vec(),
        )
        .await;
    assert_eq!(written.status, 201);
    assert_eq!(
        api.emu
            .read_file_on(&bob_drive, "/Team/new.txt")
            .await
            .unwrap(),
        b"n"
    );
    // The shared folder itself stays its owner's, even to an editor.
    let delete = api
        .call(Method::DELETE, &drive(&format!("/items/{team}")), None)
        .await;
    assert_eq!(delete.status, 403);
    let rename = api
        .call(
            Method::PATCH,
            &drive(&format!("/items/{team}")),
            Some(json!({"name": "Mine now"})),
        )
        .await;
    assert_eq!(rename.status, 403);
}

#[tokio::test]
async fn a_drive_wide_search_finds_shared_items_once_marked_remote() {
    let (api, _) = shared(Profile::Personal).await;
    api.emu.put_file("/own.txt", b"own");
    let (found, _) = api.list_all("/me/drive/search(q='*')").await;
    let names: Vec<&str> = found.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"own.txt"), "{names:?}");
    let remote: Vec<&str> = found
        .iter()
        .filter(|i| i.get("remoteItem").is_some())
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    // The shortcut in Ada's drive, and the two items shared with her.
    assert_eq!(remote, ["Shared Photos", "Photos", "Team"]);
    assert!(!names.contains(&"diary.txt"), "{names:?}");
    // A folder's search stays in the folder.
    let (below, _) = api.list_all("/me/drive/root/search(q='Team')").await;
    assert!(below.is_empty(), "{below:?}");
}

#[tokio::test]
async fn business_lists_shortcuts_only_to_requests_that_ask() {
    let (api, _) = shared(Profile::Business).await;
    let (plain, _) = api.list_all("/me/drive/root/children").await;
    assert!(plain.is_empty(), "{plain:?}");
    let asked = api
        .raw(
            api.http
                .get(api.url("/me/drive/root/children"))
                .bearer_auth(&api.token)
                .header("Prefer", "Include-Feature=AddToOneDrive"),
        )
        .await
        .json();
    assert_eq!(asked["value"][0]["name"], "Shared Photos");
}

#[tokio::test]
async fn a_business_library_rewrites_office_files_and_a_time_patch_makes_a_version() {
    let api = support::start(EmulatorOptions {
        profile: Profile::Business,
        ..Default::default()
    })
    .await;
    let sent = b"PK\x03\x04 a document".to_vec();
    let reply = api
        .put_bytes("/me/drive/root:/report.docx:/content", sent.clone())
        .await;
    assert_eq!(reply.status, 201);
    let item = reply.json();
    assert!(item["size"].as_u64().unwrap() > sent.len() as u64, "{item}");
    assert_ne!(item["file"]["hashes"]["quickXorHash"], qxh(&sent));
    assert_eq!(
        api.emu.versions_of("/report.docx"),
        1,
        "no version of its own"
    );
    let text = api
        .put_bytes("/me/drive/root:/notes.txt:/content", b"text".to_vec())
        .await
        .json();
    assert_eq!(text["size"], 4);
    assert_eq!(api.emu.versions_of("/notes.txt"), 1);

    let patch = json!({"fileSystemInfo": {"lastModifiedDateTime": "2024-01-02T03:04:05Z"}});
    let reply = api
        .call(Method::PATCH, "/me/drive/root:/notes.txt", Some(patch))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        api.emu.versions_of("/notes.txt"),
        2,
        "business keeps a version"
    );
    api.put_bytes("/me/drive/root:/notes.txt:/content", b"text 2".to_vec())
        .await;
    assert_eq!(api.emu.versions_of("/notes.txt"), 3);

    // Personal drives neither rewrite nor version a time change.
    let api = support::empty().await;
    let item = api
        .put_bytes("/me/drive/root:/report.docx:/content", sent.clone())
        .await
        .json();
    assert_eq!(item["size"], sent.len());
    let patch = json!({"fileSystemInfo": {"lastModifiedDateTime": "2024-01-02T03:04:05Z"}});
    api.call(Method::PATCH, "/me/drive/root:/report.docx", Some(patch))
        .await;
    assert_eq!(api.emu.versions_of("/report.docx"), 1);
}

#[tokio::test]
async fn a_photo_is_listed_as_its_original_and_served_as_another_rendition() {
    let api = support::empty().await;
    let original = vec![7u8; 5000];
    api.emu.put_file("/IMG_0001.HEIC", &original);
    api.emu.serve_instead("/IMG_0001.HEIC", b"a smaller still");
    let item = api.get("/me/drive/root:/IMG_0001.HEIC").await.json();
    assert_eq!(item["size"], 5000);
    assert_eq!(item["file"]["hashes"]["quickXorHash"], qxh(&original));
    assert_eq!(api.download("/IMG_0001.HEIC").await, b"a smaller still");
}
