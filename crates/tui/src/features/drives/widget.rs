//! The drive picker (F2): accounts, drives, shared folders and SharePoint libraries.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;

use crate::features::drives::DrivePicker;
use crate::shared::dialog_parts::{field, hint_lines};

/// The picker, as tall as its rows allow.
pub fn render(common: &Common, picker: &DrivePicker, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 72, |width, palette| {
        lines(common, picker, width, palette)
    });
}

fn lines<'a>(
    common: &Common,
    picker: &'a DrivePicker,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    const ROWS: usize = 12;
    let start = picker.cursor.saturating_sub(ROWS - 1);
    let owner_width = picker
        .places
        .iter()
        .map(|p| p.owner.chars().count())
        .max()
        .unwrap_or(0)
        .min(inner_width / 3);
    let mut lines: Vec<Line> = picker
        .places
        .iter()
        .enumerate()
        .skip(start)
        .take(ROWS)
        .map(|(i, place)| {
            // Labels are built from escaped server strings.
            let text = format!(
                "{}  {}",
                crate::shared::text::pad(
                    &fit(&escape_control(&place.owner), owner_width),
                    owner_width
                ),
                place.label
            );
            let text = crate::shared::text::pad(&fit(&text, inner_width), inner_width);
            if i == picker.cursor {
                Line::styled(text, palette.cursor(true))
            } else {
                Line::from(text)
            }
        })
        .collect();
    if picker.loading {
        lines.push(Line::styled("reading accounts and sites…", palette.dim()));
    }
    lines.push(Line::from(""));
    match &picker.search {
        Some(input) => {
            lines.push(Line::from("Search SharePoint sites for:"));
            lines.push(field(input, inner_width, palette));
            lines.push(Line::styled("Enter: search   Esc: back", palette.dim()));
        }
        None => lines.extend(hint_lines(common, Context::Drives, inner_width, palette)),
    }
    (
        format!(
            " Show in the {} pane ",
            if picker.pane == 0 { "left" } else { "right" }
        ),
        lines,
    )
}
