//! Large downloads in several ranged streams: bytes, ranges asked for, resuming
//! each range after drops, and servers that ignore ranges.

use odc_emulator::{EmulatorOptions, Fault, FaultRule, LoggedRequest, Settings, Target};
use odc_graph::download::partial_path;
use odc_graph::{Error, Graph, ItemAddress, RemotePath};

use crate::support::{Env, never, pattern, progress};

const SIZE: usize = 5_000_000;

/// An emulator and a client that downloads files from 1 MiB on in four streams.
async fn four_streams(settings: Settings) -> (Env, Graph) {
    let env = Env::tuned(
        EmulatorOptions {
            settings,
            ..Default::default()
        },
        |config| {
            config.transfer.download_streams = 4;
            config.transfer.download_streams_min_bytes = 1 << 20;
        },
    )
    .await;
    env.sign_in();
    let graph = env.graph();
    (env, graph)
}

async fn get(graph: &Graph, target: &std::path::Path) -> Result<(), Error> {
    graph
        .download(
            &ItemAddress::Path(RemotePath::parse("/big.bin").unwrap()),
            target,
            &progress(),
            &never(),
        )
        .await
        .map(|_| ())
}

fn downloads(env: &Env) -> Vec<LoggedRequest> {
    env.log()
        .into_iter()
        .filter(|r| r.target == Target::Download)
        .collect()
}

/// The first byte each logged download asked for.
fn range_starts(requests: &[LoggedRequest]) -> Vec<u64> {
    let mut starts: Vec<u64> = requests
        .iter()
        .map(|r| {
            let range = r.range.as_deref().expect("every stream asks for a range");
            let (start, _) = range
                .strip_prefix("bytes=")
                .unwrap()
                .split_once('-')
                .unwrap();
            start.parse().unwrap()
        })
        .collect();
    starts.sort();
    starts
}

/// Every download request from now on is cut after `bytes` of its body.
fn cut_every_download_after(env: &Env, bytes: u64) {
    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::DropMidBody { after_bytes: bytes },
        100,
    ));
}

/// Where the four ranges of SIZE bytes begin.
const SPAN_STARTS: [u64; 4] = [0, 1_250_000, 2_500_000, 3_750_000];

#[tokio::test]
async fn a_large_file_downloads_in_four_ranges_written_into_one_file() {
    let (env, graph) = four_streams(Settings::default()).await;
    let data = pattern(SIZE, 3);
    env.emu.put_file("/big.bin", &data);
    let target = env.local("big.bin");
    let progress = progress();
    let item = graph
        .download(
            &ItemAddress::Path(RemotePath::parse("/big.bin").unwrap()),
            &target,
            &progress,
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert!(!partial_path(&target).exists());
    assert_eq!(progress.sample(), (SIZE as u64, SIZE as u64));
    let requests = downloads(&env);
    assert_eq!(range_starts(&requests), SPAN_STARTS);
    let mut ranges: Vec<_> = requests.iter().map(|r| r.range.clone().unwrap()).collect();
    ranges.sort();
    assert_eq!(
        ranges,
        [
            "bytes=0-1249999",
            "bytes=1250000-2499999",
            "bytes=2500000-3749999",
            "bytes=3750000-4999999"
        ]
    );
    assert!(requests.iter().all(|r| r.status == 206 && !r.authorization));
    let modified = std::fs::metadata(&target).unwrap().modified().unwrap();
    let expected: std::time::SystemTime = item.modified().unwrap().into();
    assert_eq!(modified, expected);

    // A file below the threshold still goes in one request.
    env.emu.put_file("/big.bin", &data[..500_000]);
    env.emu.clear_requests();
    std::fs::remove_file(&target).unwrap();
    get(&graph, &target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), &data[..500_000]);
    assert_eq!(downloads(&env).len(), 1);
}

#[tokio::test]
async fn a_range_cut_mid_body_continues_where_it_stopped() {
    let (env, graph) = four_streams(Settings::default()).await;
    let data = pattern(SIZE, 4);
    env.emu.put_file("/big.bin", &data);
    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::DropMidBody {
            after_bytes: 300_000,
        },
        1,
    ));
    let target = env.local("big.bin");
    get(&graph, &target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
    let starts = range_starts(&downloads(&env));
    assert_eq!(
        starts.len(),
        5,
        "four ranges and one continuation: {starts:?}"
    );
    let continued: Vec<_> = starts.iter().filter(|s| !SPAN_STARTS.contains(s)).collect();
    assert_eq!(continued.len(), 1, "{starts:?}");
    assert!(
        SPAN_STARTS.iter().any(|s| s + 300_000 == *continued[0]),
        "the cut range asked only for what it lacked: {starts:?}"
    );
}

#[tokio::test]
async fn an_interrupted_download_resumes_every_range_later() {
    let (env, graph) = four_streams(Settings::default()).await;
    let data = pattern(SIZE, 5);
    env.emu.put_file("/big.bin", &data);
    cut_every_download_after(&env, 200_000);
    let target = env.local("big.bin");
    let err = get(&graph, &target)
        .await
        .expect_err("every request is cut");
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert!(!target.exists(), "nothing under the real name");
    assert!(partial_path(&target).exists(), "kept to resume");

    env.emu.clear_faults();
    env.emu.clear_requests();
    get(&graph, &target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert!(!partial_path(&target).exists());
    let starts = range_starts(&downloads(&env));
    assert_eq!(starts.len(), 4, "{starts:?}");
    for (start, span_start) in starts.iter().zip(SPAN_STARTS) {
        assert!(
            *start >= span_start + 200_000,
            "each range went on from what it had: {starts:?}"
        );
    }
}

/// Each range is hashed as it arrives and what an earlier attempt wrote is hashed
/// from the disk: a partial file damaged between two attempts fails the check
/// instead of becoming the file, and the attempt after that starts afresh.
#[tokio::test]
async fn a_partial_damaged_between_attempts_is_caught_by_the_hash() {
    let (env, graph) = four_streams(Settings::default()).await;
    let data = pattern(SIZE, 10);
    env.emu.put_file("/big.bin", &data);
    cut_every_download_after(&env, 200_000);
    let target = env.local("big.bin");
    get(&graph, &target).await.expect_err("cut");
    env.emu.clear_faults();
    {
        use std::os::unix::fs::FileExt;
        let partial = std::fs::OpenOptions::new()
            .write(true)
            .open(partial_path(&target))
            .unwrap();
        partial.write_all_at(&[data[100] ^ 0xff], 100).unwrap();
    }
    let err = get(&graph, &target).await.expect_err("damaged");
    assert!(matches!(err, Error::Integrity(_)), "{err:?}");
    assert!(!target.exists(), "nothing under the real name");
    assert!(
        !partial_path(&target).exists(),
        "the damaged partial is gone"
    );
    get(&graph, &target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
}

#[tokio::test]
async fn a_changed_file_is_not_spliced_onto_the_old_ranges() {
    let (env, graph) = four_streams(Settings::default()).await;
    env.emu.put_file("/big.bin", &pattern(SIZE, 6));
    cut_every_download_after(&env, 200_000);
    let target = env.local("big.bin");
    get(&graph, &target).await.expect_err("cut");
    env.emu.clear_faults();
    let new = pattern(SIZE, 7);
    env.emu.put_file("/big.bin", &new);
    env.emu.clear_requests();
    get(&graph, &target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), new);
    assert_eq!(
        range_starts(&downloads(&env)),
        SPAN_STARTS,
        "started afresh"
    );
}

#[tokio::test]
async fn a_server_that_ignores_ranges_gets_one_stream() {
    let (env, graph) = four_streams(Settings {
        ignore_range: true,
        ..Settings::default()
    })
    .await;
    let data = pattern(SIZE, 8);
    env.emu.put_file("/big.bin", &data);
    let target = env.local("big.bin");
    get(&graph, &target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert!(!partial_path(&target).exists());
}

#[tokio::test]
async fn a_cancelled_ranged_download_discards_its_partial() {
    let (env, graph) = four_streams(Settings {
        bandwidth_bytes_per_sec: 1_000_000,
        ..Settings::default()
    })
    .await;
    env.emu.put_file("/big.bin", &pattern(SIZE, 9));
    let target = env.local("big.bin");
    let cancel = never();
    let stop = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        stop.cancel();
    });
    let progress = progress();
    let err = graph
        .download(
            &ItemAddress::Path(RemotePath::parse("/big.bin").unwrap()),
            &target,
            &progress,
            &cancel,
        )
        .await
        .expect_err("cancelled");
    assert!(matches!(err, Error::Cancelled), "{err:?}");
    assert!(progress.sample().0 < SIZE as u64);
    assert!(!partial_path(&target).exists());
    assert!(!target.exists());
}
