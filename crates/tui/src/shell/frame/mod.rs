//! `render(&State, &mut Frame)`: pure drawing of the state.

mod bars;
mod dialogs;
mod overlays;

use crate::shared::layout::MIN_SIZE;
use crate::shell::state::State;
use ratatui::Frame;

pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    if state.previews.full.is_some() && area.width >= 20 && area.height >= 4 {
        crate::features::preview::widget::render_full(state, &state.previews, frame, area);
        return;
    }
    // The viewer is one column of text: it works on screens too small for two panes.
    if let Some(open) = &state.viewer
        && area.width >= 20
        && area.height >= 4
    {
        crate::features::viewer::widget::render(state, open, frame, area);
        dialogs::render(state, frame, area);
        return;
    }
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        overlays::too_small(frame, area);
        return;
    }
    let areas = crate::shared::layout::layout((area.width, area.height), state.panel_open);
    let columns = areas.panes;
    for (index, rect) in columns.iter().enumerate() {
        let pane = &state.panes[index];
        if state.previews.quick && index != state.active {
            crate::features::preview::widget::render_quick(state, &state.previews, frame, *rect);
        } else if pane.source.is_remote() && !state.signed_in() {
            crate::features::sign_in::widget::render(state, index, frame, *rect);
        } else {
            crate::features::panes::widget::render(state, index, frame, *rect);
        }
    }
    if let Some(panel) = areas.panel {
        crate::features::transfers::panel::render(state, &state.transfers, frame, panel);
    }
    bars::status(state, frame, areas.status);
    bars::commands(state, frame, areas.commands);
    dialogs::render(state, frame, area);
    if state.help {
        overlays::help(state, frame, area);
    } else if let Some(details) = &state.details {
        crate::features::panes::details::render(state, details, frame, area);
    }
}
