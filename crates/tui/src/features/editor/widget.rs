//! The editor's dialog: an edited file that changed on OneDrive meanwhile, and
//! which version wins.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;

use crate::shared::dialog_parts::hint_lines;

/// The dialog asking which version wins.
pub fn render(common: &Common, name: &str, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 72, |width, palette| {
        conflict_lines(common, name, width, palette)
    });
}

fn conflict_lines<'a>(
    common: &Common,
    name: &str,
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
            common,
            Context::EditConflict,
            inner_width,
            palette,
        ))
        .collect(),
    )
}
