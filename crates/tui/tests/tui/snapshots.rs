//! Whole screens in a TestBackend, compared with insta snapshots (tests/tui/snapshots/).

use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;

#[test]
fn both_panes() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('j'));
    update(&mut state, ch(' '));
    insta::assert_snapshot!("both_panes", screen(&state));
}

#[test]
fn both_panes_wide_with_times() {
    let state = loaded((120, 16), local_entries(), remote_entries());
    insta::assert_snapshot!("both_panes_wide", screen(&state));
}

#[test]
fn sign_in_screen_with_qr_code() {
    let mut state = state((100, 30));
    let effects = odc_tui::shell::router::start(&mut state);
    let ticket = ticket_of(&effects, 0);
    update(
        &mut state,
        Event::Page {
            pane: 0,
            ticket,
            entries: local_entries(),
            done: true,
        },
    );
    update(&mut state, Event::SignInNeeded);
    update(
        &mut state,
        Event::SignInCode {
            user_code: "F7K2QX9PL".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_at: 1_800_000_000 + 754,
        },
    );
    insta::assert_snapshot!("sign_in_qr", screen(&state));
}

#[test]
fn sign_in_screen_small_and_failed() {
    let mut state = state((80, 24));
    odc_tui::shell::router::start(&mut state);
    update(&mut state, Event::SignInNeeded);
    update(
        &mut state,
        Event::SignInCode {
            user_code: "F7K2QX9PL".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_at: 1_800_000_000 + 900,
        },
    );
    update(
        &mut state,
        Event::SignInTrouble(Some("cannot reach the sign-in service".into())),
    );
    insta::assert_snapshot!("sign_in_small_trouble", screen(&state));
    update(
        &mut state,
        Event::SignInFailed("the code expired before sign-in finished; start again".into()),
    );
    insta::assert_snapshot!("sign_in_failed", screen(&state));
}

#[test]
fn a_loading_pane() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(crossterm::event::KeyCode::Tab));
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    let effects = update(&mut state, key(crossterm::event::KeyCode::Enter));
    let ticket = ticket_of(&effects, 1);
    let page: Vec<_> = (1..=3000)
        .map(|i| remote_entry(&format!("file-{i:05}.txt"), false, 40))
        .collect();
    update(
        &mut state,
        Event::Page {
            pane: 1,
            ticket,
            entries: page,
            done: false,
        },
    );
    insta::assert_snapshot!("loading", screen(&state));
}

#[test]
fn filter_and_error() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('/'));
    update(&mut state, ch('o'));
    let effects = update(
        &mut state,
        Event::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Tab,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert!(effects.is_empty());
    insta::assert_snapshot!("filter_editing", screen(&state));
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let effects = update(&mut state, ctrl('r'));
    let ticket = ticket_of(&effects, 0);
    update(
        &mut state,
        Event::ListFailed {
            pane: 0,
            ticket,
            message: "/home/ada/projects: Permission denied (os error 13)".into(),
            not_a_folder: false,
        },
    );
    insta::assert_snapshot!("listing_error", screen(&state));
}

#[test]
fn help_overlay() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(crossterm::event::KeyCode::F(1)));
    insta::assert_snapshot!("help", screen(&state));
    // Every context is listed: what does not fit scrolls into view.
    update(&mut state, key(crossterm::event::KeyCode::PageDown));
    update(&mut state, key(crossterm::event::KeyCode::PageDown));
    let text = screen(&state);
    assert!(
        text.contains("Viewer: ") && text.contains("Edited: "),
        "{text}"
    );
    insta::assert_snapshot!("help_scrolled", text);
    update(&mut state, ch('x'));
    assert!(!state.help);
}

/// At 60 columns the keys are one column: no description is cut to a stub.
#[test]
fn help_on_a_narrow_screen() {
    let mut state = loaded((60, 24), local_entries(), remote_entries());
    update(&mut state, key(crossterm::event::KeyCode::F(1)));
    let text = screen(&state);
    assert!(text.contains("Down/j            cursor down "), "{text}");
    insta::assert_snapshot!("help_narrow", text);
}

/// A message that does not fit beside the account takes its room: it is read
/// whole on an 80-column screen.
#[test]
fn a_long_message_is_shown_whole_at_80_columns() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let message = "broken.bin: the OneDrive is full (quota exceeded); free some space";
    state.message = Some(message.into());
    let text = screen(&state);
    assert!(text.contains(message), "{text}");
}

#[test]
fn details_overlay() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(crossterm::event::KeyCode::Tab));
    update(&mut state, ch('G'));
    update(&mut state, ch('k'));
    update(&mut state, key(crossterm::event::KeyCode::Enter));
    insta::assert_snapshot!("details", screen(&state));
}

#[test]
fn narrow_and_too_small() {
    let state = loaded((40, 12), local_entries(), remote_entries());
    insta::assert_snapshot!("smallest_usable", screen(&state));
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, Event::Resize(20, 10));
    insta::assert_snapshot!("too_small", screen(&state));
}

#[test]
fn sign_in_in_the_browser_from_the_panel() {
    let mut state = state((100, 24));
    odc_tui::shell::router::start(&mut state);
    update(&mut state, Event::SignInNeeded);
    update(
        &mut state,
        Event::SignInCode {
            user_code: "F7K2QX9PL".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_at: 1_800_000_000 + 900,
        },
    );
    // The focus is on the local pane; w belongs to the sign-in panel.
    update(&mut state, key(crossterm::event::KeyCode::Tab));
    let effects = update(&mut state, ch('w'));
    assert_eq!(effects, [Effect::StartBrowserSignIn]);
    // The page's address arrives from the runner; a hostile one is escaped.
    update(
        &mut state,
        Event::SignInBrowser(
            "http://127.0.0.1:9/common/oauth2/v2.0/authorize?state=\x1b[2Jx".into(),
        ),
    );
    let text = screen(&state);
    assert!(!text.contains('\x1b'), "{text}");
    insta::assert_snapshot!("sign_in_browser", text);
    // A failure offers both ways again.
    update(
        &mut state,
        Event::SignInFailed("sign-in was declined in the browser".into()),
    );
    let text = screen(&state);
    assert!(
        text.contains("try again with a code  w: in the") && text.contains("browser"),
        "{text}"
    );
    assert_eq!(update(&mut state, ch('w')), [Effect::StartBrowserSignIn]);
}

#[tokio::test]
async fn the_runner_signs_in_through_the_browser() {
    let env = odc_testkit::Env::new(Default::default()).await;
    let places = odc_tui::Places::under(&env.dir.path().join("ui"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner =
        odc_tui::shell::runner::Runner::new(tx, env.config.clone(), env.store.clone(), places);
    runner.run(Effect::StartBrowserSignIn);
    let wait = |rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>| {
        let event = rx.try_recv();
        event.ok()
    };
    let mut url = None;
    for _ in 0..500 {
        if let Some(Event::SignInBrowser(shown)) = wait(&mut rx) {
            url = Some(shown);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let url = url.expect("the runner shows the sign-in page's address");
    // The person's browser: the consent page, "Accept", back to odc's listener.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .no_proxy()
        .build()
        .unwrap();
    let page = odc_testkit::page_text(&browser, &url).await;
    let link = odc_testkit::consent_link(&page, "approve-0");
    let base = url.split("/authorize").next().unwrap();
    let landing = odc_testkit::page_text(&browser, &format!("{base}/{link}")).await;
    assert!(landing.contains("You can close this tab"), "{landing}");
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            Event::SignedIn(account) => {
                assert_eq!(account.name, "ada@example.com");
                break;
            }
            Event::SignInFailed(problem) => panic!("{problem}"),
            _ => {}
        }
    }
    assert_eq!(
        env.store.current(&env.config).unwrap().unwrap().username,
        "ada@example.com"
    );
}

/// A notebook, the vault and a shortcut are shown for what they are, not as a
/// file of some size.
#[test]
fn notebooks_the_vault_and_shortcuts_are_marked() {
    let mut remote = remote_entries();
    for (name, kind, is_dir) in [
        ("Class Notes", "notebook", false),
        ("Personal Vault", "vault", true),
        ("Shared Photos", "shared", false),
    ] {
        let mut entry = remote_entry(name, is_dir, 1234);
        if let Some(details) = entry.remote.as_mut() {
            details.kind = kind;
        }
        remote.push(entry);
    }
    let state = loaded((100, 30), local_entries(), remote);
    let text = screen(&state);
    for (name, mark) in [
        ("Class Notes", "<notebook>"),
        ("Personal Vault/", "<vault>"),
        ("Shared Photos", "<shared>"),
    ] {
        let line = text.lines().find(|l| l.contains(name)).unwrap_or_default();
        assert!(line.contains(mark), "{name}: {line}");
    }
}
