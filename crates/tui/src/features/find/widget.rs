//! The find prompt: where it looks, the pattern, and how it matches there.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use tui_input::Input;

use crate::features::find::FindPrompt;
use crate::shared::common::Common;
use crate::shared::dialog_parts::field;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;

pub fn render(common: &Common, prompt: &FindPrompt, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 72, |width, palette| {
        let (title, mut lines) = lines(common, &prompt.pane, &prompt.input, width, palette);
        if prompt.on_filter {
            lines[1] = crate::shared::dialog_parts::idle_field(&prompt.input, width, palette);
        }
        let filter = if prompt.on_filter {
            field(&prompt.filter, width, palette)
        } else {
            crate::shared::dialog_parts::idle_field(&prompt.filter, width, palette)
        };
        lines.insert(
            2,
            Line::from("Filter, rclone's rules (- *.tmp; - .git/), Tab:"),
        );
        lines.insert(3, filter);
        (title, lines)
    });
}

fn lines<'a>(
    common: &Common,
    pane: &usize,
    input: &'a Input,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let here = escape_control(&common.panes[*pane].source.to_string());
    let how = if common.panes[*pane].source.is_remote() {
        "OneDrive search: names and contents"
    } else {
        "names; * ? [abc] work, plain text means \"contains\""
    };
    (
        " Find ".into(),
        vec![
            Line::from(fit(&format!("Find below {here}:"), inner_width)),
            field(input, inner_width, palette),
            Line::styled(
                fit(&format!("Enter: find   Esc: cancel   ({how})"), inner_width),
                palette.dim(),
            ),
        ],
    )
}
