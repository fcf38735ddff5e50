//! The archive dialog: where in the archive, its rows with the selected one,
//! what the last copy did, and the keys.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::features::archive::ArchiveDialog;
use crate::shared::common::Common;
use crate::shared::dialog_parts::hint_lines;
use crate::shared::keymap::Context;
use crate::shared::text::{fit, fit_left, pad};
use odc_core::display::escape_control;

/// Rows shown at once, around the selection.
const ROWS: usize = 12;

pub fn render(common: &Common, dialog: &ArchiveDialog, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 76, |width, palette| {
        let here = format!("{}/{}", dialog.archive.place, dialog.dir);
        let mut lines = vec![
            Line::from(fit_left(&escape_control(&here), width)),
            Line::from(""),
        ];
        match &dialog.entries {
            None => lines.push(Line::styled(
                "Reading its table of contents…",
                palette.dim(),
            )),
            Some(Err(problem)) => {
                lines.push(Line::styled(escape_control(problem), palette.error()))
            }
            Some(Ok(_)) => {
                let rows = dialog.rows();
                if rows.is_empty() {
                    lines.push(Line::styled("(empty)", palette.dim()));
                }
                let start = dialog.cursor.saturating_sub(ROWS - 1);
                for (i, entry) in rows.iter().enumerate().skip(start).take(ROWS) {
                    let name = escape_control(&entry.name);
                    let text = if entry.is_dir {
                        format!("{name}/")
                    } else {
                        let size = format_size(entry.size, BINARY);
                        let room = width.saturating_sub(12);
                        format!("{} {size:>10}", pad(&fit(&name, room), room))
                    };
                    let text = pad(&fit(&text, width), width);
                    lines.push(if i == dialog.cursor {
                        Line::styled(text, palette.cursor(true))
                    } else {
                        Line::from(text)
                    });
                }
            }
        }
        lines.push(Line::from(""));
        if let Some(note) = &dialog.note {
            lines.push(Line::from(fit(&escape_control(note), width)));
        }
        lines.extend(hint_lines(common, Context::Archive, width, palette));
        let name = dialog.archive.place.name();
        (format!(" {} ", escape_control(&name)), lines)
    });
}
