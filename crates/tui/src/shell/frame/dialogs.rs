//! The dialog layer of the frame: the one dialog with the focus, drawn by the
//! feature that owns it.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::shell::state::{DialogFocus, State};

/// The dialog open now, if any, over everything else.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let Some(focus) = state.dialog_focus() else {
        return;
    };
    match focus {
        DialogFocus::Transfers => {
            if let Some(dialog) = &state.transfers.dialog {
                crate::features::transfers::widget::render(state, dialog, frame, area);
            }
        }
        DialogFocus::Sharing => {
            if let Some(dialog) = &state.sharing {
                crate::features::sharing::widget::render(state, dialog, frame, area);
            }
        }
        DialogFocus::Versions => {
            if let Some(dialog) = &state.versions {
                crate::features::history::widget::render_versions(state, dialog, frame, area);
            }
        }
        DialogFocus::Bin => {
            if let Some(dialog) = &state.bin {
                crate::features::history::widget::render_bin(state, dialog, frame, area);
            }
        }
        DialogFocus::Archive => {
            if let Some(dialog) = &state.archive {
                crate::features::archive::widget::render(state, dialog, frame, area);
            }
        }
        DialogFocus::Compare => {
            if let Some(dialog) = &state.compare.dialog {
                let editing = state.compare.filter_input.as_ref();
                crate::features::compare::widget::render(state, dialog, editing, frame, area);
            }
        }
        DialogFocus::Drives => {
            if let Some(picker) = &state.drive_picker {
                crate::features::drives::widget::render(state, picker, frame, area);
            }
        }
        DialogFocus::GoTo => {
            if let Some(prompt) = &state.goto {
                crate::features::goto::widget::render(state, prompt, frame, area);
            }
        }
        DialogFocus::Find => {
            if let Some(prompt) = &state.find {
                crate::features::find::widget::render(state, prompt, frame, area);
            }
        }
        DialogFocus::Hotlist => {
            if let Some(cursor) = state.hotlist.open {
                let folders = &state.hotlist.folders;
                crate::features::hotlist::widget::render(state, folders, cursor, frame, area);
            }
        }
        DialogFocus::Files => {
            if let Some(dialog) = &state.files {
                crate::features::files::widget::render(state, dialog, frame, area);
            }
        }
        DialogFocus::EditConflict => {
            if let Some(editing) = &state.editing {
                crate::features::editor::widget::render(state, &editing.name, frame, area);
            }
        }
    }
}
