//! The transfers' dialogs: copy or move with an editable destination, a name that exists, a failure, interrupted transfers to resume, and quitting while transfers run.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::features::transfers::TransferDialog;
use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;
use odc_engine::transfer::Kind;
use odc_graph::path::REMOTE_PREFIX;

use crate::shared::dialog_parts::{field, hint_lines, idle_field, when};
use crate::shared::messages::transfers::{ConflictView, ErrorView};
use crate::shared::pane::Location;
use tui_input::Input;

/// The dialog open now: copy or move, or one of the questions.
pub fn render(common: &Common, dialog: &TransferDialog, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 72, |width, palette| match dialog {
        TransferDialog::CopyMove {
            kind,
            sources,
            dest,
            filter,
            on_filter,
        } => copy_move(kind, sources, (dest, filter, *on_filter), width, palette),
        TransferDialog::Conflict(view) => conflict(common, view, width, palette),
        TransferDialog::Error(view) => error(common, view, width, palette),
        TransferDialog::Resume { files } => resume(common, files, width, palette),
        TransferDialog::Bandwidth { input } => (
            " Bandwidth ".into(),
            vec![
                Line::from("The limit for every transfer together, each way:"),
                field(input, width, palette),
                Line::styled(
                    "1M, 500k, off, or UP:DOWN such as 10M:1M   Enter: set   Esc: cancel",
                    palette.dim(),
                ),
            ],
        ),
        TransferDialog::Quit { active } => quit(common, *active, width, palette),
    });
}

fn copy_move<'a>(
    kind: &'a Kind,
    sources: &'a [Location],
    (dest, filter, on_filter): (&'a Input, &'a Input, bool),
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
            if on_filter {
                idle_field(dest, inner_width, palette)
            } else {
                field(dest, inner_width, palette)
            },
            Line::from(fit(
                "Filter, rclone's rules (- *.tmp; - .git/; + /src/**):",
                inner_width,
            )),
            if on_filter {
                field(filter, inner_width, palette)
            } else {
                idle_field(filter, inner_width, palette)
            },
            Line::from(""),
            Line::styled(
                format!(
                    "Enter: start   Tab: other field   Esc: cancel   ({REMOTE_PREFIX}/path or a local path)"
                ),
                palette.dim(),
            ),
        ],
    )
}

fn conflict<'a>(
    common: &Common,
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
        .chain(hint_lines(common, Context::Conflict, inner_width, palette))
        .collect(),
    )
}

fn error<'a>(
    common: &Common,
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
        .chain(hint_lines(common, Context::Error, inner_width, palette))
        .collect(),
    )
}

fn resume<'a>(
    common: &Common,
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
    lines.extend(hint_lines(common, Context::Resume, inner_width, palette));
    (" Unfinished transfers ".into(), lines)
}

fn quit<'a>(
    common: &Common,
    active: usize,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    (
        " Quit? ".into(),
        vec![
            // The count as it is now: transfers go on finishing while it asks.
            Line::from(match active {
                0 => "The transfers have all finished.".to_string(),
                1 => "1 transfer is still running.".to_string(),
                n => format!("{n} transfers are still running."),
            }),
            Line::from("Quit anyway? Downloads keep their .odc-partial files."),
        ]
        .into_iter()
        .chain(hint_lines(common, Context::Quit, inner_width, palette))
        .collect(),
    )
}
