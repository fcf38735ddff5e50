//! Listings, metadata operations, retries and throttling.

use std::time::{Duration, Instant};

use futures::StreamExt;
use odc_emulator::{Fault, FaultRule, RetryAfter, Settings, Target, seed};
use odc_graph::{Conflict, Error, ItemAddress, RemotePath};
use reqwest::Method;

use crate::support::Env;

fn path(text: &str) -> ItemAddress {
    ItemAddress::Path(RemotePath::parse(text).unwrap())
}

#[tokio::test]
async fn listing_streams_pages_and_drops_duplicates() {
    let (env, graph) = Env::signed_in(Settings {
        duplicate_across_pages: true,
        empty_page_every: 3,
        ..Settings::default()
    })
    .await;
    env.emu
        .with_drive(|d| seed::many_files(d, "/Big", 2500, chrono::Utc::now()));
    let mut pages = std::pin::pin!(graph.list(&path("/Big")));
    let mut sizes = Vec::new();
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        sizes.push(page.len());
        names.extend(page.into_iter().map(|i| i.name));
    }
    assert_eq!(names.len(), 2500);
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), 2500, "duplicates dropped");
    assert!(sizes.contains(&0), "an empty page was followed: {sizes:?}");
    assert_eq!(sizes[0], 1000, "$top is the configured page size");
    // nextLinks were followed verbatim: they use /drives/{id}/items/… forms.
    assert!(
        env.log()
            .iter()
            .any(|r| r.path.contains("/drives/") && r.path.contains("$skiptoken="))
    );
}

/// While a page is being used, the next one is already on its way; a listing
/// dropped halfway asks for no more.
#[tokio::test]
async fn the_next_page_is_fetched_while_this_one_is_used() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu
        .with_drive(|d| seed::many_files(d, "/Big", 3500, chrono::Utc::now()));
    let pages_fetched = || {
        env.log()
            .iter()
            .filter(|r| r.path.contains("/children") || r.path.contains("$skiptoken="))
            .count()
    };
    {
        let mut pages = std::pin::pin!(graph.list(&path("/Big")));
        assert_eq!(pages.next().await.unwrap().unwrap().len(), 1000);
        // The caller is busy with page one; page two arrives meanwhile.
        let deadline = Instant::now() + Duration::from_secs(5);
        while pages_fetched() < 2 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            pages_fetched(),
            2,
            "page two was asked for before it was wanted"
        );
    }
    // Dropped after one page: pages three and four are never asked for.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(pages_fetched(), 2);
}

#[tokio::test]
async fn a_listing_whose_next_link_repeats_stops_with_an_error() {
    let (env, graph) = Env::signed_in(Settings {
        repeat_next_link: true,
        ..Settings::default()
    })
    .await;
    env.emu
        .with_drive(|d| seed::many_files(d, "/Big", 3500, chrono::Utc::now()));
    let pages: Vec<_> = tokio::time::timeout(
        Duration::from_secs(10),
        graph.list(&path("/Big")).collect::<Vec<_>>(),
    )
    .await
    .expect("the listing ends");
    assert_eq!(pages.len(), 3, "two pages, then the error for the repeat");
    assert_eq!(pages[0].as_ref().unwrap().len(), 1000);
    assert_eq!(pages[1].as_ref().unwrap().len(), 1000);
    let err = pages[2].as_ref().unwrap_err().to_string();
    assert!(err.contains("page link it had sent before"), "{err}");
    assert_eq!(
        env.count("GET", "/children", 200),
        2,
        "the repeated link is not fetched again"
    );
}

#[tokio::test]
async fn folders_rename_move_delete_and_copy() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let made = graph
        .create_folders(&RemotePath::parse("/A/B/C").unwrap())
        .await
        .unwrap();
    assert_eq!(made.name, "C");
    // Again: nothing to do, same folder.
    let again = graph
        .create_folders(&RemotePath::parse("/A/B/C").unwrap())
        .await
        .unwrap();
    assert_eq!(again.id, made.id);
    let err = graph
        .create_folder(&path("/A"), "B", Conflict::Fail)
        .await
        .err()
        .unwrap();
    assert!(err.is_name_conflict(), "{err:?}");
    let err = graph
        .create_folder(&path("/A"), "bad|name", Conflict::Fail)
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::InvalidName(_)));

    let id = env.emu.put_file("/A/file.txt", b"content");
    let b = graph.item(&path("/A/B")).await.unwrap();
    let moved = graph
        .move_item(&id, Some(&b.id), Some("renamed.txt"))
        .await
        .unwrap();
    assert_eq!(moved.name, "renamed.txt");
    assert_eq!(
        env.emu.read_file("/A/B/renamed.txt").await.unwrap(),
        b"content"
    );

    let root = graph.item(&path("/")).await.unwrap();
    let progress_seen = std::sync::Mutex::new(Vec::new());
    let report = |pct: f64| progress_seen.lock().unwrap().push(pct);
    let copy = graph
        .copy(&b.id, &root.id, Some("B copy"), Some(&report))
        .await
        .unwrap();
    assert_eq!(copy.name, "B copy");
    assert_eq!(
        env.emu.read_file("/B copy/renamed.txt").await.unwrap(),
        b"content"
    );
    assert!(progress_seen.lock().unwrap().contains(&100.0));
    assert!(
        env.log()
            .iter()
            .filter(|r| r.path.starts_with("/monitor/"))
            .all(|r| !r.authorization),
        "the monitor is polled without Authorization"
    );

    graph.delete(&path("/A")).await.unwrap();
    assert!(graph.item_if_exists(&path("/A")).await.unwrap().is_none());
    let err = graph.delete(&path("/A")).await.err().unwrap();
    assert!(err.is_not_found());
    assert_eq!(err.to_string(), "not found on OneDrive");
}

#[tokio::test]
async fn honours_retry_after_in_seconds_and_really_waits() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 429,
            retry_after: Some(RetryAfter::Seconds(1)),
        },
        2,
    ));
    let started = Instant::now();
    graph.drive().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // A client that came back early would have met more 429s.
    assert_eq!(env.count("GET", "/me/drive", 429), 2);
    assert_eq!(env.count("GET", "/me/drive", 200), 1);
}

#[tokio::test]
async fn honours_retry_after_as_an_http_date() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 429,
            retry_after: Some(RetryAfter::HttpDate(2)),
        },
        1,
    ));
    let started = Instant::now();
    graph.me().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        env.count("GET", "/v1.0/me", 429),
        1,
        "waited until the date"
    );
}

/// A hostile or broken Retry-After neither panics (u64::MAX seconds overflowed the
/// clock) nor waits forever: over an hour fails the request with a clear message.
#[tokio::test]
async fn absurd_retry_after_values_fail_fast_instead_of_panicking_or_hanging() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    for (value, words) in [
        ("18446744073709551615", "213503982334601 days"),
        ("99999999999", "1157407 days"),
        ("86400", "24 h"),
    ] {
        env.emu.add_fault(FaultRule::new(
            Target::Graph,
            Fault::Status {
                status: 429,
                retry_after: Some(RetryAfter::Literal(value.into())),
            },
            1,
        ));
        let started = Instant::now();
        let err = graph.me().await.expect_err("refused");
        assert!(started.elapsed() < Duration::from_secs(2), "{value}");
        assert_eq!(err.status(), Some(429));
        assert!(
            err.to_string()
                .contains(&format!("OneDrive asked to wait {words}")),
            "{value}: {err}"
        );
    }
    // The gate is not left closed for an hour either.
    assert_eq!(graph.gate().remaining(), Duration::ZERO);
    graph.me().await.unwrap();

    // The same from a pre-authenticated download URL.
    let item = graph.create_folder(&path("/"), "d", Conflict::Fail).await;
    assert!(item.is_ok());
    let local = env.local("up.txt");
    std::fs::write(&local, b"hello").unwrap();
    let uploaded = graph
        .upload_file(
            &local,
            &RemotePath::parse("/d/up.txt").unwrap(),
            Conflict::Fail,
            &crate::support::progress(),
            &crate::support::never(),
        )
        .await
        .unwrap();
    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::Status {
            status: 503,
            retry_after: Some(RetryAfter::Literal("18446744073709551615".into())),
        },
        1,
    ));
    let started = Instant::now();
    let err = graph
        .download_file(
            &uploaded,
            &env.local("down.txt"),
            &crate::support::progress(),
            &crate::support::never(),
        )
        .await
        .expect_err("refused");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(err.to_string().contains("OneDrive asked to wait"), "{err}");
}

#[tokio::test]
async fn one_throttled_request_pauses_the_others() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    graph.me().await.unwrap();
    env.emu.add_fault(
        FaultRule::new(
            Target::Graph,
            Fault::Status {
                status: 429,
                retry_after: Some(RetryAfter::Seconds(1)),
            },
            1,
        )
        .path_contains("/me/drive"),
    );
    graph.drive().await.unwrap();
    // The pause is over; while it lasted the gate held every request.
    assert_eq!(graph.gate().remaining(), Duration::ZERO);
    env.emu.add_fault(
        FaultRule::new(
            Target::Graph,
            Fault::Status {
                status: 429,
                retry_after: Some(RetryAfter::Seconds(1)),
            },
            1,
        )
        .path_contains("/me/drive"),
    );
    let started = Instant::now();
    let (a, b) = tokio::join!(graph.drive(), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        graph.me().await
    });
    a.unwrap();
    b.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    let me_calls: Vec<_> = env
        .log()
        .into_iter()
        .filter(|r| r.path == "/v1.0/me")
        .collect();
    assert!(
        me_calls.iter().all(|r| r.status == 200),
        "the second request waited instead of meeting a 429"
    );
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        3,
    ));
    graph.drive().await.unwrap();
    assert_eq!(env.count("GET", "/me/drive", 503), 3);

    env.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        10,
    ));
    let err = graph.drive().await.err().unwrap();
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        err.to_string(),
        "OneDrive service error 500 (generalException)"
    );
    assert_eq!(env.count("GET", "/me/drive", 500), 4, "max_attempts");

    env.emu.clear_faults();
    env.emu
        .add_fault(FaultRule::new(Target::Graph, Fault::Drop, 2));
    graph.drive().await.unwrap();
}

#[tokio::test]
async fn tokens_go_only_to_the_configured_hosts() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let err = graph
        .send(
            Method::GET,
            "http://127.0.0.2:9/v1.0/me",
            odc_graph::client::Body::Empty,
            &[],
        )
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("refusing to send the access token"),
        "{err}"
    );
    assert!(env.log().is_empty());
}

#[tokio::test]
async fn me_and_quota() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu.put_file("/x.bin", &[0u8; 1234]);
    let drive = graph.drive().await.unwrap();
    assert_eq!(drive.drive_type.as_deref(), Some("personal"));
    assert_eq!(drive.quota.unwrap().used, Some(1234));
}

/// What the progress display says while odc waits: the throttling pause in words,
/// then the retry after a dropped connection.
#[tokio::test]
async fn waiting_reasons_are_given_in_words() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let graph = std::sync::Arc::new(graph);
    assert_eq!(graph.waiting_reason(), None);
    env.emu.add_fault(FaultRule::new(
        Target::Graph,
        Fault::Status {
            status: 429,
            retry_after: Some(RetryAfter::Seconds(2)),
        },
        1,
    ));
    let request = tokio::spawn({
        let graph = graph.clone();
        async move { graph.me().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        graph.waiting_reason().as_deref(),
        Some("OneDrive asked to wait 2 s")
    );
    request.await.unwrap().unwrap();
    env.emu
        .add_fault(FaultRule::new(Target::Graph, Fault::Drop, 1));
    graph.me().await.unwrap();
    assert_eq!(
        graph.waiting_reason().as_deref(),
        Some("retrying (2/4) after a dropped connection")
    );
}

/// Replies are read up to a limit: a server sending more is refused, not held in
/// memory; an error reply is cut to its start.
#[tokio::test]
async fn reply_bodies_are_read_up_to_a_limit() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu
        .put_file("/big.bin", &crate::support::pattern(200_000, 1));
    let url = graph
        .download_url(
            &graph
                .item(&ItemAddress::Path(RemotePath::parse("/big.bin").unwrap()))
                .await
                .unwrap()
                .id,
        )
        .await
        .unwrap();
    let fetch = || async { graph.plain().get(&url).send().await.unwrap() };
    let err = odc_graph::client::read_capped(fetch().await, 64 << 10)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
    let whole = odc_graph::client::read_capped(fetch().await, 1 << 20)
        .await
        .unwrap();
    assert_eq!(whole.len(), 200_000);
    let cut = odc_graph::client::error_body(fetch().await).await;
    assert_eq!(cut.len(), odc_graph::client::MAX_ERROR_BYTES);
}
