//! Injected faults and conditions: throttling, server errors, cut connections,
//! partial fragments, latency, bandwidth; and the request log.

use std::time::{Duration, Instant};

use odc_emulator::{Fault, FaultRule, RetryAfter, Target};
use reqwest::header;
use serde_json::json;

use super::support::{self, pattern};

#[tokio::test]
async fn throttling_keeps_refusing_until_retry_after_has_passed() {
    let api = support::empty().await;
    api.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 429,
            retry_after: Some(RetryAfter::Seconds(1)),
        },
        1,
    ));
    let reply = api.get("/me/drive").await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.error_code(), "activityLimitReached");
    assert_eq!(reply.inner_code().as_deref(), Some("throttledRequest"));
    assert_eq!(reply.header("retry-after").as_deref(), Some("1"));
    // Coming back early is refused again, even on another endpoint.
    let early = api.get("/me").await;
    assert_eq!(early.status, 429);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(api.get("/me/drive").await.status, 200);
    let throttled = api
        .emu
        .requests()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    assert_eq!(throttled, 2);
    // Only Graph was throttled: other targets were not.
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    let api = support::empty().await;
    api.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 429,
            retry_after: Some(RetryAfter::HttpDate(2)),
        },
        1,
    ));
    let reply = api.get("/me/drive").await;
    assert_eq!(reply.status, 429);
    let value = reply.header("retry-after").unwrap();
    let when = chrono::DateTime::parse_from_rfc2822(&value).expect("an HTTP date");
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(
        wait.num_milliseconds() > 500 && wait.num_milliseconds() <= 3000,
        "{value}"
    );
}

#[tokio::test]
async fn server_errors_and_cut_connections() {
    let api = support::empty().await;
    api.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    ));
    api.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        1,
    ));
    let reply = api.get("/me/drive").await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.error_code(), "serviceNotAvailable");
    let reply = api.get("/me/drive").await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.error_code(), "generalException");
    assert_eq!(api.get("/me/drive").await.status, 200);

    api.emu
        .add_fault(FaultRule::new(Target::Graph, Fault::Drop, 1).path_contains("/me/drive"));
    let err = api
        .http
        .get(api.url("/me/drive"))
        .bearer_auth(&api.token)
        .send()
        .await;
    assert!(err.is_err(), "the connection was cut without a reply");
    assert_eq!(api.get("/me/drive").await.status, 200);

    api.emu.add_fault(FaultRule::new(
        Target::Upload,
        Fault::Status {
            status: 507,
            retry_after: None,
        },
        1,
    ));
    let reply = api
        .call(
            reqwest::Method::POST,
            "/me/drive/root:/q.bin:/createUploadSession",
            None,
        )
        .await;
    let url = reply.json()["uploadUrl"].as_str().unwrap().to_string();
    let reply = api
        .raw(
            api.http
                .put(&url)
                .header(header::CONTENT_RANGE, "bytes 0-9/10")
                .body(vec![0u8; 10]),
        )
        .await;
    assert_eq!(reply.status, 507);
}

#[tokio::test]
async fn a_download_cut_mid_body() {
    let api = support::empty().await;
    let data = pattern(500_000, 2);
    api.emu.put_file("/cut.bin", &data);
    api.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::DropMidBody {
            after_bytes: 100_000,
        },
        1,
    ));
    let url = api
        .get("/me/drive/root:/cut.bin:/content")
        .await
        .header("location")
        .unwrap();
    let response = api.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(500_000));
    assert!(response.bytes().await.is_err(), "the body was cut short");
    // Resume with a Range from where it stopped.
    let rest = api.get_plain(&url, Some("bytes=100000-")).await;
    assert_eq!(rest.status, 206);
    assert_eq!(rest.body.to_vec(), data[100_000..].to_vec());
}

#[tokio::test]
async fn a_fragment_partly_accepted_before_the_drop() {
    let api = support::empty().await;
    let unit = 327_680;
    let data = pattern(3 * unit, 4);
    let reply = api
        .call(
            reqwest::Method::POST,
            "/me/drive/root:/partial.bin:/createUploadSession",
            Some(json!({"item": {"@microsoft.graph.conflictBehavior": "replace"}})),
        )
        .await;
    let url = reply.json()["uploadUrl"].as_str().unwrap().to_string();
    api.emu.add_fault(
        FaultRule::new(Target::Upload, Fault::PartialAccept { bytes: 100_000 }, 1).method("PUT"),
    );
    let sent = api
        .http
        .put(&url)
        .header(
            header::CONTENT_RANGE,
            format!("bytes 0-{}/{}", 2 * unit - 1, 3 * unit),
        )
        .body(data[..2 * unit].to_vec())
        .send()
        .await;
    assert!(sent.is_err(), "no reply: the connection dropped");
    let status = api.get_plain(&url, None).await.json();
    assert_eq!(status["nextExpectedRanges"], json!(["100000-"]));
    // Resume from the unaligned offset with a 320 KiB multiple.
    let resume = |start: usize, end: usize| {
        api.http
            .put(&url)
            .header(
                header::CONTENT_RANGE,
                format!("bytes {start}-{}/{}", end - 1, 3 * unit),
            )
            .body(data[start..end].to_vec())
    };
    assert_eq!(api.raw(resume(100_000, 100_000 + unit)).await.status, 202);
    let reply = api.raw(resume(100_000 + unit, 3 * unit)).await;
    assert_eq!(reply.status, 201);
    assert_eq!(api.emu.read_file("/partial.bin").await.unwrap(), data);
}

#[tokio::test]
async fn latency_is_added_to_each_request() {
    let api = support::empty().await;
    api.emu.configure(|s| s.latency_ms = 150);
    let started = Instant::now();
    for _ in 0..3 {
        assert_eq!(api.get("/me").await.status, 200);
    }
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn bandwidth_is_capped_per_connection() {
    let api = support::empty().await;
    let data = pattern(600_000, 8);
    api.emu.put_file("/slow.bin", &data);
    let url = api
        .get("/me/drive/root:/slow.bin:/content")
        .await
        .header("location")
        .unwrap();
    api.emu.configure(|s| s.bandwidth_bytes_per_sec = 400_000);
    let started = Instant::now();
    let body = api.get_plain(&url, None).await.body;
    let elapsed = started.elapsed();
    assert_eq!(body.to_vec(), data);
    // 600 kB at 400 kB/s, less the initial burst: well over a second.
    assert!(elapsed >= Duration::from_millis(1200), "{elapsed:?}");
}

#[tokio::test]
async fn the_request_log_records_authorization() {
    let api = support::empty().await;
    api.emu.clear_requests();
    api.emu.put_file("/l.txt", b"log");
    api.get("/me/drive/root:/l.txt:/content").await;
    let url = api
        .get("/me/drive/root:/l.txt:/content")
        .await
        .header("location")
        .unwrap();
    api.get_plain(&url, None).await;
    let log = api.emu.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/v1.0/me/drive/root:/l.txt:/content");
    assert_eq!(log[0].status, 302);
    assert!(log[0].authorization);
    assert_eq!(log[0].target, Target::Graph);
    assert_eq!(log[2].target, Target::Download);
    assert!(!log[2].authorization);
    assert_eq!(log[2].status, 200);
}

#[tokio::test]
async fn control_endpoints_work_out_of_process() {
    let api = support::empty().await;
    let base = api.emu.authority_url();
    let rule = json!({"target": "graph", "fault": {"kind": "status", "status": 503}, "times": 1});
    let reply = api
        .http
        .post(format!("{base}/_emulator/faults"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 204);
    assert_eq!(api.get("/me").await.status, 503);
    let reply = api
        .http
        .post(format!("{base}/_emulator/settings"))
        .json(&json!({"latency_ms": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 204);
    let settings: serde_json::Value = api
        .http
        .get(format!("{base}/_emulator/settings"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["latency_ms"], 5);
    assert_eq!(
        settings["approve_after_polls"], 2,
        "other settings are kept"
    );
    let reply = api
        .http
        .post(format!("{base}/_emulator/settings"))
        .json(&json!({"nope": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    api.http
        .post(format!("{base}/_emulator/expire-tokens"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.get("/me").await.status, 401);
    let log: Vec<serde_json::Value> = api
        .http
        .get(format!("{base}/_emulator/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(log.iter().any(|r| r["status"] == 503));
}
