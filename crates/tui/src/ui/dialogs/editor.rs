//! An edited file that changed on OneDrive meanwhile: which version wins.

use ratatui::text::Line;

use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use crate::state::State;
use odc_core::display::escape_control;

use crate::shared::dialog_parts::hint_lines;

pub fn edit_conflict<'a>(
    state: &'a State,
    name: &'a str,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    (
        " Changed on OneDrive ".into(),
        vec![
            Line::from(fit(&escape_control(name), inner_width)),
            Line::from("changed on OneDrive while you were editing it."),
            Line::from("Your edit is safe in a private copy until you choose."),
            Line::from(""),
        ]
        .into_iter()
        .chain(hint_lines(
            state,
            Context::EditConflict,
            inner_width,
            palette,
        ))
        .collect(),
    )
}
