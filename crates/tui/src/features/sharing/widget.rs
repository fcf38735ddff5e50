//! Sharing a link to an item: what it allows, then the link itself.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::features::sharing::{ShareDialog, ShareState};
use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;

use crate::shared::dialog_parts::hint_lines;

pub fn render(common: &Common, dialog: &ShareDialog, frame: &mut Frame, area: Rect) {
    // A link is shown whole on its own line: the box grows for it, up to the screen.
    let wanted = match &dialog.link {
        ShareState::Made { url, .. } => (url.chars().count() as u16 + 2).max(72),
        _ => 72,
    };
    crate::shared::dialog_parts::draw(common, frame, area, wanted, |width, palette| {
        lines(common, &dialog.name, &dialog.link, width, palette)
    });
}

fn lines<'a>(
    common: &Common,
    name: &'a str,
    link: &'a ShareState,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let mut lines = vec![Line::from(fit(
        &format!("Share {} by link", escape_control(name)),
        inner_width,
    ))];
    match link {
        ShareState::Choosing => {
            lines.push(Line::from(""));
            lines.extend(hint_lines(common, Context::Share, inner_width, palette));
        }
        ShareState::Creating => lines.push(Line::from("Asking OneDrive for a link…")),
        ShareState::Made { url, kind, scope } => {
            let who = match scope.as_deref() {
                Some("organization") => "people in your organization",
                Some("anonymous") => "anyone who has it",
                _ => "the people it is shared with",
            };
            let allows = if kind == "edit" { "edit" } else { "view" };
            lines.push(Line::from(""));
            // Its own line, never wrapped: cut only if the screen is narrower.
            lines.push(Line::styled(
                fit(&escape_control(url), inner_width),
                palette.key(),
            ));
            lines.push(Line::from(""));
            lines.push(Line::from(fit(
                &format!("Lets {who} {allows} it. Copied to the clipboard."),
                inner_width,
            )));
            lines.extend(hint_lines(common, Context::Share, inner_width, palette));
        }
        ShareState::Failed(problem) => {
            lines.push(Line::styled(escape_control(problem), palette.error()));
            lines.extend(hint_lines(common, Context::Share, inner_width, palette));
        }
    }
    (" Share ".into(), lines)
}
