//! Reference §2, §3, §6, §8: metadata, addressing, listings, folder operations,
//! copy, search, naming rules, profiles and seeds.

use odc_emulator::{EmulatorOptions, Profile, Seed, Settings, seed};
use reqwest::Method;
use serde_json::{Value, json};

use super::support::{self, Api, qxh};

#[tokio::test]
async fn me_and_drive_with_quota_from_content() {
    let api = support::start(EmulatorOptions {
        quota_total: 10_000,
        ..Default::default()
    })
    .await;
    let me = api.get("/me").await.json();
    assert_eq!(me["displayName"], "Ada Example");
    assert!(me["userPrincipalName"].is_string());
    api.emu.put_file("/a.bin", &[1u8; 1000]);
    api.emu.put_file("/dir/b.bin", &[2u8; 500]);
    let drive = api.get("/me/drive").await.json();
    assert_eq!(drive["driveType"], "personal");
    assert_eq!(drive["id"].as_str().unwrap().len(), 16);
    assert!(drive["@odata.context"].is_string());
    let quota = &drive["quota"];
    assert_eq!(quota["total"], 10_000);
    assert_eq!(quota["used"], 1500);
    assert_eq!(quota["remaining"], 8500);
    assert_eq!(quota["deleted"], 0);
    assert_eq!(quota["state"], "normal");
    assert!(
        quota.get("fileCount").is_none(),
        "personal quota has no fileCount"
    );

    // Deleting moves bytes to the recycle bin, still counted as used.
    let reply = api.call(Method::DELETE, "/me/drive/root:/dir", None).await;
    assert_eq!(reply.status, 204);
    let quota = api.get("/me/drive").await.json()["quota"].clone();
    assert_eq!(quota["deleted"], 500);
    assert_eq!(quota["used"], 1500);
    assert_eq!(api.get("/me/drive/root:/dir/b.bin").await.status, 404);

    api.emu.put_file("/c.bin", &vec![0u8; 8450]);
    let quota = api.get("/me/drive").await.json()["quota"].clone();
    assert_eq!(quota["state"], "critical", "{quota}");
}

#[tokio::test]
async fn every_addressing_form_reaches_the_same_item() {
    let api = support::empty().await;
    let id = api.emu.put_file("/Docs/Sub Dir/Report.TXT", b"hello");
    let drive_id = api.get("/me/drive").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let folder_id = api.get("/me/drive/root:/Docs").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let forms = [
        format!("/me/drive/items/{id}"),
        "/me/drive/root:/Docs/Sub%20Dir/Report.TXT".to_string(),
        "/me/drive/root:/Docs/Sub%20Dir/Report.TXT:".to_string(),
        "/me/drive/root:/docs/SUB%20DIR/report.txt:".to_string(),
        format!("/me/drive/items/{folder_id}:/Sub%20Dir/Report.TXT:"),
        format!("/drives/{drive_id}/items/{id}"),
        format!(
            "/drives/{}/root:/Docs/Sub%20Dir/Report.TXT:",
            drive_id.to_uppercase()
        ),
    ];
    for form in forms {
        let reply = api.get(&form).await;
        assert_eq!(
            reply.status,
            200,
            "{form}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let item = reply.json();
        assert_eq!(item["id"], id.as_str(), "{form}");
        assert_eq!(item["name"], "Report.TXT", "case is preserved");
        assert_eq!(item["file"]["hashes"]["quickXorHash"], qxh(b"hello"));
        assert_eq!(item["parentReference"]["path"], "/drive/root:/Docs/Sub Dir");
        assert_eq!(item["parentReference"]["driveId"], drive_id.as_str());
    }
    let root = api.get("/me/drive/root").await.json();
    assert!(root["root"].is_object());
    assert!(root["folder"].is_object());
    assert_eq!(
        api.get("/me/drive/root:").await.status,
        400,
        "root is never root: with an empty path"
    );
    assert_eq!(api.get("/me/drive/root:/nope.txt:").await.status, 404);
    assert_eq!(api.get("/drives/0000000000000000/root").await.status, 404);
    let reply = api.get("/me/drive/items/NOPE!1").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error_code(), "itemNotFound");
}

#[tokio::test]
async fn names_are_decoded_exactly_once() {
    let api = support::empty().await;
    let cases = [
        ("Ryan's Files", "Ryan's%20Files"),
        ("Ryan's Files", "Ryan%27s%20Files"),
        ("estimate%s.docx", "estimate%25s.docx"),
        ("Break#Out", "Break%23Out"),
        ("100% #1.txt", "100%25%20%231.txt"),
        (
            "Ünïcødé 😀.txt",
            "%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%F0%9F%98%80.txt",
        ),
        ("a+b.txt", "a+b.txt"),
        ("a+b.txt", "a%2Bb.txt"),
        ("lit%2B.txt", "lit%252B.txt"),
    ];
    for (name, encoded) in cases {
        let reply = api
            .put_bytes(
                &format!("/me/drive/root:/{encoded}:/content"),
                name.as_bytes().to_vec(),
            )
            .await;
        assert!(
            reply.status == 201 || reply.status == 200,
            "{encoded}: {}",
            reply.status
        );
        assert_eq!(reply.json()["name"], name, "{encoded}");
        assert_eq!(
            api.emu.read_file(&format!("/{name}")).await.unwrap(),
            name.as_bytes()
        );
    }
}

#[tokio::test]
async fn children_page_through_2500_items() {
    let api = support::empty().await;
    api.emu
        .with_drive(|d| seed::many_files(d, "/Big", 2500, chrono::Utc::now()));
    // Default $top is 200.
    let first = api.get("/me/drive/root:/Big:/children").await.json();
    assert_eq!(first["value"].as_array().unwrap().len(), 200);
    let (items, pages) = api
        .list_all("/me/drive/root:/Big:/children?$top=1000")
        .await;
    assert_eq!(pages, 3);
    assert_eq!(items.len(), 2500);
    let mut names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names[0], "file-00001.txt");
    names.dedup();
    assert_eq!(names.len(), 2500, "no duplicates, none missing");
    let file = &items[7];
    assert_eq!(file["size"], "This is file 8 of 2500 in /Big.\n".len());
    assert!(file["@microsoft.graph.downloadUrl"].is_string());
    assert!(file["file"]["hashes"]["quickXorHash"].is_string());
    assert!(file["cTag"].is_string() && file["eTag"].is_string());
}

#[tokio::test]
async fn listing_options_are_checked() {
    let api = support::empty().await;
    api.emu
        .with_drive(|d| seed::many_files(d, "/F", 30, chrono::Utc::now()));
    let reply = api
        .get("/me/drive/root:/F:/children?$top=5&$select=id,name")
        .await;
    let body = reply.json();
    let first = body["value"][0].as_object().unwrap();
    assert_eq!(first.len(), 2, "only the selected fields: {first:?}");
    let next = body["@odata.nextLink"].as_str().unwrap();
    assert!(next.contains("$skiptoken="), "{next}");
    assert!(
        next.contains("$select=id,name") && next.contains("$top=5"),
        "options kept: {next}"
    );
    // The token is opaque: an edited one is refused.
    let tampered = next.replace("$skiptoken=", "$skiptoken=x");
    let reply = api.get(&tampered).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error_code(), "invalidRequest");

    for bad in [
        "$top=1001",
        "$top=0",
        "$skip=10",
        "$filter=name%20eq%20'a'",
        "$select=bogus",
        "$orderby=color",
    ] {
        let reply = api.get(&format!("/me/drive/root:/F:/children?{bad}")).await;
        assert_eq!(reply.status, 400, "{bad}");
        reply.error_code();
    }
    let body = api
        .get("/me/drive/root:/F:/children?$orderby=name%20desc&$top=1")
        .await
        .json();
    assert_eq!(body["value"][0]["name"], "file-00030.txt");
    assert_eq!(
        api.get("/me/drive/root:/F:/children?$orderby=size%20desc")
            .await
            .status,
        200
    );
    // A folder that is a file has no children.
    assert_eq!(
        api.get("/me/drive/root:/F/file-00001.txt:/children")
            .await
            .status,
        400
    );
    assert_eq!(api.get("/me/drive/root:/G:/children").await.status, 404);
}

#[tokio::test]
async fn listing_faults_empty_pages_and_duplicates() {
    let api = support::start(support::options(
        Seed::Empty,
        Settings {
            empty_page_every: 2,
            duplicate_across_pages: true,
            ..Settings::default()
        },
    ))
    .await;
    api.emu
        .with_drive(|d| seed::many_files(d, "/F", 25, chrono::Utc::now()));
    let (items, pages) = api.list_all("/me/drive/root:/F:/children?$top=10").await;
    // Pages: 10, empty, 10+1 duplicate, empty, 5+1 duplicate.
    assert_eq!(pages, 5);
    assert_eq!(items.len(), 27);
    let mut ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 25);
}

#[tokio::test]
async fn create_folder_with_each_conflict_behaviour() {
    let api = support::empty().await;
    let make = |behaviour: Option<&str>| {
        let mut body = json!({"name": "New Folder", "folder": {}});
        if let Some(b) = behaviour {
            body["@microsoft.graph.conflictBehavior"] = json!(b);
        }
        body
    };
    let reply = api
        .call(Method::POST, "/me/drive/root/children", Some(make(None)))
        .await;
    assert_eq!(reply.status, 201);
    let first_id = reply.json()["id"].clone();
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root/children",
            Some(make(Some("fail"))),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.error_code(), "nameAlreadyExists");
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root/children",
            Some(make(Some("rename"))),
        )
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json()["name"], "New Folder 1");
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root/children",
            Some(make(Some("replace"))),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["id"],
        first_id,
        "replace returns the existing folder"
    );
    // Case-insensitive names collide.
    let body = json!({"name": "new folder", "folder": {}});
    assert_eq!(
        api.call(Method::POST, "/me/drive/root/children", Some(body))
            .await
            .status,
        409
    );
    // Nested by path.
    let body = json!({"name": "Inner", "folder": {}});
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root:/New%20Folder:/children",
            Some(body),
        )
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(
        reply.json()["parentReference"]["path"],
        "/drive/root:/New Folder"
    );
}

#[tokio::test]
async fn invalid_names_and_long_paths_are_refused() {
    let api = support::empty().await;
    for name in [
        "a:b",
        "what?",
        "pipe|",
        "CON",
        "desktop.ini",
        " lead",
        "trail ",
        "~$lock.docx",
        "x_vti_y",
        "dir.",
    ] {
        let body = json!({"name": name, "folder": {}});
        let reply = api
            .call(Method::POST, "/me/drive/root/children", Some(body))
            .await;
        assert_eq!(reply.status, 400, "{name}");
        assert_eq!(reply.error_code(), "invalidRequest", "{name}");
        assert_eq!(reply.inner_code().as_deref(), Some("invalidPath"), "{name}");
    }
    let encoded = "a%3Ab.txt";
    let reply = api
        .put_bytes(
            &format!("/me/drive/root:/{encoded}:/content"),
            b"x".to_vec(),
        )
        .await;
    assert_eq!(reply.status, 400);
    // 400 characters of path are allowed, 401 are not.
    let deep = "d".repeat(200);
    api.emu.mkdir_p(&format!("/{deep}"));
    let ok = "f".repeat(199);
    let reply = api
        .put_bytes(
            &format!("/me/drive/root:/{deep}/{ok}:/content"),
            b"x".to_vec(),
        )
        .await;
    assert_eq!(reply.status, 201);
    let long = "f".repeat(200);
    let reply = api
        .put_bytes(
            &format!("/me/drive/root:/{deep}/{long}:/content"),
            b"x".to_vec(),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.inner_code().as_deref(), Some("pathIsTooLong"));
}

#[tokio::test]
async fn rename_move_and_preconditions() {
    let api = support::empty().await;
    let id = api.emu.put_file("/a.txt", b"A");
    api.emu.put_file("/taken.txt", b"T");
    let target = api.emu.mkdir_p("/Target");
    let path = format!("/me/drive/items/{id}");

    let reply = api
        .call(Method::PATCH, &path, Some(json!({"name": "b.txt"})))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["name"], "b.txt");
    let etag = reply.json()["eTag"].as_str().unwrap().to_string();

    let reply = api
        .call(Method::PATCH, &path, Some(json!({"name": "TAKEN.txt"})))
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.error_code(), "nameAlreadyExists");
    let reply = api
        .call(Method::PATCH, &path, Some(json!({"name": "bad:name"})))
        .await;
    assert_eq!(reply.status, 400);
    let reply = api
        .call(
            Method::PATCH,
            &path,
            Some(json!({"parentReference": {"id": "root"}})),
        )
        .await;
    assert_eq!(reply.status, 400, "the root alias is refused");

    let reply = api
        .call(
            Method::PATCH,
            &path,
            Some(json!({"parentReference": {"id": target}, "name": "moved.txt"})),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["parentReference"]["path"],
        "/drive/root:/Target"
    );
    assert_eq!(api.emu.read_file("/Target/moved.txt").await.unwrap(), b"A");
    assert!(api.emu.read_file("/a.txt").await.is_none());

    // Case-only rename of the same item is allowed.
    let reply = api
        .call(Method::PATCH, &path, Some(json!({"name": "MOVED.txt"})))
        .await;
    assert_eq!(reply.status, 200);

    // If-Match with a stale eTag.
    let request = api
        .http
        .patch(api.url(&path))
        .bearer_auth(&api.token)
        .header("If-Match", etag)
        .json(&json!({"name": "c.txt"}));
    let reply = api.raw(request).await;
    assert_eq!(reply.status, 412);
    assert_eq!(reply.error_code(), "resourceModified");

    // A folder cannot move into itself.
    let sub = api.emu.mkdir_p("/Target/Sub");
    let reply = api
        .call(
            Method::PATCH,
            &format!("/me/drive/items/{target}"),
            Some(json!({"parentReference": {"id": sub}})),
        )
        .await;
    assert_eq!(reply.status, 400);

    // fileSystemInfo is writable.
    let reply = api
        .call(
            Method::PATCH,
            &path,
            Some(json!({"fileSystemInfo": {"lastModifiedDateTime": "2020-01-02T03:04:05Z"}})),
        )
        .await;
    assert_eq!(
        reply.json()["fileSystemInfo"]["lastModifiedDateTime"],
        "2020-01-02T03:04:05Z"
    );
}

#[tokio::test]
async fn delete_goes_to_the_recycle_bin() {
    let api = support::empty().await;
    let id = api.emu.put_file("/gone.txt", b"12345");
    assert_eq!(
        api.call(Method::DELETE, &format!("/me/drive/items/{id}"), None)
            .await
            .status,
        204
    );
    assert_eq!(api.get(&format!("/me/drive/items/{id}")).await.status, 404);
    assert_eq!(
        api.call(Method::DELETE, &format!("/me/drive/items/{id}"), None)
            .await
            .status,
        404
    );
    assert_eq!(api.get("/me/drive").await.json()["quota"]["deleted"], 5);
    assert_eq!(
        api.call(Method::DELETE, "/me/drive/root", None)
            .await
            .status,
        403
    );
}

async fn wait_copy(api: &Api, location: &str) -> Value {
    for _ in 0..20 {
        let reply = api.get_plain(location, None).await;
        assert!([200, 202, 303].contains(&reply.status.as_u16()));
        let status = reply.json();
        match status["status"].as_str().unwrap() {
            "completed" | "failed" => return status,
            "notStarted" | "inProgress" => {
                assert!(status["percentageComplete"].is_number());
            }
            other => panic!("unexpected status {other}"),
        }
    }
    panic!("copy never finished");
}

#[tokio::test]
async fn copy_returns_a_monitor_that_refuses_authorization() {
    let api = support::empty().await;
    let data = support::pattern(70_000, 3);
    let source = api.emu.put_file("/src/data.bin", &data);
    api.emu.put_file("/src/inner/x.txt", b"x");
    let dest = api.emu.mkdir_p("/dest");
    let folder = api.get("/me/drive/root:/src").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/items/{folder}/copy"),
            Some(json!({"parentReference": {"id": dest}, "name": "copied"})),
        )
        .await;
    assert_eq!(reply.status, 202);
    assert!(reply.body.is_empty());
    let location = reply.header("location").unwrap();
    let with_auth = api
        .raw(api.http.get(&location).bearer_auth(&api.token))
        .await;
    assert_eq!(with_auth.status, 401, "the monitor is pre-authenticated");
    let done = wait_copy(&api, &location).await;
    assert_eq!(done["status"], "completed");
    let resource = done["resourceId"].as_str().unwrap();
    let copied = api.get(&format!("/me/drive/items/{resource}")).await.json();
    assert_eq!(copied["name"], "copied");
    assert_eq!(
        api.emu.read_file("/dest/copied/data.bin").await.unwrap(),
        data
    );
    assert_eq!(
        api.emu.read_file("/dest/copied/inner/x.txt").await.unwrap(),
        b"x"
    );

    // Personal drives refuse a taken name at once.
    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/items/{source}/copy"),
            Some(json!({"parentReference": {"id": dest}, "name": "copied"})),
        )
        .await;
    assert_eq!(reply.status, 409);
    let log = api.emu.requests();
    assert!(
        log.iter()
            .any(|r| r.path.starts_with("/monitor/") && r.authorization && r.status == 401)
    );
}

#[tokio::test]
async fn business_copy_honours_rename() {
    let api = support::start(EmulatorOptions {
        profile: Profile::Business,
        ..Default::default()
    })
    .await;
    let source = api.emu.put_file("/a.txt", b"a");
    let root = api.get("/me/drive/root").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("/me/drive/items/{source}/copy?@microsoft.graph.conflictBehavior=rename");
    let reply = api
        .call(
            Method::POST,
            &url,
            Some(json!({"parentReference": {"id": root}})),
        )
        .await;
    assert_eq!(reply.status, 202);
    let done = wait_copy(&api, &reply.header("location").unwrap()).await;
    let copy = api
        .get(&format!(
            "/me/drive/items/{}",
            done["resourceId"].as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(copy["name"], "a 1.txt");
}

#[tokio::test]
async fn business_profile_differences() {
    let api = support::start(EmulatorOptions {
        profile: Profile::Business,
        ..Default::default()
    })
    .await;
    api.emu.put_file("/Folder/f.txt", b"f");
    let drive = api.get("/me/drive").await.json();
    assert_eq!(drive["driveType"], "business");
    assert!(drive["id"].as_str().unwrap().starts_with("b!"));
    assert_eq!(drive["quota"]["fileCount"], 1);
    let folder = api.get("/me/drive/root:/Folder").await.json();
    assert!(
        folder.get("cTag").is_none(),
        "business folders have no cTag"
    );
    assert!(folder["id"].as_str().unwrap().starts_with("01"));
    let file = api.get("/me/drive/root:/Folder/f.txt").await.json();
    assert!(file["cTag"].is_string());
    assert_eq!(
        api.get("/me/drive/root/children?$orderby=size")
            .await
            .status,
        400
    );
    assert_eq!(
        api.get("/me/drive/root/children?$orderby=name")
            .await
            .status,
        200
    );
    let body = json!({"name": "forms", "folder": {}});
    assert_eq!(
        api.call(Method::POST, "/me/drive/root/children", Some(body))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn search_matches_names_and_unescapes_quotes() {
    let api = support::empty().await;
    api.emu.put_file("/Docs/Ryan's plan.txt", b"1");
    api.emu.put_file("/Other/plan B.txt", b"2");
    api.emu.put_file("/zzz.txt", b"3");
    let body = api.get("/me/drive/root/search(q='plan')").await.json();
    let names: Vec<&str> = body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ryan's plan.txt", "plan B.txt"]);
    assert!(body["value"][0]["searchResult"].is_object());
    let body = api.get("/me/drive/root/search(q='Ryan''s')").await.json();
    assert_eq!(body["value"].as_array().unwrap().len(), 1);
    assert_eq!(
        api.get("/me/drive/root/search(q='Ryan's')").await.status,
        400
    );
    let (all, pages) = api.list_all("/me/drive/search(q='')?$top=2").await;
    assert_eq!(all.len(), 5, "three files and two folders");
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn demo_seed_is_believable() {
    let api = support::start(support::options(Seed::Demo, Settings::default())).await;
    let root = api.get("/me/drive/root/children").await.json();
    let names: Vec<&str> = root["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    for expected in [
        "Documents",
        "Photos",
        "Many files",
        "Large files",
        "Ünïcødé 😀.txt",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let many = api.get("/me/drive/root:/Many%20files").await.json();
    assert_eq!(many["folder"]["childCount"], seed::MANY_FILES_COUNT);
    let big = api
        .get("/me/drive/root:/Large%20files/disk-image-2GiB.img")
        .await
        .json();
    assert_eq!(big["size"], 2u64 << 30);
    assert_eq!(
        big["file"]["hashes"]["quickXorHash"]
            .as_str()
            .unwrap()
            .len(),
        28
    );
    for name in [
        "Ryan's%20Files",
        "Break%23Out",
        "estimate%25s.docx",
        "100%25%20done%20%231.txt",
    ] {
        assert_eq!(
            api.get(&format!("/me/drive/root:/Documents/{name}"))
                .await
                .status,
            200,
            "{name}"
        );
    }
    // Generated content matches its advertised hash.
    let item = api
        .get("/me/drive/root:/Documents/Quarterly%20report.docx")
        .await
        .json();
    let bytes = api.download("/Documents/Quarterly%20report.docx").await;
    assert_eq!(bytes.len() as u64, item["size"].as_u64().unwrap());
    assert_eq!(
        qxh(&bytes),
        item["file"]["hashes"]["quickXorHash"].as_str().unwrap()
    );
}

#[tokio::test]
async fn graph_errors_echo_the_client_request_id() {
    let api = support::empty().await;
    let request = api
        .http
        .get(api.url("/me/drive/root:/missing.txt"))
        .bearer_auth(&api.token)
        .header("client-request-id", "11111111-2222-4333-8444-555555555555");
    let reply = api.raw(request).await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("client-request-id").as_deref(),
        Some("11111111-2222-4333-8444-555555555555")
    );
    assert!(reply.header("request-id").is_some());
    assert_eq!(
        reply.json()["error"]["innerError"]["client-request-id"],
        "11111111-2222-4333-8444-555555555555"
    );
    assert_eq!(api.get("/me/drive/root/bogus").await.status, 400);
}

/// createLink as Microsoft documents it: 201 for a new link, 200 and the same link
/// for the same type and scope; organization links and embed links by drive type;
/// a tenant that disabled anonymous links refuses them with 403.
#[tokio::test]
async fn create_link_follows_the_documented_rules() {
    let api = support::empty().await;
    api.emu.put_file("/a.txt", b"a");
    api.emu.mkdir_p("/Folder");
    let link = |body: Value| {
        let api = &api;
        async move {
            api.call(
                Method::POST,
                "/me/drive/root:/a.txt:/createLink",
                Some(body),
            )
            .await
        }
    };
    let first = link(json!({"type": "view"})).await;
    assert_eq!(first.status, 201);
    let body = first.json();
    assert_eq!(body["link"]["scope"], "anonymous", "personal default");
    assert_eq!(body["roles"], json!(["read"]));
    let url = body["link"]["webUrl"].as_str().unwrap().to_string();
    let again = link(json!({"type": "view", "scope": "anonymous"})).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["link"]["webUrl"], url);
    let edit = link(json!({"type": "edit"})).await;
    assert_eq!(edit.status, 201);
    assert_ne!(edit.json()["link"]["webUrl"], url);
    assert_eq!(edit.json()["roles"], json!(["write"]));
    assert_eq!(link(json!({"type": "embed"})).await.status, 201);
    assert_eq!(
        link(json!({"type": "view", "scope": "organization"}))
            .await
            .status,
        400
    );
    assert_eq!(link(json!({"type": "share"})).await.status, 400);
    assert_eq!(link(json!({})).await.status, 400);
    let folder_embed = api
        .call(
            Method::POST,
            "/me/drive/root:/Folder:/createLink",
            Some(json!({"type": "embed"})),
        )
        .await;
    assert_eq!(folder_embed.status, 400);

    let business = support::start(EmulatorOptions {
        profile: Profile::Business,
        settings: Settings {
            anonymous_links_disabled: true,
            ..Settings::default()
        },
        ..Default::default()
    })
    .await;
    business.emu.put_file("/b.txt", b"b");
    let call = |body: Value| {
        let api = &business;
        async move {
            api.call(
                Method::POST,
                "/me/drive/root:/b.txt:/createLink",
                Some(body),
            )
            .await
        }
    };
    let org = call(json!({"type": "edit"})).await;
    assert_eq!(org.status, 201);
    assert_eq!(
        org.json()["link"]["scope"],
        "organization",
        "business default"
    );
    assert_eq!(
        call(json!({"type": "view", "scope": "anonymous"}))
            .await
            .status,
        403
    );
    assert_eq!(call(json!({"type": "embed"})).await.status, 400);
}
