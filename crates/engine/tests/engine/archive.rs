//! Reading zip archives through ranged reads: listing by folder, reading an
//! entry, hostile entry names kept from becoming local paths, damaged archives.

use std::io::Write;

use odc_engine::archive::{Archive, LocalSource, local_target};

fn write_zip(path: &std::path::Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        if name.ends_with('/') {
            zip.add_directory(*name, options).unwrap();
        } else {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
    }
    zip.finish().unwrap();
}

#[test]
fn an_archive_lists_by_folder_and_reads_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zip");
    let big = vec![b'z'; 300_000];
    write_zip(
        &path,
        &[
            ("top.txt", b"top"),
            ("dir/inner.txt", &big),
            ("dir/sub/", b""),
            ("./odd//name.txt", b"odd"),
        ],
    );
    let mut archive = Archive::open(LocalSource::open(&path).unwrap()).unwrap();
    let top: Vec<(String, bool)> = archive
        .list("")
        .unwrap()
        .into_iter()
        .map(|e| (e.name, e.is_dir))
        .collect();
    assert_eq!(
        top,
        [
            ("dir".to_string(), true),
            ("odd".into(), true),
            ("top.txt".into(), false)
        ]
    );
    let inner = archive.list("dir").unwrap();
    assert_eq!(inner.len(), 2);
    assert_eq!(
        (inner[1].name.as_str(), inner[1].size),
        ("inner.txt", 300_000)
    );
    assert!(archive.list("nope").is_none());
    let mut out = Vec::new();
    assert_eq!(
        archive.copy_entry("dir/inner.txt", &mut out).unwrap(),
        300_000
    );
    assert_eq!(out, big);
    out.clear();
    archive.copy_entry("odd/name.txt", &mut out).unwrap();
    assert_eq!(out, b"odd");
    assert!(
        archive.copy_entry("dir", &mut out).is_err(),
        "a folder has no bytes"
    );
}

#[test]
fn hostile_entry_names_never_become_local_paths() {
    let folder = std::path::Path::new("/home/ada/out");
    assert_eq!(
        local_target(folder, "docs/a.txt").unwrap(),
        folder.join("docs/a.txt")
    );
    for hostile in ["../../.bashrc", "docs/../../x", "a\\..\\b", "bad\u{1b}[31m"] {
        let err = local_target(folder, hostile).unwrap_err();
        assert!(err.contains("not written"), "{hostile}: {err}");
        assert!(!err.contains('\u{1b}'), "escaped: {err}");
    }
}

#[test]
fn a_damaged_archive_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.zip");
    std::fs::write(&path, b"PK\x03\x04 this is no archive").unwrap();
    let err = Archive::open(LocalSource::open(&path).unwrap())
        .err()
        .unwrap();
    assert!(err.contains("zip"), "{err}");
}
