//! Overlays: help (generated from the keymap), item details, and the
//! "terminal too small" notice.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::shared::keymap::{Action, Context};
use crate::shared::layout::{MIN_SIZE, centered};
use crate::shared::palette::Palette;
use crate::shared::text::{fit, pad};
use crate::shell::state::State;

pub fn help(state: &State, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(state);
    let mut entries: Vec<(String, &str)> = Action::of(Context::Panes)
        .map(|action| (state.keymap.label(action), action.description()))
        .collect();
    entries.push(("Ctrl-Z".into(), "suspend (fg resumes)"));
    // Two columns, so every key fits on an 80×24 screen (one on a narrower one,
    // where two would cut every description); the other contexts follow, one line
    // each, exactly as their own hint lines show them.
    let inner_width = centered(area, 78, 3).width.saturating_sub(2) as usize;
    let columns = if inner_width >= 70 { 2 } else { 1 };
    let half = entries.len().div_ceil(columns);
    let others: Vec<String> = Context::ALL
        .into_iter()
        .filter(|&c| c != Context::Panes)
        .flat_map(|c| {
            let text = format!("{}: {}", c.title(), state.keymap.hints(c));
            crate::shared::text::wrap_hints(&text, inner_width)
        })
        .collect();
    let total = half + others.len();
    let rect = centered(area, 78, total as u16 + 2);
    let column = inner_width / columns;
    let key_width = 18.min(column / 2).max(1);
    let cell = |i: usize| -> Vec<ratatui::text::Span<'static>> {
        match entries.get(i) {
            Some((keys, description)) => vec![
                ratatui::text::Span::styled(
                    pad(&fit(keys, key_width - 1), key_width),
                    palette.key(),
                ),
                ratatui::text::Span::raw(pad(description, column.saturating_sub(key_width))),
            ],
            None => Vec::new(),
        }
    };
    let mut lines: Vec<Line> = (0..half)
        .map(|row| {
            let mut spans = cell(row);
            if columns == 2 {
                spans.extend(cell(row + half));
            }
            Line::from(spans)
        })
        .collect();
    lines.extend(others.into_iter().map(|l| Line::styled(l, palette.dim())));
    // Longer than the screen: it scrolls, and the title says so.
    let shown = rect.height.saturating_sub(2) as usize;
    let scroll = state.help_scroll.min(total.saturating_sub(shown));
    let title = if shown < total {
        format!(
            " Keys {}-{} of {total} (Up/Down scroll, other keys close) ",
            scroll + 1,
            (scroll + shown).min(total)
        )
    } else {
        " Keys (any key closes) ".to_string()
    };
    let block = crate::shared::palette::popup(frame, rect, title, &palette);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(block),
        rect,
    );
}

pub fn too_small(frame: &mut Frame, area: Rect) {
    let text = format!(
        "Terminal too small: {}×{}; odc needs {}×{}",
        area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
    );
    let paragraph = Paragraph::new(text)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(paragraph, area);
}
