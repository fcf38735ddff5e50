//! Inside zip archives on OneDrive from the command line: `odc ls` and `odc cat`
//! read the table of contents and the entries asked for, by Range, never the
//! whole archive; hostile entry names are shown escaped.

use std::io::Write;

use odc_emulator::Seed;

use crate::cli::{Home, stderr};

/// A zip with a deflated text file, a folder, a stored file, a hostile name
/// and `filler` bytes of stored padding, so the archive is big.
pub fn sample_zip(filler: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("big.bin", stored).unwrap();
    zip.write_all(&vec![7u8; filler]).unwrap();
    zip.start_file("readme.txt", deflated).unwrap();
    zip.write_all("hello from inside\n".repeat(50).as_bytes())
        .unwrap();
    zip.add_directory("docs/", stored).unwrap();
    zip.start_file("docs/a.txt", deflated).unwrap();
    zip.write_all(b"a").unwrap();
    zip.start_file("docs/deep/b.txt", stored).unwrap();
    zip.write_all(b"bb").unwrap();
    zip.start_file("evil\u{1b}[31m.txt", stored).unwrap();
    zip.write_all(b"x").unwrap();
    zip.finish().unwrap().into_inner()
}

/// Bytes the pre-authenticated URLs sent since the log was cleared.
pub fn fetched(home: &Home, size: u64) -> u64 {
    home.emu
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/dl/") && r.method == "GET")
        .map(
            |r| match r.range.as_deref().and_then(|r| r.strip_prefix("bytes=")) {
                Some(spec) => {
                    let (a, b) = spec.split_once('-').unwrap();
                    let a: u64 = a.parse().unwrap();
                    let b: u64 = b.parse().map(|b: u64| b.min(size - 1)).unwrap_or(size - 1);
                    b - a + 1
                }
                None => size,
            },
        )
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_and_cat_read_inside_a_zip_without_fetching_it() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let zip = sample_zip(3 << 20);
    let size = zip.len() as u64;
    home.emu.put_file("/Backups/site.zip", &zip);

    home.emu.clear_requests();
    let top = home.ok(&["ls", "OneDrive:/Backups/site.zip/"]).await;
    assert_eq!(top, "docs/\nbig.bin\nevil\\x1b[31m.txt\nreadme.txt\n");
    let long = home
        .ok(&["ls", "-l", "--bytes", "/Backups/site.zip/docs"])
        .await;
    assert!(long.starts_with("d          0 - deep/\n"), "{long}");
    assert!(long.contains("-          1 "), "{long}");
    let tree = home.ok(&["ls", "-R", "/Backups/site.zip/docs"]).await;
    assert_eq!(tree, "a.txt\ndeep/\ndeep/b.txt\n");
    let json = home
        .ok(&["ls", "--json", "/Backups/site.zip/docs/deep/b.txt"])
        .await;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value[0]["path"], "docs/deep/b.txt");
    assert_eq!(value[0]["size"], 2);

    let text = home.ok(&["cat", "/Backups/site.zip/readme.txt"]).await;
    assert_eq!(text, "hello from inside\n".repeat(50));
    let used = fetched(&home, size);
    assert!(used < size / 4, "fetched {used} of {size} bytes");

    let output = home.odc(&["cat", "/Backups/site.zip/nope.txt"]).await;
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no such file in the archive"),
        "{}",
        stderr(&output)
    );
    let output = home.odc(&["ls", "/Backups/site.zip/nope/"]).await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));

    // Not an archive at all: said, nothing else.
    home.emu.put_file("/fake.zip", b"not a zip");
    let output = home.odc(&["ls", "/fake.zip/"]).await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("fake.zip"), "{}", stderr(&output));
    // A folder named like an archive is a folder.
    home.emu.put_file("/folder.zip/inside.txt", b"i");
    assert_eq!(home.ok(&["ls", "/folder.zip/"]).await, "inside.txt\n");
}

/// Writes a zip of `huge` zero bytes (stored, left as a hole in a sparse file)
/// followed by a small text entry; returns its size.
pub fn sparse_zip(path: &std::path::Path, huge: u64, text: &[u8]) -> u64 {
    use std::io::{Seek, SeekFrom};
    let mut crc = crc32fast::Hasher::new();
    let zeros = vec![0u8; 1 << 20];
    let mut left = huge;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        crc.update(&zeros[..n]);
        left -= n as u64;
    }
    let huge_crc = crc.finalize();
    let text_crc = crc32fast::hash(text);
    let (time, date) = (0x6000u16, 0x5A21u16);
    let local = |name: &str, crc: u32, size: u32| {
        let mut h = Vec::new();
        h.extend(0x0403_4b50u32.to_le_bytes());
        h.extend(20u16.to_le_bytes()); // version needed
        h.extend(0u16.to_le_bytes()); // flags
        h.extend(0u16.to_le_bytes()); // stored
        h.extend(time.to_le_bytes());
        h.extend(date.to_le_bytes());
        h.extend(crc.to_le_bytes());
        h.extend(size.to_le_bytes());
        h.extend(size.to_le_bytes());
        h.extend((name.len() as u16).to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(name.as_bytes());
        h
    };
    let central = |name: &str, crc: u32, size: u32, offset: u32| {
        let mut h = Vec::new();
        h.extend(0x0201_4b50u32.to_le_bytes());
        h.extend(20u16.to_le_bytes()); // made by
        h.extend(20u16.to_le_bytes()); // needed
        h.extend(0u16.to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(time.to_le_bytes());
        h.extend(date.to_le_bytes());
        h.extend(crc.to_le_bytes());
        h.extend(size.to_le_bytes());
        h.extend(size.to_le_bytes());
        h.extend((name.len() as u16).to_le_bytes());
        h.extend([0u8; 8]); // extra, comment, disk, internal attributes
        h.extend(0u32.to_le_bytes()); // external attributes
        h.extend(offset.to_le_bytes());
        h.extend(name.as_bytes());
        h
    };
    let mut file = std::fs::File::create(path).unwrap();
    let first = local("huge.bin", huge_crc, huge as u32);
    file.write_all(&first).unwrap();
    // The zeros: a hole, no disk.
    file.seek(SeekFrom::Current(huge as i64)).unwrap();
    let text_offset = first.len() as u64 + huge;
    file.write_all(&local("readme.txt", text_crc, text.len() as u32))
        .unwrap();
    file.write_all(text).unwrap();
    let directory_offset = file.stream_position().unwrap();
    let mut directory = central("huge.bin", huge_crc, huge as u32, 0);
    directory.extend(central(
        "readme.txt",
        text_crc,
        text.len() as u32,
        text_offset as u32,
    ));
    file.write_all(&directory).unwrap();
    let mut end = Vec::new();
    end.extend(0x0605_4b50u32.to_le_bytes());
    end.extend([0u8; 4]); // disk numbers
    end.extend(2u16.to_le_bytes());
    end.extend(2u16.to_le_bytes());
    end.extend((directory.len() as u32).to_le_bytes());
    end.extend((directory_offset as u32).to_le_bytes());
    end.extend(0u16.to_le_bytes());
    file.write_all(&end).unwrap();
    file.stream_position().unwrap()
}

/// The figure: a 2 GiB archive on OneDrive, listed and one entry read,
/// with under 1 MiB fetched (`benches/archive.sh` prints the numbers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2_gib_zip_is_listed_and_read_with_under_1_mib_fetched() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let blob = home.path("huge.zip");
    let text = "the one entry we want\n".repeat(20);
    let size = sparse_zip(&blob, 2 << 30, text.as_bytes());
    home.emu.put_blob("/huge.zip", blob);

    home.emu.clear_requests();
    let started = std::time::Instant::now();
    let listed = home.ok(&["ls", "-l", "--bytes", "/huge.zip/"]).await;
    assert!(
        listed.contains("2147483648 2025-01-01 12:00 huge.bin"),
        "{listed}"
    );
    let listing = fetched(&home, size);
    let read = home.ok(&["cat", "/huge.zip/readme.txt"]).await;
    assert_eq!(read, text);
    let total = fetched(&home, size);
    eprintln!(
        "2 GiB zip ({size} bytes): listed with {listing} bytes fetched, listed and one entry read with {total} bytes fetched, in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    assert!(total < 1 << 20, "fetched {total} bytes");
}
