//! Going places: the go-to prompt with its completions, find, the hotlist.

use ratatui::text::Line;

use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use crate::state::State;
use odc_core::display::escape_control;

use crate::shared::dialog_parts::{field, hint_lines};
use tui_input::Input;

pub fn go_to<'a>(
    input: &'a Input,
    candidates: &'a [String],
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let mut lines = vec![
        Line::from("Go to (a folder; ~ is home, .. goes up, OneDrive:/… is OneDrive):"),
        field(input, inner_width, palette),
    ];
    if !candidates.is_empty() {
        let names: Vec<String> = candidates.iter().map(|n| escape_control(n)).collect();
        let mut wrapped = crate::shared::text::wrap_hints(&names.join("  "), inner_width);
        if wrapped.len() > 6 {
            wrapped.truncate(5);
            wrapped.push(format!("… {} folders", candidates.len()));
        }
        lines.extend(wrapped.into_iter().map(Line::from));
    }
    lines.push(Line::styled(
        "Enter: go   Tab: complete   Esc: cancel",
        palette.dim(),
    ));
    (" Go to ".into(), lines)
}

pub fn find<'a>(
    state: &'a State,
    pane: &'a usize,
    input: &'a Input,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let here = escape_control(&state.panes[*pane].source.to_string());
    let how = if state.panes[*pane].source.is_remote() {
        "OneDrive search: names and contents"
    } else {
        "names; * ? [abc] work, plain text means \"contains\""
    };
    (
        " Find ".into(),
        vec![
            Line::from(fit(&format!("Find below {here}:"), inner_width)),
            field(input, inner_width, palette),
            Line::styled(
                fit(&format!("Enter: find   Esc: cancel   ({how})"), inner_width),
                palette.dim(),
            ),
        ],
    )
}

pub fn hotlist<'a>(
    state: &'a State,
    cursor: &'a usize,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let mut lines: Vec<Line> = if state.hotlist.is_empty() {
        vec![Line::styled(
            "(empty: add the active pane's folder)",
            palette.dim(),
        )]
    } else {
        // A window of rows around the selection.
        const ROWS: usize = 12;
        let start = cursor.saturating_sub(ROWS - 1);
        state
            .hotlist
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
    lines.extend(hint_lines(state, Context::Hotlist, inner_width, palette));
    (" Hotlist ".into(), lines)
}
