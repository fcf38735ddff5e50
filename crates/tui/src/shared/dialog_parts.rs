//! What the dialogs share: an input field with its caret, a time as the dialogs
//! show it, and a context's keys as hint lines.

use ratatui::text::{Line, Span};

use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::with_caret;

/// An input field: its text with the caret, in the keys' style.
pub fn field<'a>(input: &tui_input::Input, width: usize, palette: &Palette) -> Line<'a> {
    Line::from(vec![Span::styled(
        with_caret(input.value(), input.cursor(), width.saturating_sub(1)),
        palette.key(),
    )])
}

/// A field that does not have the typing: its text, fitted, dimmed (`-` when
/// empty).
pub fn idle_field<'a>(input: &tui_input::Input, width: usize, palette: &Palette) -> Line<'a> {
    let text = match input.value() {
        "" => "-".to_string(),
        value => crate::shared::text::fit_left(&odc_core::display::escape_control(value), width),
    };
    Line::styled(text, palette.dim())
}

/// A time as the dialogs show it (UTC), or `-`.
pub fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".into())
}

/// A context's keys from the keymap, wrapped to `width`.
pub fn hint_lines(
    common: &Common,
    context: Context,
    width: usize,
    palette: &Palette,
) -> Vec<Line<'static>> {
    crate::shared::text::wrap_hints(&common.keymap.hints(context), width)
        .into_iter()
        .map(|line| Line::styled(line, palette.dim()))
        .collect()
}

/// Draws a dialog: a bordered popup centred in `area`, `wanted` columns wide (less
/// on a narrow screen) and as tall as the title and lines `body` gives for the
/// width inside its border.
pub fn draw<'a>(
    common: &Common,
    frame: &mut ratatui::Frame,
    area: ratatui::layout::Rect,
    wanted: u16,
    body: impl FnOnce(usize, &Palette) -> (String, Vec<Line<'a>>),
) {
    use ratatui::widgets::{Paragraph, Wrap};
    let palette = Palette::of(common);
    let width = area.width.saturating_sub(4).min(wanted);
    let (title, lines) = body(width.saturating_sub(2) as usize, &palette);
    let height = lines.len() as u16 + 2 + 1;
    let rect = crate::shared::layout::centered(area, width, height);
    let block = crate::shared::palette::popup(frame, rect, title, &palette);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}

/// Hands an open dialog to `key`, which answers with the dialog to keep open (None
/// closes it) and pushes the effects it asks for. Nothing happens when none is open.
pub fn keep_open<T>(
    slot: &mut Option<T>,
    key: impl FnOnce(T, &mut Vec<crate::shared::messages::Effect>) -> Option<T>,
) -> Vec<crate::shared::messages::Effect> {
    let mut effects = Vec::new();
    if let Some(open) = slot.take() {
        *slot = key(open, &mut effects);
    }
    effects
}
