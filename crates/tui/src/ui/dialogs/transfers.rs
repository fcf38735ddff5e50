//! The transfers' dialogs: copy or move with an editable destination, a name that exists, a failure, interrupted transfers to resume, and quitting while transfers run.

use humansize::{BINARY, format_size};
use ratatui::text::Line;

use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use crate::state::State;
use odc_core::display::escape_control;
use odc_engine::transfer::Kind;
use odc_graph::path::REMOTE_PREFIX;

use crate::shared::dialog_parts::{field, hint_lines, when};
use crate::shared::messages::transfers::{ConflictView, ErrorView};
use crate::state::Location;
use tui_input::Input;

pub fn transfer<'a>(
    kind: &'a Kind,
    sources: &'a [Location],
    dest: &'a Input,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let verb = if *kind == Kind::Copy { "Copy" } else { "Move" };
    let what = match sources {
        [one] => escape_control(&one.name()),
        many => format!("{} items", many.len()),
    };
    (
        format!(" {verb} "),
        vec![
            Line::from(fit(&format!("{verb} {what} to:"), inner_width)),
            field(dest, inner_width, palette),
            Line::from(""),
            Line::styled(
                format!("Enter: start   Esc: cancel   ({REMOTE_PREFIX}/path or a local path)"),
                palette.dim(),
            ),
        ],
    )
}

pub fn conflict<'a>(
    state: &'a State,
    view: &'a ConflictView,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    (
        " The target exists ".into(),
        vec![
            Line::from(fit(&escape_control(&view.name), inner_width)),
            Line::from(format!(
                "  new:      {:>12}  {}",
                format_size(view.source_size, BINARY),
                when(view.source_modified)
            )),
            Line::from(format!(
                "  existing: {:>12}  {}",
                format_size(view.target_size, BINARY),
                when(view.target_modified)
            )),
            Line::from(""),
        ]
        .into_iter()
        .chain(hint_lines(state, Context::Conflict, inner_width, palette))
        .collect(),
    )
}

pub fn error<'a>(
    state: &'a State,
    view: &'a ErrorView,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    (
        " Transfer failed ".into(),
        vec![
            Line::from(fit(&escape_control(&view.name), inner_width)),
            Line::styled(escape_control(&view.message), palette.error()),
            Line::from(""),
        ]
        .into_iter()
        .chain(hint_lines(state, Context::Error, inner_width, palette))
        .collect(),
    )
}

pub fn resume<'a>(
    state: &'a State,
    files: &'a [String],
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    const SHOWN: usize = 5;
    let count = files.len();
    let mut lines = vec![Line::from(match count {
        1 => "1 transfer did not finish last time:".to_string(),
        n => format!("{n} transfers did not finish last time:"),
    })];
    lines.extend(
        files
            .iter()
            .take(SHOWN)
            .map(|f| Line::from(format!("  {}", escape_control(f)))),
    );
    if count > SHOWN {
        lines.push(Line::from(format!("  … and {} more", count - SHOWN)));
    }
    lines.push(Line::from(
        "Resume? Uploads go on in their session if the file is unchanged.",
    ));
    lines.extend(hint_lines(state, Context::Resume, inner_width, palette));
    (" Unfinished transfers ".into(), lines)
}

pub fn quit<'a>(
    state: &'a State,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    (
        " Quit? ".into(),
        vec![
            // The count as it is now: transfers go on finishing while it asks.
            Line::from(match state.transfers.active() {
                0 => "The transfers have all finished.".to_string(),
                1 => "1 transfer is still running.".to_string(),
                n => format!("{n} transfers are still running."),
            }),
            Line::from("Quit anyway? Downloads keep their .odc-partial files."),
        ]
        .into_iter()
        .chain(hint_lines(state, Context::Quit, inner_width, palette))
        .collect(),
    )
}
