//! Reference §10.2: JSON batching — up to 20 requests, each with its own status and
//! throttling, `dependsOn` and 424, base64 bodies and base64 upload replies.

use base64::Engine as _;
use odc_emulator::{Fault, FaultRule, RetryAfter, Target};
use reqwest::Method;
use serde_json::{Value, json};

use super::support::empty;

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn upload(id: &str, name: &str, data: &[u8]) -> Value {
    json!({
        "id": id,
        "method": "PUT",
        "url": format!("/me/drive/root:/{name}:/content"),
        "headers": {"Content-Type": "application/octet-stream"},
        "body": b64(data),
    })
}

fn set_time(id: &str, name: &str, after: &str, time: &str) -> Value {
    json!({
        "id": id,
        "method": "PATCH",
        "url": format!("/me/drive/root:/{name}:"),
        "headers": {"Content-Type": "application/json"},
        "body": {"fileSystemInfo": {"lastModifiedDateTime": time}},
        "dependsOn": [after],
    })
}

/// `POST /$batch` with these requests.
async fn batch(api: &super::support::Api, requests: Vec<Value>) -> super::support::Reply {
    api.call(
        Method::POST,
        "/$batch",
        Some(json!({ "requests": requests })),
    )
    .await
}

/// The responses by id.
fn by_id(reply: &Value) -> std::collections::HashMap<String, Value> {
    reply["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

#[tokio::test]
async fn files_and_their_times_in_one_request() {
    let api = empty().await;
    let requests = vec![
        upload("1", "a.txt", b"alpha"),
        set_time("2", "a.txt", "1", "2020-01-02T03:04:05Z"),
        upload("3", "b.bin", &[0, 255, 10, 13]),
        set_time("4", "b.bin", "3", "2021-06-07T08:09:10Z"),
    ];
    let reply = batch(&api, requests).await;
    assert_eq!(reply.status, 200);
    let answers = by_id(&reply.json());
    assert_eq!(answers.len(), 4);
    for (id, status) in [("1", 201), ("2", 200), ("3", 201), ("4", 200)] {
        assert_eq!(answers[id]["status"], status, "{id}: {}", answers[id]);
    }
    // An upload's reply is base64 by design; the PATCH's is JSON.
    let item: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(answers["1"]["body"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (item["name"].as_str(), item["size"].as_u64()),
        (Some("a.txt"), Some(5))
    );
    assert_eq!(
        answers["4"]["body"]["fileSystemInfo"]["lastModifiedDateTime"],
        "2021-06-07T08:09:10Z"
    );
    assert_eq!(api.emu.read_file("/a.txt").await.unwrap(), b"alpha");
    assert_eq!(api.emu.read_file("/b.bin").await.unwrap(), [0, 255, 10, 13]);
    // One HTTP request, and each of its requests in the log as well.
    let log = api.emu.requests();
    assert_eq!(log.iter().filter(|r| r.path == "/v1.0/$batch").count(), 1);
    assert_eq!(
        log.iter().filter(|r| r.path.ends_with(":/content")).count(),
        2
    );
}

#[tokio::test]
async fn a_failed_request_fails_those_that_depend_on_it_alone() {
    let api = empty().await;
    let requests = vec![
        upload("1", "bad:name.txt", b"x"),
        set_time("2", "bad:name.txt", "1", "2020-01-02T03:04:05Z"),
        upload("3", "good.txt", b"y"),
    ];
    let reply = batch(&api, requests).await;
    assert_eq!(reply.status, 200);
    let answers = by_id(&reply.json());
    assert_eq!(answers["1"]["status"], 400);
    assert_eq!(answers["2"]["status"], 424);
    assert_eq!(answers["2"]["body"]["error"]["code"], "FailedDependency");
    assert_eq!(answers["3"]["status"], 201);
}

#[tokio::test]
async fn each_request_is_throttled_on_its_own() {
    let api = empty().await;
    api.emu.add_fault(FaultRule {
        target: Target::Graph,
        method: Some("PUT".into()),
        path_contains: Some("two.txt".into()),
        fault: Fault::Status {
            status: 429,
            retry_after: Some(RetryAfter::Seconds(7)),
        },
        times: 1,
    });
    let requests = vec![
        upload("one", "one.txt", b"1"),
        upload("two", "two.txt", b"2"),
    ];
    let reply = batch(&api, requests).await;
    assert_eq!(reply.status, 200, "the batch itself is not throttled");
    let answers = by_id(&reply.json());
    assert_eq!(answers["one"]["status"], 201);
    assert_eq!(answers["two"]["status"], 429);
    assert_eq!(answers["two"]["headers"]["retry-after"], "7");
    assert!(api.emu.read_file("/two.txt").await.is_none());
}

#[tokio::test]
async fn malformed_batches_are_refused_whole() {
    let api = empty().await;
    let too_many: Vec<Value> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/me/drive"}))
        .collect();
    let cases = [
        json!({ "requests": too_many }),
        json!({ "requests": [] }),
        json!({ "requests": [
            {"id": "a", "method": "GET", "url": "/me/drive"},
            {"id": "A", "method": "GET", "url": "/me/drive"},
        ]}),
        json!({ "requests": [
            {"id": "1", "method": "PUT", "url": "/me/drive/root:/x:/content", "body": "eA=="},
        ]}),
        json!({ "requests": [
            {"id": "1", "method": "GET", "url": "/me/drive", "dependsOn": ["2"]},
            {"id": "2", "method": "GET", "url": "/me/drive"},
        ]}),
        json!({ "requests": [
            {"id": "1", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me"},
        ]}),
    ];
    for case in cases {
        let reply = api.call(Method::POST, "/$batch", Some(case.clone())).await;
        assert_eq!(reply.status, 400, "{case}");
        assert_eq!(reply.error_code(), "BadRequest");
    }
    // Twenty is fine; a batch inside a batch is not.
    let twenty: Vec<Value> = (0..20)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "me/drive"}))
        .collect();
    let reply = api
        .call(Method::POST, "/$batch", Some(json!({ "requests": twenty })))
        .await;
    assert!(by_id(&reply.json()).values().all(|r| r["status"] == 200));
    let nested = json!({ "requests": [
        {"id": "1", "method": "POST", "url": "/$batch", "headers": {"Content-Type": "application/json"}, "body": {"requests": []}},
    ]});
    let reply = api.call(Method::POST, "/$batch", Some(nested)).await;
    assert_eq!(by_id(&reply.json())["1"]["status"], 400);
    // Without a valid token the batch itself is refused (a client refreshes once).
    let reply = api
        .raw(
            api.http
                .post(api.url("/$batch"))
                .json(&json!({ "requests": [{"id": "1", "method": "GET", "url": "/me/drive"}] })),
        )
        .await;
    assert_eq!(reply.status, 401);
    assert!(reply.header("www-authenticate").is_some());
}

/// A multipart/related body: the metadata, then the content with this Content-ID.
fn multipart(metadata: &Value, content_id: &str, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        b"--odc-part\r\nContent-ID: <metadata>\r\nContent-Type: application/json\r\n\r\n",
    );
    body.extend_from_slice(metadata.to_string().as_bytes());
    body.extend_from_slice(
        format!("\r\n--odc-part\r\nContent-ID: <{content_id}>\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(b"\r\n--odc-part--\r\n");
    body
}

async fn post_multipart(api: &super::support::Api, body: Vec<u8>) -> super::support::Reply {
    api.raw(
        api.http
            .post(api.url("/me/drive/root/children"))
            .bearer_auth(&api.token)
            .header("Content-Type", "multipart/related; boundary=odc-part")
            .body(body),
    )
    .await
}

#[tokio::test]
async fn a_multipart_upload_carries_the_file_and_its_time() {
    let api = empty().await;
    let metadata = json!({
        "name": "photo.jpg",
        "file": {},
        "@microsoft.graph.sourceUrl": "cid:content",
        "@microsoft.graph.conflictBehavior": "rename",
        "fileSystemInfo": {"lastModifiedDateTime": "2019-05-06T07:08:09Z"},
    });
    // The boundary text may appear in the content, just not after a line break.
    let data = b"\xff\xd8\xff\xe0 not really a jpeg\r\n --odc-part lookalike";
    let reply = post_multipart(&api, multipart(&metadata, "content", data)).await;
    assert_eq!(
        reply.status,
        201,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let item = reply.json();
    assert_eq!(
        item["fileSystemInfo"]["lastModifiedDateTime"],
        "2019-05-06T07:08:09Z"
    );
    assert_eq!(item["size"], data.len());
    assert_eq!(api.emu.read_file("/photo.jpg").await.unwrap(), data);
    // Again with rename: kept both.
    let reply = post_multipart(&api, multipart(&metadata, "content", b"two")).await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.json()["name"], "photo 1.jpg");
    // The content must be the part the metadata names.
    let reply = post_multipart(&api, multipart(&metadata, "other", b"x")).await;
    assert_eq!(reply.status, 400);
    // Over 4 MB: an upload session is the way.
    let big = vec![7u8; 4_000_001];
    let reply = post_multipart(&api, multipart(&metadata, "content", &big)).await;
    assert_eq!(reply.status, 413);
}

#[tokio::test]
async fn business_drives_have_no_multipart_upload() {
    let api = super::support::start(odc_emulator::EmulatorOptions {
        profile: odc_emulator::Profile::Business,
        ..Default::default()
    })
    .await;
    let metadata =
        json!({"name": "a.txt", "file": {}, "@microsoft.graph.sourceUrl": "cid:content"});
    let reply = post_multipart(&api, multipart(&metadata, "content", b"a")).await;
    assert_eq!(reply.status, 400);
    assert!(api.emu.read_file("/a.txt").await.is_none());
}
