//! The drive picker (F2): what a pane shows — local files, each account's OneDrive,
//! SharePoint libraries — through `update` and snapshots, and the runner reading
//! the accounts, the followed sites and a site search from the emulator.

use crossterm::event::KeyCode;
use odc_engine::transfer::Location;
use odc_graph::RemotePath;
use odc_graph::path::DriveSpec;
use odc_tui::shared::messages::drives::Place;
use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;
use odc_testkit::Env;

fn work(drive_id: Option<&str>) -> DriveSpec {
    DriveSpec {
        account: Some("work".into()),
        drive_id: drive_id.map(str::to_string),
        folder: None,
    }
}

fn place(owner: &str, label: &str, drive: DriveSpec) -> Place {
    Place {
        label: label.into(),
        owner: owner.into(),
        target: Location::Remote(RemotePath::root().in_drive(drive)),
    }
}

fn picker_ticket(state: &odc_tui::shell::state::State) -> u64 {
    match &state.drive_picker {
        Some(picker) => picker.ticket,
        other => panic!("{other:?}"),
    }
}

#[test]
fn f2_lists_places_as_they_arrive_and_shows_the_chosen_one() {
    let mut state = loaded((100, 24), local_entries(), remote_entries());
    let effects = update(&mut state, key(KeyCode::F(2)));
    let ticket = picker_ticket(&state);
    assert!(
        matches!(&effects[..], [Effect::LoadPlaces { ticket: t }] if *t == ticket),
        "{effects:?}"
    );
    // An answer to an older picker is dropped; this one's fill in as they come.
    update(
        &mut state,
        Event::Places {
            ticket: ticket - 1,
            places: vec![place("old", "Stale", work(None))],
            done: true,
        },
    );
    update(
        &mut state,
        Event::Places {
            ticket,
            places: vec![
                place(
                    "ada",
                    "OneDrive · Ada (ada@example.com)",
                    DriveSpec::default(),
                ),
                place("work", "OneDrive · Ada (ada@contoso.com)", work(None)),
            ],
            done: false,
        },
    );
    update(
        &mut state,
        Event::Places {
            ticket,
            // A hostile site name arrives escaped by the runner; the owner is ours.
            places: vec![place("work", "Reports › Archive", work(Some("b!lib")))],
            done: true,
        },
    );
    insta::assert_snapshot!("drive_picker", screen(&state));
    let text = screen(&state);
    assert!(
        !text.contains("Stale") && !text.contains("reading accounts"),
        "{text}"
    );

    // The work account's OneDrive in the left (local) pane.
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(!state.dialog_open());
    let listed = effects.iter().any(|e| {
        matches!(e, Effect::List { pane: 0, source: Location::Remote(p), .. }
            if p.is_root() && p.drive() == &work(None))
    });
    assert!(listed, "{effects:?}");
    // Its quota is asked once, for the status bar.
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::FetchDriveInfo { drive } if drive == &work(None))),
        "{effects:?}"
    );
    update(
        &mut state,
        Event::DriveInfo {
            drive: work(None),
            used: Some(2048),
            total: Some(1 << 30),
        },
    );
    let text = screen(&state);
    assert!(text.contains("┌ work:/ "), "{text}");
    assert!(text.contains(" work 2 KiB of 1 GiB │ "), "{text}");
    // b goes back to the local folder it showed.
    let effects = update(&mut state, ch('b'));
    assert!(
        matches!(
            &effects[..],
            [Effect::List {
                pane: 0,
                source: Location::Local(_),
                ..
            }]
        ),
        "{effects:?}"
    );

    // A library is titled by its site, not its drive id.
    update(&mut state, key(KeyCode::F(2)));
    let ticket = picker_ticket(&state);
    update(
        &mut state,
        Event::Places {
            ticket,
            places: vec![place("work", "Reports › Archive", work(Some("b!lib")))],
            done: true,
        },
    );
    update(&mut state, ch('j'));
    update(&mut state, key(KeyCode::Enter));
    let text = screen(&state);
    assert!(text.contains("┌ work · Reports › Archive:/ "), "{text}");
    assert!(!text.contains("b!lib"), "{text}");
}

#[test]
fn slash_searches_sites_and_esc_closes() {
    let mut state = loaded((100, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::F(2)));
    let first = picker_ticket(&state);
    assert!(update(&mut state, ch('/')).is_empty());
    for c in "quarterly".chars() {
        update(&mut state, ch(c));
    }
    insta::assert_snapshot!("drive_picker_search", screen(&state));
    let effects = update(&mut state, key(KeyCode::Enter));
    let ticket = picker_ticket(&state);
    assert!(ticket > first);
    assert!(
        matches!(&effects[..], [Effect::SearchSites { ticket: t, text }] if *t == ticket && text == "quarterly"),
        "{effects:?}"
    );
    // Esc leaves the search line first, then the picker; the pane is unchanged.
    update(&mut state, ch('/'));
    update(&mut state, key(KeyCode::Esc));
    assert!(state.drive_picker.is_some());
    update(&mut state, key(KeyCode::Esc));
    assert!(!state.dialog_open());
    assert!(!state.panes[0].source.is_remote());
}

#[tokio::test]
async fn the_runner_lists_accounts_followed_libraries_and_found_sites() {
    let env = Env::new(Default::default()).await;
    env.sign_in();
    env.sign_in_work();
    // A second drive of the personal account, as /me/drives may list.
    let archive = env.emu.add_drive_for(0, "Archive drive");
    let (_, libraries) =
        env.emu
            .add_site("reports", "Quarterly <Reports>", &["Documents", "Archive"]);
    let (mut runner, mut rx) = signed_in_runner(&env).await;
    let collect = |rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>, ticket: u64| {
        let mut places = Vec::new();
        let mut messages = Vec::new();
        loop {
            match rx.try_recv() {
                Ok(Event::Places {
                    ticket: t,
                    places: batch,
                    done,
                }) if t == ticket => {
                    places.extend(batch);
                    if done {
                        return (places, messages);
                    }
                }
                Ok(Event::Message(text)) => messages.push(text),
                Ok(_) => {}
                Err(_) => return (places, messages),
            }
        }
    };
    runner.run(Effect::LoadPlaces { ticket: 7 });
    let mut places = Vec::new();
    for _ in 0..200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        let (batch, _) = collect(&mut rx, 7);
        places.extend(batch);
        if places.len() >= 5 {
            break;
        }
    }
    let labels: Vec<(&str, &str)> = places
        .iter()
        .map(|p| (p.owner.as_str(), p.label.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            (
                "ada@example.com",
                "OneDrive · Ada Example (ada@example.com)"
            ),
            ("work", "OneDrive · Ada Contoso (ada@contoso.com)"),
            ("ada@example.com", "Archive drive (ada@example.com)"),
            ("work", "Quarterly <Reports> › Documents"),
            ("work", "Quarterly <Reports> › Archive"),
        ]
    );
    assert_eq!(
        places[0].target,
        Location::Remote(RemotePath::root()),
        "the default account is OneDrive:"
    );
    assert_eq!(
        places[2].target,
        Location::Remote(RemotePath::root().in_drive(DriveSpec {
            account: None,
            drive_id: Some(archive),
            folder: None,
        })),
        "the default account's other drive"
    );
    assert_eq!(
        places[4].target,
        Location::Remote(RemotePath::root().in_drive(work(Some(&libraries[1])))),
    );

    runner.run(Effect::SearchSites {
        ticket: 8,
        text: "nothing".into(),
    });
    let mut messages = Vec::new();
    for _ in 0..200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        let (_, more) = collect(&mut rx, 8);
        messages.extend(more);
        if !messages.is_empty() {
            break;
        }
    }
    assert_eq!(messages, ["No site matches nothing"]);
}
