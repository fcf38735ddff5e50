//! The status bar (account, quota, latest message) and the command bar, the latter
//! generated from the keymap.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::shared::keymap::{Action, Key, KeyCodeOrd};
use crate::shared::palette::Palette;
use crate::shared::text::{fit, pad};
use crate::shell::state::State;
use odc_core::display::escape_control;

pub fn status(state: &State, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(state);
    let width = area.width as usize;
    let default = match &state.account {
        Some(account) => format!(
            "{}{}",
            escape_control(&account.name),
            quota(account.quota_used, account.quota_total)
        ),
        None => "not signed in".to_string(),
    };
    // Each pane's account and quota when a pane shows another account or drive;
    // the default account's otherwise.
    let mut shown: Vec<&odc_graph::path::DriveSpec> = Vec::new();
    for pane in &state.panes {
        if let odc_engine::transfer::Location::Remote(path) = &pane.source
            && !shown.contains(&path.drive())
        {
            shown.push(path.drive());
        }
    }
    let account = if shown.iter().all(|d| d.is_default()) {
        format!(" {default} ")
    } else {
        let parts: Vec<String> = shown
            .iter()
            .map(|drive| match state.drives.get(*drive) {
                _ if drive.is_default() => default.clone(),
                Some(status) => format!(
                    "{}{}",
                    escape_control(&status.name),
                    quota(status.quota_used, status.quota_total)
                ),
                None => escape_control(&drive.prefix()),
            })
            .collect();
        format!(" {} ", parts.join(" │ "))
    };
    let message = state
        .message
        .as_deref()
        .map(escape_control)
        .unwrap_or_default();
    let message = match crate::features::transfers::panel::gauge(state, &state.transfers) {
        Some(gauge) if message.is_empty() => gauge,
        Some(gauge) => format!("{gauge} · {message}"),
        None => message,
    };
    // A message that would be cut takes the room of the account and quota (they
    // come back when the message expires): what went wrong is read whole.
    use unicode_width::UnicodeWidthStr;
    let account_room = if message.width() + account.width() + 1 > width {
        width.saturating_sub(message.width() + 1).min(width / 2)
    } else {
        width / 2
    };
    let left = fit(&account, account_room);
    let right_width = width.saturating_sub(left.width() + 1);
    let line = Line::from(vec![
        Span::styled(left.clone(), palette.bar()),
        Span::raw(" "),
        Span::raw(pad(&message, right_width)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// " 1.2 GiB of 1 TiB", or nothing when unknown.
fn quota(used: Option<u64>, total: Option<u64>) -> String {
    match (used, total) {
        (Some(used), Some(total)) => format!(
            " {} of {}",
            format_size(used, BINARY),
            format_size(total, BINARY)
        ),
        _ => String::new(),
    }
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
    Action::PickDrive,
    Action::Filter,
];
