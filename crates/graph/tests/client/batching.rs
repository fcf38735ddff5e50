//! Small files in JSON batches (Graph reference §10.2): content and modified time
//! arrive, a throttled or failed request of a batch is settled on its own, and a
//! service that refuses batching gets single requests for the rest of the run.

use std::sync::Arc;

use odc_emulator::{EmulatorOptions, Fault, FaultRule, RetryAfter, Settings, Target};
use odc_graph::{Conflict, Graph, ItemAddress, RemotePath};

use crate::support::{Env, never, pattern, progress};

/// Writes `count` small files with distinct contents and modified times.
fn small_files(env: &Env, count: usize) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    (0..count)
        .map(|i| {
            let path = env.local(&format!("f{i:02}.txt"));
            let data = pattern(1000 + i * 37, i as u8);
            std::fs::write(&path, &data).unwrap();
            let when = std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(1_600_000_000 + i as u64 * 60);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(when)
                .unwrap();
            (path, data)
        })
        .collect()
}

/// Uploads them all at once, as the engine's small-file slots do.
async fn upload_all(
    graph: &Arc<Graph>,
    files: &[(std::path::PathBuf, Vec<u8>)],
) -> Vec<odc_graph::Result<odc_graph::DriveItem>> {
    let uploads = files.iter().map(|(path, _)| {
        let graph = graph.clone();
        let path = path.clone();
        async move {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let dest = RemotePath::parse(&format!("/{name}")).unwrap();
            graph
                .upload_file(&path, &dest, Conflict::Replace, &progress(), &never())
                .await
        }
    });
    futures::future::join_all(uploads).await
}

fn modified_on_onedrive(env: &Env, name: &str) -> i64 {
    env.emu.with_drive(|drive| {
        drive
            .items
            .values()
            .find(|i| i.name == name && !i.deleted)
            .map(|i| i.fs_modified.timestamp())
            .unwrap()
    })
}

#[tokio::test]
async fn twenty_five_files_go_in_a_few_batches_with_their_times() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let graph = Arc::new(graph);
    let files = small_files(&env, 25);
    for result in upload_all(&graph, &files).await {
        result.unwrap();
    }
    for (i, (path, data)) in files.iter().enumerate() {
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(&env.emu.read_file(&format!("/{name}")).await.unwrap(), data);
        assert_eq!(
            modified_on_onedrive(&env, name),
            1_600_000_000 + i as i64 * 60
        );
    }
    // Ten files (a PUT and a PATCH each) per HTTP request.
    // A batch leaves as soon as a slot is free with what has arrived, so how the
    // files split depends on timing; at most ten go in one, and far fewer requests
    // than files are sent.
    let batches = env.count("POST", "/$batch", 200);
    assert!((3..=12).contains(&batches), "{batches} batches");
    assert_eq!(env.count("PUT", "/content", 201), 25);
    assert_eq!(env.count("PATCH", "", 200), 25);
}

#[tokio::test]
async fn a_throttled_or_failed_file_of_a_batch_is_settled_on_its_own() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let graph = Arc::new(graph);
    let files = small_files(&env, 6);
    env.emu.add_fault(FaultRule {
        target: Target::Graph,
        method: Some("PUT".into()),
        path_contains: Some("f02.txt".into()),
        fault: Fault::Status {
            status: 429,
            retry_after: Some(RetryAfter::Seconds(1)),
        },
        times: 1,
    });
    env.emu.add_fault(FaultRule {
        target: Target::Graph,
        method: Some("PUT".into()),
        path_contains: Some("f04.txt".into()),
        fault: Fault::Status {
            status: 507,
            retry_after: None,
        },
        times: 1,
    });
    let started = std::time::Instant::now();
    let results = upload_all(&graph, &files).await;
    for (i, result) in results.iter().enumerate() {
        let name = format!("f{i:02}.txt");
        if i == 4 {
            let err = result.as_ref().unwrap_err().to_string();
            assert!(
                err.to_lowercase().contains("quota") || err.contains("507"),
                "{err}"
            );
            assert!(env.emu.read_file(&format!("/{name}")).await.is_none());
        } else {
            result.as_ref().unwrap();
            assert_eq!(
                env.emu.read_file(&format!("/{name}")).await.unwrap(),
                files[i].1,
                "{name}"
            );
        }
    }
    // The throttled one waited its Retry-After, then went alone.
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    assert_eq!(env.count("PUT", "f02.txt", 429), 1);
    assert_eq!(env.count("PUT", "f02.txt", 201), 1);
    assert_eq!(
        modified_on_onedrive(&env, "f02.txt"),
        1_600_000_000 + 2 * 60
    );
}

#[tokio::test]
async fn a_service_that_refuses_batches_gets_single_requests() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let graph = Arc::new(graph);
    env.emu.add_fault(FaultRule {
        target: Target::Graph,
        method: Some("POST".into()),
        path_contains: Some("$batch".into()),
        fault: Fault::Status {
            status: 400,
            retry_after: None,
        },
        times: 1,
    });
    let files = small_files(&env, 4);
    for result in upload_all(&graph, &files).await {
        result.unwrap();
    }
    // (A batch already on its way when the refusal came back was answered.)
    let answered = env.count("POST", "/$batch", 200);
    let more = small_files(&env, 4);
    for result in upload_all(&graph, &more).await {
        result.unwrap();
    }
    for (path, data) in files.iter().chain(&more) {
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(&env.emu.read_file(&format!("/{name}")).await.unwrap(), data);
    }
    // One refused batch, then no more for this drive.
    assert_eq!(env.count("POST", "/$batch", 400), 1);
    assert_eq!(env.count("POST", "/$batch", 200), answered);
}

/// Deletes, lookups and moves sent with `Graph::batched` remember a refusal too:
/// one refused batch, then single requests for the rest of the run.
#[tokio::test]
async fn a_refused_batch_of_deletes_is_remembered() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    for i in 0..60 {
        env.emu.put_file(&format!("/old/f{i:02}.txt"), b"x");
    }
    env.emu.add_fault(FaultRule {
        target: Target::Graph,
        method: Some("POST".into()),
        path_contains: Some("$batch".into()),
        fault: Fault::Status {
            status: 501,
            retry_after: None,
        },
        times: 1,
    });
    let addresses: Vec<ItemAddress> = (0..60)
        .map(|i| ItemAddress::Path(RemotePath::parse(&format!("/old/f{i:02}.txt")).unwrap()))
        .collect();
    for result in graph.delete_many(&addresses[..20]).await {
        result.unwrap();
    }
    for result in graph.delete_many(&addresses[20..]).await {
        result.unwrap();
    }
    for i in 0..60 {
        assert!(
            env.emu
                .read_file(&format!("/old/f{i:02}.txt"))
                .await
                .is_none()
        );
    }
    assert_eq!(env.count("POST", "/$batch", 501), 1);
    assert_eq!(env.count("POST", "/$batch", 200), 0, "never tried again");
    // Looked up (one by one once batches are refused), then deleted by id.
    assert_eq!(env.count("DELETE", "/items/", 204), 60);
}

/// A request of a batch answered 503 without Retry-After goes again alone only
/// after the first back-off step (about a second here), through the one gate:
/// never straight back at a service that just failed.
#[tokio::test]
async fn a_failed_request_of_a_batch_backs_off_before_it_goes_alone() {
    let env = Env::tuned(EmulatorOptions::default(), |config| {
        config.network.backoff_initial_ms = 1000;
    })
    .await;
    env.sign_in();
    let graph = Arc::new(env.graph());
    let files = small_files(&env, 4);
    env.emu.add_fault(FaultRule {
        target: Target::Graph,
        method: Some("PUT".into()),
        path_contains: Some("f01.txt".into()),
        fault: Fault::Status {
            status: 503,
            retry_after: None,
        },
        times: 1,
    });
    let started = std::time::Instant::now();
    for result in upload_all(&graph, &files).await {
        result.unwrap();
    }
    // Jitter puts the first step between half and all of backoff_initial_ms.
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(env.count("PUT", "f01.txt", 503), 1);
    assert_eq!(env.count("PUT", "f01.txt", 201), 1);
}
