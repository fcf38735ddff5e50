//! The details overlay (`i`, or Enter on a file): path, kind, size, times, hash,
//! id, and for shared items their owner and drive.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::features::panes::Details;
use crate::shared::common::Common;
use crate::shared::layout::centered;
use crate::shared::palette::Palette;
use crate::shared::text::{fit, pad};
use odc_core::display::escape_control;

/// The details of an item, over the panes until a key is pressed.
pub fn render(common: &Common, details: &Details, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(common);
    let entry = &details.entry;
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|| "-".into())
    };
    let kind = match &entry.remote {
        Some(remote) => remote.kind.to_string(),
        None if entry.is_dir => "folder".into(),
        None => "file".into(),
    };
    let mut rows = vec![
        ("path", escape_control(&details.path)),
        ("kind", kind),
        (
            "size",
            format!("{} ({} bytes)", format_size(entry.size, BINARY), entry.size),
        ),
        ("modified", when(entry.modified)),
    ];
    if let Some(remote) = &entry.remote {
        rows.push(("created", when(remote.created)));
        rows.push((
            "QuickXorHash",
            remote.quick_xor_hash.clone().unwrap_or_else(|| "-".into()),
        ));
        rows.push(("id", escape_control(&remote.id)));
        if let Some(what) = remote.left_alone {
            rows.push(("what", what.to_string()));
        }
        if let Some(target) = &remote.shared {
            let owner = target.owner.as_deref().unwrap_or("-");
            rows.push(("shared by", escape_control(owner)));
            rows.push(("lives in", escape_control(&target.drive_id)));
        }
        if let Some(url) = &remote.web_url {
            rows.push(("on the web", escape_control(url)));
        }
    }
    let rect = centered(area, 70, rows.len() as u16 + 3);
    let width = rect.width.saturating_sub(14) as usize;
    let lines: Vec<Line> = rows
        .iter()
        .map(|(label, value)| {
            Line::from(vec![
                ratatui::text::Span::styled(pad(label, 13), palette.key()),
                ratatui::text::Span::raw(fit(value, width)),
            ])
        })
        .collect();
    let block = crate::shared::palette::popup(frame, rect, " Details (any key closes) ", &palette);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
