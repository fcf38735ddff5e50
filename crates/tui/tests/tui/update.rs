//! `update` is pure: events in, state and effects out.

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use odc_graph::RemotePath;
use odc_tui::shared::common::SignIn;
use odc_tui::shared::pane::{Location, SortKey};
use odc_tui::shell::router::{Effect, Event, update};
use odc_tui::shell::state::State;

use super::support::*;

fn names(state: &odc_tui::shell::state::State, pane: usize) -> Vec<String> {
    state.panes[pane]
        .visible_entries()
        .map(|e| e.name.clone())
        .collect()
}

fn cursor_name(state: &odc_tui::shell::state::State) -> String {
    state.active_pane().current().unwrap().name.clone()
}

#[test]
fn start_lists_the_local_pane_and_checks_the_session() {
    let mut state = state((80, 24));
    let effects = odc_tui::shell::router::start(&mut state);
    assert_eq!(effects[0], Effect::CheckSession);
    assert!(
        matches!(&effects[1], Effect::List { pane: 0, source: Location::Local(p), .. } if p.ends_with("projects"))
    );
    assert_eq!(effects[2], Effect::LoadHotlist);
    assert_eq!(
        effects.len(),
        3,
        "the OneDrive pane waits for sign-in: {effects:?}"
    );
    assert!(state.busy());
}

#[test]
fn pages_stream_in_sorted_and_stale_pages_are_dropped() {
    let mut state = state((80, 24));
    let effects = odc_tui::shell::router::start(&mut state);
    let ticket = ticket_of(&effects, 0);
    update(
        &mut state,
        Event::Page {
            pane: 0,
            ticket,
            entries: vec![entry("m.txt", false, 1), entry("z", true, 0)],
            done: false,
        },
    );
    assert!(state.panes[0].listing.loading);
    assert_eq!(cursor_name(&state), "z", "folders first");
    // Until the user moves, the cursor stays on the first row as pages land.
    update(
        &mut state,
        Event::Page {
            pane: 0,
            ticket,
            entries: vec![entry("c", true, 0)],
            done: false,
        },
    );
    assert_eq!(cursor_name(&state), "c");
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    assert_eq!(cursor_name(&state), "m.txt");
    update(
        &mut state,
        Event::Page {
            pane: 0,
            ticket,
            entries: vec![entry("a.txt", false, 1), entry("b", true, 0)],
            done: false,
        },
    );
    assert_eq!(names(&state, 0), ["b", "c", "z", "a.txt", "m.txt"]);
    assert_eq!(
        cursor_name(&state),
        "m.txt",
        "the cursor stays on the same name"
    );
    // A page with an old ticket (a listing navigated away from) is dropped.
    update(
        &mut state,
        Event::Page {
            pane: 0,
            ticket: ticket + 100,
            entries: vec![entry("stale", false, 1)],
            done: true,
        },
    );
    assert!(!names(&state, 0).contains(&"stale".to_string()));
    update(
        &mut state,
        Event::Page {
            pane: 0,
            ticket,
            entries: vec![],
            done: true,
        },
    );
    assert!(!state.panes[0].listing.loading);
}

#[test]
fn navigation_keys_move_and_scroll() {
    let many: Vec<_> = (0..100)
        .map(|i| entry(&format!("f{i:03}"), false, i))
        .collect();
    let mut state = loaded((80, 24), many, remote_entries());
    update(&mut state, ch('G'));
    assert_eq!(cursor_name(&state), "f099");
    assert_eq!(
        state.panes[0].scroll,
        100 - 20,
        "scrolled so the cursor shows"
    );
    update(&mut state, ch('g'));
    assert_eq!(cursor_name(&state), "f000");
    update(&mut state, key(KeyCode::PageDown));
    assert_eq!(cursor_name(&state), "f020");
    update(&mut state, key(KeyCode::Up));
    update(&mut state, ch('k'));
    assert_eq!(cursor_name(&state), "f018");
    update(&mut state, key(KeyCode::End));
    update(&mut state, key(KeyCode::Down));
    assert_eq!(cursor_name(&state), "f099", "stops at the end");
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(state.active, 1);
    assert_eq!(cursor_name(&state), "Documents");
}

#[test]
fn entering_a_folder_and_coming_back_puts_the_cursor_on_it() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, ch('j'));
    assert_eq!(cursor_name(&state), "Many files");
    let effects = update(&mut state, key(KeyCode::Enter));
    let ticket = ticket_of(&effects, 1);
    assert_eq!(
        state.panes[1].source,
        Location::Remote(RemotePath::parse("/Many files").unwrap())
    );
    assert!(state.panes[1].entries.is_empty() && state.panes[1].listing.loading);
    update(
        &mut state,
        Event::Page {
            pane: 1,
            ticket,
            entries: vec![remote_entry("file-00001.txt", false, 40)],
            done: true,
        },
    );
    let effects = update(&mut state, key(KeyCode::Backspace));
    let ticket = ticket_of(&effects, 1);
    assert_eq!(state.panes[1].source, Location::Remote(RemotePath::root()));
    update(
        &mut state,
        Event::Page {
            pane: 1,
            ticket,
            entries: remote_entries(),
            done: true,
        },
    );
    assert_eq!(cursor_name(&state), "Many files");
    // At the root, parent does nothing.
    assert!(update(&mut state, ch('h')).is_empty());
}

#[test]
fn opening_files() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('G'));
    // Enter shows a local file's details (a headless server has no app to open
    // it with); `o` opens it with the desktop's application.
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    let details = state.details.clone().unwrap();
    assert!(
        details.path.starts_with("/home/ada/projects/"),
        "{details:?}"
    );
    let text = screen(&state);
    assert!(
        text.contains("kind") && text.contains("file") && !text.contains("QuickXorHash"),
        "{text}"
    );
    update(&mut state, ch('x'));
    let effects = update(&mut state, ch('o'));
    assert!(
        matches!(&effects[..], [Effect::OpenLocal(p)] if p.ends_with("README.md") || p.ends_with("notes 海辺の夕日.txt")),
        "{effects:?}"
    );
    update(&mut state, ch('g'));
    update(&mut state, ch('i'));
    assert_eq!(
        state.details.as_ref().unwrap().entry.name,
        "src",
        "i: details of a folder too"
    );
    update(&mut state, ch('x'));
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, ch('G'));
    assert!(update(&mut state, key(KeyCode::Right)).is_empty());
    let details = state.details.clone().unwrap();
    assert!(details.path.starts_with("OneDrive:/"), "{details:?}");
    assert!(details.entry.remote.is_some());
    update(&mut state, ch('x'));
    assert!(state.details.is_none(), "any key closes the details");
}

#[test]
fn filter_as_you_type() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('/'));
    for c in "RE".chars() {
        update(&mut state, ch(c));
    }
    assert_eq!(names(&state, 0), ["README.md"], "case-insensitive match");
    update(&mut state, key(KeyCode::Enter));
    assert!(!state.panes[0].filter_editing);
    assert_eq!(names(&state, 0), ["README.md"], "Enter keeps the filter");
    update(&mut state, ch('j'));
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(names(&state, 0).len(), 5, "Esc clears it");
    assert_eq!(
        cursor_name(&state),
        "README.md",
        "the cursor stays on the row it was on"
    );
    update(&mut state, ch('/'));
    update(&mut state, ch('z'));
    assert!(names(&state, 0).is_empty());
    update(&mut state, key(KeyCode::Esc));
    assert!(state.panes[0].filter.is_none());
}

#[test]
fn clearing_a_filter_scrolls_to_the_cursor() {
    let many: Vec<_> = (0..200)
        .map(|i| entry(&format!("f{i:03}"), false, i))
        .collect();
    let mut state = loaded((80, 24), many, remote_entries());
    for c in "/f150".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(cursor_name(&state), "f150");
    let pane = &state.panes[0];
    assert!(
        pane.scroll <= 150 && 150 < pane.scroll + 20,
        "scroll {}",
        pane.scroll
    );
}

#[test]
fn sort_hidden_and_marks() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    assert_eq!(
        names(&state, 0),
        [
            "src",
            "target",
            "Cargo.toml",
            "notes 海辺の夕日.txt",
            "README.md"
        ]
    );
    update(&mut state, ch('.'));
    assert_eq!(names(&state, 0)[0], ".git");
    update(&mut state, ch('.'));
    update(&mut state, ch('s'));
    assert_eq!(state.panes[0].sort.key, SortKey::Name);
    assert!(state.panes[0].sort.descending);
    assert_eq!(
        names(&state, 0),
        [
            "target",
            "src",
            "README.md",
            "notes 海辺の夕日.txt",
            "Cargo.toml"
        ]
    );
    update(&mut state, ch('s'));
    assert_eq!(state.panes[0].sort.key, SortKey::Size);
    assert_eq!(
        names(&state, 0)[2],
        "README.md",
        "largest file first, folders still first"
    );
    assert_eq!(state.message.as_deref(), Some("Sorted by size"));

    update(&mut state, ch('g'));
    update(&mut state, ch(' '));
    update(&mut state, key(KeyCode::Insert));
    assert_eq!(state.panes[0].marked.len(), 2);
    assert_eq!(state.panes[0].cursor, 2, "marking moves down");
    update(&mut state, ch('*'));
    assert_eq!(state.panes[0].marked.len(), 3, "inverted");
    assert!(!state.panes[0].marked.contains(&names(&state, 0)[0]));
}

#[test]
fn sign_in_states() {
    let mut state = state((80, 24));
    odc_tui::shell::router::start(&mut state);
    let effects = update(&mut state, Event::SignInNeeded);
    assert_eq!(effects, [Effect::StartSignIn]);
    assert_eq!(state.sign_in, SignIn::Starting);
    update(
        &mut state,
        Event::SignInCode {
            user_code: "ABC".into(),
            verification_uri: "https://x/devicelogin".into(),
            expires_at: 1_800_000_000 + 900,
        },
    );
    assert!(matches!(state.sign_in, SignIn::Waiting { .. }));
    update(
        &mut state,
        Event::SignInTrouble(Some("cannot reach the sign-in service".into())),
    );
    assert!(
        matches!(&state.sign_in, SignIn::Waiting { trouble: Some(t), .. } if t.contains("cannot reach"))
    );
    // The OneDrive pane takes sign-in keys; the local pane works as usual.
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(
        update(&mut state, ch('o')),
        [Effect::OpenBrowser("https://x/devicelogin".into())]
    );
    assert!(update(&mut state, ch('j')).is_empty());
    update(
        &mut state,
        Event::SignInFailed("sign-in was declined".into()),
    );
    assert_eq!(state.sign_in, SignIn::Failed("sign-in was declined".into()));
    assert_eq!(
        update(&mut state, key(KeyCode::Enter)),
        [Effect::StartSignIn],
        "Enter tries again"
    );
    let effects = update(&mut state, Event::SignedIn(Default::default()));
    assert!(effects.contains(&Effect::FetchAccount));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::List { pane: 1, .. }))
    );
    assert!(state.signed_in());
}

#[test]
fn listing_errors_show_and_refresh_retries() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let effects = update(&mut state, ctrl('r'));
    let ticket = ticket_of(&effects, 0);
    update(
        &mut state,
        Event::ListFailed {
            pane: 0,
            ticket,
            message: "permission denied".into(),
            not_a_folder: false,
        },
    );
    assert_eq!(
        state.panes[0].listing.error.as_deref(),
        Some("permission denied")
    );
    assert!(!state.busy(), "nothing to animate: idle");
    let effects = update(&mut state, ctrl('r'));
    assert!(matches!(effects[..], [Effect::List { pane: 0, .. }]));
    assert!(state.panes[0].listing.error.is_none());
}

#[test]
fn switching_a_pane_between_local_and_onedrive() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let effects = update(&mut state, ch('b'));
    assert!(
        matches!(&effects[..], [Effect::List { pane: 0, source: Location::Remote(p), .. }] if p.is_root())
    );
    let effects = update(&mut state, ch('b'));
    assert!(matches!(
        &effects[..],
        [Effect::List {
            pane: 0,
            source: Location::Local(_),
            ..
        }]
    ));
}

#[test]
fn mouse_focuses_selects_and_scrolls() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 60,
        row: 3,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut state, Event::Mouse(click));
    assert_eq!(state.active, 1);
    assert_eq!(cursor_name(&state), "Photos", "row 3 is the third entry");
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 60,
        row: 5,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut state, Event::Mouse(wheel));
    assert_eq!(state.panes[1].cursor, 5);
}

#[test]
fn help_quit_suspend_and_signals() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::F(1)));
    assert!(state.help);
    update(&mut state, ch('q'));
    assert!(!state.help && !state.quit, "the first key closes help");
    assert_eq!(update(&mut state, ctrl('z')), [Effect::Suspend]);
    assert_eq!(update(&mut state, key(KeyCode::F(10))), [Effect::Quit]);
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    assert_eq!(update(&mut state, Event::Terminate), [Effect::Quit]);
    assert!(state.quit);
}

#[test]
fn resize_keeps_the_cursor_on_screen() {
    let many: Vec<_> = (0..100)
        .map(|i| entry(&format!("f{i:03}"), false, i))
        .collect();
    let mut state = loaded((80, 40), many, remote_entries());
    for _ in 0..30 {
        update(&mut state, ch('j'));
    }
    assert_eq!(state.panes[0].scroll, 0);
    update(&mut state, Event::Resize(80, 20));
    assert_eq!(state.size, (80, 20));
    let rows = odc_tui::shell::state::pane_rows(state.size);
    let pane = &state.panes[0];
    assert!(pane.cursor >= pane.scroll && pane.cursor < pane.scroll + rows);
}

#[test]
fn swap_panes_and_same_folder_in_the_other_pane() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    // Ctrl-U swaps the panes, the active one stays on the same side.
    assert!(update(&mut state, ctrl('u')).is_empty());
    assert!(state.panes[0].source.is_remote() && !state.panes[1].source.is_remote());
    assert_eq!(names(&state, 0)[0], "Documents");
    update(&mut state, ctrl('u'));
    // = shows the active pane's folder in the other pane, which lists it; b there
    // goes back to where it was.
    let effects = update(&mut state, ch('='));
    assert!(
        matches!(&effects[..], [Effect::List { pane: 1, source, .. }] if source == &state.panes[0].source),
        "{effects:?}"
    );
    update(&mut state, key(KeyCode::Tab));
    let effects = update(&mut state, ch('b'));
    assert!(
        matches!(&effects[..], [Effect::List { pane: 1, source, .. }] if source.is_remote()),
        "{effects:?}"
    );

    // Swapping while a pane loads asks for its listing again under its new index.
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::Enter)); // into src: pane 0 loads
    let effects = update(&mut state, ctrl('u'));
    assert!(
        matches!(&effects[..], [Effect::List { pane: 1, source, .. }] if source.to_string().ends_with("/src")),
        "{effects:?}"
    );
}

/// Go-to a file opens its folder with the cursor on the file; a path that
/// cannot be listed leaves the pane where it was, with a message.
#[test]
fn go_to_a_file_opens_its_folder_and_a_missing_path_changes_nothing() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let before = state.panes[0].source.clone();
    // Types `text` in the go-to prompt; its listing then fails with `message`.
    let goto_failing = |state: &mut State, text: &str, message: &str, not_a_folder: bool| {
        update(state, ctrl('g'));
        for c in text.chars() {
            update(state, ch(c));
        }
        let effects = update(state, key(KeyCode::Enter));
        let ticket = ticket_of(&effects, 0);
        update(
            state,
            Event::ListFailed {
                pane: 0,
                ticket,
                message: message.into(),
                not_a_folder,
            },
        );
    };
    goto_failing(
        &mut state,
        "/home/ada/projects/Cargo.toml",
        "/home/ada/projects/Cargo.toml: Not a directory (os error 20)",
        true,
    );
    assert_eq!(state.panes[0].source, before, "its folder");
    assert_eq!(state.panes[0].want_cursor.as_deref(), Some("Cargo.toml"));
    assert!(state.panes[0].listing.error.is_none());

    goto_failing(
        &mut state,
        "/nowhere/at/all",
        "/nowhere/at/all: No such file or directory (os error 2)",
        false,
    );
    assert_eq!(state.panes[0].source, before, "back where it was");
    assert!(state.panes[0].listing.error.is_none());
    assert!(
        state
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("No such file"),
        "{:?}",
        state.message
    );
}

/// `z`: folders show their total size. A local pane walks them (off the UI task)
/// and shows … until the totals arrive; sorting by size then orders folders too;
/// OneDrive folders carry their totals already.
#[test]
fn folder_sizes_show_and_sort() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let effects = update(&mut state, ch('z'));
    let ticket = match &effects[..] {
        [
            odc_tui::shell::router::Effect::FolderSizes {
                pane: 0,
                ticket,
                dir,
                names,
            },
        ] => {
            assert_eq!(dir, &std::path::PathBuf::from("/home/ada/projects"));
            assert_eq!(
                names,
                &[".git".to_string(), "src".to_string(), "target".to_string()]
            );
            *ticket
        }
        other => panic!("{other:?}"),
    };
    assert!(screen(&state).contains('…'), "{}", screen(&state));
    update(
        &mut state,
        Event::FolderSizes {
            pane: 0,
            ticket,
            sizes: vec![("src".into(), 5 << 20), ("target".into(), 700 << 20)],
        },
    );
    let shown = screen(&state);
    assert!(
        shown.contains("700 MiB") && shown.contains("5 MiB"),
        "{shown}"
    );
    // Sorted by size (largest first): target before src.
    update(&mut state, ch('s'));
    update(&mut state, ch('s'));
    assert_eq!(state.panes[0].sort.label(), "size");
    let names: Vec<&str> = state.panes[0]
        .visible_entries()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(&names[..2], ["target", "src"]);
    // The OneDrive pane needs no walk.
    update(&mut state, key(KeyCode::Tab));
    assert!(update(&mut state, ch('z')).is_empty());
    // An answer for an older listing is dropped.
    update(&mut state, key(KeyCode::Tab));
    update(
        &mut state,
        Event::FolderSizes {
            pane: 0,
            ticket: ticket + 100,
            sizes: vec![("src".into(), 1)],
        },
    );
    assert!(screen(&state).contains("5 MiB"));
}
