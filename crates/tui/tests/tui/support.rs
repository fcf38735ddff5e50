use std::path::PathBuf;
use std::sync::Arc;

use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use odc_core::config::Config;
use odc_graph::RemotePath;
use odc_tui::shared::keymap::Keymap;
use odc_tui::shared::pane::{Entry, RemoteDetails};
use odc_tui::shell::router::{self, Effect, Event};
use odc_tui::shell::state::State;

pub fn state(size: (u16, u16)) -> State {
    let config = Config::defaults();
    let keymap = Arc::new(Keymap::from_config(&config.keys).unwrap());
    let mut state = odc_tui::shell::state::initial_state(
        &config,
        keymap,
        PathBuf::from("/home/ada/projects"),
        RemotePath::root(),
        size,
        false,
    );
    state.now = 1_800_000_000;
    state
}

pub fn time(minute: u32) -> Option<chrono::DateTime<chrono::Utc>> {
    Some(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 2, 9, minute, 0)
            .unwrap(),
    )
}

pub fn entry(name: &str, is_dir: bool, size: u64) -> Entry {
    Entry {
        name: name.into(),
        is_dir,
        size,
        modified: time((size % 60) as u32),
        remote: None,
    }
}

pub fn remote_entry(name: &str, is_dir: bool, size: u64) -> Entry {
    Entry {
        remote: Some(RemoteDetails {
            id: format!("ID!{name}"),
            created: time(1),
            quick_xor_hash: (!is_dir).then(|| "aCgDG9jwBhDc4Q1yawMZAAAAAAA=".to_string()),
            kind: if is_dir { "folder" } else { "file" },
            shared: None,
            web_url: None,
            left_alone: None,
        }),
        ..entry(name, is_dir, size)
    }
}

pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Event {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Applies the start effects and returns the ticket of pane `pane`'s listing.
pub fn ticket_of(effects: &[Effect], pane: usize) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::List {
                pane: p, ticket, ..
            } if *p == pane => Some(*ticket),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no listing for pane {pane} in {effects:?}"))
}

/// A state signed in, with both panes listed.
pub fn loaded(size: (u16, u16), left: Vec<Entry>, right: Vec<Entry>) -> State {
    let mut state = state(size);
    let effects = router::start(&mut state);
    let left_ticket = ticket_of(&effects, 0);
    router::update(
        &mut state,
        Event::Page {
            pane: 0,
            ticket: left_ticket,
            entries: left,
            done: true,
        },
    );
    let effects = router::update(
        &mut state,
        Event::SignedIn(odc_tui::shared::common::AccountInfo {
            name: "ada@example.com".into(),
            ..Default::default()
        }),
    );
    let right_ticket = ticket_of(&effects, 1);
    router::update(
        &mut state,
        Event::Page {
            pane: 1,
            ticket: right_ticket,
            entries: right,
            done: true,
        },
    );
    router::update(
        &mut state,
        Event::Account(odc_tui::shared::common::AccountInfo {
            name: "ada@example.com".into(),
            quota_used: Some(3_350_000_000),
            quota_total: Some(1 << 40),
        }),
    );
    state.message = None;
    state
}

pub fn local_entries() -> Vec<Entry> {
    vec![
        entry("src", true, 0),
        entry("target", true, 0),
        entry(".git", true, 0),
        entry("Cargo.toml", false, 1_530),
        entry("README.md", false, 12_288),
        entry("notes 海辺の夕日.txt", false, 45),
        entry(".env", false, 12),
    ]
}

pub fn remote_entries() -> Vec<Entry> {
    vec![
        remote_entry("Documents", true, 114_216),
        remote_entry("Photos", true, 28_300_000),
        remote_entry("Many files", true, 208_893),
        remote_entry("notes.txt", false, 30),
        remote_entry("Ünïcødé 😀.txt", false, 20),
        remote_entry("evil\u{1b}[31mred.txt", false, 7),
    ]
}

/// The whole screen for `state`, as text.
pub fn screen(state: &State) -> String {
    let (w, h) = state.size;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|frame| odc_tui::shell::frame::render(state, frame))
        .unwrap();
    terminal.backend().to_string()
}

/// A runner for `env`'s account (signed in beforehand) and its events, once it has
/// seen the sign-in: for tests of what the runner does against the emulator.
pub async fn signed_in_runner(
    env: &odc_testkit::Env,
) -> (
    odc_tui::shell::runner::Runner,
    tokio::sync::mpsc::UnboundedReceiver<Event>,
) {
    let places = odc_tui::Places::under(&env.dir.path().join("ui"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner =
        odc_tui::shell::runner::Runner::new(tx, env.config.clone(), env.store.clone(), places);
    runner.run(Effect::CheckSession);
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("the runner went quiet")
            .expect("the runner is gone");
        if matches!(event, Event::SignedIn(_)) {
            return (runner, rx);
        }
    }
}
