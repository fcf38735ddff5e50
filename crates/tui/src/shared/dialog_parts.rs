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
