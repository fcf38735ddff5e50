//! Find: results as a folder of paths through `update`, and the runner's local walk
//! and OneDrive search against the emulator (business drives give search results
//! without a parent path, so folders are found by id).

use crossterm::event::KeyCode;
use odc_emulator::{EmulatorOptions, Profile};
use odc_engine::transfer::Location;
use odc_graph::RemotePath;
use odc_tui::shared::pane::Entry;
use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;
use odc_testkit::Env;

#[test]
fn find_results_are_a_folder_of_paths_and_enter_goes_to_one() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('F'));
    assert!(state.find.is_some());
    for c in "*.rs".chars() {
        update(&mut state, ch(c));
    }
    let effects = update(&mut state, key(KeyCode::Enter));
    let ticket = match &effects[..] {
        [
            Effect::Find {
                pane: 0,
                ticket,
                base,
                query,
                filter,
            },
        ] => {
            assert_eq!(base, &Location::Local("/home/ada/projects".into()));
            assert_eq!(query, "*.rs");
            assert_eq!(filter, "");
            *ticket
        }
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Event::Page {
            pane: 0,
            ticket,
            entries: vec![
                entry("src/main.rs", false, 120),
                entry("src/tui/app.rs", false, 4_000),
            ],
            done: true,
        },
    );
    insta::assert_snapshot!("find_results", screen(&state));
    // Actions on a result use its full path; folder operations are refused.
    update(&mut state, ch('j'));
    let effects = update(&mut state, key(KeyCode::F(4)));
    assert!(
        matches!(&effects[..], [Effect::RunEditor { path, .. }] if path == std::path::Path::new("/home/ada/projects/src/tui/app.rs")),
        "{effects:?}"
    );
    update(
        &mut state,
        Event::EditorExited {
            ticket: 0,
            result: Ok(()),
        },
    );
    state.editing = None;
    update(&mut state, ch('r'));
    assert!(!state.dialog_open());
    assert!(state.message.as_deref().unwrap().contains("find results"));
    // Enter: the item's folder, with the cursor on it.
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::List { pane: 0, source, .. }] if source == &Location::Local("/home/ada/projects/src/tui".into())),
        "{effects:?}"
    );
    assert_eq!(state.panes[0].want_cursor.as_deref(), Some("app.rs"));
    assert!(state.panes[0].found.is_none());
}

#[test]
fn backspace_leaves_the_results_and_nothing_found_says_so() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, ch('F'));
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        state.message.as_deref(),
        Some("Type a name or a pattern to find")
    );
    update(&mut state, ch('x'));
    let effects = update(&mut state, key(KeyCode::Enter));
    let ticket = match &effects[..] {
        [
            Effect::Find {
                pane: 1, ticket, ..
            },
        ] => *ticket,
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Event::Page {
            pane: 1,
            ticket,
            entries: vec![],
            done: true,
        },
    );
    assert!(screen(&state).contains("(nothing found)"));
    let effects = update(&mut state, key(KeyCode::Backspace));
    assert!(
        matches!(&effects[..], [Effect::List { pane: 1, source, .. }] if source == &Location::Remote(RemotePath::root())),
        "{effects:?}"
    );
}

async fn found(
    runner: &mut odc_tui::shell::runner::Runner,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>,
    base: Location,
    query: &str,
    filter: &str,
) -> Vec<Entry> {
    runner.run(Effect::Find {
        pane: 0,
        ticket: 9,
        base,
        query: query.into(),
        filter: filter.into(),
    });
    let mut entries = Vec::new();
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        match event {
            Event::Page {
                entries: page,
                done,
                ..
            } => {
                entries.extend(page);
                if done {
                    break;
                }
            }
            Event::ListFailed { message, .. } => panic!("{message}"),
            _ => {}
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

#[tokio::test]
async fn the_runner_finds_below_a_local_folder_and_searches_onedrive() {
    let env = Env::with(EmulatorOptions {
        profile: Profile::Business,
        ..Default::default()
    })
    .await;
    env.sign_in();
    env.emu.put_file("/Work/2025/Q3 report.docx", b"q3");
    env.emu.put_file("/Work/notes.txt", b"n");
    env.emu
        .put_file("/Report.pdf", b"outside the folder searched");
    let local = env.local("tree");
    std::fs::create_dir_all(local.join("a/b")).unwrap();
    std::fs::write(local.join("a/b/Report-final.txt"), b"x").unwrap();
    std::fs::write(local.join("report.md"), b"y").unwrap();
    std::fs::write(local.join("other.txt"), b"z").unwrap();
    // A link back up must not be walked round and round.
    std::os::unix::fs::symlink(&local, local.join("a/loop")).unwrap();

    let (mut runner, mut rx) = signed_in_runner(&env).await;

    let names: Vec<String> = found(
        &mut runner,
        &mut rx,
        Location::Local(local.clone()),
        "report",
        "",
    )
    .await
    .into_iter()
    .map(|e| e.name)
    .collect();
    assert_eq!(names, vec!["a/b/Report-final.txt", "report.md"]);
    // Through a filter: a folder it excludes is not entered, a file not shown.
    let names: Vec<String> = found(
        &mut runner,
        &mut rx,
        Location::Local(local.clone()),
        "report",
        "- /a/; - *.md",
    )
    .await
    .into_iter()
    .map(|e| e.name)
    .collect();
    assert!(names.is_empty(), "{names:?}");

    let work = Location::Remote(RemotePath::parse("/Work").unwrap());
    let excluded = found(&mut runner, &mut rx, work.clone(), "report", "- 2025/").await;
    assert!(
        excluded.is_empty(),
        "a result below an excluded folder is left out"
    );
    let entries = found(&mut runner, &mut rx, work, "report", "").await;
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["2025/Q3 report.docx"],
        "only below /Work, by path"
    );
    assert!(entries[0].remote.is_some());
}

/// Graph's search results carry `parentReference.path` on personal drives and not
/// on business ones (onedrive-api-docs issues 451, 1234, 1870); the emulator too.
#[tokio::test]
async fn business_search_results_have_no_parent_path() {
    use futures::StreamExt;
    for (profile, has_path) in [(Profile::Personal, true), (Profile::Business, false)] {
        let env = Env::with(EmulatorOptions {
            profile,
            ..Default::default()
        })
        .await;
        env.sign_in();
        let graph = env.graph();
        env.emu.put_file("/Docs/it's here.txt", b"x");
        let root = graph
            .item(&odc_graph::ItemAddress::Path(RemotePath::root()))
            .await
            .unwrap();
        let pages: Vec<_> = graph.search(&root.id, "it's").collect().await;
        let items: Vec<_> = pages.into_iter().flat_map(|p| p.unwrap()).collect();
        assert_eq!(items.len(), 1, "{profile:?}: a quote in the query works");
        let parent = items[0].parent_reference.as_ref().unwrap();
        assert!(parent.id.is_some());
        assert_eq!(parent.path.is_some(), has_path, "{profile:?}");
    }
}

/// The find prompt's second field is the session's filter (Tab goes to it): a rule
/// that is not one is said, a good one goes out with the find and stays for the
/// session.
#[test]
fn find_takes_the_sessions_filter() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('F'));
    for c in "*.rs".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Tab));
    for c in "target/".chars() {
        update(&mut state, ch(c));
    }
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(state.message.as_deref().unwrap().contains("is not a rule"));
    update(&mut state, key(KeyCode::Home));
    for c in "- ".chars() {
        update(&mut state, ch(c));
    }
    assert_eq!(state.find.as_ref().unwrap().filter.value(), "- target/");
    let shown = screen(&state);
    assert!(
        shown.contains("Filter, rclone's rules") && shown.contains("*.rs"),
        "{shown}"
    );
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::Find { query, filter, .. }] if query == "*.rs" && filter == "- target/"),
        "{effects:?}"
    );
    assert_eq!(state.filter_rules, "- target/");
}
