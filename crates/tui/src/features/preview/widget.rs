//! The quick view (in the inactive pane's place) and a picture in full.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::features::preview::Previews;
use crate::shared::common::Common;
use crate::shared::messages::preview::Shown;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;

fn body(shown: Option<&Shown>, frame: &mut Frame, area: Rect, palette: &Palette) {
    let width = area.width as usize;
    let lines: Vec<Line> = match shown {
        None => vec![Line::styled("(nothing here)", palette.dim())],
        Some(Shown::Loading) => vec![Line::styled("…", palette.dim())],
        Some(Shown::Picture { picture, .. }) => {
            frame.render_widget(ratatui_image::Image::new(&picture.0), area);
            return;
        }
        Some(Shown::Text(lines)) => lines
            .iter()
            .take(area.height as usize)
            .map(|l| Line::from(fit(&escape_control(&l.replace('\t', "    ")), width)))
            .collect(),
        Some(Shown::Note(note)) => vec![Line::styled(fit(note, width), palette.dim())],
        Some(Shown::Failed(problem)) => {
            vec![Line::styled(
                fit(&escape_control(problem), width),
                palette.error(),
            )]
        }
    };
    frame.render_widget(Paragraph::new(lines), area);
}

fn caption(previews: &Previews) -> String {
    let name = previews
        .target
        .as_ref()
        .map(|t| escape_control(&t.place.name()))
        .unwrap_or_default();
    match &previews.shown {
        Some(Shown::Picture {
            width,
            height,
            fetched,
            ..
        }) => format!(
            " {name} · {width}×{height} · {} fetched ",
            humansize::format_size(*fetched, humansize::BINARY)
        ),
        _ => format!(" {name} "),
    }
}

/// The quick view in `area` (where the inactive pane would be).
pub fn render_quick(common: &Common, previews: &Previews, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(common);
    let block = Block::default().borders(Borders::ALL).title(fit(
        &format!(" Quick view:{}", caption(previews)),
        area.width.saturating_sub(2) as usize,
    ));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    body(previews.shown.as_ref(), frame, inner, &palette);
}

/// A picture over the whole screen: its title, the picture, the keys.
pub fn render_full(common: &Common, previews: &Previews, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(common);
    frame.render_widget(Clear, area);
    let title = format!(
        "{}{}",
        escape_control(previews.full.as_deref().unwrap_or("")),
        caption(previews).trim_end()
    );
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(&title, area.width as usize),
            palette.key(),
        )),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let picture = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    body(previews.shown.as_ref(), frame, picture, &palette);
    use crate::shared::keymap::Action;
    let text = format!(
        "{} close  {} hex/text",
        common.keymap.label(Action::ViewerClose),
        common.keymap.label(Action::ViewerHex)
    );
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&text, area.width as usize), palette.dim())),
        Rect::new(
            area.x,
            area.y + area.height.saturating_sub(1),
            area.width,
            1,
        ),
    );
}
