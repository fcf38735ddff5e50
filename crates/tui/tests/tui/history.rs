//! Versions (`i` on a OneDrive file) and the recycle bin through `update`, and
//! the runner's reads, restores, copies and deletes for good against the emulator.

use chrono::TimeZone;
use crossterm::event::KeyCode;
use odc_graph::deleted::Deleted;
use odc_graph::history::Version;
use odc_tui::shared::messages::viewer::ViewSource;
use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;
use odc_testkit::Env;

fn version(id: &str, size: u64, minute: u32) -> Version {
    Version {
        id: id.into(),
        last_modified_date_time: time(minute),
        size,
        last_modified_by: Some(serde_json::json!({"user": {"displayName": "Ada Example"}})),
    }
}

#[test]
fn i_on_a_onedrive_file_lists_its_versions_to_view_copy_and_restore() {
    let mut state = loaded((100, 26), local_entries(), remote_entries());
    // On a local file `i` still shows the details overlay.
    update(&mut state, ch('i'));
    assert!(state.details.is_some() && state.versions.is_none());
    update(&mut state, ch('x'));
    update(&mut state, key(KeyCode::Tab));
    while state.active_pane().current().unwrap().name != "notes.txt" {
        update(&mut state, ch('j'));
    }
    let effects = update(&mut state, ch('i'));
    let ticket = match &effects[..] {
        [Effect::ListVersions { ticket, id, drive }] => {
            assert_eq!(id, "ID!notes.txt");
            assert!(drive.is_default());
            *ticket
        }
        other => panic!("{other:?}"),
    };
    assert!(screen(&state).contains("Reading…"));
    update(
        &mut state,
        Event::VersionsListed {
            ticket,
            result: Ok(vec![
                version("current", 30, 9),
                version("AB1", 12, 5),
                version("AB0", 3, 1),
            ]),
        },
    );
    insta::assert_snapshot!("versions", screen(&state));

    // The current one cannot be restored; an older one asks first.
    update(&mut state, ch('r'));
    assert!(screen(&state).contains("current version already"));
    update(&mut state, ch('j'));
    assert!(update(&mut state, ch('r')).is_empty());
    assert!(screen(&state).contains("Make the version of"));
    assert!(update(&mut state, ch('n')).is_empty(), "no keeps it");
    update(&mut state, ch('r'));
    let effects = update(&mut state, ch('y'));
    assert!(
        matches!(&effects[..], [Effect::RestoreVersion { version, .. }] if version == "AB1"),
        "{effects:?}"
    );
    // Done: said, and the list read again.
    let effects = update(
        &mut state,
        Event::VersionDone {
            ticket,
            result: Ok("Restored".into()),
            relist: true,
        },
    );
    assert!(matches!(&effects[..], [Effect::ListVersions { .. }]));
    update(
        &mut state,
        Event::VersionsListed {
            ticket,
            result: Ok(vec![
                version("current", 12, 10),
                version("AB2", 30, 9),
                version("AB1", 12, 5),
            ]),
        },
    );

    // F3 views an older version through /versions; Esc in the viewer comes back.
    update(&mut state, ch('j'));
    let effects = update(&mut state, key(KeyCode::F(3)));
    let viewer = state.viewer.as_ref().expect("viewing");
    assert_eq!(
        viewer.source,
        ViewSource::Remote {
            id: "ID!notes.txt".into(),
            path: odc_graph::RemotePath::parse("/notes.txt").unwrap(),
            version: Some("AB2".into()),
        }
    );
    assert!(matches!(&effects[..], [Effect::ViewRead { .. }, ..]));
    assert!(viewer.title.contains("version AB2"), "{}", viewer.title);
    update(&mut state, key(KeyCode::Esc));
    assert!(state.viewer.is_none() && state.versions.is_some());

    // F5 copies it into the other pane's local folder under a name of its own.
    let effects = update(&mut state, key(KeyCode::F(5)));
    match &effects[..] {
        [
            Effect::CopyVersion {
                version: Some(v),
                target,
                ..
            },
        ] => {
            assert_eq!(v.id, "AB2");
            let name = target.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                name.starts_with("notes (version ") && name.ends_with(").txt"),
                "{name}"
            );
        }
        other => panic!("{other:?}"),
    }
    update(&mut state, key(KeyCode::Esc));
    assert!(!state.dialog_open());
}

fn deleted(path: &str, id: &str) -> Deleted {
    Deleted {
        account: "ada@example.com".into(),
        drive_id: "d1".into(),
        id: id.into(),
        name: path.rsplit('/').next().unwrap().into(),
        path: path.into(),
        folder: false,
        size: 1234,
        deleted_at: chrono::Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap(),
    }
}

#[test]
fn the_recycle_bin_restores_and_deletes_for_good_after_asking() {
    let mut state = loaded((100, 26), local_entries(), remote_entries());
    let effects = update(&mut state, ch('T'));
    let ticket = match &effects[..] {
        [Effect::ListBin { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Event::BinListed {
            ticket,
            result: Ok((
                vec![deleted("/Docs/a.txt", "A"), deleted("/b.txt", "B")],
                true,
            )),
        },
    );
    insta::assert_snapshot!("bin", screen(&state));
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(matches!(&effects[..], [Effect::RestoreFromBin { entry, .. }] if entry.id == "A"));
    update(
        &mut state,
        Event::BinDone {
            ticket,
            id: "A".into(),
            result: Ok("Restored /Docs/a.txt".into()),
        },
    );
    assert_eq!(state.bin.as_ref().unwrap().entries.rows().len(), 1);
    // Delete for good asks; only yes sends it.
    assert!(update(&mut state, key(KeyCode::F(8))).is_empty());
    assert!(screen(&state).contains("Delete /b.txt for good?"));
    assert!(update(&mut state, key(KeyCode::Esc)).is_empty());
    assert!(state.bin.is_some(), "Esc answered no; the bin stays");
    update(&mut state, key(KeyCode::F(8)));
    let effects = update(&mut state, ch('y'));
    assert!(matches!(&effects[..], [Effect::PurgeFromBin { entry, .. }] if entry.id == "B"));

    // A work account's entries are not restored from here.
    update(
        &mut state,
        Event::BinListed {
            ticket,
            result: Ok((vec![deleted("/c.txt", "C")], false)),
        },
    );
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(screen(&state).contains("on the web"));
    assert!(update(&mut state, key(KeyCode::F(8))).is_empty());
    assert!(screen(&state).contains("emptied on the web"));
}

#[tokio::test]
async fn the_runner_lists_restores_and_copies_versions_and_empties_the_bin() {
    let env = Env::new(Default::default()).await;
    env.sign_in();
    let graph = env.graph();
    let id = env.emu.put_file("/a.txt", b"one");
    env.emu.put_file("/a.txt", b"two 2");
    let (mut runner, mut rx) = signed_in_runner(&env).await;
    runner.run(Effect::ListVersions {
        ticket: 1,
        id: id.clone(),
        drive: Default::default(),
    });
    let versions = loop {
        if let Event::VersionsListed { ticket: 1, result } = rx.recv().await.unwrap() {
            break result.unwrap();
        }
    };
    assert_eq!(versions.iter().map(|v| v.size).collect::<Vec<_>>(), [5, 3]);
    let folder = env.dir.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let target = folder.join("a (version 1).txt");
    runner.run(Effect::CopyVersion {
        ticket: 1,
        id: id.clone(),
        version: Some(versions[1].clone()),
        drive: Default::default(),
        target: target.clone(),
    });
    loop {
        if let Event::VersionDone {
            ticket: 1, result, ..
        } = rx.recv().await.unwrap()
        {
            assert!(result.unwrap().starts_with("Copied to"));
            break;
        }
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"one");
    // A second copy onto it is refused: nothing is overwritten.
    runner.run(Effect::CopyVersion {
        ticket: 1,
        id: id.clone(),
        version: Some(versions[1].clone()),
        drive: Default::default(),
        target: target.clone(),
    });
    loop {
        if let Event::VersionDone {
            ticket: 1, result, ..
        } = rx.recv().await.unwrap()
        {
            assert!(result.unwrap_err().contains("exists"));
            break;
        }
    }
    runner.run(Effect::RestoreVersion {
        ticket: 1,
        id: id.clone(),
        version: versions[1].id.clone(),
        drive: Default::default(),
    });
    loop {
        if let Event::VersionDone {
            ticket: 1,
            result,
            relist,
        } = rx.recv().await.unwrap()
        {
            result.unwrap();
            assert!(relist);
            break;
        }
    }
    assert_eq!(env.emu.read_file("/a.txt").await.unwrap(), b"one");

    // Deleted through odc, it is in the bin; deleted for good, it is not.
    graph
        .delete(&odc_graph::ItemAddress::Path(
            odc_graph::RemotePath::parse("/a.txt").unwrap(),
        ))
        .await
        .unwrap();
    runner.run(Effect::ListBin {
        ticket: 2,
        drive: Default::default(),
    });
    let entries = loop {
        if let Event::BinListed { ticket: 2, result } = rx.recv().await.unwrap() {
            let (entries, checked) = result.unwrap();
            assert!(checked);
            break entries;
        }
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].path, "/a.txt");
    runner.run(Effect::PurgeFromBin {
        ticket: 2,
        entry: entries[0].clone(),
        drive: Default::default(),
    });
    loop {
        if let Event::BinDone {
            ticket: 2, result, ..
        } = rx.recv().await.unwrap()
        {
            assert!(result.unwrap().contains("for good"));
            break;
        }
    }
    assert_eq!(env.count("POST", "permanentDelete", 204), 1);
    assert!(graph.deleted_journal().records().is_empty());
}
