//! Downloads and uploads under faults: every test compares bytes.

use std::time::Duration;

use odc_emulator::{EmulatorOptions, Fault, FaultRule, Settings, Target};
use odc_graph::download::partial_path;
use odc_graph::{Conflict, Error, ItemAddress, RemotePath};

use crate::support::{Env, UNIT, never, pattern, progress};

fn remote(text: &str) -> RemotePath {
    RemotePath::parse(text).unwrap()
}

#[tokio::test]
async fn download_resumes_after_a_drop_mid_body() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let data = pattern(3_000_000, 1);
    env.emu.put_file("/d.bin", &data);
    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::DropMidBody {
            after_bytes: 1_000_000,
        },
        1,
    ));
    let target = env.local("d.bin");
    let progress = progress();
    let item = graph
        .download(
            &ItemAddress::Path(remote("/d.bin")),
            &target,
            &progress,
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert!(!partial_path(&target).exists());
    assert_eq!(progress.sample(), (3_000_000, 3_000_000));
    let downloads: Vec<_> = env
        .log()
        .into_iter()
        .filter(|r| r.path.starts_with("/dl/"))
        .collect();
    assert_eq!(downloads.len(), 2, "one cut, one resumed");
    assert_eq!(downloads[1].status, 206, "resumed with Range");
    assert!(
        downloads.iter().all(|r| !r.authorization),
        "no token to the download host"
    );
    // The local file carries the item's modified time.
    let modified = std::fs::metadata(&target).unwrap().modified().unwrap();
    let expected: std::time::SystemTime = item.modified().unwrap().into();
    assert_eq!(modified, expected);
}

#[tokio::test]
async fn a_failed_download_leaves_nothing_under_the_real_name_and_resumes_later() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let data = pattern(2_000_000, 2);
    env.emu.put_file("/f.bin", &data);
    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::DropMidBody {
            after_bytes: 300_000,
        },
        4,
    ));
    let target = env.local("f.bin");
    let err = graph
        .download(
            &ItemAddress::Path(remote("/f.bin")),
            &target,
            &progress(),
            &never(),
        )
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert!(!target.exists());
    let partial = std::fs::metadata(partial_path(&target)).unwrap().len();
    assert!(partial >= 300_000, "kept for resuming: {partial}");
    // Later, it resumes from the partial file.
    env.emu.clear_requests();
    graph
        .download(
            &ItemAddress::Path(remote("/f.bin")),
            &target,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
    let first = env
        .log()
        .into_iter()
        .find(|r| r.path.starts_with("/dl/"))
        .unwrap();
    assert_eq!(
        first.status, 206,
        "started from the partial file, not from zero"
    );
}

#[tokio::test]
async fn a_download_whose_url_was_refused_gets_a_fresh_one() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let data = pattern(500_000, 3);
    env.emu.put_file("/u.bin", &data);
    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::Status {
            status: 403,
            retry_after: None,
        },
        1,
    ));
    let target = env.local("u.bin");
    graph
        .download(
            &ItemAddress::Path(remote("/u.bin")),
            &target,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert_eq!(
        env.count("GET", "/content", 302),
        2,
        "the metadata was fetched again"
    );
}

#[tokio::test]
async fn a_cancelled_download_cleans_up() {
    let (env, graph) = Env::signed_in(Settings {
        bandwidth_bytes_per_sec: 200_000,
        ..Settings::default()
    })
    .await;
    env.emu.put_file("/slow.bin", &pattern(2_000_000, 4));
    let target = env.local("slow.bin");
    let cancel = never();
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        canceller.cancel();
    });
    let err = graph
        .download(
            &ItemAddress::Path(remote("/slow.bin")),
            &target,
            &progress(),
            &cancel,
        )
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::Cancelled));
    assert!(!target.exists() && !partial_path(&target).exists());
}

#[tokio::test]
async fn small_and_empty_files_go_by_simple_put_with_their_times() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let data = pattern(50_000, 5);
    let local = env.local("small.bin");
    std::fs::write(&local, &data).unwrap();
    let when = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(&local)
        .unwrap()
        .set_modified(when)
        .unwrap();
    let item = graph
        .upload_file(
            &local,
            &remote("/small.bin"),
            Conflict::Fail,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(env.emu.read_file("/small.bin").await.unwrap(), data);
    assert_eq!(item.modified().unwrap().timestamp(), 1_600_000_000);
    assert_eq!(env.count("POST", "createUploadSession", 200), 0);

    let empty = env.local("empty");
    std::fs::write(&empty, b"").unwrap();
    let item = graph
        .upload_file(
            &empty,
            &remote("/empty"),
            Conflict::Replace,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(item.size, 0);

    let err = graph
        .upload_file(
            &local,
            &remote("/small.bin"),
            Conflict::Fail,
            &progress(),
            &never(),
        )
        .await
        .err()
        .unwrap();
    assert!(err.is_name_conflict());
}

#[tokio::test]
async fn a_session_upload_survives_a_partly_accepted_fragment() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let data = pattern((5 * UNIT + 12_345) as usize, 6);
    let local = env.local("big.bin");
    std::fs::write(&local, &data).unwrap();
    env.emu.add_fault(
        FaultRule::new(Target::Upload, Fault::PartialAccept { bytes: 100_000 }, 1).method("PUT"),
    );
    let progress = progress();
    let item = graph
        .upload_file(
            &local,
            &remote("/big.bin"),
            Conflict::Replace,
            &progress,
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(item.size, data.len() as u64);
    assert_eq!(env.emu.read_file("/big.bin").await.unwrap(), data);
    assert_eq!(progress.sample(), (data.len() as u64, data.len() as u64));
    let uploads: Vec<_> = env
        .log()
        .into_iter()
        .filter(|r| r.path.starts_with("/up/"))
        .collect();
    assert!(
        uploads.iter().all(|r| !r.authorization),
        "no token to the upload URL"
    );
    assert!(
        uploads.iter().any(|r| r.method == "GET"),
        "asked the session where to go on"
    );
    assert_eq!(
        env.count("POST", "createUploadSession", 200),
        1,
        "same session"
    );
    assert_eq!(env.emu.open_upload_sessions(), 0);
}

#[tokio::test]
async fn a_session_upload_survives_5xx_and_dropped_connections() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let data = pattern((4 * UNIT) as usize + 7, 7);
    let local = env.local("flaky.bin");
    std::fs::write(&local, &data).unwrap();
    env.emu.add_fault(
        FaultRule::new(
            Target::Upload,
            Fault::Status {
                status: 503,
                retry_after: None,
            },
            1,
        )
        .method("PUT"),
    );
    env.emu
        .add_fault(FaultRule::new(Target::Upload, Fault::Drop, 1).method("PUT"));
    graph
        .upload_file(
            &local,
            &remote("/flaky.bin"),
            Conflict::Replace,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(env.emu.read_file("/flaky.bin").await.unwrap(), data);
}

#[tokio::test]
async fn a_vanished_session_is_replaced() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let data = pattern((3 * UNIT) as usize, 8);
    let local = env.local("gone.bin");
    std::fs::write(&local, &data).unwrap();
    env.emu.add_fault(
        FaultRule::new(
            Target::Upload,
            Fault::Status {
                status: 404,
                retry_after: None,
            },
            1,
        )
        .method("PUT"),
    );
    graph
        .upload_file(
            &local,
            &remote("/gone.bin"),
            Conflict::Replace,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(env.emu.read_file("/gone.bin").await.unwrap(), data);
    let log = env.log();
    assert_eq!(env.count("POST", "createUploadSession", 200), 2, "{log:#?}");
}

#[tokio::test]
async fn an_access_token_expiring_mid_job_is_refreshed() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let first = pattern((3 * UNIT) as usize, 9);
    let second = pattern(60_000, 10);
    let (a, b) = (env.local("a.bin"), env.local("b.bin"));
    std::fs::write(&a, &first).unwrap();
    std::fs::write(&b, &second).unwrap();
    graph
        .upload_file(
            &a,
            &remote("/a.bin"),
            Conflict::Replace,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    env.emu.expire_access_tokens();
    graph
        .upload_file(
            &b,
            &remote("/b.bin"),
            Conflict::Replace,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(env.emu.read_file("/a.bin").await.unwrap(), first);
    assert_eq!(env.emu.read_file("/b.bin").await.unwrap(), second);
    // The small file went in a batch: the batch got the 401, then went again.
    assert_eq!(env.count("POST", "/$batch", 401), 1);
    assert_eq!(env.count("POST", "/token", 200), 1);
}

#[tokio::test]
async fn a_full_drive_stops_the_upload_and_deletes_the_session() {
    let env = Env::with(EmulatorOptions {
        quota_total: 2 * UNIT,
        ..Default::default()
    })
    .await;
    env.sign_in();
    let graph = env.graph();
    let local = env.local("toobig.bin");
    std::fs::write(&local, pattern((3 * UNIT) as usize, 11)).unwrap();
    let err = graph
        .upload_file(
            &local,
            &remote("/toobig.bin"),
            Conflict::Replace,
            &progress(),
            &never(),
        )
        .await
        .err()
        .unwrap();
    assert_eq!(err.status(), Some(507));
    assert_eq!(err.to_string(), "the OneDrive is full (quota exceeded)");
    assert_eq!(env.emu.open_upload_sessions(), 0, "the session was deleted");
    assert!(env.emu.read_file("/toobig.bin").await.is_none());
}

#[tokio::test]
async fn a_cancelled_upload_deletes_its_session() {
    let (env, graph) = Env::signed_in(Settings {
        bandwidth_bytes_per_sec: 300_000,
        ..Settings::default()
    })
    .await;
    let local = env.local("cancel.bin");
    std::fs::write(&local, pattern((6 * UNIT) as usize, 12)).unwrap();
    let cancel = never();
    let canceller = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        canceller.cancel();
    });
    let err = graph
        .upload_file(
            &local,
            &remote("/cancel.bin"),
            Conflict::Replace,
            &progress(),
            &cancel,
        )
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::Cancelled));
    assert_eq!(env.count("DELETE", "/up/", 204), 1);
    assert_eq!(env.emu.open_upload_sessions(), 0);
}

#[tokio::test]
async fn invalid_local_names_are_refused_before_any_request() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let local = env.local("ok.txt");
    std::fs::write(&local, b"x").unwrap();
    for bad in [
        "/a:b.txt",
        "/CON",
        "/trailing ",
        "/dir./x.txt",
        "/~$lock.docx",
    ] {
        let err = graph
            .upload_file(
                &local,
                &remote(bad),
                Conflict::Replace,
                &progress(),
                &never(),
            )
            .await
            .err()
            .unwrap();
        assert!(matches!(err, Error::InvalidName(_)), "{bad}: {err:?}");
    }
    let long = format!("/{}", "x".repeat(401));
    let err = graph
        .upload_file(
            &local,
            &remote(&long),
            Conflict::Replace,
            &progress(),
            &never(),
        )
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("255") || err.to_string().contains("400"),
        "{err}"
    );
    assert!(env.log().is_empty(), "no request was sent");
}

#[tokio::test]
async fn small_uploads_skip_the_time_patch_when_told() {
    let env = Env::new(Settings::default()).await;
    env.sign_in();
    let mut config = (*env.config).clone();
    config.transfer.keep_modified_time = false;
    let config = std::sync::Arc::new(config);
    let session = odc_graph::auth::Session::load(config.clone(), env.store.clone()).unwrap();
    let graph = odc_graph::Graph::new(config, std::sync::Arc::new(session)).unwrap();
    let local = env.local("quick.txt");
    std::fs::write(&local, b"quick").unwrap();
    graph
        .upload_file(
            &local,
            &remote("/quick.txt"),
            Conflict::Fail,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(env.emu.read_file("/quick.txt").await.unwrap(), b"quick");
    assert_eq!(env.count("PATCH", "", 200), 0, "no time to set");
    // One HTTP request (the batch) carrying the one PUT.
    assert_eq!(env.count("POST", "/$batch", 200), 1);
    assert_eq!(env.count("PUT", "quick.txt", 201), 1);
    assert_eq!(env.log().len(), 2);
}

/// A planted `NAME.odc-partial` link must not let a download write through it.
#[tokio::test]
async fn a_planted_partial_link_is_refused_and_its_target_untouched() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu.put_file("/f.txt", b"from onedrive");
    let victim = env.local("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    let target = env.local("f.txt");
    std::os::unix::fs::symlink(&victim, partial_path(&target)).unwrap();
    let err = graph
        .download(
            &ItemAddress::Path(remote("/f.txt")),
            &target,
            &progress(),
            &never(),
        )
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(!target.exists());
}

/// A partial left by another version of the file is started afresh, not spliced,
/// and the run does not fail; one of this version is continued.
#[tokio::test]
async fn a_stale_partial_is_restarted_and_a_current_one_continued() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let old = pattern(600_000, 1);
    env.emu.put_file("/f.bin", &old);
    let target = env.local("f.bin");
    // An interrupted download of the old version.
    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::DropMidBody {
            after_bytes: 100_000,
        },
        20,
    ));
    graph
        .download(
            &ItemAddress::Path(remote("/f.bin")),
            &target,
            &progress(),
            &never(),
        )
        .await
        .expect_err("cut");
    env.emu.clear_faults();
    assert!(std::fs::metadata(partial_path(&target)).unwrap().len() >= 100_000);
    // Someone changes the file on OneDrive (same size, other bytes).
    let new = pattern(600_000, 9);
    env.emu.put_file("/f.bin", &new);
    env.emu.clear_requests();
    graph
        .download(
            &ItemAddress::Path(remote("/f.bin")),
            &target,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(&target).unwrap(),
        new,
        "never old bytes spliced in"
    );
    let first = env
        .log()
        .into_iter()
        .find(|r| r.path.starts_with("/dl/"))
        .unwrap();
    assert_eq!(first.status, 200, "started from zero");

    // A partial of a file planted by hand, with no tag, is not trusted either.
    std::fs::remove_file(&target).unwrap();
    std::fs::write(partial_path(&target), pattern(300_000, 7)).unwrap();
    graph
        .download(
            &ItemAddress::Path(remote("/f.bin")),
            &target,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), new);
}

#[tokio::test]
async fn long_names_download_and_non_files_are_never_replaced() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    // 250 bytes: the partial's name would be 262 bytes with a plain suffix.
    let long = format!("{}.txt", "é".repeat(123));
    assert_eq!(long.len(), 250);
    env.emu.put_file(&format!("/{long}"), b"long");
    let target = env.local(&long);
    graph
        .download(
            &ItemAddress::Path(remote(&format!("/{long}"))),
            &target,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"long");
    let partial = partial_path(&target);
    assert!(partial.file_name().unwrap().len() <= 255);
    assert_ne!(partial_path(&env.local(&format!("{long}x"))), partial);

    // A FIFO (or a directory) where the file would go is reported, not replaced.
    env.emu.put_file("/pipe", b"data");
    let fifo = env.local("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let err = graph
        .download(
            &ItemAddress::Path(remote("/pipe")),
            &fifo,
            &progress(),
            &never(),
        )
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("a FIFO"), "{err}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo_like()
    );
}

trait IsFifo {
    fn is_fifo_like(&self) -> bool;
}

impl IsFifo for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

/// The last fragment's reply was lost (a pause or a kill at that moment): the
/// session is gone because it completed. Resuming must not upload again.
#[tokio::test]
async fn a_session_that_already_completed_is_not_uploaded_again() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    let data = pattern(3 * UNIT as usize, 4);
    let local = env.local("done.bin");
    std::fs::write(&local, &data).unwrap();
    // Upload it fully, remembering the session URL as a recorded upload would.
    let seen = std::sync::Mutex::new(None);
    let remember = |url: &str| *seen.lock().unwrap() = Some(url.to_string());
    graph
        .upload_file_with(
            &local,
            &remote("/done.bin"),
            Conflict::Fail,
            &progress(),
            &never(),
            odc_graph::upload::UploadOptions {
                on_session: Some(&remember),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let url = seen.lock().unwrap().clone().unwrap();
    env.emu.clear_requests();
    let item = graph
        .upload_file_with(
            &local,
            &remote("/done.bin"),
            Conflict::Fail,
            &progress(),
            &never(),
            odc_graph::upload::UploadOptions {
                resume_url: Some(url),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(item.size, data.len() as u64);
    assert_eq!(env.count("POST", "createUploadSession", 200), 0);
    assert!(
        env.log().iter().all(|r| r.method != "PUT"),
        "nothing sent again"
    );
}

/// A file written to while it uploads fails with a clear reason instead of being
/// reported as uploaded.
#[tokio::test]
async fn a_file_that_changes_while_it_uploads_fails() {
    let (env, graph) = Env::signed_in(Settings {
        latency_ms: 150,
        ..Settings::default()
    })
    .await;
    let local = env.local("growing.log");
    std::fs::write(&local, pattern(3 * UNIT as usize, 3)).unwrap();
    let writer = {
        let local = local.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(250)).await;
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&local)
                .unwrap();
            file.write_all(b"one more line\n").unwrap();
        })
    };
    let err = graph
        .upload_file(
            &local,
            &remote("/growing.log"),
            Conflict::Fail,
            &progress(),
            &never(),
        )
        .await
        .expect_err("changed");
    writer.await.unwrap();
    assert!(err.to_string().contains("changed while uploading"), "{err}");
}

/// Fragments are read ahead while the previous one is on the wire; a fragment
/// lost with its connection (and one cut short) is sent again from where the
/// session says, never from a stale read-ahead buffer.
#[tokio::test]
async fn a_read_ahead_upload_survives_a_dropped_fragment() {
    let (env, graph) = Env::signed_in(Settings {
        latency_ms: 20,
        ..Settings::default()
    })
    .await;
    let data = pattern((7 * UNIT + 999) as usize, 11);
    let local = env.local("big.bin");
    std::fs::write(&local, &data).unwrap();
    env.emu
        .add_fault(FaultRule::new(Target::Upload, Fault::Drop, 1).method("PUT"));
    env.emu.add_fault(
        FaultRule::new(Target::Upload, Fault::PartialAccept { bytes: 50_000 }, 1).method("PUT"),
    );
    let item = graph
        .upload_file(
            &local,
            &remote("/big.bin"),
            Conflict::Replace,
            &progress(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(env.emu.read_file("/big.bin").await.unwrap(), data);
    let mut expected = odc_core::quickxor::QuickXorHash::new();
    expected.update(&data);
    assert_eq!(
        item.quick_xor_hash(),
        Some(expected.finish_base64().as_str())
    );
    assert_eq!(env.count("POST", "createUploadSession", 200), 1);
    assert_eq!(env.emu.open_upload_sessions(), 0);
}

/// A download host that answers 503 forever is given up: the throttle answers
/// are counted (and the time allowed), the download fails with the last error,
/// its partial kept for a later run.
#[tokio::test]
async fn a_download_host_that_always_refuses_is_given_up() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu.put_file("/busy.bin", &pattern(100_000, 5));
    env.emu.add_fault(FaultRule::new(
        Target::Download,
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        100_000,
    ));
    let target = env.local("busy.bin");
    let started = std::time::Instant::now();
    let err = graph
        .download(
            &ItemAddress::Path(remote("/busy.bin")),
            &target,
            &progress(),
            &never(),
        )
        .await
        .expect_err("the download fails");
    assert!(err.to_string().contains("kept asking to wait"), "{err}");
    let tries = env
        .log()
        .iter()
        .filter(|r| r.target == Target::Download)
        .count();
    assert!(
        (2..=10).contains(&tries),
        "{tries} requests to the download host"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!target.exists());
}
