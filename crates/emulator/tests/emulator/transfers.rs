//! Reference §4 and §5: simple upload, upload sessions, downloads with ranges.

use std::time::Duration;

use odc_emulator::{EmulatorOptions, Settings};
use reqwest::{Method, header};
use serde_json::{Value, json};

use super::support::{self, Api, Reply, pattern, qxh};

const UNIT: usize = 327_680;
const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn simple_put_creates_replaces_and_honours_conflict_behaviour() {
    let api = support::empty().await;
    let reply = api
        .put_bytes("/me/drive/root:/f.txt:/content", b"one".to_vec())
        .await;
    assert_eq!(reply.status, 201);
    let item = reply.json();
    assert_eq!(item["size"], 3);
    assert_eq!(item["file"]["hashes"]["quickXorHash"], qxh(b"one"));
    let id = item["id"].as_str().unwrap().to_string();

    let reply = api
        .put_bytes("/me/drive/root:/f.txt:/content", b"two!".to_vec())
        .await;
    assert_eq!(reply.status, 200, "replace is the default");
    assert_eq!(reply.json()["id"], id.as_str());
    assert_eq!(api.emu.read_file("/f.txt").await.unwrap(), b"two!");

    let reply = api
        .put_bytes(
            "/me/drive/root:/f.txt:/content?@microsoft.graph.conflictBehavior=fail",
            b"x".to_vec(),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.error_code(), "nameAlreadyExists");
    let reply = api
        .put_bytes(
            "/me/drive/root:/f.txt:/content?@microsoft.graph.conflictBehavior=rename",
            b"x".to_vec(),
        )
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json()["name"], "f 1.txt");

    // By id, and into a folder by parent id.
    let reply = api
        .put_bytes(&format!("/me/drive/items/{id}/content"), b"three".to_vec())
        .await;
    assert_eq!(reply.status, 200);
    let root = api.get("/me/drive/root").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = api
        .put_bytes(
            &format!("/me/drive/items/{root}:/new.txt:/content"),
            Vec::new(),
        )
        .await;
    assert_eq!(reply.status, 201, "empty files go by simple PUT");
    assert_eq!(reply.json()["size"], 0);
    assert_eq!(
        reply.json()["file"]["hashes"]["quickXorHash"],
        "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
    );
    // Parents must exist.
    assert_eq!(
        api.put_bytes("/me/drive/root:/no/such/f.txt:/content", b"x".to_vec())
            .await
            .status,
        404
    );
}

/// Reference §10.1: Graph's front end wants a length on every PUT/POST/PATCH.
#[tokio::test]
async fn body_carrying_requests_without_a_length_get_411() {
    let api = support::empty().await;
    let url = api.url("/me/drive/root:/empty.txt:/content");
    // reqwest, like many HTTP stacks, sends an empty body with no Content-Length.
    let bare = api
        .raw(
            api.http
                .put(&url)
                .bearer_auth(&api.token)
                .body(Vec::<u8>::new()),
        )
        .await;
    assert_eq!(bare.status, 411);
    let page = String::from_utf8_lossy(&bare.body);
    assert!(page.contains("HTTP Error 411"), "{page}");
    assert!(
        serde_json::from_slice::<Value>(&bare.body).is_err(),
        "HTML, not JSON"
    );
    for method in [Method::POST, Method::PATCH] {
        let target = if method == Method::POST {
            "/me/drive/root/children"
        } else {
            "/me/drive/root"
        };
        let reply = api
            .raw(
                api.http
                    .request(method.clone(), api.url(target))
                    .bearer_auth(&api.token)
                    .body(Vec::<u8>::new()),
            )
            .await;
        assert_eq!(reply.status, 411, "{method}");
    }
    // Nothing was created by the refused request.
    assert_eq!(api.get("/me/drive/root:/empty.txt").await.status, 404);

    let with_length = api
        .raw(
            api.http
                .put(&url)
                .bearer_auth(&api.token)
                .header(header::CONTENT_LENGTH, 0)
                .body(Vec::<u8>::new()),
        )
        .await;
    assert_eq!(with_length.status, 201);
    // Chunked encoding passes the front end, as the 411 page says...
    let folder = br#"{"name":"chunked","folder":{}}"#;
    let chunks =
        futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(folder))]);
    let chunked = api
        .raw(
            api.http
                .post(api.url("/me/drive/root/children"))
                .bearer_auth(&api.token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(reqwest::Body::wrap_stream(chunks)),
        )
        .await;
    assert_eq!(
        chunked.status,
        201,
        "{}",
        String::from_utf8_lossy(&chunked.body)
    );
    // ...but a simple upload needs to know its size: Graph's JSON error this time.
    let chunks =
        futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"abc"))]);
    let upload = api
        .raw(
            api.http
                .put(api.url("/me/drive/root:/chunked.txt:/content"))
                .bearer_auth(&api.token)
                .body(reqwest::Body::wrap_stream(chunks)),
        )
        .await;
    assert_eq!(upload.status, 411);
    assert_eq!(upload.error_code(), "lengthRequired");
}

#[tokio::test]
async fn simple_put_size_limit_and_quota() {
    let api = support::start(EmulatorOptions {
        quota_total: 1000,
        settings: Settings {
            simple_upload_limit: 600,
            ..Settings::default()
        },
        ..Default::default()
    })
    .await;
    let reply = api
        .put_bytes("/me/drive/root:/big:/content", vec![0; 601])
        .await;
    assert_eq!(reply.status, 413);
    api.put_bytes("/me/drive/root:/a:/content", vec![0; 600])
        .await;
    let reply = api
        .put_bytes("/me/drive/root:/b:/content", vec![0; 500])
        .await;
    assert_eq!(reply.status, 507);
    assert_eq!(reply.error_code(), "quotaLimitReached");
}

async fn create_session(api: &Api, path: &str, item: Value) -> String {
    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/root:{path}:/createUploadSession"),
            Some(json!({"item": item})),
        )
        .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let body = reply.json();
    assert_eq!(body["nextExpectedRanges"], json!(["0-"]));
    assert!(body["expirationDateTime"].as_str().unwrap().ends_with('Z'));
    body["uploadUrl"].as_str().unwrap().to_string()
}

async fn put_fragment(api: &Api, url: &str, data: &[u8], start: usize, total: usize) -> Reply {
    let end = start + data.len() - 1;
    let request = api
        .http
        .put(url)
        .header(
            header::CONTENT_RANGE,
            format!("bytes {start}-{end}/{total}"),
        )
        .body(data.to_vec());
    api.raw(request).await
}

#[tokio::test]
async fn a_25_mib_upload_session() {
    let api = support::empty().await;
    let data = pattern(25 * MIB, 9);
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root:/Uploads/big.bin:/createUploadSession",
            None,
        )
        .await;
    assert_eq!(reply.status, 404, "the parent folder must exist");
    api.emu.mkdir_p("/Uploads");
    let url = create_session(&api, "/Uploads/big.bin", json!({"@microsoft.graph.conflictBehavior": "replace", "fileSystemInfo": {"lastModifiedDateTime": "2021-06-01T12:00:00Z"}})).await;
    let fragment = 32 * UNIT; // 10 MiB
    let mut start = 0;
    while start < data.len() {
        let end = (start + fragment).min(data.len());
        let reply = put_fragment(&api, &url, &data[start..end], start, data.len()).await;
        if end < data.len() {
            assert_eq!(reply.status, 202);
            assert_eq!(
                reply.json()["nextExpectedRanges"],
                json!([format!("{end}-")])
            );
        } else {
            assert_eq!(reply.status, 201);
            let item = reply.json();
            assert_eq!(item["size"], data.len());
            assert_eq!(item["file"]["hashes"]["quickXorHash"], qxh(&data));
            assert_eq!(
                item["fileSystemInfo"]["lastModifiedDateTime"],
                "2021-06-01T12:00:00Z"
            );
        }
        start = end;
    }
    assert_eq!(api.emu.read_file("/Uploads/big.bin").await.unwrap(), data);
    // A completed session is gone.
    assert_eq!(api.get_plain(&url, None).await.status, 404);
    assert_eq!(
        put_fragment(&api, &url, &data[..UNIT], 0, data.len())
            .await
            .status,
        404
    );
    assert_eq!(api.emu.open_upload_sessions(), 0);
    let log = api.emu.requests();
    assert!(
        log.iter()
            .filter(|r| r.path.starts_with("/up/"))
            .all(|r| !r.authorization)
    );
}

#[tokio::test]
async fn fragment_rules_are_enforced() {
    let api = support::empty().await;
    let total = 3 * UNIT + 100;
    let data = pattern(total, 1);
    let url = create_session(
        &api,
        "/rules.bin",
        json!({"@microsoft.graph.conflictBehavior": "fail"}),
    )
    .await;

    // Authorization on the upload URL is refused.
    let request = api
        .http
        .put(&url)
        .bearer_auth(&api.token)
        .header(
            header::CONTENT_RANGE,
            format!("bytes 0-{}/{total}", UNIT - 1),
        )
        .body(data[..UNIT].to_vec());
    assert_eq!(api.raw(request).await.status, 401);
    // Let through only when told to (for benchmarking rclone < 1.65).
    api.emu
        .configure(|s| s.accept_authorization_on_preauth_urls = true);
    let lenient = create_session(
        &api,
        "/lenient.bin",
        json!({"@microsoft.graph.conflictBehavior": "fail"}),
    )
    .await;
    let request = api
        .http
        .put(&lenient)
        .bearer_auth(&api.token)
        .header(
            header::CONTENT_RANGE,
            format!("bytes 0-{}/{total}", UNIT - 1),
        )
        .body(data[..UNIT].to_vec());
    assert_eq!(api.raw(request).await.status, 202);
    api.emu
        .configure(|s| s.accept_authorization_on_preauth_urls = false);
    // Not a multiple of 320 KiB, and not the last fragment.
    let reply = put_fragment(&api, &url, &data[..1000], 0, total).await;
    assert_eq!(reply.status, 400);
    // Content-Length must equal the range.
    let request = api
        .http
        .put(&url)
        .header(
            header::CONTENT_RANGE,
            format!("bytes 0-{}/{total}", 2 * UNIT - 1),
        )
        .body(data[..UNIT].to_vec());
    assert_eq!(api.raw(request).await.status, 400);
    // Missing Content-Range.
    assert_eq!(
        api.raw(api.http.put(&url).body(vec![0u8; 10])).await.status,
        400
    );
    // Out of order.
    let reply = put_fragment(&api, &url, &data[UNIT..2 * UNIT], UNIT, total).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.inner_code().as_deref(), Some("fragmentOutOfOrder"));
    // A good one.
    assert_eq!(
        put_fragment(&api, &url, &data[..UNIT], 0, total)
            .await
            .status,
        202
    );
    // Overlap.
    let reply = put_fragment(&api, &url, &data[..UNIT], 0, total).await;
    assert_eq!(reply.status, 416);
    assert_eq!(reply.error_code(), "invalidRange");
    // Another total.
    let reply = put_fragment(&api, &url, &data[UNIT..2 * UNIT], UNIT, total + 1).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.inner_code().as_deref(),
        Some("fragmentLengthMismatch")
    );
    // Status.
    let status = api.get_plain(&url, None).await;
    assert_eq!(status.status, 200);
    assert_eq!(
        status.json()["nextExpectedRanges"],
        json!([format!("{UNIT}-")])
    );
    // 60 MiB or more in one fragment.
    let big_total = 61 * MIB;
    let url2 = create_session(&api, "/huge.bin", json!({})).await;
    let reply = put_fragment(&api, &url2, &vec![0u8; 60 * MIB], 0, big_total).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.inner_code().as_deref(),
        Some("maxFragmentLengthExceeded")
    );
    // The largest legal fragment is accepted.
    assert_eq!(
        put_fragment(&api, &url2, &vec![0u8; 191 * UNIT], 0, big_total)
            .await
            .status,
        202
    );

    // Finish the first one with an odd-sized last fragment.
    assert_eq!(
        put_fragment(&api, &url, &data[UNIT..3 * UNIT], UNIT, total)
            .await
            .status,
        202
    );
    let reply = put_fragment(&api, &url, &data[3 * UNIT..], 3 * UNIT, total).await;
    assert_eq!(reply.status, 201);
    assert_eq!(api.emu.read_file("/rules.bin").await.unwrap(), data);
}

#[tokio::test]
async fn sessions_cancel_expire_and_check_conflicts() {
    let api = support::empty().await;
    api.emu.put_file("/exists.bin", b"old");
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root:/exists.bin:/createUploadSession",
            Some(json!({"item": {"@microsoft.graph.conflictBehavior": "fail"}})),
        )
        .await;
    assert_eq!(
        reply.status, 409,
        "fail is checked when the session is made"
    );
    // The default is fail too.
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root:/exists.bin:/createUploadSession",
            None,
        )
        .await;
    assert_eq!(reply.status, 409);
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root:/a.bin:/createUploadSession",
            Some(json!({"item": {"name": "other.bin"}})),
        )
        .await;
    assert_eq!(reply.status, 400, "item.name must match the path");

    let url = create_session(&api, "/cancel.bin", json!({})).await;
    assert_eq!(
        put_fragment(&api, &url, &vec![1; UNIT], 0, 2 * UNIT)
            .await
            .status,
        202
    );
    assert_eq!(api.emu.open_upload_sessions(), 1);
    assert_eq!(api.raw(api.http.delete(&url)).await.status, 204);
    assert_eq!(api.get_plain(&url, None).await.status, 404);
    assert_eq!(api.emu.open_upload_sessions(), 0);
    assert!(api.emu.read_file("/cancel.bin").await.is_none());

    let url = create_session(&api, "/expire.bin", json!({})).await;
    api.emu.advance_clock(Duration::from_secs(901));
    assert_eq!(
        put_fragment(&api, &url, &vec![1; UNIT], 0, 2 * UNIT)
            .await
            .status,
        404
    );

    // Replace by id keeps the item id.
    let id = api.emu.put_file("/replace.bin", b"old");
    let reply = api
        .call(
            Method::POST,
            &format!("/me/drive/items/{id}/createUploadSession"),
            None,
        )
        .await;
    let url = reply.json()["uploadUrl"].as_str().unwrap().to_string();
    let reply = put_fragment(&api, &url, b"brand new", 0, 9).await;
    assert_eq!(reply.status, 200, "replacing gives 200");
    assert_eq!(reply.json()["id"], id.as_str());
    assert_eq!(
        api.emu.read_file("/replace.bin").await.unwrap(),
        b"brand new"
    );
}

#[tokio::test]
async fn session_quota_is_checked() {
    let api = support::start(EmulatorOptions {
        quota_total: 2 * UNIT as u64,
        ..Default::default()
    })
    .await;
    let reply = api
        .call(
            Method::POST,
            "/me/drive/root:/x.bin:/createUploadSession",
            Some(json!({"item": {"fileSize": 3 * UNIT}})),
        )
        .await;
    assert_eq!(reply.status, 507);
    let url = create_session(&api, "/x.bin", json!({})).await;
    let reply = put_fragment(&api, &url, &vec![0; UNIT], 0, 3 * UNIT).await;
    assert_eq!(reply.status, 507);
    assert_eq!(reply.error_code(), "quotaLimitReached");
}

#[tokio::test]
async fn downloads_redirect_and_serve_ranges() {
    let api = support::empty().await;
    let data = pattern(200_000, 5);
    api.emu.put_file("/d.bin", &data);
    let reply = api.get("/me/drive/root:/d.bin:/content").await;
    assert_eq!(reply.status, 302);
    let url = reply.header("location").unwrap();
    assert!(url.contains("/dl/"));

    let reply = api.raw(api.http.get(&url).bearer_auth(&api.token)).await;
    assert_eq!(reply.status, 401, "the download URL refuses Authorization");
    // Only when told to (benchmarks of clients that send it) is it let through.
    api.emu
        .configure(|s| s.accept_authorization_on_preauth_urls = true);
    let reply = api.raw(api.http.get(&url).bearer_auth(&api.token)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body.to_vec(), data);
    api.emu
        .configure(|s| s.accept_authorization_on_preauth_urls = false);

    let whole = api.get_plain(&url, None).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body.to_vec(), data);
    assert_eq!(whole.header("content-length").unwrap(), "200000");

    let part = api.get_plain(&url, Some("bytes=1000-1999")).await;
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("content-range").unwrap(),
        "bytes 1000-1999/200000"
    );
    assert_eq!(part.body.to_vec(), data[1000..2000].to_vec());
    let open = api.get_plain(&url, Some("bytes=199990-")).await;
    assert_eq!(open.body.to_vec(), data[199_990..].to_vec());
    let suffix = api.get_plain(&url, Some("bytes=-10")).await;
    assert_eq!(suffix.status, 206);
    assert_eq!(suffix.body.to_vec(), data[199_990..].to_vec());
    let beyond = api.get_plain(&url, Some("bytes=200000-")).await;
    assert_eq!(beyond.status, 416);
    assert_eq!(beyond.header("content-range").unwrap(), "bytes */200000");

    // The same URL comes with the item.
    let item = api.get("/me/drive/root:/d.bin").await.json();
    let listed = item["@microsoft.graph.downloadUrl"].as_str().unwrap();
    assert_eq!(api.get_plain(listed, None).await.body.to_vec(), data);
    // Folders have no content; a forged URL is refused.
    api.emu.mkdir_p("/folder");
    assert_eq!(api.get("/me/drive/root:/folder:/content").await.status, 400);
    assert_eq!(
        api.get_plain(&url.replace("/dl/", "/dl/x"), None)
            .await
            .status,
        403
    );
    // URLs expire; content changes invalidate them.
    api.emu.put_file("/d.bin", b"changed");
    assert_eq!(api.get_plain(&url, None).await.status, 404);
    let fresh = api
        .get("/me/drive/root:/d.bin:/content")
        .await
        .header("location")
        .unwrap();
    api.emu.advance_clock(Duration::from_secs(3601));
    assert_eq!(api.get_plain(&fresh, None).await.status, 403);
}

#[tokio::test]
async fn range_can_be_ignored() {
    let api = support::start(support::options(
        odc_emulator::Seed::Empty,
        Settings {
            ignore_range: true,
            ..Settings::default()
        },
    ))
    .await;
    api.emu.put_file("/r.bin", b"0123456789");
    let url = api
        .get("/me/drive/root:/r.bin:/content")
        .await
        .header("location")
        .unwrap();
    let reply = api.get_plain(&url, Some("bytes=2-4")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(&reply.body[..], b"0123456789");
}
