//! What others shared, in the panes: Enter on a shortcut opens the folder it points
//! at (titled by its name and owner), Backspace at its top comes back, `i` says
//! what a shortcut or a notebook is; and the runner offers each shared folder in
//! the drive picker and lists it from the owner's drive.

use crossterm::event::KeyCode;
use odc_engine::transfer::Location;
use odc_graph::RemotePath;
use odc_graph::path::DriveSpec;
use odc_graph::shared::SharedItem;
use odc_tui::shared::pane::Entry;
use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;
use odc_testkit::Env;

fn shortcut(name: &str) -> Entry {
    let mut entry = remote_entry(name, false, 4096);
    let details = entry.remote.as_mut().unwrap();
    details.kind = "shared";
    details.quick_xor_hash = None;
    details.left_alone = Some("a shortcut to an item in another drive");
    details.shared = Some(SharedItem {
        name: name.into(),
        drive_id: "0b0b0b0b0b0b0b0b".into(),
        item_id: "B0B0B0B0B0B0B0B!7".into(),
        is_folder: true,
        size: 4096,
        owner: Some("Bob Example".into()),
        web_url: None,
    });
    entry
}

fn notebook(name: &str) -> Entry {
    let mut entry = remote_entry(name, false, 0);
    let details = entry.remote.as_mut().unwrap();
    details.kind = "notebook";
    details.quick_xor_hash = None;
    details.left_alone = Some("a OneNote notebook (open it in OneNote or on the web)");
    details.web_url = Some("https://onedrive.example/notebooks/Work".into());
    entry
}

fn bob_folder() -> DriveSpec {
    DriveSpec::shared_folder(None, "0b0b0b0b0b0b0b0b", "B0B0B0B0B0B0B0B!7")
}

#[test]
fn enter_on_a_shortcut_opens_its_folder_and_backspace_comes_back() {
    let mut remote = remote_entries();
    remote.push(shortcut("Shared Photos"));
    let mut state = loaded((100, 24), local_entries(), remote);
    update(&mut state, key(KeyCode::Tab));
    let row = state.panes[1]
        .visible
        .iter()
        .position(|&i| state.panes[1].entries[i].name == "Shared Photos")
        .unwrap();
    state.panes[1].cursor = row;

    let effects = update(&mut state, key(KeyCode::Enter));
    let inside = Location::Remote(RemotePath::root().in_drive(bob_folder()));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::List { pane: 1, source, .. } if *source == inside)),
        "{effects:?}"
    );
    // No quota to fetch for a drive that is not the user's.
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::FetchDriveInfo { .. })),
        "{effects:?}"
    );
    let ticket = ticket_of(&effects, 1);
    update(
        &mut state,
        Event::Page {
            pane: 1,
            ticket,
            entries: vec![
                remote_entry("2024", true, 0),
                remote_entry("cover.jpg", false, 5),
            ],
            done: true,
        },
    );
    insta::assert_snapshot!("shortcut_opened", screen(&state));

    let effects = update(&mut state, key(KeyCode::Backspace));
    assert_eq!(state.panes[1].source, Location::Remote(RemotePath::root()));
    assert_eq!(state.panes[1].want_cursor.as_deref(), Some("Shared Photos"));
    assert!(!effects.is_empty());
}

#[test]
fn details_say_what_a_notebook_and_a_shortcut_are() {
    let mut remote = remote_entries();
    remote.push(notebook("Work notes"));
    remote.push(shortcut("Shared Photos"));
    let mut state = loaded((100, 30), local_entries(), remote);
    update(&mut state, key(KeyCode::Tab));
    for (name, snapshot) in [
        ("Work notes", "details_notebook"),
        ("Shared Photos", "details_shortcut"),
    ] {
        let row = state.panes[1]
            .visible
            .iter()
            .position(|&i| state.panes[1].entries[i].name == name)
            .unwrap();
        state.panes[1].cursor = row;
        update(&mut state, ch('i'));
        assert!(state.details.is_some(), "{name}");
        insta::assert_snapshot!(snapshot, screen(&state));
        update(&mut state, key(KeyCode::Esc));
        assert!(state.details.is_none());
    }
}

#[tokio::test]
async fn the_runner_offers_shared_folders_in_the_picker_and_lists_them_from_the_owners_drive() {
    let env = Env::new(Default::default()).await;
    env.sign_in();
    let (bob, bob_drive) = env.emu.add_user(
        "bob@example.com",
        "Bob Example",
        odc_emulator::Profile::Personal,
    );
    env.emu.put_file_on(&bob_drive, "/Photos/2024/a.jpg", b"a");
    env.emu
        .put_file_on(&bob_drive, "/Photos/cover.jpg", b"cover");
    env.emu
        .put_file_on(&bob_drive, "/Private/diary.txt", b"mine");
    env.emu.share(bob, "/Photos", 0, false);
    env.emu.add_shortcut(0, "Shared Photos", bob, "/Photos");
    let (mut runner, mut rx) = signed_in_runner(&env).await;

    runner.run(Effect::LoadPlaces { ticket: 3 });
    let mut places = Vec::new();
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("places arrive")
            .unwrap();
        if let Event::Places {
            ticket: 3,
            places: batch,
            done,
        } = event
        {
            places.extend(batch);
            if done {
                break;
            }
        }
    }
    let shared: Vec<_> = places
        .iter()
        .filter(|p| p.label.starts_with("Shared with me"))
        .collect();
    assert_eq!(shared.len(), 1, "{places:?}");
    assert_eq!(
        shared[0].label,
        "Shared with me › Shared Photos (Bob Example)"
    );
    let Location::Remote(path) = &shared[0].target else {
        panic!("a OneDrive place");
    };
    assert!(path.is_root());
    assert_eq!(
        path.drive().drive_id.as_deref(),
        Some(bob_drive.to_lowercase().as_str())
    );

    runner.run(Effect::List {
        pane: 1,
        ticket: 9,
        source: shared[0].target.clone(),
    });
    let mut names = Vec::new();
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("the listing arrives")
            .unwrap();
        match event {
            Event::Page {
                ticket: 9,
                entries,
                done,
                ..
            } => {
                names.extend(entries.into_iter().map(|e| (e.name, e.is_dir)));
                if done {
                    break;
                }
            }
            Event::ListFailed { message, .. } => panic!("{message}"),
            _ => {}
        }
    }
    names.sort();
    assert_eq!(
        names,
        [("2024".to_string(), true), ("cover.jpg".to_string(), false)]
    );
}
