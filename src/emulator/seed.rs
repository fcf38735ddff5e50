//! Starting content: `empty`, or `demo`, a believable drive to browse and copy.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::content::{Content, Generated};
use super::store::{Conflict, Drive, Resolved};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Seed {
    /// Only the root folder.
    Empty,
    /// Documents, Photos, a folder of 5,000 files, files of 100 MiB to 2 GiB
    /// (generated on the fly), and names with spaces, unicode, #, % and '.
    Demo,
    /// For benchmarks: /bench/1GiB.bin (generated) and /bench/100k, a folder of
    /// 100,000 small files.
    Bench,
}

/// Folder of the demo drive with many files.
pub const MANY_FILES_FOLDER: &str = "/Many files";
pub const MANY_FILES_COUNT: usize = 5000;

pub fn apply(seed: Seed, drive: &mut Drive, now: DateTime<Utc>) {
    match seed {
        Seed::Empty => {}
        Seed::Demo => demo(drive, now),
        Seed::Bench => bench(drive, now),
    }
}

fn split(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Creates a folder and any missing parents; returns its id.
pub fn mkdir_p(drive: &mut Drive, path: &str, now: DateTime<Utc>) -> String {
    let mut current = drive.root_id.clone();
    for segment in split(path) {
        current = match drive.child(&current, &segment) {
            Some(item) => item.id.clone(),
            None => {
                drive
                    .create_folder(&current, &segment, Conflict::Fail, now)
                    .unwrap_or_else(|e| panic!("seed folder {path}: {}", e.message))
                    .0
            }
        };
    }
    current
}

/// Writes a file (replacing any) whose parent folders exist or are created.
pub fn put_file(drive: &mut Drive, path: &str, data: &[u8], now: DateTime<Utc>) -> String {
    let hash = crate::onedrive::quickxor::quickxor_base64(data);
    put_content(
        drive,
        path,
        Content::Inline(Bytes::copy_from_slice(data)),
        Some(hash),
        now,
    )
}

fn put_content(
    drive: &mut Drive,
    path: &str,
    content: Content,
    hash: Option<String>,
    now: DateTime<Utc>,
) -> String {
    let segments = split(path);
    let (name, parents) = segments.split_last().expect("a file path has a name");
    let parent = mkdir_p(drive, &parents.join("/"), now);
    let root = drive.root_id.clone();
    if let Ok(Resolved::Existing(id)) = drive.resolve(&root, &segments) {
        drive
            .replace_content(&id, content, hash, None, now)
            .unwrap_or_else(|e| panic!("seed file {path}: {}", e.message));
        return id;
    }
    drive
        .write_file(&parent, name, (content, hash), Conflict::Replace, None, now)
        .unwrap_or_else(|e| panic!("seed file {path}: {}", e.message))
        .0
}

fn generated(drive: &mut Drive, path: &str, size: u64, now: DateTime<Utc>) -> Arc<Generated> {
    let seed = path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    let content = Generated::new(size, seed);
    put_content(drive, path, Content::Generated(content.clone()), None, now);
    content
}

/// Adds `count` small files named `file-00001.txt`… to `folder` (benchmarks use
/// 100,000).
pub fn many_files(drive: &mut Drive, folder: &str, count: usize, now: DateTime<Utc>) {
    let parent = mkdir_p(drive, folder, now);
    for n in 1..=count {
        let name = format!("file-{n:05}.txt");
        let text = format!("This is file {n} of {count} in {folder}.\n");
        let hash = crate::onedrive::quickxor::quickxor_base64(text.as_bytes());
        drive
            .write_file(
                &parent,
                &name,
                (Content::Inline(Bytes::from(text)), Some(hash)),
                Conflict::Replace,
                None,
                now,
            )
            .expect("seed names are valid");
    }
}

const MIB: u64 = 1024 * 1024;

fn bench(drive: &mut Drive, now: DateTime<Utc>) {
    let big = generated(drive, "/bench/1GiB.bin", 1024 * MIB, now);
    many_files(drive, "/bench/100k", 100_000, now);
    let _ = big.quickxor();
}

fn demo(drive: &mut Drive, now: DateTime<Utc>) {
    put_file(
        drive,
        "/Documents/README.md",
        b"# Welcome to the odc demo drive\n\nEverything here lives in odc's built-in Graph emulator.\nCopy files between the panes with F5 or c.\n",
        now,
    );
    put_file(
        drive,
        "/Documents/Meeting notes.txt",
        b"Agenda:\n- ship odc\n- celebrate\n",
        now,
    );
    generated(drive, "/Documents/Quarterly report.docx", 48_213, now);
    generated(drive, "/Documents/Budget 2026 #1.xlsx", 20_480, now);
    generated(drive, "/Documents/estimate%s.docx", 12_288, now);
    generated(drive, "/Documents/100% done #1.txt", 1_024, now);
    generated(drive, "/Documents/Ryan's Files/doc (1).docx", 30_000, now);
    generated(drive, "/Documents/Archive/2024/old notes.txt", 2_048, now);
    mkdir_p(drive, "/Documents/Break#Out", now);

    for n in 1..=12 {
        generated(
            drive,
            &format!("/Photos/IMG_{n:04}.jpg"),
            (n as u64 % 4 + 1) * 700_000,
            now,
        );
    }
    generated(
        drive,
        "/Photos/Summer 2025/Plage à Nice.jpg",
        2_400_000,
        now,
    );
    generated(drive, "/Photos/Summer 2025/海辺の夕日.jpg", 3_100_000, now);
    generated(drive, "/Photos/Summer 2025/🌅 sunset.jpg", 1_800_000, now);

    many_files(drive, MANY_FILES_FOLDER, MANY_FILES_COUNT, now);

    let big = [
        generated(drive, "/Large files/video-100MiB.mp4", 100 * MIB, now),
        generated(drive, "/Large files/backup-1GiB.tar", 1024 * MIB, now),
        generated(drive, "/Large files/disk-image-2GiB.img", 2048 * MIB, now),
    ];
    put_file(
        drive,
        "/Ünïcødé 😀.txt",
        "Unicode names work.\n".as_bytes(),
        now,
    );
    put_file(drive, "/notes.txt", b"Remember: F1 shows every key.\n", now);

    // Hash the large generated files in the background so the first listing that
    // shows them does not wait, at the lowest priority so that it never competes with
    // the UI (or the rest of a test run) for the CPU.
    std::thread::spawn(move || {
        // SAFETY: setpriority only reads its integer arguments; on Linux, who = 0
        // with PRIO_PROCESS names the calling thread. Failing leaves the priority as is.
        unsafe {
            libc::setpriority(libc::PRIO_PROCESS, 0, 19);
        }
        for content in big {
            let _ = content.quickxor();
        }
    });
}
