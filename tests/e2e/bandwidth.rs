//! `--bwlimit` and `transfer.bwlimit`: one limit for the whole process, each way,
//! as rclone spells it; a value that is not a rate is a usage error.

use std::time::{Duration, Instant};

use odc_emulator::Seed;

use crate::cli::{Home, stderr};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_keep_to_the_bandwidth_limit() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    // Two files of 1 MiB each, uploaded together: together they keep to the limit.
    let folder = home.path("two");
    std::fs::create_dir_all(&folder).unwrap();
    for name in ["a.bin", "b.bin"] {
        std::fs::write(folder.join(name), vec![7u8; 1 << 20]).unwrap();
    }
    let started = Instant::now();
    home.ok(&["put", "--bwlimit", "1M", "two", "/"]).await;
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1800),
        "2 MiB at 1 MiB/s cannot take {took:?}"
    );
    assert!(took < Duration::from_secs(4), "{took:?}");

    // Downloads only (`UP:DOWN`); the setting is the default, the flag wins.
    home.config("[transfer]\nbwlimit = \"off:1M\"\n");
    let started = Instant::now();
    home.ok(&["get", "/two/a.bin", "back.bin"]).await;
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(850),
        "1 MiB down at 1 MiB/s: {took:?}"
    );
    let started = Instant::now();
    home.ok(&["get", "--bwlimit", "off", "/two/b.bin", "fast.bin"])
        .await;
    assert!(
        started.elapsed() < Duration::from_millis(850),
        "no limit: {:?}",
        started.elapsed()
    );
    assert_eq!(
        std::fs::read(home.path("back.bin")).unwrap(),
        vec![7u8; 1 << 20]
    );

    // Not a rate: said, with where it came from, before anything is sent.
    let run = home
        .odc(&["put", "--bwlimit", "fast", "two", "/again"])
        .await;
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("--bwlimit: \"fast\" is not a bandwidth"),
        "{}",
        stderr(&run)
    );
    home.config("[transfer]\nbwlimit = \"1Q\"\n");
    let run = home.odc(&["ls", "/"]).await;
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("transfer.bwlimit"),
        "{}",
        stderr(&run)
    );
}

/// Small files gathered into JSON batches count against the limit too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_files_in_batches_keep_to_the_limit() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let folder = home.path("many");
    std::fs::create_dir_all(&folder).unwrap();
    for i in 0..16 {
        std::fs::write(folder.join(format!("f{i:02}.bin")), vec![1u8; 64 << 10]).unwrap();
    }
    let started = Instant::now();
    home.ok(&["put", "--bwlimit", "512k", "many", "/"]).await;
    let took = started.elapsed();
    // 1 MiB at 512 KiB/s.
    assert!(took >= Duration::from_millis(1800), "{took:?}");
    assert!(
        home.emu
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/$batch"))
    );
}
