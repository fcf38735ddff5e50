//! Comparing the panes and syncing one way, through `update` (dialogs, marks,
//! effects) and through the runner against the emulator.

use crossterm::event::KeyCode;
use odc_engine::compare::{Difference, Verdict};
use odc_engine::transfer::Location;
use odc_graph::RemotePath;
use odc_tui::features::compare::{CompareDialog, CompareStage};
use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;
use odc_testkit::Env;

fn line(path: &str, verdict: Verdict, is_dir: bool, bytes: u64) -> Difference {
    Difference {
        path: path.into(),
        verdict,
        is_dir,
        bytes,
        right_vs_left: None,
    }
}

#[test]
fn ctrl_x_d_compares_marks_the_differences_and_previews_a_sync() {
    let mut state = loaded((90, 30), local_entries(), remote_entries());
    update(&mut state, ch(' ')); // a mark from before: the compare replaces marks
    update(&mut state, ctrl('x'));
    insta::assert_snapshot!("compare_choose", screen(&state));
    let effects = update(&mut state, ch('d'));
    let ticket = match &effects[..] {
        [
            Effect::Compare {
                ticket,
                left,
                right,
                quick: false,
                filter,
            },
        ] => {
            assert_eq!(filter, "", "no filter unless one is set");
            assert_eq!(left, &Location::Local("/home/ada/projects".into()));
            assert_eq!(right, &Location::Remote(RemotePath::root()));
            *ticket
        }
        other => panic!("{other:?}"),
    };
    assert!(state.busy(), "the spinner turns while it runs");
    update(
        &mut state,
        Event::CompareProgress {
            ticket,
            text: "hashing local files: 250 of 10000".into(),
        },
    );
    assert!(screen(&state).contains("hashing local files: 250 of 10000"));
    let lines = vec![
        line("Cargo.toml", Verdict::Same, false, 1_530),
        line("README.md", Verdict::OnlyLeft, false, 12_288),
        line("src", Verdict::OnlyLeft, true, 0),
        line("src/main.rs", Verdict::OnlyLeft, false, 100),
        line("Documents", Verdict::Same, true, 0),
        line("documents/report.pdf", Verdict::Different, false, 48_213),
        line("notes.txt", Verdict::OnlyRight, false, 30),
        // A link the local side left out: counted, never marked to act on.
        line(
            "target",
            Verdict::LeftOut(odc_engine::compare::Why::Link),
            false,
            0,
        ),
    ];
    update(
        &mut state,
        Event::Compared {
            ticket,
            result: Ok((
                lines,
                vec!["OneDrive:/: read whole: 9 item(s) in 1 page(s)".into()],
            )),
        },
    );
    let left: Vec<&str> = state.panes[0].marked.iter().map(String::as_str).collect();
    let right: Vec<&str> = state.panes[1].marked.iter().map(String::as_str).collect();
    assert_eq!(
        left,
        vec!["README.md", "src"],
        "exactly the differences, nothing from before"
    );
    assert_eq!(
        right,
        vec!["Documents", "notes.txt"],
        "a folder with a difference inside"
    );
    insta::assert_snapshot!("compare_summary", screen(&state));

    update(&mut state, ch('>'));
    let Some(CompareDialog::SyncPreview(view)) = &state.compare.dialog else {
        panic!("{:?}", state.compare.dialog)
    };
    assert_eq!(
        view.plan.copy,
        vec![("README.md".into(), 12_288), ("src".into(), 100)]
    );
    assert_eq!(
        view.plan.replace,
        vec![("documents/report.pdf".into(), 48_213)]
    );
    insta::assert_snapshot!("sync_preview", screen(&state));
    update(&mut state, ch('d'));
    let effects = update(&mut state, key(KeyCode::Enter));
    match &effects[..] {
        [
            Effect::Sync {
                making_room,
                deletes,
                requests,
            },
        ] => {
            assert!(making_room.is_empty());
            assert_eq!(
                deletes,
                &vec![Location::Remote(RemotePath::parse("/notes.txt").unwrap())]
            );
            assert_eq!(requests.len(), 2, "the top folder and documents/");
            assert!(requests.iter().all(|r| r.dest_dir.is_remote()));
        }
        other => panic!("{other:?}"),
    }
    assert!(state.panel_open);
    assert!(!state.dialog_open());
}

#[test]
fn right_to_left_swaps_the_sides_and_esc_stops_a_running_compare() {
    let mut state = loaded((90, 30), local_entries(), remote_entries());
    update(&mut state, ch('C'));
    let ticket = match &update(&mut state, ch('q'))[..] {
        [
            Effect::Compare {
                ticket,
                quick: true,
                ..
            },
        ] => *ticket,
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Event::Compared {
            ticket,
            result: Ok((
                vec![line("notes.txt", Verdict::OnlyRight, false, 30)],
                vec![],
            )),
        },
    );
    update(&mut state, ch('<'));
    let Some(CompareDialog::SyncPreview(view)) = &state.compare.dialog else {
        panic!("{:?}", state.compare.dialog)
    };
    assert_eq!(view.src, Location::Remote(RemotePath::root()));
    assert_eq!(view.plan.copy, vec![("notes.txt".into(), 30)]);
    update(&mut state, key(KeyCode::Esc));

    update(&mut state, ctrl('x'));
    update(&mut state, ch('d'));
    assert_eq!(
        update(&mut state, key(KeyCode::Esc)),
        vec![Effect::CancelCompare]
    );
    assert!(!state.dialog_open());
    // A failure is shown in the dialog.
    update(&mut state, ctrl('x'));
    let ticket = match &update(&mut state, ch('d'))[..] {
        [Effect::Compare { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Event::Compared {
            ticket,
            result: Err("OneDrive:/: not found".into()),
        },
    );
    assert!(matches!(
        &state.compare.dialog,
        Some(CompareDialog::Compare(v)) if matches!(v.stage, CompareStage::Failed(_))
    ));
}

#[tokio::test]
async fn the_runner_compares_and_syncs_against_onedrive() {
    let env = Env::new(Default::default()).await;
    env.sign_in();
    let local = env.local("tree");
    std::fs::create_dir_all(local.join("sub")).unwrap();
    std::fs::write(local.join("a.txt"), b"alpha").unwrap();
    std::fs::write(local.join("sub/b.txt"), b"bravo").unwrap();
    env.emu.put_file("/Copy/a.txt", b"ALPHA");
    env.emu.put_file("/Copy/extra.txt", b"x");
    let (mut runner, mut rx) = signed_in_runner(&env).await;
    let left = Location::Local(local.clone());
    let right = Location::Remote(RemotePath::parse("/Copy").unwrap());
    let compare = async |runner: &mut odc_tui::shell::runner::Runner,
                         rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>,
                         ticket: u64,
                         filter: &str| {
        runner.run(Effect::Compare {
            ticket,
            left: left.clone(),
            right: right.clone(),
            quick: false,
            filter: filter.to_string(),
        });
        loop {
            if let Some(Event::Compared { ticket: t, result }) = rx.recv().await
                && t == ticket
            {
                return result.unwrap();
            }
        }
    };
    let (lines, notes) = compare(&mut runner, &mut rx, 1, "").await;
    let got: Vec<(String, char)> = lines
        .iter()
        .filter(|l| l.verdict != Verdict::Same)
        .map(|l| (l.path.clone(), l.verdict.marker()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("a.txt".to_string(), '*'),
            ("extra.txt".to_string(), '-'),
            ("sub".to_string(), '+'),
            ("sub/b.txt".to_string(), '+')
        ]
    );
    assert!(notes.iter().any(|n| n.contains("read whole")), "{notes:?}");

    // The effect the sync preview sends for `plan`, left onto right.
    let sync_effect = |plan: &odc_engine::compare::sync::SyncPlan| Effect::Sync {
        making_room: Vec::new(),
        deletes: plan
            .delete
            .iter()
            .filter_map(|(p, _)| odc_engine::compare::sync::below(&right, p))
            .collect(),
        requests: plan.requests(&left, &right),
    };
    let plan = odc_engine::compare::sync::SyncPlan::from(&lines, true);
    runner.run(sync_effect(&plan));
    // Wait until the copies have landed, then compare again: the same, by delta.
    for _ in 0..200 {
        if env.emu.read_file("/Copy/sub/b.txt").await.is_some()
            && env.emu.read_file("/Copy/a.txt").await.as_deref() == Some(b"alpha")
            && env.emu.read_file("/Copy/extra.txt").await.is_none()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let (lines, notes) = compare(&mut runner, &mut rx, 2, "").await;
    assert!(
        lines.iter().all(|l| l.verdict == Verdict::Same),
        "{lines:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("changes since the last check")),
        "{notes:?}"
    );
    assert!(
        env.emu.read_file("/Copy/extra.txt").await.is_none(),
        "in the recycle bin"
    );

    // A copy that fails: the deletions of the same sync do not happen.
    std::fs::write(local.join("c.txt"), b"charlie").unwrap();
    env.emu.put_file("/Copy/stale.txt", b"stale");
    let (lines, _) = compare(&mut runner, &mut rx, 3, "").await;
    env.emu.add_fault(odc_emulator::FaultRule {
        target: odc_emulator::Target::Graph,
        method: Some("PUT".into()),
        path_contains: Some("c.txt".into()),
        fault: odc_emulator::Fault::Status {
            status: 507,
            retry_after: None,
        },
        times: 1000,
    });
    let plan = odc_engine::compare::sync::SyncPlan::from(&lines, true);
    assert_eq!(plan.delete, vec![("stale.txt".to_string(), false)]);
    runner.run(sync_effect(&plan));
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
            .await
            .unwrap()
        {
            Some(Event::Message(text)) if text.contains("nothing deleted") => break,
            // The engine asks what to do with the failing file: skip it.
            Some(Event::TransferError(view)) => {
                runner.run(Effect::AnswerError {
                    question: view.question,
                    answer: odc_engine::transfer::ErrorAnswer::Skip,
                });
            }
            Some(_) => {}
            None => panic!("the runner stopped"),
        }
    }
    env.emu.clear_faults();
    assert_eq!(
        env.emu.read_file("/Copy/stale.txt").await.as_deref(),
        Some(&b"stale"[..])
    );

    // Read through a filter, what it excludes is left out on both sides.
    std::fs::write(local.join("scratch.tmp"), b"scratch").unwrap();
    env.emu.put_file("/Copy/remote.tmp", b"x");
    let (filtered, _) = compare(&mut runner, &mut rx, 7, "- *.tmp; - /sub/").await;
    let excluded: Vec<&str> = filtered
        .iter()
        .filter(|l| l.verdict == Verdict::LeftOut(odc_engine::compare::Why::Excluded))
        .map(|l| l.path.as_str())
        .collect();
    assert_eq!(
        excluded,
        ["remote.tmp", "scratch.tmp", "sub"],
        "{filtered:?}"
    );
    assert!(filtered.iter().all(|l| !l.path.starts_with("sub/")));
}

/// `f` in the compare dialog edits the filter both sides are read through (the
/// session's rules, shared with the copy dialog); a rule that is not one is said
/// and kept for mending; Esc leaves the rules as they were.
#[test]
fn the_compare_reads_both_sides_through_the_sessions_filter() {
    let mut state = loaded((90, 30), local_entries(), remote_entries());
    update(&mut state, ctrl('x'));
    update(&mut state, ch('f'));
    for c in "*.tmp".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    assert!(state.message.as_deref().unwrap().contains("is not a rule"));
    assert!(state.compare.filter_input.is_some(), "kept to mend");
    update(&mut state, key(KeyCode::Home));
    for c in "- ".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    assert!(state.compare.filter_input.is_none());
    assert_eq!(state.filter_rules, "- *.tmp");
    assert!(
        screen(&state).contains("Filter: - *.tmp"),
        "{}",
        screen(&state)
    );
    // Esc while editing keeps the rules.
    update(&mut state, ch('f'));
    update(&mut state, key(KeyCode::Backspace));
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(state.filter_rules, "- *.tmp");
    let effects = update(&mut state, ch('q'));
    assert!(
        matches!(&effects[..], [Effect::Compare { quick: true, filter, .. }] if filter == "- *.tmp"),
        "{effects:?}"
    );
}
