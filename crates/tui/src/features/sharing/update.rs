//! The share dialog's `update`: opened on the row under the cursor, a key asks for
//! a view or an edit link, the link arrives (or why not).

use crossterm::event::KeyEvent;

use crate::features::sharing::{ShareDialog, ShareState};
use crate::shared::common::Common;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use odc_engine::transfer::Location;
use odc_graph::sharing::{LinkKind, SharingLink};

/// The share key on the row under the cursor.
pub fn open(common: &mut Common, dialog: &mut Option<ShareDialog>) -> Vec<Effect> {
    let pane = common.active_pane();
    if !pane.source.is_remote() {
        common.message = Some("Links are for OneDrive items; this is a local folder".into());
        return Vec::new();
    }
    if !common.signed_in() {
        common.message = Some("Sign in to OneDrive first".into());
        return Vec::new();
    }
    let Some(entry) = pane.current().cloned() else {
        return Vec::new();
    };
    let Some(remote) = entry.remote else {
        return Vec::new();
    };
    let ticket = common.take_ticket();
    *dialog = Some(ShareDialog {
        ticket,
        name: entry.name,
        id: remote.id,
        link: ShareState::Choosing,
    });
    Vec::new()
}

/// A key while the share dialog is open: it takes every key.
pub fn on_key(common: &Common, dialog: &mut Option<ShareDialog>, key: KeyEvent) -> Vec<Effect> {
    let Some(open) = dialog.as_mut() else {
        return Vec::new();
    };
    let kind = match common.keymap.action_in(Context::Share, &key) {
        Some(Action::ShareClose) => {
            *dialog = None;
            return Vec::new();
        }
        Some(Action::ShareView) => LinkKind::View,
        Some(Action::ShareEdit) => LinkKind::Edit,
        _ => return Vec::new(),
    };
    if open.link == ShareState::Creating {
        return Vec::new(); // one link at a time
    }
    let drive = match &common.active_pane().source {
        Location::Remote(path) => path.drive().clone(),
        Location::Local(_) => Default::default(),
    };
    open.link = ShareState::Creating;
    vec![Effect::CreateLink {
        ticket: open.ticket,
        id: open.id.clone(),
        kind,
        drive,
    }]
}

/// The link asked for was made, or not: shown, and put on the clipboard.
pub fn made(
    dialog: &mut Option<ShareDialog>,
    ticket: u64,
    result: Result<SharingLink, String>,
) -> Vec<Effect> {
    let Some(open) = dialog.as_mut().filter(|d| d.ticket == ticket) else {
        return Vec::new();
    };
    match result {
        Ok(made) => {
            let url = made.url.clone();
            open.link = ShareState::Made {
                url: made.url,
                kind: made.kind,
                scope: made.scope,
            };
            vec![Effect::Clipboard(url)]
        }
        Err(problem) => {
            open.link = ShareState::Failed(problem);
            Vec::new()
        }
    }
}
