//! Dialogs: the popup every dialog is drawn in, sized to what it holds; what each
//! shows is its feature's file here.

mod compare;
mod drives;
mod editor;
mod files;
mod going;
mod sharing;
mod transfers;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::shared::layout::centered;
use crate::shared::palette::Palette;
use crate::state::{Dialog, ShareState, State};

pub fn render(state: &State, dialog: &Dialog, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(state);
    // A link is shown whole on its own line: the box grows for it, up to the screen.
    let wanted = match dialog {
        Dialog::Share {
            link: ShareState::Made { url, .. },
            ..
        } => (url.chars().count() as u16 + 2).max(72),
        _ => 72,
    };
    let width = area.width.saturating_sub(4).min(wanted);
    let inner_width = width.saturating_sub(2) as usize;
    let (title, lines): (String, Vec<Line>) = match dialog {
        Dialog::Transfer {
            kind,
            sources,
            dest,
        } => transfers::transfer(kind, sources, dest, inner_width, &palette),
        Dialog::Mkdir { input, .. } => files::mkdir(input, inner_width, &palette),
        Dialog::GoTo {
            input, candidates, ..
        } => going::go_to(input, candidates, inner_width, &palette),
        Dialog::Share { name, link, .. } => {
            sharing::share(state, name, link, inner_width, &palette)
        }
        Dialog::Compare(view) => compare::compare(state, view, inner_width, &palette),
        Dialog::SyncPreview(view) => compare::sync_preview(state, view, inner_width, &palette),
        Dialog::Find { pane, input } => going::find(state, pane, input, inner_width, &palette),
        Dialog::Hotlist { cursor } => going::hotlist(state, cursor, inner_width, &palette),
        Dialog::Drives(picker) => drives::drives(state, picker, inner_width, &palette),
        Dialog::Glob { mark, input, .. } => files::glob(*mark, input, inner_width, &palette),
        Dialog::Rename {
            original, input, ..
        } => files::rename(original, input, inner_width, &palette),
        Dialog::Delete { names, remote, .. } => {
            files::delete(state, names, *remote, inner_width, &palette)
        }
        Dialog::Conflict(view) => transfers::conflict(state, view, inner_width, &palette),
        Dialog::Error(view) => transfers::error(state, view, inner_width, &palette),
        Dialog::EditConflict { name, .. } => {
            editor::edit_conflict(state, name, inner_width, &palette)
        }
        Dialog::Resume { files } => transfers::resume(state, files, inner_width, &palette),
        Dialog::Quit { .. } => transfers::quit(state, inner_width, &palette),
    };
    let height = lines.len() as u16 + 2 + 1;
    let rect = centered(area, width, height);
    let block = crate::shared::palette::popup(frame, rect, title, &palette);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}
