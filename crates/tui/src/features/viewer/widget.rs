//! Drawing the file viewer: a title bar, the rows (text with escapes made visible,
//! or hex), and a line for hints, the search prompt or a message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::features::viewer::model::Viewer;
use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::units::{Unit, escape_unit};
use odc_core::display::escape_control;

pub fn render(common: &Common, viewer: &Viewer, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(common);
    let (rows, missing) = viewer.rows();
    let title = title_line(viewer, missing.is_some(), area.width as usize);
    frame.render_widget(
        Paragraph::new(title).style(palette.bar()),
        Rect { height: 1, ..area },
    );
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    let lines = if viewer.hex {
        rows.iter()
            .map(|&(start, end)| hex_row(viewer, start, end, &palette))
            .collect()
    } else {
        text_rows(viewer, &rows, &palette)
    };
    frame.render_widget(Paragraph::new(lines), body);
    let bottom = Rect {
        y: area.y + area.height.saturating_sub(1),
        height: 1,
        ..area
    };
    frame.render_widget(
        Paragraph::new(bottom_line(common, viewer, &palette)),
        bottom,
    );
}

fn title_line(viewer: &Viewer, reading: bool, width: usize) -> String {
    let mode = match (viewer.hex, viewer.wrap) {
        (true, _) => "hex",
        (false, true) => "text, wrapped",
        (false, false) => "text",
    };
    let position = match viewer.top_line {
        Some(line) if !viewer.hex => format!("line {}", line + 1),
        _ => format!("byte {}", viewer.top),
    };
    let status = if reading { "  reading…" } else { "" };
    let right = format!(
        "{}  {mode}  {position}  {}%{status} ",
        humansize::format_size(viewer.size, humansize::BINARY),
        viewer.percent()
    );
    let room = width.saturating_sub(right.chars().count() + 1);
    let name = crate::shared::text::fit_left(&escape_control(&viewer.title), room);
    format!(" {}{right}", crate::shared::text::pad(&name, room))
}

fn bottom_line<'a>(common: &Common, viewer: &'a Viewer, palette: &Palette) -> Line<'a> {
    let width = common.size.0 as usize;
    if let Some(input) = &viewer.search.input {
        return Line::from(vec![
            Span::styled("Search: ", palette.key()),
            Span::raw(crate::shared::text::with_caret(
                input.value(),
                input.cursor(),
                width.saturating_sub(9),
            )),
        ]);
    }
    if viewer.search.running {
        let pattern = viewer.search.pattern.as_deref().unwrap_or_default();
        return Line::from(format!(
            "Searching for \"{}\"…  Esc stops",
            escape_control(pattern)
        ));
    }
    if let Some(error) = &viewer.error {
        return Line::styled(
            crate::shared::text::fit(&escape_control(error), width),
            palette.error(),
        );
    }
    let hints = common.keymap.hints(Context::Viewer);
    Line::styled(
        crate::shared::text::wrap_hints(&hints, width)
            .into_iter()
            .next()
            .unwrap_or_default(),
        palette.dim(),
    )
}

fn text_rows<'a>(viewer: &Viewer, rows: &[(u64, u64)], palette: &Palette) -> Vec<Line<'a>> {
    let gutter = viewer.gutter();
    let width = viewer.body.0.saturating_sub(gutter);
    let mut line = viewer.top_line;
    // Whether the first row starts a line (the top can be a piece of a long one).
    let mut starts_line = viewer.top == 0 || viewer.byte(viewer.top - 1).ok() == Some(b'\n');
    let mut out = Vec::with_capacity(rows.len());
    for &(start, end) in rows {
        let mut spans = Vec::new();
        if gutter > 0 {
            let label = match line {
                Some(n) if starts_line => format!("{:>9} ", n + 1),
                Some(_) => " ".repeat(gutter - 1),
                None if starts_line => format!("{:>9} ", format!("@{start}")),
                None => " ".repeat(gutter - 1),
            };
            spans.push(Span::styled(
                crate::shared::text::pad(&label, gutter),
                palette.dim(),
            ));
        }
        spans.extend(text_spans(viewer, start, end, width, palette));
        out.push(Line::from(spans));
        let ended_line = end > start && viewer.byte(end - 1).ok() == Some(b'\n');
        if ended_line {
            line = line.map(|n| n + 1);
        }
        starts_line = ended_line;
    }
    out
}

/// The row's text: tabs expanded, escapes styled, the search match reversed,
/// scrolled by `left` columns and cut at `width`.
fn text_spans<'a>(
    viewer: &Viewer,
    start: u64,
    end: u64,
    width: usize,
    palette: &Palette,
) -> Vec<Span<'a>> {
    let left = if viewer.wrap { 0 } else { viewer.left };
    let mut spans: Vec<Span> = Vec::new();
    let mut col = 0; // column within the row, before scrolling
    let mut pos = start;
    while pos < end {
        let Ok((unit, len)) = viewer.unit_at(pos) else {
            break;
        };
        let w = unit.width(col);
        let (text, escaped) = match unit {
            Unit::Newline => break,
            Unit::Char('\t') => (" ".repeat(w), false),
            Unit::Char(c) => (c.to_string(), false),
            Unit::Control('\r') if pos + 1 == end.saturating_sub(1) => (String::new(), false),
            Unit::Control(c) => (escape_unit(c), true),
            Unit::Invalid(b) => (format!("\\x{b:02x}"), true),
        };
        let hit = viewer
            .search
            .hit
            .is_some_and(|(s, e)| pos < e && pos + len as u64 > s);
        if col >= left && col + w <= left + width {
            let mut style = if escaped {
                palette.error()
            } else {
                Style::default()
            };
            if hit {
                style = style.add_modifier(Modifier::REVERSED);
            }
            match spans.last_mut() {
                Some(last) if last.style == style => last.content.to_mut().push_str(&text),
                _ => spans.push(Span::styled(text, style)),
            }
        } else if col + w > left + width {
            break;
        }
        col += w;
        pos += len as u64;
    }
    spans
}

fn hex_row<'a>(viewer: &Viewer, start: u64, end: u64, palette: &Palette) -> Line<'a> {
    let n = viewer.hex_row();
    let mut spans = vec![Span::styled(format!("{start:010x}  "), palette.dim())];
    let mut hex = String::new();
    let mut ascii = String::new();
    for i in 0..n {
        let pos = start + i;
        match (pos < end).then(|| viewer.byte(pos).ok()).flatten() {
            Some(b) => {
                hex.push_str(&format!("{b:02x} "));
                ascii.push(if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                });
            }
            None => hex.push_str("   "),
        }
    }
    spans.push(Span::raw(hex));
    spans.push(Span::raw(" "));
    spans.push(Span::raw(ascii));
    Line::from(spans)
}
