//! The file operations' dialogs: mkdir, rename, delete, and marking by a pattern.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::features::files::FilesDialog;
use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;

use crate::shared::dialog_parts::{field, hint_lines};
use tui_input::Input;

/// The open dialog: the prompt for a name or pattern, or the delete question.
pub fn render(common: &Common, dialog: &FilesDialog, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 72, |width, palette| match dialog {
        FilesDialog::Mkdir { input, .. } => mkdir(input, width, palette),
        FilesDialog::Glob { mark, input, .. } => glob(*mark, input, width, palette),
        FilesDialog::Rename {
            original, input, ..
        } => rename(original, input, width, palette),
        FilesDialog::Delete { names, remote, .. } => delete(common, names, *remote, width, palette),
    });
}

fn mkdir<'a>(input: &'a Input, inner_width: usize, palette: &Palette) -> (String, Vec<Line<'a>>) {
    (
        " New folder ".into(),
        vec![
            Line::from("Name of the new folder:"),
            field(input, inner_width, palette),
            Line::styled("Enter: create   Esc: cancel", palette.dim()),
        ],
    )
}

fn glob<'a>(
    mark: bool,
    input: &'a Input,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    (
        if mark { " Mark " } else { " Unmark " }.into(),
        vec![
            Line::from(if mark {
                "Mark the files matching (end with / for folders):"
            } else {
                "Unmark the files matching (end with / for folders):"
            }),
            field(input, inner_width, palette),
            Line::styled(
                "Enter: apply   Esc: cancel   (* ? [abc] {a,b})",
                palette.dim(),
            ),
        ],
    )
}

fn rename<'a>(
    original: &'a str,
    input: &'a Input,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    (
        " Rename ".into(),
        vec![
            Line::from(fit(
                &format!("Rename {} to:", escape_control(original)),
                inner_width,
            )),
            field(input, inner_width, palette),
            Line::styled("Enter: rename   Esc: cancel", palette.dim()),
        ],
    )
}

fn delete<'a>(
    common: &Common,
    names: &'a [String],
    remote: bool,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let what = match names {
        [one] => escape_control(one),
        many => format!("{} items", many.len()),
    };
    let where_to = if remote {
        "OneDrive items go to the recycle bin, where they can be restored."
    } else {
        "Local files go to the trash (! deletes them for good)."
    };
    (
        " Delete ".into(),
        vec![
            Line::from(fit(&format!("Delete {what}?"), inner_width)),
            Line::from(where_to),
        ]
        .into_iter()
        .chain(hint_lines(common, Context::Confirm, inner_width, palette))
        .collect(),
    )
}
