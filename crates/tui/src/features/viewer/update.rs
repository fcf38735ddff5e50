//! The parts of `update` for the file viewer: opening it on the row under the cursor,
//! its keys, the blocks and search results that arrive. Pure like the rest of
//! `update`: reads and searches go out as effects.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::features::viewer::model::{Motion, Viewer};
use crate::shared::common::Common;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::messages::viewer::{Found, SearchRequest, ViewSource};
use odc_engine::transfer::Location;

/// The viewer's body: the whole screen less the title and the hint line.
fn body_size(common: &Common) -> (usize, usize) {
    (
        common.size.0 as usize,
        (common.size.1 as usize).saturating_sub(2).max(1),
    )
}

/// F3 on the row under the cursor.
pub fn open(common: &mut Common, shown: &mut Option<Viewer>) -> Vec<Effect> {
    let pane = common.active_pane();
    let Some(entry) = pane.current().cloned() else {
        return Vec::new();
    };
    if entry.is_dir {
        common.message = Some("Only files can be viewed; Enter opens a folder".into());
        return Vec::new();
    }
    let (title, source) = match pane.location_of(&entry.name) {
        Location::Local(path) => (path.display().to_string(), ViewSource::Local(path)),
        Location::Remote(path) => {
            let Some(remote) = &entry.remote else {
                return Vec::new();
            };
            (
                Location::Remote(path.clone()).to_string(),
                ViewSource::Remote {
                    id: remote.id.clone(),
                    path,
                    version: None,
                },
            )
        }
    };
    open_source(common, shown, title, source, entry.size)
}

/// Views `size` bytes from `source` under `title` (a file, or one of its
/// versions).
pub fn open_source(
    common: &mut Common,
    shown: &mut Option<Viewer>,
    title: String,
    source: ViewSource,
    size: u64,
) -> Vec<Effect> {
    let ticket = common.take_ticket();
    let mut viewer = Viewer::new(title, source, size, ticket);
    viewer.relayout(body_size(common));
    *shown = Some(viewer);
    reads(shown)
}

/// The reads the viewer needs now.
fn reads(shown: &mut Option<Viewer>) -> Vec<Effect> {
    let Some(viewer) = shown.as_mut() else {
        return Vec::new();
    };
    let (ticket, source) = (viewer.ticket, viewer.source.clone());
    viewer
        .settle()
        .into_iter()
        .map(|index| Effect::ViewRead {
            ticket,
            source: source.clone(),
            index,
        })
        .collect()
}

pub fn resized(common: &mut Common, shown: &mut Option<Viewer>) -> Vec<Effect> {
    let body = body_size(common);
    if let Some(viewer) = shown.as_mut() {
        viewer.relayout(body);
    }
    reads(shown)
}

pub fn block_arrived(
    shown: &mut Option<Viewer>,
    ticket: u64,
    index: u64,
    result: Result<bytes::Bytes, String>,
) -> Vec<Effect> {
    let Some(viewer) = shown.as_mut().filter(|v| v.ticket == ticket) else {
        return Vec::new();
    };
    match result {
        Ok(bytes) => {
            viewer.add_block(index, bytes);
            viewer.error = None;
        }
        Err(message) => {
            viewer.requested.remove(&index);
            viewer.pending = None;
            viewer.error = Some(message);
            return Vec::new(); // no retry loop: a key asks again
        }
    }
    reads(shown)
}

pub fn search_done(
    shown: &mut Option<Viewer>,
    ticket: u64,
    result: Result<Option<Found>, String>,
) -> Vec<Effect> {
    let Some(viewer) = shown.as_mut().filter(|v| v.ticket == ticket) else {
        return Vec::new();
    };
    viewer.search.running = false;
    match result {
        Ok(Some(found)) => {
            viewer.jump_to(found.row_start, Some(found.lines));
            viewer.search.hit = Some((found.start, found.end));
            viewer.error = None;
        }
        Ok(None) => {
            let pattern = viewer.search.pattern.clone().unwrap_or_default();
            viewer.error = Some(format!(
                "Not found: {}",
                odc_core::display::escape_control(&pattern)
            ));
        }
        Err(message) => viewer.error = Some(message),
    }
    reads(shown)
}

/// Keys while the viewer is open: the search prompt first, then the viewer's keymap.
pub fn on_key(common: &mut Common, shown: &mut Option<Viewer>, key: KeyEvent) -> Vec<Effect> {
    let keymap = common.keymap.clone();
    let Some(viewer) = shown.as_mut() else {
        return Vec::new();
    };
    if let Some(input) = &mut viewer.search.input {
        match key.code {
            KeyCode::Esc => viewer.search.input = None,
            KeyCode::Enter => {
                let pattern = input.value().to_string();
                viewer.search.input = None;
                if !pattern.is_empty() {
                    viewer.search.pattern = Some(pattern);
                    viewer.search.hit = None;
                    return start_search(shown, true);
                }
            }
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
            }
        }
        return Vec::new();
    }
    if viewer.search.running && key.code == KeyCode::Esc {
        viewer.search.running = false;
        viewer.error = Some("Search stopped".into());
        return vec![Effect::CancelViewSearch];
    }
    let Some(action) = keymap.action_in(Context::Viewer, &key) else {
        return Vec::new();
    };
    let page = viewer.body.1.saturating_sub(1).max(1);
    viewer.error = None;
    match action {
        Action::ViewerClose => {
            let running = viewer.search.running;
            *shown = None;
            return if running {
                vec![Effect::CancelViewSearch]
            } else {
                Vec::new()
            };
        }
        Action::ViewerUp => viewer.go(Motion::Up(1)),
        Action::ViewerDown => viewer.go(Motion::Down(1)),
        Action::ViewerPageUp => viewer.go(Motion::Up(page)),
        Action::ViewerPageDown => viewer.go(Motion::Down(page)),
        Action::ViewerTop => viewer.home(),
        Action::ViewerBottom => viewer.go(Motion::End),
        Action::ViewerLeft => viewer.left = viewer.left.saturating_sub(8),
        Action::ViewerRight if !viewer.wrap && !viewer.hex => viewer.left += 8,
        Action::ViewerWrap => viewer.toggle_wrap(),
        Action::ViewerHex => viewer.toggle_hex(),
        Action::ViewerNumbers => viewer.numbers = !viewer.numbers,
        Action::ViewerSearch => {
            viewer.search.input = Some(Input::new(
                viewer.search.pattern.clone().unwrap_or_default(),
            ));
        }
        Action::ViewerNext | Action::ViewerPrevious => {
            if viewer.search.pattern.is_none() {
                viewer.search.input = Some(Input::default());
            } else {
                return start_search(shown, action == Action::ViewerNext);
            }
        }
        _ => {}
    }
    reads(shown)
}

fn start_search(shown: &mut Option<Viewer>, forward: bool) -> Vec<Effect> {
    let Some(viewer) = shown.as_mut() else {
        return Vec::new();
    };
    let Some(pattern) = viewer.search.pattern.clone() else {
        return Vec::new();
    };
    viewer.search.running = true;
    viewer.error = None;
    vec![Effect::ViewSearch {
        ticket: viewer.ticket,
        source: viewer.source.clone(),
        request: SearchRequest {
            pattern,
            size: viewer.size,
            top: viewer.top,
            from: viewer.search_from(forward),
            forward,
        },
    }]
}
