//! The versions dialog (the file's details, then its versions with the
//! selected one) and the recycle bin dialog (what odc deleted and is still
//! there).

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::features::history::{BinDialog, Listing, VersionsDialog};
use crate::shared::common::Common;
use crate::shared::dialog_parts::{hint_lines, when};
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::{fit, fit_left, pad};
use odc_core::display::escape_control;
use odc_engine::transfer::Location;

/// Rows of a list shown at once, around the selection.
const ROWS: usize = 10;

fn row<'a>(text: String, selected: bool, width: usize, palette: &Palette) -> Line<'a> {
    let text = pad(&fit(&text, width), width);
    if selected {
        Line::styled(text, palette.cursor(true))
    } else {
        Line::from(text)
    }
}

/// The list's rows, a note of how it went, and the question when one is asked.
fn listing_lines<'a, T>(
    listing: &Listing<T>,
    cursor: usize,
    empty: &'static str,
    text: impl Fn(usize, &T) -> String,
    width: usize,
    palette: &Palette,
) -> Vec<Line<'a>> {
    match listing {
        Listing::Loading => vec![Line::styled("Reading…", palette.dim())],
        Listing::Failed(problem) => vec![Line::styled(escape_control(problem), palette.error())],
        Listing::Listed(rows) if rows.is_empty() => vec![Line::styled(empty, palette.dim())],
        Listing::Listed(rows) => {
            let start = cursor.saturating_sub(ROWS - 1);
            rows.iter()
                .enumerate()
                .skip(start)
                .take(ROWS)
                .map(|(i, r)| row(text(i, r), i == cursor, width, palette))
                .collect()
        }
    }
}

fn tail<'a>(
    common: &Common,
    lines: &mut Vec<Line<'a>>,
    asking: Option<String>,
    note: &Option<String>,
    context: Context,
    width: usize,
    palette: &Palette,
) {
    lines.push(Line::from(""));
    if let Some(question) = asking {
        lines.push(Line::styled(fit(&question, width), palette.key()));
        lines.extend(hint_lines(common, Context::Confirm, width, palette));
        return;
    }
    if let Some(note) = note {
        lines.push(Line::from(fit(&escape_control(note), width)));
    }
    lines.extend(hint_lines(common, context, width, palette));
}

pub fn render_versions(common: &Common, dialog: &VersionsDialog, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 76, |width, palette| {
        let place = Location::Remote(dialog.path.clone()).to_string();
        let mut lines = vec![
            Line::from(fit_left(&escape_control(&place), width)),
            Line::styled(
                fit(
                    &format!(
                        "{}, modified {}",
                        format_size(dialog.size, BINARY),
                        when(dialog.modified)
                    ),
                    width,
                ),
                palette.dim(),
            ),
            Line::from(""),
        ];
        lines.extend(listing_lines(
            &dialog.versions,
            dialog.cursor,
            "(no versions)",
            |i, v| {
                let mark = if i == 0 { "current" } else { "" };
                format!(
                    "{:<19} {:>10}  {:<7}  {}",
                    when(v.last_modified_date_time),
                    format_size(v.size, BINARY),
                    mark,
                    escape_control(v.by().unwrap_or(""))
                )
            },
            width,
            palette,
        ));
        let asking = dialog.asking.then(|| {
            let v = dialog.versions.rows().get(dialog.cursor);
            format!(
                "Make the version of {} the current one? The current one is kept as a version.",
                when(v.and_then(|v| v.last_modified_date_time))
            )
        });
        tail(
            common,
            &mut lines,
            asking,
            &dialog.note,
            Context::Versions,
            width,
            palette,
        );
        (
            format!(" Versions of {} ", escape_control(&dialog.name)),
            lines,
        )
    });
}

pub fn render_bin(common: &Common, dialog: &BinDialog, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 76, |width, palette| {
        let mut lines = vec![Line::styled(
            fit(
                if dialog.checked {
                    "What odc deleted and is still in the recycle bin, newest first"
                } else {
                    "The work account's recycle bin (restored from and emptied on the web)"
                },
                width,
            ),
            palette.dim(),
        )];
        lines.push(Line::from(""));
        lines.extend(listing_lines(
            &dialog.entries,
            dialog.cursor,
            "(nothing odc deleted is in the recycle bin)",
            |_, e| {
                format!(
                    "{} {:>10}  {}  {}",
                    if e.folder { 'd' } else { '-' },
                    format_size(e.size, BINARY),
                    when(Some(e.deleted_at)),
                    escape_control(&e.path)
                )
            },
            width,
            palette,
        ));
        let asking = dialog.asking.then(|| {
            let path = dialog
                .entries
                .rows()
                .get(dialog.cursor)
                .map(|e| escape_control(&e.path))
                .unwrap_or_default();
            format!("Delete {path} for good? It cannot be restored afterwards.")
        });
        tail(
            common,
            &mut lines,
            asking,
            &dialog.note,
            Context::Bin,
            width,
            palette,
        );
        (" Recycle bin ".into(), lines)
    });
}
