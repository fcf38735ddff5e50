//! Dialogs: the popup every dialog is drawn in, sized to what it holds; what each
//! shows is its feature's file here.

mod transfers;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::shared::palette::Palette;
use crate::state::{Dialog, DialogFocus, State};

/// The dialog open now, if any, over everything else.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let Some(focus) = state.dialog_focus() else {
        return;
    };
    match focus {
        DialogFocus::Shell => {
            if let Some(dialog) = &state.dialog {
                crate::shared::dialog_parts::draw(state, frame, area, 72, |width, palette| {
                    lines(state, dialog, width, palette)
                });
            }
        }
        DialogFocus::Sharing => {
            if let Some(dialog) = &state.sharing {
                crate::features::sharing::widget::render(state, dialog, frame, area);
            }
        }
        DialogFocus::Compare => {
            if let Some(dialog) = &state.compare.dialog {
                crate::features::compare::widget::render(state, dialog, frame, area);
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

fn lines<'a>(
    state: &'a State,
    dialog: &'a Dialog,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    match dialog {
        Dialog::Transfer {
            kind,
            sources,
            dest,
        } => transfers::transfer(kind, sources, dest, inner_width, palette),
        Dialog::Conflict(view) => transfers::conflict(state, view, inner_width, palette),
        Dialog::Error(view) => transfers::error(state, view, inner_width, palette),
        Dialog::Resume { files } => transfers::resume(state, files, inner_width, palette),
        Dialog::Quit { .. } => transfers::quit(state, inner_width, palette),
    }
}
