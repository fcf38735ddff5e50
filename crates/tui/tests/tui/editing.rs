//! Editing a OneDrive file: the private copy, the upload only when changed, the
//! `If-Match` that refuses to overwrite someone else's change (412), and the
//! choices after it, against the emulator; then the flow through `update`.

use std::os::unix::fs::PermissionsExt;

use crossterm::event::KeyCode;
use odc_graph::RemotePath;
use odc_tui::features::editor::private_copy as editing;
use odc_tui::shared::messages::editor::{self as edit, Outcome, Upload};
use odc_tui::shell::router::{Effect, Event, update};
use odc_tui::shell::state::{DialogFocus, State};

use super::support::*;
use odc_testkit::{Env, pattern};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn an_edit_goes_back_only_if_changed_and_only_over_what_was_copied() {
    let (env, graph) = Env::signed_in(Default::default()).await;
    let graph = std::sync::Arc::new(graph);
    let edits = env.dir.path().join("cache/edit");
    let id = env.emu.put_file("/notes.txt", b"first version\n");
    let remote = RemotePath::parse("/notes.txt").unwrap();

    // The copy is private, and an unchanged copy uploads nothing.
    let copy = editing::fetch(&graph, &edits, &id).await.unwrap();
    assert_eq!(std::fs::read(&copy.file).unwrap(), b"first version\n");
    assert_eq!(mode(&copy.file), 0o600);
    assert_eq!(mode(copy.file.parent().unwrap()), 0o700);
    assert!(copy.etag.is_some());
    env.emu.clear_requests();
    let how = Upload::IfUnchanged(copy.etag.clone());
    let outcome = editing::upload(&graph, &copy, &remote, how.clone()).await;
    assert_eq!(outcome, Ok(Outcome::Unchanged));
    assert_eq!(env.count("PUT", "", 200) + env.count("PUT", "", 201), 0);

    // A changed copy replaces the version it came from.
    std::fs::write(&copy.file, b"my edit\n").unwrap();
    let outcome = editing::upload(&graph, &copy, &remote, how.clone()).await;
    assert_eq!(outcome, Ok(Outcome::Uploaded("notes.txt".into())));
    assert_eq!(env.emu.read_file("/notes.txt").await.unwrap(), b"my edit\n");
    editing::discard(&copy.file);
    assert!(
        !copy.file.parent().unwrap().exists(),
        "the private folder goes"
    );

    // Someone else changes it meanwhile: 412, nothing overwritten.
    let copy = editing::fetch(&graph, &edits, &id).await.unwrap();
    std::fs::write(&copy.file, b"my second edit\n").unwrap();
    env.emu.put_file("/notes.txt", b"their edit\n");
    let how = Upload::IfUnchanged(copy.etag.clone());
    let outcome = editing::upload(&graph, &copy, &remote, how).await;
    assert_eq!(outcome, Ok(Outcome::Changed));
    assert!(env.count("PUT", "/content", 412) == 1, "{:?}", env.log());
    assert_eq!(
        env.emu.read_file("/notes.txt").await.unwrap(),
        b"their edit\n"
    );

    // Keep both: mine goes beside theirs under a name OneDrive picks.
    let outcome = editing::upload(&graph, &copy, &remote, Upload::KeepBoth).await;
    assert_eq!(outcome, Ok(Outcome::Uploaded("notes 1.txt".into())));
    assert_eq!(
        env.emu.read_file("/notes.txt").await.unwrap(),
        b"their edit\n"
    );
    assert_eq!(
        env.emu.read_file("/notes 1.txt").await.unwrap(),
        b"my second edit\n"
    );
    // Overwrite: mine replaces theirs.
    let outcome = editing::upload(&graph, &copy, &remote, Upload::Overwrite).await;
    assert_eq!(outcome, Ok(Outcome::Uploaded("notes.txt".into())));
    assert_eq!(
        env.emu.read_file("/notes.txt").await.unwrap(),
        b"my second edit\n"
    );
}

#[tokio::test]
async fn a_large_edit_checks_the_etag_when_its_upload_session_is_created() {
    let (env, graph) = Env::signed_in(Default::default()).await;
    let graph = std::sync::Arc::new(graph);
    let data = pattern(300_000, 3); // above the test's simple-upload limit
    let id = env.emu.put_file("/big.bin", &data);
    let copy = editing::fetch(&graph, &env.dir.path().join("edit"), &id)
        .await
        .unwrap();
    std::fs::write(&copy.file, pattern(300_000, 4)).unwrap();
    env.emu.put_file("/big.bin", &pattern(300_000, 5));
    let remote = RemotePath::parse("/big.bin").unwrap();
    let outcome = editing::upload(
        &graph,
        &copy,
        &remote,
        Upload::IfUnchanged(copy.etag.clone()),
    )
    .await;
    assert_eq!(outcome, Ok(Outcome::Changed));
    assert_eq!(
        env.count("POST", "createUploadSession", 412),
        1,
        "{:?}",
        env.log()
    );
    assert_eq!(env.emu.open_upload_sessions(), 0);
    assert_eq!(
        env.emu.read_file("/big.bin").await.unwrap(),
        pattern(300_000, 5)
    );
}

fn remote_state() -> State {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::Tab));
    while state.active_pane().current().unwrap().name != "notes.txt" {
        update(&mut state, ch('j'));
    }
    state
}

/// `e` on the row, the copy fetched, the editor closed: the edit's ticket.
fn edited(state: &mut State, copy: &edit::Copy) -> u64 {
    let ticket = match &update(state, ch('e'))[..] {
        [Effect::FetchForEdit { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    update(
        state,
        Event::EditFetched {
            ticket,
            result: Ok(copy.clone()),
        },
    );
    update(
        state,
        Event::EditorExited {
            ticket,
            result: Ok(()),
        },
    );
    ticket
}

fn copy_at(path: &str) -> edit::Copy {
    edit::Copy {
        file: path.into(),
        etag: Some("\"{ID},1\"".into()),
        hash: "AAAA".into(),
    }
}

#[test]
fn f4_on_a_onedrive_file_copies_edits_uploads_and_asks_after_a_412() {
    let mut state = remote_state();
    let effects = update(&mut state, key(KeyCode::F(4)));
    let ticket = match &effects[..] {
        [Effect::FetchForEdit { ticket, id, drive }] => {
            assert_eq!(id, "ID!notes.txt");
            assert!(drive.is_default());
            *ticket
        }
        other => panic!("{other:?}"),
    };
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .starts_with("Downloading notes.txt")
    );
    // A second F4 meanwhile is refused, not lost.
    assert!(update(&mut state, ch('e')).is_empty());
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("Still editing notes.txt")
    );

    let copy = copy_at("/cache/edit/x/notes.txt");
    let effects = update(
        &mut state,
        Event::EditFetched {
            ticket,
            result: Ok(copy.clone()),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::RunEditor {
            ticket,
            path: copy.file.clone()
        }]
    );
    let effects = update(
        &mut state,
        Event::EditorExited {
            ticket,
            result: Ok(()),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::UploadEdit {
            ticket,
            copy: copy.clone(),
            remote: RemotePath::parse("/notes.txt").unwrap(),
            how: Upload::IfUnchanged(copy.etag.clone()),
        }]
    );
    update(
        &mut state,
        Event::EditUploaded {
            ticket,
            result: Ok(Outcome::Changed),
        },
    );
    assert_eq!(state.dialog_focus(), Some(DialogFocus::EditConflict));
    insta::assert_snapshot!("edit_conflict_dialog", screen(&state));
    // Keys other than the answers do nothing; k keeps both.
    assert!(update(&mut state, ch('x')).is_empty());
    let effects = update(&mut state, ch('k'));
    assert!(matches!(
        &effects[..],
        [Effect::UploadEdit {
            how: Upload::KeepBoth,
            ..
        }]
    ));
    let effects = update(
        &mut state,
        Event::EditUploaded {
            ticket,
            result: Ok(Outcome::Uploaded("notes 1.txt".into())),
        },
    );
    assert!(effects.contains(&Effect::DiscardEdit {
        file: copy.file.clone()
    }));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::List { pane: 1, .. })),
        "the pane reloads: {effects:?}"
    );
    assert_eq!(
        state.message.as_deref(),
        Some("Uploaded notes.txt as notes 1.txt")
    );
    assert!(state.editing.is_none());
}

#[test]
fn nothing_is_lost_when_the_editor_fails_or_the_upload_does() {
    let mut state = remote_state();
    let ticket = match &update(&mut state, ch('e'))[..] {
        [Effect::FetchForEdit { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    let copy = copy_at("/cache/edit/y/notes.txt");
    update(
        &mut state,
        Event::EditFetched {
            ticket,
            result: Ok(copy.clone()),
        },
    );
    let effects = update(
        &mut state,
        Event::EditorExited {
            ticket,
            result: Err("the editor exited with exit status: 1".into()),
        },
    );
    assert!(effects.is_empty(), "no upload, no discard: {effects:?}");
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("copy is kept in /cache/edit/y/notes.txt")
    );

    let ticket = edited(&mut state, &copy);
    let effects = update(
        &mut state,
        Event::EditUploaded {
            ticket,
            result: Err("the OneDrive is full".into()),
        },
    );
    assert!(effects.is_empty());
    let message = state.message.clone().unwrap();
    assert!(
        message.contains("the OneDrive is full") && message.contains("kept in /cache/edit/y"),
        "{message}"
    );

    // Esc in the 412 dialog keeps the copy too; d discards it.
    let ticket = edited(&mut state, &copy);
    update(
        &mut state,
        Event::EditUploaded {
            ticket,
            result: Ok(Outcome::Changed),
        },
    );
    assert!(update(&mut state, key(KeyCode::Esc)).is_empty());
    assert!(state.message.as_deref().unwrap().contains("is kept in"));
    assert!(!state.dialog_open() && state.editing.is_none());
}

#[test]
fn f4_on_a_local_file_runs_the_editor_and_reloads() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::End)); // README.md or the last file
    let name = state.active_pane().current().unwrap().name.clone();
    let effects = update(&mut state, key(KeyCode::F(4)));
    let ticket = match &effects[..] {
        [Effect::RunEditor { ticket, path }] => {
            assert_eq!(
                path,
                &std::path::Path::new("/home/ada/projects").join(&name)
            );
            *ticket
        }
        other => panic!("{other:?}"),
    };
    let effects = update(
        &mut state,
        Event::EditorExited {
            ticket,
            result: Ok(()),
        },
    );
    assert!(
        matches!(&effects[..], [Effect::List { pane: 0, .. }]),
        "{effects:?}"
    );
    assert_eq!(
        state.active_pane().want_cursor.as_deref(),
        Some(name.as_str())
    );
}
