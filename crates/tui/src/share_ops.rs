//! The parts of `update` for sharing a OneDrive item by link: choose view or edit,
//! the link is made, shown on its own line and put on the clipboard.

use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::state::{Dialog, ShareState, State};
use odc_graph::sharing::{LinkKind, SharingLink};

/// The share key on the row under the cursor.
pub fn open(state: &mut State) -> Vec<Effect> {
    let pane = state.active_pane();
    if !pane.source.is_remote() {
        state.message = Some("Links are for OneDrive items; this is a local folder".into());
        return Vec::new();
    }
    if !state.signed_in() {
        state.message = Some("Sign in to OneDrive first".into());
        return Vec::new();
    }
    let Some(entry) = pane.current().cloned() else {
        return Vec::new();
    };
    let Some(remote) = entry.remote else {
        return Vec::new();
    };
    let ticket = state.take_ticket();
    state.dialog = Some(Dialog::Share {
        ticket,
        name: entry.name,
        id: remote.id,
        link: ShareState::Choosing,
    });
    Vec::new()
}

/// A key in the share dialog; returns the dialog to keep, if any.
pub fn key(
    state: &mut State,
    (ticket, name, id, link): (u64, String, String, ShareState),
    key: crossterm::event::KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Dialog> {
    let action = state.keymap.action_in(Context::Share, &key);
    let kind = match action {
        Some(Action::ShareClose) => return None,
        Some(Action::ShareView) => LinkKind::View,
        Some(Action::ShareEdit) => LinkKind::Edit,
        _ => {
            return Some(Dialog::Share {
                ticket,
                name,
                id,
                link,
            });
        }
    };
    if link == ShareState::Creating {
        return Some(Dialog::Share {
            ticket,
            name,
            id,
            link,
        });
    }
    let drive = match &state.active_pane().source {
        odc_engine::transfer::Location::Remote(path) => path.drive().clone(),
        odc_engine::transfer::Location::Local(_) => Default::default(),
    };
    effects.push(Effect::CreateLink {
        ticket,
        id: id.clone(),
        kind,
        drive,
    });
    Some(Dialog::Share {
        ticket,
        name,
        id,
        link: ShareState::Creating,
    })
}

pub fn made(state: &mut State, ticket: u64, result: Result<SharingLink, String>) -> Vec<Effect> {
    let Some(Dialog::Share {
        ticket: asked,
        link,
        ..
    }) = &mut state.dialog
    else {
        return Vec::new();
    };
    if *asked != ticket {
        return Vec::new();
    }
    match result {
        Ok(made) => {
            let url = made.url.clone();
            *link = ShareState::Made {
                url: made.url,
                kind: made.kind,
                scope: made.scope,
            };
            vec![Effect::Clipboard(url)]
        }
        Err(problem) => {
            *link = ShareState::Failed(problem);
            Vec::new()
        }
    }
}
