//! The status bar (account, quota, latest message) and the command bar, the latter
//! generated from the keymap.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Palette, fit, pad};
use crate::onedrive::display::escape_control;
use crate::tui::keymap::{Action, Key, KeyCodeOrd};
use crate::tui::state::State;

pub fn status(state: &State, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(state);
    let width = area.width as usize;
    let account = match &state.account {
        Some(account) => {
            let quota = match (account.quota_used, account.quota_total) {
                (Some(used), Some(total)) => {
                    format!(
                        " {} of {}",
                        format_size(used, BINARY),
                        format_size(total, BINARY)
                    )
                }
                _ => String::new(),
            };
            format!(" {}{quota} ", escape_control(&account.name))
        }
        None => " not signed in ".to_string(),
    };
    let message = state
        .message
        .as_deref()
        .map(escape_control)
        .unwrap_or_default();
    let message = match super::transfers::gauge(state) {
        Some(gauge) if message.is_empty() => gauge,
        Some(gauge) => format!("{gauge} · {message}"),
        None => message,
    };
    let left = fit(&account, width / 2);
    let right_width = width.saturating_sub(left.chars().count() + 1);
    let line = Line::from(vec![
        Span::styled(left.clone(), palette.bar()),
        Span::raw(" "),
        Span::raw(pad(&message, right_width)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

pub fn commands(state: &State, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(state);
    // What fits, most wanted first; shown in key order (F1 … F10) like mc's bar.
    let mut chosen: Vec<(Key, &str)> = Vec::new();
    let mut used = 0;
    for &action in BAR_PRIORITY {
        let (Some(label), Some(key)) = (action.bar_label(), state.keymap.first(action)) else {
            continue;
        };
        let cost = key.to_string().chars().count() + label.len() + 2;
        if used + cost <= area.width as usize {
            chosen.push((key, label));
            used += cost;
        }
    }
    chosen.sort_by_key(|(key, _)| match key.code {
        KeyCodeOrd::F(n) => (0, n),
        _ => (1, 0),
    });
    let mut spans = Vec::new();
    for (key, label) in chosen {
        spans.push(Span::styled(key.to_string(), palette.key()));
        spans.push(Span::raw(format!(" {label} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The command bar's actions, most important first: on a narrow screen the last
/// ones give way.
const BAR_PRIORITY: &[Action] = &[
    Action::Help,
    Action::Quit,
    Action::Copy,
    Action::Move,
    Action::View,
    Action::Edit,
    Action::Delete,
    Action::Mkdir,
    Action::Transfers,
    Action::ToggleSource,
    Action::Filter,
];
