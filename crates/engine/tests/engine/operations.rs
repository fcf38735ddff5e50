//! mkdir, rename and delete as the UI runs them: on both kinds of pane, with a clear
//! error for an existing name, an invalid name (before any request) and a missing item.

use odc_emulator::Settings;
use odc_engine::transfer::Location;
use odc_engine::transfer::operations::{LocalDelete, delete, mkdir, rename};
use odc_graph::RemotePath;

use crate::support;

#[tokio::test]
async fn onedrive_operations_and_their_errors() {
    let (env, graph) = support::Env::signed_in(Settings::default()).await;
    let emu = &env.emu;
    let root = Location::Remote(RemotePath::root());
    mkdir(Some(&graph), &root, "Projects").await.unwrap();
    let err = mkdir(Some(&graph), &root, "projects").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "projects: an item with that name already exists"
    );
    emu.clear_requests();
    let err = mkdir(Some(&graph), &root, "a:b").await.unwrap_err();
    assert!(
        err.to_string().contains("OneDrive does not allow ':'"),
        "{err}"
    );
    assert!(emu.requests().is_empty(), "refused before any request");

    emu.put_file("/notes.txt", b"n");
    rename(Some(&graph), &root, "notes.txt", "todo.txt")
        .await
        .unwrap();
    assert!(emu.read_file("/todo.txt").await.is_some());
    let err = rename(Some(&graph), &root, "todo.txt", "Projects")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    let err = rename(Some(&graph), &root, "gone.txt", "x.txt")
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "gone.txt: not found on OneDrive");

    delete(
        Some(&graph),
        &root,
        &["todo.txt".into(), "Projects".into()],
        LocalDelete::ToTrash,
    )
    .await
    .unwrap();
    assert!(emu.read_file("/todo.txt").await.is_none());
    let err = delete(
        Some(&graph),
        &root,
        &["todo.txt".into()],
        LocalDelete::ToTrash,
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "todo.txt: not found on OneDrive");
    let err = mkdir(None, &root, "x").await.unwrap_err();
    assert!(err.to_string().contains("odc login"), "{err}");
}

#[tokio::test]
async fn local_operations_and_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    let here = Location::Local(dir.path().to_path_buf());
    mkdir(None, &here, "new").await.unwrap();
    assert!(dir.path().join("new").is_dir());
    let err = mkdir(None, &here, "new").await.unwrap_err();
    assert_eq!(err.to_string(), "new: exists already");
    let err = mkdir(None, &here, "../escape").await.unwrap_err();
    assert!(err.to_string().contains("path separator"), "{err}");
    std::fs::write(dir.path().join("a.txt"), b"a").unwrap();
    std::fs::write(dir.path().join("b.txt"), b"b").unwrap();
    let err = rename(None, &here, "a.txt", "b.txt").await.unwrap_err();
    assert_eq!(err.to_string(), "b.txt: exists already");
    assert_eq!(
        std::fs::read(dir.path().join("b.txt")).unwrap(),
        b"b",
        "nothing replaced"
    );
    // A case-only rename never replaces another file that differs in case.
    std::fs::write(dir.path().join("A.TXT"), b"upper").unwrap();
    let err = rename(None, &here, "a.txt", "A.TXT").await.unwrap_err();
    assert_eq!(err.to_string(), "A.TXT: exists already");
    assert_eq!(std::fs::read(dir.path().join("A.TXT")).unwrap(), b"upper");
    assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"a");
    rename(None, &here, "a.txt", "c.txt").await.unwrap();
    delete(
        None,
        &here,
        &["c.txt".into(), "new".into()],
        LocalDelete::ForGood,
    )
    .await
    .unwrap();
    assert!(!dir.path().join("c.txt").exists() && !dir.path().join("new").exists());
    let err = delete(None, &here, &["c.txt".into()], LocalDelete::ForGood)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("No such file"), "{err}");
}

/// Local copies write their partial file as downloads do: never through a planted
/// link, never over a FIFO or a directory.
#[tokio::test]
async fn local_copies_refuse_planted_links_and_non_file_targets() {
    use odc_engine::transfer::local::copy_file;
    use odc_graph::download::partial_path;
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.txt");
    std::fs::write(&source, b"new bytes").unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    let target = dir.path().join("copy.txt");
    std::os::unix::fs::symlink(&victim, partial_path(&target)).unwrap();
    let progress = odc_graph::Progress::default();
    let never = tokio_util::sync::CancellationToken::new();
    let err = copy_file(&source, &target, &progress, &never, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    std::fs::remove_file(partial_path(&target)).unwrap();

    std::fs::create_dir(&target).unwrap();
    let err = copy_file(&source, &target, &progress, &never, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("a directory"), "{err}");
    assert!(target.is_dir());
    assert!(!partial_path(&target).exists(), "no partial left behind");

    copy_file(
        &source,
        &dir.path().join("fine.txt"),
        &progress,
        &never,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("fine.txt")).unwrap(),
        b"new bytes"
    );
}

/// Items a hostile server named `..` or `a/b` can still be renamed and deleted
/// from the UI, by id, and only those items are touched.
#[tokio::test]
async fn hostile_remote_names_are_renamed_and_deleted_by_id() {
    let (env, graph) = support::Env::signed_in(Settings::default()).await;
    let emu = &env.emu;
    let now = chrono::Utc::now();
    emu.with_drive(|drive| {
        let root = drive.root_id.clone();
        let folder = drive.insert_unchecked(&root, "ev", None, now);
        for name in ["..", "a/b"] {
            drive.insert_unchecked(
                &folder,
                name,
                Some(odc_emulator::content::Content::Inline(
                    bytes::Bytes::from_static(b"odd"),
                )),
                now,
            );
        }
    });
    emu.put_file("/victim.txt", b"keep me");
    let ev = Location::Remote(RemotePath::parse("/ev").unwrap());
    rename(Some(&graph), &ev, "a/b", "renamed.txt")
        .await
        .unwrap();
    assert_eq!(emu.read_file("/ev/renamed.txt").await.unwrap(), b"odd");
    delete(Some(&graph), &ev, &["..".into()], LocalDelete::ToTrash)
        .await
        .unwrap();
    assert_eq!(emu.read_file("/victim.txt").await.unwrap(), b"keep me");
    let left: Vec<String> = graph
        .list_all(&odc_graph::ItemAddress::Path(
            RemotePath::parse("/ev").unwrap(),
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(left, ["renamed.txt"]);
}

/// Deletes of many OneDrive items go in `$batch` requests, each with its own result.
#[tokio::test]
async fn many_deletes_go_in_batches_each_with_its_own_result() {
    let (env, graph) = support::Env::signed_in(Settings::default()).await;
    env.emu.mkdir_p("/old");
    let mut names: Vec<String> = (0..24).map(|i| format!("f{i:02}.txt")).collect();
    for name in &names {
        env.emu.put_file(&format!("/old/{name}"), b"x");
    }
    names.push("missing.txt".into());
    let dir = Location::Remote(RemotePath::parse("/old").unwrap());
    let err = delete(Some(&graph), &dir, &names, LocalDelete::ToTrash)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("missing.txt: "), "{err}");
    for name in &names {
        assert!(
            env.emu.read_file(&format!("/old/{name}")).await.is_none(),
            "{name}"
        );
    }
    // 25 look-ups in two requests (each delete is written down with its id),
    // the missing one answered 404 inside a batch; then 24 deletes by id in two.
    assert_eq!(env.count("POST", "/$batch", 200), 4);
    assert_eq!(env.count("GET", "missing.txt", 404), 1);
    assert_eq!(env.count("DELETE", "/items/", 204), 24);
    // Each is in the journal of what odc deleted, with the place it was.
    let journal = graph.deleted_journal().records();
    assert_eq!(journal.len(), 24);
    assert!(
        journal
            .iter()
            .any(|r| r.path == "/old/f07.txt" && r.name == "f07.txt")
    );
}
