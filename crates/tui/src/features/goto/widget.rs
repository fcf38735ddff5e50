//! The go-to prompt: the path typed, and the folder names a Tab left to choose from.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use tui_input::Input;

use crate::features::goto::GoTo;
use crate::shared::common::Common;
use crate::shared::dialog_parts::field;
use crate::shared::palette::Palette;
use odc_core::display::escape_control;

pub fn render(common: &Common, prompt: &GoTo, frame: &mut Frame, area: Rect) {
    crate::shared::dialog_parts::draw(common, frame, area, 72, |width, palette| {
        lines(&prompt.input, &prompt.candidates, width, palette)
    });
}

fn lines<'a>(
    input: &'a Input,
    candidates: &'a [String],
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let mut lines = vec![
        Line::from("Go to (a folder; ~ is home, .. goes up, OneDrive:/… is OneDrive):"),
        field(input, inner_width, palette),
    ];
    if !candidates.is_empty() {
        let names: Vec<String> = candidates.iter().map(|n| escape_control(n)).collect();
        let mut wrapped = crate::shared::text::wrap_hints(&names.join("  "), inner_width);
        if wrapped.len() > 6 {
            wrapped.truncate(5);
            wrapped.push(format!("… {} folders", candidates.len()));
        }
        lines.extend(wrapped.into_iter().map(Line::from));
    }
    lines.push(Line::styled(
        "Enter: go   Tab: complete   Esc: cancel",
        palette.dim(),
    ));
    (" Go to ".into(), lines)
}
