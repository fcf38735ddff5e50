//! The transfers panel: one row per file and a total row.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::features::transfers::model::{PanelFilter, TransferRow, Transfers};
use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::{fit, pad};
use odc_core::display::escape_control;
use odc_engine::transfer::TaskState;

pub fn eta_text(seconds: Option<u64>) -> String {
    seconds
        .map(odc_engine::transfer::rate::clock)
        .unwrap_or_else(|| "-".into())
}

fn percent(done: u64, total: u64) -> u64 {
    (done.min(total) * 100).checked_div(total).unwrap_or(100)
}

fn row_line(row: &TransferRow, width: usize, waiting: Option<&str>) -> String {
    let state = match (&row.state, waiting) {
        (TaskState::Failed(reason), _) => format!("failed: {}", escape_control(reason)),
        (TaskState::Running, Some(why)) => why.to_string(),
        (other, _) => other.label().to_string(),
    };
    let name = match &row.saved_as {
        Some(other) => format!("{} → {}", escape_control(&row.name), escape_control(other)),
        None => escape_control(&row.name),
    };
    let running = matches!(row.state, TaskState::Running);
    let speed = if running {
        row.meter
            .speed()
            .map(|s| format!("{}/s", format_size(s, BINARY)))
            .unwrap_or_default()
    } else {
        String::new()
    };
    let eta = if running {
        eta_text(row.meter.eta(row.total))
    } else {
        String::new()
    };
    let numbers = format!(
        "{:>10} / {:<10} {:>3}% {:>11} {:>7}  ",
        format_size(row.done.min(row.total), BINARY),
        format_size(row.total, BINARY),
        percent(row.done, row.total),
        speed,
        eta
    );
    // On a narrow panel the name comes first: sizes, speed and ETA shrink to the
    // percentage (the total row still has them), so the file is always named.
    let numbers = if width.saturating_sub(numbers.chars().count() + 2 + 12) >= 12 {
        numbers
    } else {
        format!("{:>3}% {eta:>7}  ", percent(row.done, row.total))
    };
    let name_width = width.saturating_sub(numbers.chars().count() + 2 + 12);
    format!(
        "{} {} {numbers}{}",
        row.direction.arrow(),
        pad(&name, name_width),
        fit(&state, 30)
    )
}

pub fn render(common: &Common, transfers: &Transfers, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(common);
    let width = area.width.saturating_sub(2) as usize;
    let counts = transfers.counts();
    let shown = match transfers.filter {
        PanelFilter::All => String::new(),
        filter => format!(", showing {}", filter.label()),
    };
    let paused = match counts.paused {
        0 => String::new(),
        n => format!(", {n} paused"),
    };
    let cancelled = match counts.cancelled {
        0 => String::new(),
        n => format!(", {n} cancelled"),
    };
    let limit = match transfers.limit.is_off() {
        true => String::new(),
        false => format!(", limit {}", transfers.limit),
    };
    let title = format!(
        " Transfers: {} running, {} queued{paused}, {} failed{cancelled}{shown}{limit} ",
        counts.running, counts.queued, counts.failed
    );
    let keys = format!(" {} ", common.keymap.hints(Context::Panel));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(palette.border(true))
        .title(Line::from(fit(&title, width)))
        .title_bottom(Line::from(fit(&keys, width)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height.saturating_sub(1) as usize;
    let start = transfers.cursor.saturating_sub(rows.saturating_sub(1));
    // Only the rows on screen are formatted, however long the job.
    let mut lines: Vec<Line> = transfers
        .visible(start)
        .take(rows)
        .enumerate()
        .map(|(i, row)| {
            let i = start + i;
            let text = row_line(row, width, transfers.waiting.as_deref());
            let style = match &row.state {
                TaskState::Failed(_) => palette.error(),
                TaskState::Done | TaskState::Skipped | TaskState::Cancelled => palette.dim(),
                _ => ratatui::style::Style::default(),
            };
            let style = if i == transfers.cursor {
                style.patch(palette.cursor(true))
            } else {
                style
            };
            Line::styled(fit(&text, width), style)
        })
        .collect();
    while lines.len() < rows {
        lines.push(Line::from(""));
    }
    let (done, total) = transfers.totals();
    let speed = transfers.total_meter.speed().unwrap_or(0);
    // Nothing left to move: no speed, no ETA (a meter's last estimate is stale).
    let pace = if transfers.active() == 0 {
        "  finished".to_string()
    } else {
        format!(
            "  {}/s  ETA {}",
            format_size(speed, BINARY),
            eta_text(transfers.total_meter.eta(total))
        )
    };
    lines.push(Line::styled(
        fit(
            &format!(
                "  total {} / {} {}%{pace}{}",
                format_size(done, BINARY),
                format_size(total, BINARY),
                percent(done, total),
                transfers
                    .waiting
                    .as_deref()
                    .map(|why| format!("  · {why}"))
                    .unwrap_or_default()
            ),
            width,
        ),
        palette.key(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The status-bar gauge while the panel is closed.
pub fn gauge(common: &Common, transfers: &Transfers) -> Option<String> {
    let active = transfers.active();
    if active == 0 || common.panel_open {
        return None;
    }
    let (done, total) = transfers.totals();
    let speed = transfers.total_meter.speed().unwrap_or(0);
    let jobs = if active == 1 { "job" } else { "jobs" };
    let waiting = transfers
        .waiting
        .as_deref()
        .map(|why| format!(" · {why}"))
        .unwrap_or_default();
    Some(format!(
        "⇅ {active} {jobs} {}% {}/s ETA {}{waiting}",
        percent(done, total),
        format_size(speed, BINARY),
        eta_text(transfers.total_meter.eta(total))
    ))
}
