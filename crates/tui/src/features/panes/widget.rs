//! A pane: title with the path, rows, loading and error states.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::shared::common::Common;
use crate::shared::palette::Palette;
use crate::shared::pane::Entry;
use crate::shared::text::{fit, fit_left, pad, thousands};
use odc_core::display::escape_control;

pub fn render(common: &Common, index: usize, frame: &mut Frame, area: Rect) {
    let pane = &common.panes[index];
    let active = common.active == index;
    let palette = Palette::of(common);
    let inner_width = area.width.saturating_sub(2) as usize;
    let place = match &pane.found {
        Some(query) => format!("Find \"{query}\" in {}", shown(common, &pane.source)),
        None => shown(common, &pane.source),
    };
    let title = fit_left(&escape_control(&place), inner_width.saturating_sub(4));
    let bottom = if pane.listing.loading {
        format!(
            " {} loading {}… ",
            crate::shared::palette::spinner(common),
            thousands(pane.entries.len())
        )
    } else {
        // Where the cursor is, what is marked (count and bytes), the sort order.
        let mut parts = Vec::new();
        if !pane.visible.is_empty() {
            parts.push(format!(
                "{}/{}",
                thousands(pane.cursor + 1),
                thousands(pane.visible.len())
            ));
        }
        if !pane.marked.is_empty() {
            let bytes: u64 = pane
                .entries
                .iter()
                .filter(|e| pane.marked.contains(&e.name))
                .map(|e| e.size)
                .sum();
            parts.push(format!(
                "{} marked {}",
                thousands(pane.marked.len()),
                format_size(bytes, BINARY)
            ));
        }
        parts.push(pane.sort.label().to_string());
        format!(
            " {} ",
            fit(&parts.join(" · "), inner_width.saturating_sub(4))
        )
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(palette.border(active))
        .title(Line::from(format!(" {title} ")))
        .title_bottom(Line::from(bottom));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut rows = inner.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    let show_filter = pane.filter.is_some();
    if show_filter {
        rows = rows.saturating_sub(1);
    }
    if let Some(error) = &pane.listing.error {
        lines.push(Line::styled(
            fit(&format!("Error: {}", escape_control(error)), inner_width),
            palette.error(),
        ));
        let refresh = common.keymap.label(crate::shared::keymap::Action::Refresh);
        lines.push(Line::styled(
            fit(&format!("{refresh} to retry"), inner_width),
            palette.dim(),
        ));
    } else if pane.visible.is_empty() && !pane.listing.loading {
        let text = if pane.entries.is_empty() && pane.found.is_some() {
            "(nothing found)"
        } else if pane.entries.is_empty() {
            "(empty)"
        } else {
            "(nothing matches)"
        };
        lines.push(Line::styled(text, palette.dim()));
    }
    let (size_col, time_col) = columns(inner_width);
    for (offset, entry) in pane
        .visible_entries()
        .skip(pane.scroll)
        .take(rows)
        .enumerate()
    {
        let row = pane.scroll + offset;
        let marked = pane.marked.contains(&entry.name);
        // A folder's total, when the pane shows them: OneDrive's from the listing,
        // a local one once walked (… until then).
        let total = (entry.is_dir && pane.folder_sizes).then(|| {
            if pane.source.is_remote() || pane.sized.contains(&entry.name) {
                format_size(entry.size, BINARY)
            } else {
                "…".to_string()
            }
        });
        lines.push(entry_line(
            common,
            (entry, total),
            marked,
            row == pane.cursor,
            active,
            inner_width,
            size_col,
            time_col,
        ));
    }
    while show_filter && lines.len() < rows {
        lines.push(Line::from(""));
    }
    if let Some(input) = &pane.filter {
        let count = format!(
            "  {} of {}",
            thousands(pane.visible.len()),
            thousands(pane.entries.len())
        );
        let room = inner_width.saturating_sub(count.chars().count() + 1);
        let text = if pane.filter_editing {
            crate::shared::text::with_caret(input.value(), input.cursor(), room)
        } else {
            fit(&escape_control(input.value()), room)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("/{text}"), palette.key()),
            Span::styled(count, palette.dim()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Widths of the size and time columns for a pane this wide (0 = hidden).
fn columns(width: usize) -> (usize, usize) {
    match width {
        w if w >= 46 => (10, 17),
        w if w >= 28 => (10, 0),
        _ => (0, 0),
    }
}

#[allow(clippy::too_many_arguments)]
fn entry_line<'a>(
    common: &Common,
    (entry, total): (&Entry, Option<String>),
    marked: bool,
    under_cursor: bool,
    active: bool,
    width: usize,
    size_col: usize,
    time_col: usize,
) -> Line<'a> {
    let palette = Palette::of(common);
    let mark = if marked { "*" } else { " " };
    let name = escape_control(&entry.name);
    let name = if entry.is_dir {
        format!("{name}/")
    } else {
        name
    };
    let name_width = width.saturating_sub(1 + size_col + time_col);
    // What is neither a plain file nor folder says what it is (a notebook is not
    // a file of that size; the vault is no ordinary folder).
    let special = match entry.remote.as_ref().map(|r| r.kind) {
        Some("notebook") => Some("<notebook>"),
        Some("vault") => Some("<vault>"),
        Some("shared") => Some("<shared>"),
        Some("package") => Some("<package>"),
        _ => None,
    };
    let size = if size_col == 0 {
        String::new()
    } else if let Some(label) = special {
        format!("{:>width$}", label, width = size_col)
    } else if let Some(total) = total {
        format!("{:>width$}", total, width = size_col)
    } else if entry.is_dir {
        format!("{:>width$}", "<dir>", width = size_col)
    } else {
        format!(
            "{:>width$}",
            format_size(entry.size, BINARY),
            width = size_col
        )
    };
    let time = if time_col == 0 {
        String::new()
    } else {
        let text = entry
            .modified
            .map(|t| {
                let offset = chrono::FixedOffset::east_opt(common.utc_offset_secs)
                    .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
                t.with_timezone(&offset)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        format!(" {text:>16}")
    };
    let mut style = if marked {
        palette.marked()
    } else if entry.is_dir {
        palette.folder()
    } else {
        ratatui::style::Style::default()
    };
    if under_cursor {
        style = style.patch(palette.cursor(active));
    }
    Line::from(vec![Span::styled(
        format!("{mark}{}{size}{time}", pad(&name, name_width)),
        style,
    )])
}

/// A location as the panes show it: another account's or a library's drive by its
/// name ("work:/Reports", "work · Quarterly Reports › Archive:/"), not its id.
pub fn shown(common: &Common, location: &odc_engine::transfer::Location) -> String {
    match location {
        odc_engine::transfer::Location::Remote(path) if !path.drive().is_default() => {
            let name = common
                .drives
                .get(path.drive())
                .map(|d| d.name.clone())
                .unwrap_or_else(|| path.drive().prefix());
            format!("{name}:{path}")
        }
        other => other.to_string(),
    }
}
