//! Going places: the go-to prompt (typed paths, Tab completion) and the hotlist,
//! through `update`, and the runner's side of them against the emulator.

use crossterm::event::KeyCode;
use odc_engine::transfer::Location;
use odc_graph::RemotePath;
use odc_tui::shell::router::{Effect, Event, update};
use odc_tui::shell::state::State;

use super::support::*;
use odc_testkit::Env;

fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, ch(c));
    }
}

fn asked_completion(effects: &[Effect]) -> (u64, Location) {
    match effects {
        [Effect::CompleteFolders { ticket, folder }] => (*ticket, folder.clone()),
        other => panic!("{other:?}"),
    }
}

fn input_of(state: &State) -> String {
    match &state.goto {
        Some(prompt) => prompt.input.value().to_string(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn go_to_a_typed_path_with_tab_completion() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    state.home = Some("/home/ada".into());
    update(&mut state, ch(':'));
    typed(&mut state, "~/pro");
    let (ticket, folder) = asked_completion(&update(&mut state, key(KeyCode::Tab)));
    assert_eq!(folder, Location::Local("/home/ada".into()));
    update(
        &mut state,
        Event::Completions {
            ticket,
            result: Ok(vec!["projects".into(), "programs".into(), "Music".into()]),
        },
    );
    assert_eq!(input_of(&state), "~/pro");
    insta::assert_snapshot!("go_to_candidates", screen(&state));
    typed(&mut state, "j");
    let (ticket, _) = asked_completion(&update(&mut state, key(KeyCode::Tab)));
    // An answer to an older Tab is dropped.
    update(
        &mut state,
        Event::Completions {
            ticket: ticket - 1,
            result: Ok(vec!["wrong".into()]),
        },
    );
    assert_eq!(input_of(&state), "~/proj");
    update(
        &mut state,
        Event::Completions {
            ticket,
            result: Ok(vec!["projects".into(), "programs".into()]),
        },
    );
    assert_eq!(input_of(&state), "~/projects/");
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::List { pane: 0, source, .. }] if source == &Location::Local("/home/ada/projects".into())),
        "{effects:?}"
    );
    assert!(!state.dialog_open());

    // In the OneDrive pane a / path is a OneDrive path; .. goes up.
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, ctrl('g'));
    typed(&mut state, "/Documents/Archive/..");
    let effects = update(&mut state, key(KeyCode::Enter));
    let documents = Location::Remote(RemotePath::parse("/Documents").unwrap());
    assert!(
        matches!(&effects[..], [Effect::List { pane: 1, source, .. }] if source == &documents),
        "{effects:?}"
    );
    // An empty path says so and keeps the prompt.
    update(&mut state, ch(':'));
    update(&mut state, key(KeyCode::Enter));
    assert!(state.dialog_open());
    assert_eq!(state.message.as_deref(), Some("Type a folder to go to"));
}

#[test]
fn the_hotlist_adds_goes_and_removes_and_is_saved() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let effects = odc_tui::shell::router::start(&mut state.clone());
    assert!(effects.contains(&Effect::LoadHotlist));
    let photos = Location::Remote(RemotePath::parse("/Photos").unwrap());
    update(&mut state, Event::Hotlist(Ok((vec![photos.clone()], 0))));
    update(&mut state, ctrl('4')); // Ctrl-\ as most terminals send it
    assert_eq!(state.hotlist.open, Some(0));
    let effects = update(&mut state, ch('a'));
    let here = state.panes[0].source.clone();
    assert_eq!(
        effects,
        vec![Effect::SaveHotlist(vec![photos.clone(), here.clone()])]
    );
    insta::assert_snapshot!("hotlist", screen(&state));
    // Adding it again only selects it.
    assert!(update(&mut state, ch('a')).is_empty());
    update(&mut state, ch('k'));
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::List { pane: 0, source, .. }] if source == &photos),
        "{effects:?}"
    );
    assert_eq!(
        state.panes[0].other_source, here,
        "F2 goes back to the local folder"
    );
    update(&mut state, ch('H'));
    let effects = update(&mut state, ch('d'));
    assert_eq!(effects, vec![Effect::SaveHotlist(vec![here])]);
    update(&mut state, key(KeyCode::Esc));
    assert!(!state.dialog_open());
}

#[tokio::test]
async fn the_runner_lists_folder_names_and_keeps_the_hotlist() {
    let env = Env::new(Default::default()).await;
    env.sign_in();
    env.emu.mkdir_p("/Documents/Archive");
    env.emu.mkdir_p("/Docs old");
    env.emu.put_file("/Documents.txt", b"not a folder");
    let local = env.local("tree");
    std::fs::create_dir_all(local.join("alpha")).unwrap();
    std::fs::write(local.join("afile"), b"x").unwrap();
    let (mut runner, mut rx) = signed_in_runner(&env).await;
    let mut next = async || {
        tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap()
    };

    runner.run(Effect::CompleteFolders {
        ticket: 7,
        folder: Location::Remote(RemotePath::root()),
    });
    match next().await {
        Event::Completions { ticket: 7, result } => {
            let mut names = result.unwrap();
            names.sort();
            assert_eq!(names, vec!["Docs old", "Documents"], "folders only");
        }
        other => panic!("{other:?}"),
    }
    runner.run(Effect::CompleteFolders {
        ticket: 8,
        folder: Location::Local(local.clone()),
    });
    match next().await {
        Event::Completions { ticket: 8, result } => assert_eq!(result.unwrap(), vec!["alpha"]),
        other => panic!("{other:?}"),
    }

    let folders = vec![
        Location::Local(local.clone()),
        Location::Remote(RemotePath::parse("/Docs old").unwrap()),
    ];
    runner.run(Effect::SaveHotlist(folders.clone()));
    // Saving is off the UI task: wait for the file.
    let file = env.dir.path().join("ui/hotlist.txt");
    for _ in 0..100 {
        if file.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    runner.run(Effect::LoadHotlist);
    match next().await {
        Event::Hotlist(Ok((read, 0))) => assert_eq!(read, folders),
        other => panic!("{other:?}"),
    }
}
