//! File operations in the UI: dialogs, transfer questions, the transfers panel.

use crossterm::event::KeyCode;
use odc_engine::transfer::operations::LocalDelete;
use odc_engine::transfer::{
    ConflictAnswer, Direction, ErrorAnswer, Kind, Location, Resolution, TaskInfo, TaskState,
};
use odc_graph::RemotePath;
use odc_tui::features::files::FilesDialog;
use odc_tui::features::transfers::TransferDialog;
use odc_tui::shared::messages::transfers::{ConflictView, ErrorView};
use odc_tui::shell::router::{Effect, Event, update};
use odc_tui::shell::state::State;

use super::support::*;

fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, ch(c));
    }
}

fn with_tasks() -> State {
    let mut state = loaded((100, 30), local_entries(), remote_entries());
    let rows = [
        (1, "report.pdf", Direction::Upload, 48_213),
        (2, "video-100MiB.mp4", Direction::Download, 104_857_600),
        (3, "Ünïcødé 😀.txt", Direction::RemoteCopy, 20),
        (4, "broken.bin", Direction::Upload, 5_000_000),
    ];
    for (id, name, direction, total) in rows {
        update(
            &mut state,
            Event::TaskAdded(TaskInfo {
                size_check_only: false,
                id,
                name: name.into(),
                source: Location::Local(format!("/home/ada/{name}").into()),
                dest: Location::Remote(RemotePath::parse(&format!("/{name}")).unwrap()),
                direction,
                total,
            }),
        );
    }
    update(
        &mut state,
        Event::TaskState {
            id: 1,
            state: TaskState::Done,
        },
    );
    update(
        &mut state,
        Event::TaskState {
            id: 2,
            state: TaskState::Running,
        },
    );
    update(
        &mut state,
        Event::TaskState {
            id: 4,
            state: TaskState::Failed("the OneDrive is full (quota exceeded)".into()),
        },
    );
    update(
        &mut state,
        Event::Progress {
            now_ms: 0,
            samples: vec![sample(2, 0, 104_857_600)],
            waiting: None,
        },
    );
    update(
        &mut state,
        Event::Progress {
            now_ms: 2_000,
            samples: vec![sample(2, 20_971_520, 104_857_600)],
            waiting: None,
        },
    );
    state
}

/// A fresh transfer's counters at one moment.
fn sample(id: u64, done: u64, total: u64) -> odc_engine::transfer::Sample {
    odc_engine::transfer::Sample {
        id,
        done,
        total,
        resumed: 0,
    }
}

/// A transfer that continues from an earlier attempt shows what it moves now as
/// its speed, not the bytes it found already there.
#[test]
fn a_continued_transfer_s_speed_counts_only_what_moves_now() {
    let mut state = with_tasks();
    let resumed = odc_engine::transfer::Sample {
        id: 2,
        done: 80_000_000,
        total: 104_857_600,
        resumed: 79_000_000,
    };
    update(
        &mut state,
        Event::Progress {
            now_ms: 3_000,
            samples: vec![resumed],
            waiting: None,
        },
    );
    update(
        &mut state,
        Event::Progress {
            now_ms: 4_000,
            samples: vec![odc_engine::transfer::Sample {
                done: 82_000_000,
                ..resumed
            }],
            waiting: None,
        },
    );
    let row = state.transfers.row(2).unwrap();
    assert_eq!(
        row.meter.speed(),
        Some(2_000_000),
        "2 MB in the last second"
    );
    assert_eq!(row.meter.eta(row.total), Some(12));
    assert_eq!(state.transfers.total_meter.speed(), Some(2_000_000));
}

#[test]
fn copy_opens_a_dialog_with_the_other_pane_as_destination() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('j'));
    update(&mut state, ch(' '));
    update(&mut state, ch(' '));
    let effects = update(&mut state, key(KeyCode::F(5)));
    assert!(effects.is_empty());
    let Some(TransferDialog::CopyMove {
        kind: Kind::Copy,
        sources,
        dest,
        ..
    }) = &state.transfers.dialog
    else {
        panic!("{:?}", state.transfers.dialog)
    };
    assert_eq!(sources.len(), 2, "the marked items");
    assert_eq!(dest.value(), "OneDrive:/");
    // Edit the destination, then start.
    typed(&mut state, "Documents");
    let effects = update(&mut state, key(KeyCode::Enter));
    let [Effect::Submit { request, filter }] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(
        request.dest_dir,
        Location::Remote(RemotePath::parse("/Documents").unwrap())
    );
    assert_eq!(request.kind, Kind::Copy);
    assert_eq!(filter, "", "no filter unless one is typed");
    assert!(!state.dialog_open());
    assert!(state.panel_open, "the panel opens to show progress");
}

#[test]
fn move_from_onedrive_and_esc_cancels() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, ch('m'));
    let Some(TransferDialog::CopyMove {
        kind: Kind::Move,
        sources,
        dest,
        ..
    }) = &state.transfers.dialog
    else {
        panic!()
    };
    assert_eq!(
        sources,
        &[Location::Remote(RemotePath::parse("/Documents").unwrap())]
    );
    assert_eq!(dest.value(), "/home/ada/projects");
    assert!(update(&mut state, key(KeyCode::Esc)).is_empty());
    assert!(!state.dialog_open());
    // A bad destination keeps the dialog open and says why.
    update(&mut state, ch('c'));
    for _ in 0..30 {
        update(&mut state, key(KeyCode::Backspace));
    }
    typed(&mut state, "relative/path");
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(state.dialog_open());
    assert!(state.message.as_deref().unwrap().contains("absolute path"));
}

#[test]
fn copy_needs_a_signed_in_onedrive() {
    let mut state = state((80, 24));
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
    update(&mut state, key(KeyCode::F(5)));
    assert!(!state.dialog_open());
    assert_eq!(state.message.as_deref(), Some("Sign in to OneDrive first"));
}

#[test]
fn mkdir_rename_and_delete_dialogs() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::F(7)));
    typed(&mut state, "New stuff");
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        effects,
        [Effect::Mkdir {
            dir: Location::Local("/home/ada/projects".into()),
            name: "New stuff".into()
        }]
    );

    update(&mut state, key(KeyCode::Tab));
    update(&mut state, ch('r'));
    let Some(FilesDialog::Rename {
        original, input, ..
    }) = &state.files
    else {
        panic!()
    };
    assert_eq!(original, "Documents");
    assert_eq!(input.value(), "Documents", "prefilled");
    typed(&mut state, " 2026");
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        effects,
        [Effect::Rename {
            dir: Location::Remote(RemotePath::root()),
            from: "Documents".into(),
            to: "Documents 2026".into()
        }]
    );

    update(&mut state, key(KeyCode::Delete));
    let Some(FilesDialog::Delete {
        remote: true,
        names,
        ..
    }) = &state.files
    else {
        panic!()
    };
    assert_eq!(names, &["Documents"]);
    insta::assert_snapshot!("delete_dialog", screen(&state));
    assert!(
        update(&mut state, ch('x')).is_empty(),
        "other keys do nothing"
    );
    assert!(state.dialog_open());
    assert!(update(&mut state, ch('n')).is_empty());
    assert!(!state.dialog_open());
    update(&mut state, ch('d'));
    let effects = update(&mut state, ch('y'));
    assert_eq!(
        effects,
        [Effect::Delete {
            dir: Location::Remote(RemotePath::root()),
            names: vec!["Documents".into()],
            local: LocalDelete::ToTrash,
        }]
    );
    // `!` on a OneDrive item still goes to the recycle bin.
    update(&mut state, ch('d'));
    assert!(matches!(
        &update(&mut state, ch('!'))[..],
        [Effect::Delete {
            local: LocalDelete::ToTrash,
            ..
        }]
    ));
}

/// Local files go to the trash like `sync --delete`'s; deleting for good is the
/// explicit `!`.
#[test]
fn local_deletes_go_to_the_trash_unless_for_good_is_chosen() {
    let mut state = loaded((100, 30), local_entries(), remote_entries());
    state.active = 0;
    update(&mut state, ch('d'));
    insta::assert_snapshot!("delete_dialog_local", screen(&state));
    assert!(matches!(
        &update(&mut state, ch('y'))[..],
        [Effect::Delete {
            local: LocalDelete::ToTrash,
            ..
        }]
    ));
    update(&mut state, ch('d'));
    assert!(matches!(
        &update(&mut state, ch('!'))[..],
        [Effect::Delete {
            local: LocalDelete::ForGood,
            ..
        }]
    ));
}

#[test]
fn conflict_and_error_questions_queue_and_answer() {
    let mut state = loaded((100, 30), local_entries(), remote_entries());
    let conflict = Event::TransferConflict(ConflictView {
        question: 7,
        name: "photo.bin".into(),
        source_size: 3_000_000,
        source_modified: time(5),
        target_size: 2_000_000,
        target_modified: time(1),
    });
    let error = Event::TransferError(ErrorView {
        question: 8,
        name: "big.bin".into(),
        message: "the OneDrive is full (quota exceeded)".into(),
    });
    update(&mut state, conflict);
    update(&mut state, error);
    insta::assert_snapshot!("conflict_dialog", screen(&state));
    assert!(update(&mut state, ch('z')).is_empty(), "not an answer");
    // `r` means retry in the error question that follows; here it is no answer,
    // so a key pressed twice never means two things.
    assert!(update(&mut state, ch('r')).is_empty(), "not an answer here");
    let effects = update(&mut state, ch('K'));
    assert_eq!(
        effects,
        [Effect::AnswerConflict {
            question: 7,
            answer: ConflictAnswer::All(Resolution::Rename)
        }]
    );
    assert!(
        matches!(state.transfers.dialog, Some(TransferDialog::Error(_))),
        "the next question shows"
    );
    insta::assert_snapshot!("error_dialog", screen(&state));
    let effects = update(&mut state, ch('S'));
    assert_eq!(
        effects,
        [Effect::AnswerError {
            question: 8,
            answer: ErrorAnswer::SkipAll
        }]
    );
    assert!(!state.dialog_open());
}

#[test]
fn the_transfers_panel_and_its_keys() {
    let mut state = with_tasks();
    assert!(!state.panel_open);
    assert!(
        screen(&state).contains("⇅ 2 jobs"),
        "a gauge in the status bar while closed"
    );
    update(&mut state, ch('t'));
    assert!(state.panel_open);
    insta::assert_snapshot!("transfers_panel", screen(&state));
    // The selection is on the running transfer.
    assert_eq!(update(&mut state, ch('x')), [Effect::CancelTask(2)]);
    assert_eq!(update(&mut state, ch('p')), [Effect::PauseTask(2)]);
    assert_eq!(update(&mut state, ch('R')), [Effect::RetryTask(4)]);
    // `f` narrows the panel to unfinished rows, then to failed ones; keys act on
    // the row under the cursor among those shown.
    update(&mut state, ch('f'));
    assert!(screen(&state).contains("showing unfinished"));
    update(&mut state, ch('f'));
    let failed_only = screen(&state);
    assert!(failed_only.contains("showing failed"), "{failed_only}");
    assert!(failed_only.contains("broken.bin") && !failed_only.contains("report.pdf"));
    assert_eq!(update(&mut state, ch('x')), [Effect::CancelTask(4)]);
    update(&mut state, ch('f'));
    assert_eq!(
        state.transfers.filter,
        odc_tui::features::transfers::model::PanelFilter::All
    );
    assert_eq!(update(&mut state, ch('C')), [Effect::ClearFinished]);
    assert_eq!(
        state.transfers.rows().len(),
        2,
        "done and failed rows cleared"
    );
    // Other keys keep working while the panel is open.
    update(&mut state, ch('j'));
    assert_eq!(state.panes[0].cursor, 1);
    update(&mut state, key(KeyCode::Esc));
    assert!(!state.panel_open);
    // Ticks sample the counters while transfers run.
    assert_eq!(
        update(&mut state, Event::Tick { now: 1 }),
        [Effect::SampleTransfers]
    );
}

/// At 60 columns each row still names its file; when nothing is left to move
/// the total row has no speed or ETA, and a cancelled row is not a failure.
#[test]
fn the_transfers_panel_on_a_narrow_screen_and_when_all_is_done() {
    let mut state = with_tasks();
    update(&mut state, Event::Resize(60, 24));
    update(&mut state, ch('t'));
    let narrow = screen(&state);
    for name in ["report.pdf", "video-100MiB.mp4", "broken.bin"] {
        assert!(narrow.contains(name), "{name}: {narrow}");
    }
    insta::assert_snapshot!("transfers_panel_narrow", narrow);
    update(
        &mut state,
        Event::TaskState {
            id: 2,
            state: TaskState::Done,
        },
    );
    update(
        &mut state,
        Event::TaskState {
            id: 3,
            state: TaskState::Cancelled,
        },
    );
    update(&mut state, Event::Resize(100, 30));
    let done = screen(&state);
    assert!(done.contains("finished") && !done.contains("ETA"), "{done}");
    assert!(
        done.contains("1 failed, 1 cancelled"),
        "cancelled is not failed: {done}"
    );
}

#[test]
fn quitting_with_transfers_running_asks_first() {
    let mut state = with_tasks();
    assert!(update(&mut state, ch('q')).is_empty());
    assert!(matches!(
        state.transfers.dialog,
        Some(TransferDialog::Quit { active: 2 })
    ));
    insta::assert_snapshot!("quit_dialog", screen(&state));
    update(&mut state, ch('n'));
    assert!(!state.quit && !state.dialog_open());
    // One left: said in the singular.
    update(
        &mut state,
        Event::TaskState {
            id: 2,
            state: TaskState::Done,
        },
    );
    update(&mut state, key(KeyCode::F(10)));
    assert!(screen(&state).contains("1 transfer is still running."));
    assert_eq!(update(&mut state, ch('y')), [Effect::Quit]);
    assert!(state.quit);
}

#[test]
fn finished_requests_reload_the_panes_that_show_the_changed_folders() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    let effects = update(
        &mut state,
        Event::Changed(vec![Location::Remote(RemotePath::root())]),
    );
    assert!(
        matches!(&effects[..], [Effect::List { pane: 1, .. }]),
        "{effects:?}"
    );
    let effects = update(
        &mut state,
        Event::Changed(vec![Location::Local("/elsewhere".into())]),
    );
    assert!(effects.is_empty());
}

#[test]
fn copy_dialog_snapshot() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('G'));
    update(&mut state, key(KeyCode::F(5)));
    insta::assert_snapshot!("copy_dialog", screen(&state));
}

#[test]
fn unfinished_transfers_are_offered_after_sign_in() {
    let mut state = state((80, 24));
    odc_tui::shell::router::start(&mut state);
    let effects = update(&mut state, Event::SignedIn(Default::default()));
    assert!(effects.contains(&Effect::CheckInterrupted));
    let files = || {
        vec![
            "↑ /home/ada/big.iso → OneDrive:/Backups/big.iso".to_string(),
            "↓ OneDrive:/Photos/2026.zip → /home/ada/2026.zip".to_string(),
        ]
    };
    update(&mut state, Event::Interrupted { files: files() });
    insta::assert_snapshot!("resume_dialog", screen(&state));
    assert!(update(&mut state, ch('x')).is_empty());
    assert_eq!(update(&mut state, ch('y')), [Effect::ResumeInterrupted]);
    assert!(state.panel_open);
    update(&mut state, Event::Interrupted { files: files() });
    assert_eq!(update(&mut state, ch('n')), [Effect::DiscardInterrupted]);
    update(&mut state, Event::Interrupted { files: files() });
    assert!(
        update(&mut state, key(KeyCode::Esc)).is_empty(),
        "Esc: ask again next time"
    );
    assert!(!state.dialog_open());
}

#[test]
fn mkdir_and_rename_dialog_snapshots() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('n'));
    typed(&mut state, "Holiday photos");
    insta::assert_snapshot!("mkdir_dialog", screen(&state));
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, key(KeyCode::F(6)));
    assert!(matches!(
        state.transfers.dialog,
        Some(TransferDialog::CopyMove {
            kind: Kind::Move,
            ..
        })
    ));
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('r'));
    insta::assert_snapshot!("rename_dialog", screen(&state));
}

/// Dialog and panel keys come from the keymap: rebinding one in `[keys]` changes what
/// answers the question and what its hint line says, and a key may mean different
/// things in different contexts but not two things in one.
#[test]
fn dialog_and_panel_keys_are_configurable() {
    let mut config = odc_core::config::Config::defaults();
    config
        .keys
        .insert("conflict_overwrite".into(), vec!["w".into()]);
    config.keys.insert("panel_cancel".into(), vec!["k".into()]);
    let keymap = odc_tui::shared::keymap::Keymap::from_config(&config.keys).unwrap();
    let mut state = with_tasks();
    state.keymap = std::sync::Arc::new(keymap);

    update(
        &mut state,
        Event::TransferConflict(ConflictView {
            question: 3,
            name: "a.txt".into(),
            source_size: 1,
            source_modified: time(1),
            target_size: 2,
            target_modified: time(2),
        }),
    );
    let shown = screen(&state);
    assert!(
        shown.contains("w overwrite") && !shown.contains("o overwrite"),
        "{shown}"
    );
    assert!(
        update(&mut state, ch('o')).is_empty(),
        "o no longer answers"
    );
    assert_eq!(
        update(&mut state, ch('w')),
        [Effect::AnswerConflict {
            question: 3,
            answer: ConflictAnswer::Once(Resolution::Overwrite)
        }]
    );

    update(&mut state, ch('t'));
    assert!(screen(&state).contains("k cancel"));
    // `k` is "up" in the panes but "cancel" in the open panel (of the running row).
    assert_eq!(update(&mut state, ch('k')), [Effect::CancelTask(2)]);
    assert!(
        !update(&mut state, ch('x'))
            .iter()
            .any(|e| matches!(e, Effect::CancelTask(_))),
        "x no longer cancels"
    );

    config.keys.insert("panel_pause".into(), vec!["k".into()]);
    let err = odc_tui::shared::keymap::Keymap::from_config(&config.keys)
        .unwrap_err()
        .to_string();
    assert!(err.contains("already bound"), "{err}");
}

/// Small habits: one job is "1 job"; a key that does nothing says where the keys are
/// listed; a status message goes away by itself after a few seconds of ticks.
#[test]
fn one_job_unbound_keys_and_messages_that_expire() {
    let mut state = with_tasks();
    assert!(screen(&state).contains("⇅ 2 jobs "));
    update(
        &mut state,
        Event::TaskState {
            id: 2,
            state: TaskState::Done,
        },
    );
    let shown = screen(&state);
    assert!(shown.contains("⇅ 1 job "), "{shown}");

    assert!(update(&mut state, ch('Z')).is_empty());
    assert_eq!(
        state.message.as_deref(),
        Some("Z does nothing here; F1 lists the keys")
    );
    update(&mut state, Event::Tick { now: 100 });
    assert!(state.message.is_some(), "shown for a while");
    update(&mut state, Event::Tick { now: 104 });
    assert!(state.message.is_some());
    update(&mut state, Event::Tick { now: 105 });
    assert!(state.message.is_none(), "gone after 5 s");

    // A paused job is counted in the panel's title.
    update(
        &mut state,
        Event::TaskState {
            id: 3,
            state: TaskState::Paused,
        },
    );
    update(&mut state, ch('t'));
    let shown = screen(&state);
    assert!(shown.contains("1 paused"), "{shown}");
}

/// Lists `entries` as the new content of pane `pane` after its folder changed.
fn relisted(state: &mut State, pane: usize, entries: Vec<odc_tui::shared::pane::Entry>) {
    let here = state.panes[pane].source.clone();
    let effects = update(state, Event::Changed(vec![here]));
    let ticket = ticket_of(&effects, pane);
    update(
        state,
        Event::Page {
            pane,
            ticket,
            entries,
            done: true,
        },
    );
}

/// After mkdir the cursor is on the new folder, after rename on the new name, after
/// delete on the row that followed the deleted ones.
#[test]
fn the_cursor_follows_mkdir_rename_and_delete() {
    let mut state = loaded((100, 30), local_entries(), remote_entries());
    let mut entries = local_entries();
    update(&mut state, ch('n'));
    typed(&mut state, "docs");
    assert!(matches!(
        &update(&mut state, key(KeyCode::Enter))[..],
        [Effect::Mkdir { .. }]
    ));
    entries.push(entry("docs", true, 0));
    relisted(&mut state, 0, entries.clone());
    assert_eq!(state.panes[0].current().unwrap().name, "docs");

    // Renamed to a name that sorts elsewhere: the cursor goes with it.
    update(&mut state, ch('r'));
    for _ in 0.."docs".len() {
        update(&mut state, key(KeyCode::Backspace));
    }
    typed(&mut state, "zz-papers");
    assert!(matches!(
        &update(&mut state, key(KeyCode::Enter))[..],
        [Effect::Rename { .. }]
    ));
    entries.retain(|e| e.name != "docs");
    entries.push(entry("zz-papers", true, 0));
    relisted(&mut state, 0, entries.clone());
    assert_eq!(state.panes[0].current().unwrap().name, "zz-papers");

    // Delete two marked rows above the cursor: it stays on its row's item.
    state.panes[0].marked = ["src".to_string(), "target".to_string()].into();
    let on = state.panes[0].current().unwrap().name.clone();
    update(&mut state, ch('d'));
    assert!(matches!(
        &update(&mut state, ch('y'))[..],
        [Effect::Delete { .. }]
    ));
    entries.retain(|e| e.name != "src" && e.name != "target");
    relisted(&mut state, 0, entries.clone());
    assert_eq!(state.panes[0].current().unwrap().name, on);

    // Delete the row under the cursor when it is the last: the one before it.
    update(&mut state, key(KeyCode::End));
    let names: Vec<String> = state.panes[0]
        .visible_entries()
        .map(|e| e.name.clone())
        .collect();
    let before = names[names.len() - 2].clone();
    let last = names[names.len() - 1].clone();
    update(&mut state, ch('d'));
    assert!(matches!(
        &update(&mut state, ch('y'))[..],
        [Effect::Delete { .. }]
    ));
    entries.retain(|e| e.name != last);
    relisted(&mut state, 0, entries);
    assert_eq!(state.panes[0].current().unwrap().name, before);
}

/// As in mc: the marked items of a copy are unmarked when the request ends, but
/// an item with a failed or skipped file keeps its mark, to try again.
#[test]
fn marks_clear_after_a_copy_except_where_something_failed() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    // Mark src (a folder), Cargo.toml and README.md.
    update(&mut state, ch(' '));
    while state.active_pane().current().unwrap().name != "Cargo.toml" {
        update(&mut state, ch('j'));
    }
    update(&mut state, ch(' '));
    while state.active_pane().current().unwrap().name != "README.md" {
        update(&mut state, ch('j'));
    }
    update(&mut state, ch(' '));
    assert_eq!(state.panes[0].marked.len(), 3);
    update(&mut state, ch('c'));
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::Submit { .. }]),
        "{effects:?}"
    );
    let dest = Location::Remote(RemotePath::root());
    let here = state.panes[0].source.clone();
    let tasks = [
        (1, here.join("src").join("main.rs")),
        (2, here.join("src").join("lib.rs")),
        (3, here.join("Cargo.toml")),
        (4, here.join("README.md")),
    ];
    for (id, source) in tasks {
        update(
            &mut state,
            Event::TaskAdded(TaskInfo {
                size_check_only: false,
                id,
                name: source.name(),
                source,
                dest: dest.clone(),
                direction: Direction::Upload,
                total: 10,
            }),
        );
    }
    for id in [1, 2, 3] {
        update(
            &mut state,
            Event::TaskState {
                id,
                state: TaskState::Done,
            },
        );
    }
    update(
        &mut state,
        Event::TaskState {
            id: 4,
            state: TaskState::Skipped,
        },
    );
    // A folder changing elsewhere (a mkdir) is not the end of the request.
    update(&mut state, Event::Changed(vec![dest.clone()]));
    assert_eq!(state.panes[0].marked.len(), 3);
    update(&mut state, Event::RequestFinished(vec![dest.clone()]));
    let marked: Vec<&String> = state.panes[0].marked.iter().collect();
    assert_eq!(marked, vec!["README.md"], "the skipped one stays marked");

    // A move within OneDrive refused before any transfer began (its lookup or
    // PATCH failed): nothing was done, so its marks stay.
    state.active = 1;
    state.panes[1].marked = ["Documents".to_string()].into();
    update(&mut state, ch('m'));
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::Submit { .. }]),
        "{effects:?}"
    );
    let dest = state.panes[0].source.clone();
    update(&mut state, Event::RequestFinished(vec![dest]));
    assert!(state.panes[1].marked.contains("Documents"), "kept to retry");
}

/// `+` and `-` as in mc: a pattern (case-insensitive) marks files, or folders
/// when it ends with `/`; the border counts the marks and their bytes.
#[test]
fn marking_and_unmarking_by_pattern() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, ch('+'));
    assert!(matches!(
        state.files,
        Some(FilesDialog::Glob { mark: true, .. })
    ));
    for c in ".MD".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.message.as_deref(), Some("Marked 1 file"));
    update(&mut state, ch('+'));
    update(&mut state, key(KeyCode::Enter)); // "*": every shown file
    assert_eq!(state.message.as_deref(), Some("Marked 2 files"));
    let marked: Vec<&str> = state.panes[0].marked.iter().map(String::as_str).collect();
    assert_eq!(
        marked,
        vec!["Cargo.toml", "README.md", "notes 海辺の夕日.txt"]
    );
    insta::assert_snapshot!("marked_by_pattern", screen(&state));

    // Folders with a trailing slash; a bad pattern says why and stays open.
    update(&mut state, ch('+'));
    update(&mut state, key(KeyCode::Backspace));
    for c in "s*/".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    assert!(state.panes[0].marked.contains("src"));
    update(&mut state, ch('-'));
    for c in "[".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("is not a pattern"),
        "{:?}",
        state.message
    );
    assert!(state.dialog_open());
    update(&mut state, key(KeyCode::Backspace));
    for c in ".toml".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.message.as_deref(), Some("Unmarked 1 file"));
    assert!(!state.panes[0].marked.contains("Cargo.toml"));
}

/// The panel says why transfers wait (throttling), shows the name a "keep both"
/// copy is saved under, and its selection follows the transfer that started last
/// until the person moves it.
#[test]
fn the_panel_says_why_it_waits_shows_new_names_and_follows_the_running_row() {
    let mut state = with_tasks();
    update(&mut state, ch('t'));
    update(
        &mut state,
        Event::Progress {
            now_ms: 3_000,
            samples: vec![sample(2, 25_000_000, 104_857_600)],
            waiting: Some("OneDrive asked to wait 4 s".into()),
        },
    );
    update(
        &mut state,
        Event::TaskRenamed {
            id: 3,
            name: "Ünïcødé 😀 (1).txt".into(),
        },
    );
    let text = screen(&state);
    assert!(text.contains("OneDrive asked to wait 4 s"), "{text}");
    assert!(text.contains("Ünïcødé 😀.txt → Ünïcødé 😀 (1)"), "{text}");
    insta::assert_snapshot!("panel_waiting_and_renamed", text);

    // Task 3 starts: the selection goes to it; after ] it stays where put.
    update(
        &mut state,
        Event::TaskState {
            id: 3,
            state: TaskState::Running,
        },
    );
    assert_eq!(state.transfers.selected(), Some(3));
    update(&mut state, ch('['));
    update(
        &mut state,
        Event::TaskState {
            id: 4,
            state: TaskState::Queued,
        },
    );
    update(
        &mut state,
        Event::TaskState {
            id: 4,
            state: TaskState::Running,
        },
    );
    assert_eq!(state.transfers.selected(), Some(2));
}

/// The copy dialog's second field leaves things out, with rclone's rules; a rule
/// that is not one keeps the dialog open and says why; the rules are offered
/// again in the next copy of the session.
#[test]
fn the_copy_dialog_takes_filter_rules_and_remembers_them() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::F(5)));
    update(&mut state, key(KeyCode::Tab));
    typed(&mut state, "*.tmp");
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state.message.as_deref().unwrap().contains("is not a rule"),
        "{:?}",
        state.message
    );
    assert!(state.dialog_open(), "kept open to mend");
    for _ in 0..5 {
        update(&mut state, key(KeyCode::Backspace));
    }
    typed(&mut state, "- *.tmp; - .git/");
    insta::assert_snapshot!("copy_dialog_with_a_filter", screen(&state));
    let effects = update(&mut state, key(KeyCode::Enter));
    let [Effect::Submit { filter, .. }] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(filter, "- *.tmp; - .git/");
    update(&mut state, key(KeyCode::F(5)));
    let Some(TransferDialog::CopyMove { filter, .. }) = &state.transfers.dialog else {
        panic!()
    };
    assert_eq!(
        filter.value(),
        "- *.tmp; - .git/",
        "remembered for the session"
    );
}

/// `B` in the transfers panel changes the bandwidth limit while transfers run:
/// rclone's spelling, a wrong one said and kept to mend; the panel shows it.
#[test]
fn the_panel_changes_the_bandwidth_limit() {
    let mut state = with_tasks();
    state.panel_open = true;
    update(&mut state, ch('B'));
    let Some(TransferDialog::Bandwidth { input }) = &state.transfers.dialog else {
        panic!("{:?}", state.transfers.dialog)
    };
    assert_eq!(input.value(), "off");
    for _ in 0..3 {
        update(&mut state, key(KeyCode::Backspace));
    }
    typed(&mut state, "fast");
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state
            .message
            .as_deref()
            .unwrap()
            .contains("not a bandwidth")
    );
    for _ in 0..4 {
        update(&mut state, key(KeyCode::Backspace));
    }
    typed(&mut state, "2M:512k");
    let limit = odc_graph::bandwidth::Limit {
        up: Some(2 << 20),
        down: Some(512 << 10),
    };
    assert_eq!(
        update(&mut state, key(KeyCode::Enter)),
        [Effect::SetBandwidth(limit)]
    );
    assert!(!state.dialog_open());
    assert!(
        screen(&state).contains("limit ↑ 2 MiB/s ↓ 512 KiB/s"),
        "{}",
        screen(&state)
    );
    update(&mut state, ch('B'));
    let Some(TransferDialog::Bandwidth { input }) = &state.transfers.dialog else {
        panic!()
    };
    assert_eq!(
        input.value(),
        "2048k:512k",
        "offered as it can be typed again"
    );
}
