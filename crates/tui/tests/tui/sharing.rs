//! Sharing a OneDrive item: the dialog through `update`, the clipboard effect, the
//! sign-in code on the clipboard, the sign-in address on a row of its own; the
//! runner's createLink against the emulator.

use crossterm::event::KeyCode;
use odc_graph::sharing::{LinkKind, SharingLink};
use odc_tui::features::sharing::{ShareDialog, ShareState};
use odc_tui::shell::router::{Effect, Event, update};

use super::support::*;
use odc_testkit::Env;

#[test]
fn share_makes_a_link_shows_it_and_copies_it() {
    let mut state = loaded((110, 24), local_entries(), remote_entries());
    update(&mut state, ch('L'));
    assert!(state.message.as_deref().unwrap().contains("local folder"));
    update(&mut state, key(KeyCode::Tab));
    while state.active_pane().current().unwrap().name != "notes.txt" {
        update(&mut state, ch('j'));
    }
    assert!(update(&mut state, ch('L')).is_empty());
    insta::assert_snapshot!("share_choose", screen(&state));
    let effects = update(&mut state, ch('e'));
    let ticket = match &effects[..] {
        [
            Effect::CreateLink {
                ticket,
                id,
                kind: LinkKind::Edit,
                drive,
            },
        ] => {
            assert!(drive.is_default());
            assert_eq!(id, "ID!notes.txt");
            *ticket
        }
        other => panic!("{other:?}"),
    };
    // A second key while it is being made asks nothing more.
    assert!(update(&mut state, ch('v')).is_empty());
    let url =
        "https://1drv.ms/t/s!AkQ2xyz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_long_enough";
    let effects = update(
        &mut state,
        Event::LinkMade {
            ticket,
            result: Ok(SharingLink {
                url: url.into(),
                kind: "edit".into(),
                scope: Some("anonymous".into()),
            }),
        },
    );
    assert_eq!(effects, vec![Effect::Clipboard(url.into())]);
    let text = screen(&state);
    assert!(
        text.contains(url),
        "the link whole, on its own line:\n{text}"
    );
    insta::assert_snapshot!("share_made", text);
    update(&mut state, key(KeyCode::Esc));
    assert!(!state.dialog_open());
}

#[test]
fn a_failed_link_says_why() {
    let mut state = loaded((80, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, ch('L'));
    let ticket = match &update(&mut state, ch('v'))[..] {
        [Effect::CreateLink { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Event::LinkMade {
            ticket,
            result: Err("Anonymous sharing links are disabled by the administrator".into()),
        },
    );
    assert!(matches!(
        state.sharing,
        Some(ShareDialog {
            link: ShareState::Failed(_),
            ..
        })
    ));
    assert!(screen(&state).contains("disabled by the administrator"));
}

#[test]
fn the_sign_in_code_goes_to_the_clipboard_and_the_address_is_never_broken() {
    let mut state = state((80, 20));
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
    let long = "https://login.microsoftonline.com/common/oauth2/deviceauth?tenant=example";
    update(
        &mut state,
        Event::SignInCode {
            user_code: "F7K2QX9PL".into(),
            verification_uri: long.into(),
            expires_at: 1_800_000_900,
        },
    );
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(
        update(&mut state, ch('y')),
        vec![Effect::Clipboard("F7K2QX9PL".into())]
    );
    let text = screen(&state);
    assert!(
        text.lines().any(|l| l.contains(long)),
        "the address is on one row, across the screen if need be:\n{text}"
    );
    insta::assert_snapshot!("sign_in_long_address", text);
    let area = ratatui::layout::Rect::new(0, 0, 80, 20);
    let (x, _, link) = odc_tui::features::sign_in::widget::hyperlink(&state, area).unwrap();
    assert_eq!(x, 0);
    assert_eq!(link, format!("\x1b]8;;{long}\x1b\\{long}\x1b]8;;\x1b\\"));

    // A hostile address is shown escaped and never becomes a link.
    update(
        &mut state,
        Event::SignInCode {
            user_code: "X".into(),
            verification_uri: "https://evil.example/\x1b]8;;x".into(),
            expires_at: 1_800_000_900,
        },
    );
    assert!(odc_tui::features::sign_in::widget::hyperlink(&state, area).is_none());
    assert!(!screen(&state).contains('\x1b'));
}

#[tokio::test]
async fn the_runner_asks_onedrive_for_the_link() {
    let env = Env::new(Default::default()).await;
    env.sign_in();
    let id = env.emu.put_file("/shared.txt", b"x");
    let (mut runner, mut rx) = signed_in_runner(&env).await;
    runner.run(Effect::CreateLink {
        ticket: 3,
        id,
        kind: LinkKind::View,
        drive: Default::default(),
    });
    loop {
        match rx.recv().await.unwrap() {
            Event::LinkMade { ticket: 3, result } => {
                let link = result.unwrap();
                assert!(link.url.starts_with("http"), "{link:?}");
                assert_eq!(
                    (link.kind.as_str(), link.scope.as_deref()),
                    ("view", Some("anonymous"))
                );
                break;
            }
            _ => continue,
        }
    }
    assert_eq!(env.count("POST", "createLink", 201), 1);
}

/// A transfer's question that arrives while the share dialog is open waits for it
/// to close: one dialog at a time, whichever feature owns it, and keys go to the
/// one shown.
#[test]
fn a_transfer_question_waits_for_the_share_dialog() {
    let mut state = loaded((110, 24), local_entries(), remote_entries());
    update(&mut state, key(KeyCode::Tab));
    while state.active_pane().current().unwrap().name != "notes.txt" {
        update(&mut state, ch('j'));
    }
    update(&mut state, ch('L'));
    update(
        &mut state,
        Event::TransferError(odc_tui::shared::messages::transfers::ErrorView {
            question: 4,
            name: "big.bin".into(),
            message: "the OneDrive is full".into(),
        }),
    );
    assert!(state.transfers.dialog.is_none(), "the question waits");
    let text = screen(&state);
    assert!(
        text.contains("Share notes.txt") && !text.contains("big.bin"),
        "{text}"
    );
    // `r` would retry in the question; the share dialog takes it and does nothing.
    assert!(update(&mut state, ch('r')).is_empty());
    update(&mut state, key(KeyCode::Esc));
    assert!(state.sharing.is_none());
    assert!(
        screen(&state).contains("big.bin"),
        "then the question shows"
    );
    assert!(matches!(
        update(&mut state, ch('r'))[..],
        [Effect::AnswerError { question: 4, .. }]
    ));
}
