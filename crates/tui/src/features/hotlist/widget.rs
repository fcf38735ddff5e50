//! The hotlist: the bookmarked folders with the selected row, and its keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::shared::common::Common;
use crate::shared::dialog_parts::hint_lines;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use odc_core::display::escape_control;
use odc_engine::transfer::Location;

pub fn render(common: &Common, folders: &[Location], cursor: usize, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 72, |width, palette| {
        lines(common, folders, &cursor, width, palette)
    });
}

fn lines<'a>(
    common: &Common,
    folders: &[Location],
    cursor: &usize,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let mut lines: Vec<Line> = if folders.is_empty() {
        vec![Line::styled(
            "(empty: add the active pane's folder)",
            palette.dim(),
        )]
    } else {
        // A window of rows around the selection.
        const ROWS: usize = 12;
        let start = cursor.saturating_sub(ROWS - 1);
        folders
            .iter()
            .enumerate()
            .skip(start)
            .take(ROWS)
            .map(|(i, folder)| {
                let text = crate::shared::text::pad(
                    &crate::shared::text::fit_left(
                        &escape_control(&folder.to_string()),
                        inner_width,
                    ),
                    inner_width,
                );
                if i == *cursor {
                    Line::styled(text, palette.cursor(true))
                } else {
                    Line::from(text)
                }
            })
            .collect()
    };
    lines.push(Line::from(""));
    lines.extend(hint_lines(common, Context::Hotlist, inner_width, palette));
    (" Hotlist ".into(), lines)
}
