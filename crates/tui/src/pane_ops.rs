//! The parts of `update` for moving through folders in a pane: Enter opens a folder
//! (or a shortcut's, or a found item's), Backspace goes to the parent with the
//! cursor on the folder it came from, and the cursor stays on screen.

use crate::shared::messages::Effect;
use crate::shared::relist::list;
use crate::state::{Details, Location, Pane, State};

pub fn open(state: &mut State) -> Vec<Effect> {
    let active = state.active;
    if state.panes[active].found.is_some() {
        return crate::shared::relist::open_found(state);
    }
    let pane = &mut state.panes[active];
    let Some(entry) = pane.current().cloned() else {
        return Vec::new();
    };
    let shortcut = entry
        .remote
        .as_ref()
        .and_then(|r| r.shared.clone())
        .filter(|target| target.is_folder);
    if let (Location::Remote(path), Some(target)) = (&pane.source, shortcut) {
        // A shortcut opens the folder it points at, in the drive it lives in,
        // titled by its name and owner; Backspace at its top comes back here.
        let spec = target
            .place(path.drive().account.clone())
            .expect("a folder has a place");
        let owner = target.owner.as_deref().unwrap_or("another drive");
        state.drives.insert(
            spec.clone(),
            crate::state::DriveStatus {
                name: format!("{} (shared by {owner})", entry.name),
                ..Default::default()
            },
        );
        let pane = &mut state.panes[active];
        pane.entered_from = Some((pane.source.clone(), entry.name.clone()));
        pane.source = Location::Remote(odc_graph::RemotePath::root().in_drive(spec));
        pane.filter = None;
        pane.want_cursor = None;
        return list(state, active);
    }
    let pane = &mut state.panes[active];
    match (&pane.source, entry.is_dir) {
        (Location::Local(path), true) => {
            pane.source = Location::Local(path.join(&entry.name));
        }
        (Location::Remote(path), true) => {
            pane.source = Location::Remote(path.join(&entry.name));
        }
        (source, false) => {
            state.details = Some(Details {
                path: source.join(&entry.name).to_string(),
                entry,
            });
            return Vec::new();
        }
    }
    pane.filter = None;
    pane.want_cursor = None;
    list(state, active)
}

pub fn parent(state: &mut State) -> Vec<Effect> {
    let active = state.active;
    if state.panes[active].found.is_some() {
        // Out of the results, back to the folder they were found in.
        return list(state, active);
    }
    let pane = &mut state.panes[active];
    let (source, came_from) = match &pane.source {
        Location::Local(path) => match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) => (
                Location::Local(parent.to_path_buf()),
                name.to_string_lossy().into_owned(),
            ),
            _ => return Vec::new(),
        },
        Location::Remote(path) => match (path.parent(), path.name(), &pane.entered_from) {
            (Some(parent), Some(name), _) => (Location::Remote(parent), name.to_string()),
            // The top of a folder entered through a shortcut: back to the shortcut.
            (None, _, Some((from, shortcut))) if path.drive().folder.is_some() => {
                (from.clone(), shortcut.clone())
            }
            _ => return Vec::new(),
        },
    };
    pane.source = source;
    pane.filter = None;
    let effects = list(state, active);
    state.panes[active].want_cursor = Some(came_from);
    effects
}

/// Scrolls so the cursor row is on screen.
pub fn keep_cursor_visible(pane: &mut Pane, rows: usize) {
    let rows = rows.max(1);
    if pane.cursor < pane.scroll {
        pane.scroll = pane.cursor;
    } else if pane.cursor >= pane.scroll + rows {
        pane.scroll = pane.cursor + 1 - rows;
    }
    let max_scroll = pane.visible.len().saturating_sub(rows);
    pane.scroll = pane.scroll.min(max_scroll);
}
