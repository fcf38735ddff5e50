//! The panes' `update`: keys and clicks that move, mark, filter, sort and open;
//! pages of listings arriving; Enter into folders and shortcuts, Backspace out.

use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use tui_input::backend::crossterm::EventHandler;

use crate::features::panes::Details;
use crate::shared::common::{Common, DriveStatus};
use crate::shared::keymap::Action;
use crate::shared::messages::Effect;
use crate::shared::pane::{Entry, Location};
use crate::shared::relist::{goto_failed, list, open_found, start_find};

/// A key for the panes: typed into the filter while it is edited, else the
/// action it is bound to (None, with a word when a key does nothing here).
pub fn key_action(common: &mut Common, key: KeyEvent) -> Option<Action> {
    let rows = common.pane_rows();
    let pane = &mut common.panes[common.active];
    if pane.filter_editing {
        let input = pane.filter.get_or_insert_with(Default::default);
        match key.code {
            KeyCode::Enter => pane.filter_editing = false,
            KeyCode::Esc => {
                pane.filter = None;
                pane.filter_editing = false;
            }
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
            }
        }
        pane.refresh_view();
        pane.keep_cursor_visible(rows);
        return None;
    }
    let Some(action) = common.keymap.action(&key) else {
        if key.code == KeyCode::Esc && pane.filter.is_some() {
            pane.filter = None;
            pane.refresh_view();
            pane.keep_cursor_visible(rows);
        } else if key.code != KeyCode::Esc
            && let Some(pressed) = crate::shared::keymap::Key::from_event(&key)
        {
            // Say so, rather than do nothing: the person may expect another binding.
            let help = common
                .keymap
                .first(Action::Help)
                .map(|k| k.to_string())
                .unwrap_or_else(|| "help".into());
            common.message = Some(format!(
                "{pressed} does nothing here; {help} lists the keys"
            ));
        }
        return None;
    };
    Some(action)
}

/// The actions on the panes: moving, marking, filtering, sorting, opening, going
/// up, the other side's folder; None when `action` is not one of them.
pub fn on_action(
    common: &mut Common,
    details: &mut Option<Details>,
    action: Action,
) -> Option<Vec<Effect>> {
    let rows = common.pane_rows().max(1);
    let active = common.active;
    let pane = &mut common.panes[active];
    let last = pane.visible.len().saturating_sub(1);
    if matches!(
        action,
        Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown
            | Action::Select
    ) {
        pane.user_moved = true;
    }
    match action {
        Action::SwitchPane => common.active = 1 - common.active,
        Action::Up => pane.cursor = pane.cursor.saturating_sub(1),
        Action::Down => pane.cursor = (pane.cursor + 1).min(last),
        Action::Top => pane.cursor = 0,
        Action::Bottom => pane.cursor = last,
        Action::PageUp => pane.cursor = pane.cursor.saturating_sub(rows),
        Action::PageDown => pane.cursor = (pane.cursor + rows).min(last),
        Action::Select => {
            if let Some(name) = pane.current().map(|e| e.name.clone())
                && !pane.marked.remove(&name)
            {
                pane.marked.insert(name);
            }
            pane.cursor = (pane.cursor + 1).min(last);
        }
        Action::InvertSelection => {
            let names: Vec<String> = pane.visible_entries().map(|e| e.name.clone()).collect();
            for name in names {
                if !pane.marked.remove(&name) {
                    pane.marked.insert(name);
                }
            }
        }
        Action::Filter => {
            pane.filter.get_or_insert_with(Default::default);
            pane.filter_editing = true;
        }
        Action::Sort => {
            pane.sort = pane.sort.next();
            pane.resort();
            common.message = Some(format!("Sorted by {}", pane.sort.label()));
        }
        Action::FolderSizes => {
            pane.folder_sizes = !pane.folder_sizes;
            let shown = if pane.folder_sizes { "shown" } else { "hidden" };
            common.message = Some(format!("Folder sizes {shown}"));
            return Some(walk_folder_sizes(common, active));
        }
        Action::ToggleHidden => {
            pane.show_hidden = !pane.show_hidden;
            pane.refresh_view();
        }
        Action::Refresh => {
            pane.want_cursor = pane.current().map(|e| e.name.clone());
            if let Some(query) = pane.found.clone() {
                return Some(start_find(common, active, query));
            }
            return Some(list(common, active));
        }
        Action::ToggleSource => {
            std::mem::swap(&mut pane.source, &mut pane.other_source);
            pane.filter = None;
            pane.want_cursor = None;
            return Some(list(common, active));
        }
        Action::Open => return Some(open(common, details)),
        Action::Parent => return Some(parent(common)),
        Action::Details => {
            if let Some(entry) = pane.current().cloned() {
                *details = Some(Details {
                    path: pane.location_of(&entry.name).to_string(),
                    entry,
                });
            }
            return Some(Vec::new());
        }
        Action::OpenBrowser => {
            // Signed in, `o` opens a local file with the desktop's application.
            if let (Location::Local(dir), Some(entry)) = (&pane.source, pane.current())
                && !entry.is_dir
            {
                return Some(vec![Effect::OpenLocal(dir.join(&entry.name))]);
            }
        }
        Action::SwapPanes => {
            common.panes.swap(0, 1);
            // A listing in flight was for the other index: ask again.
            let mut effects = Vec::new();
            for index in 0..2 {
                if common.panes[index].listing.loading {
                    common.panes[index].want_cursor =
                        common.panes[index].current().map(|e| e.name.clone());
                    effects.extend(list(common, index));
                }
            }
            return Some(effects);
        }
        Action::SameFolder => {
            let here = pane.source.clone();
            let other = &mut common.panes[1 - active];
            if other.source != here {
                if other.source.is_remote() != here.is_remote() {
                    other.other_source = other.source.clone();
                }
                other.source = here;
                other.filter = None;
                other.want_cursor = None;
                return Some(list(common, 1 - active));
            }
            return Some(Vec::new());
        }
        _ => return None,
    }
    let pane = &mut common.panes[active];
    pane.keep_cursor_visible(rows);
    Some(Vec::new())
}

/// Clicks choose a pane and a row; the wheel moves the cursor.
pub fn on_mouse(common: &mut Common, mouse: MouseEvent) {
    let areas = common.areas();
    let rows = areas.entry_rows();
    let pane_index = areas.pane_at(mouse.column);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            common.active = pane_index;
            let pane = &mut common.panes[pane_index];
            if let Some(row) = areas.entry_row_at(pane_index, mouse.row) {
                let index = pane.scroll + row;
                if index < pane.visible.len() {
                    pane.cursor = index;
                    pane.user_moved = true;
                }
            }
        }
        MouseEventKind::ScrollDown => {
            let pane = &mut common.panes[pane_index];
            pane.user_moved = true;
            pane.cursor = (pane.cursor + 3).min(pane.visible.len().saturating_sub(1));
            pane.keep_cursor_visible(rows);
        }
        MouseEventKind::ScrollUp => {
            let pane = &mut common.panes[pane_index];
            pane.user_moved = true;
            pane.cursor = pane.cursor.saturating_sub(3);
            pane.keep_cursor_visible(rows);
        }
        _ => {}
    }
}

/// A page of a pane's listing (or find results) arrived; once the last has, a
/// local pane showing folder sizes walks its folders.
pub fn page(
    common: &mut Common,
    pane: usize,
    ticket: u64,
    entries: Vec<Entry>,
    done: bool,
) -> Vec<Effect> {
    let rows = common.pane_rows();
    let p = &mut common.panes[pane];
    if p.listing.ticket != ticket {
        return Vec::new(); // stale: the pane has moved on
    }
    p.goto_from = None; // the place gone to is a folder
    p.add_entries(entries);
    p.listing.loading = !done;
    p.keep_cursor_visible(rows);
    if done {
        p.sized.clear();
        return walk_folder_sizes(common, pane);
    }
    Vec::new()
}

/// The walk a local pane showing folder sizes needs for the folders it lists.
fn walk_folder_sizes(common: &Common, pane: usize) -> Vec<Effect> {
    let p = &common.panes[pane];
    let Location::Local(dir) = &p.source else {
        return Vec::new(); // OneDrive's folders carry their totals
    };
    if !p.folder_sizes || p.found.is_some() || p.listing.loading {
        return Vec::new();
    }
    let names: Vec<String> = p
        .entries
        .iter()
        .filter(|e| e.is_dir && !p.sized.contains(&e.name))
        .map(|e| e.name.clone())
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    vec![Effect::FolderSizes {
        pane,
        ticket: p.listing.ticket,
        dir: dir.clone(),
        names,
    }]
}

/// Local folders' totals arrived: shown, and sorted by when the pane sorts by size.
pub fn folder_sizes(common: &mut Common, pane: usize, ticket: u64, sizes: Vec<(String, u64)>) {
    let p = &mut common.panes[pane];
    if p.listing.ticket != ticket {
        return;
    }
    for (name, size) in sizes {
        if let Some(entry) = p.entries.iter_mut().find(|e| e.is_dir && e.name == name) {
            entry.size = size;
            p.sized.insert(name);
        }
    }
    p.resort();
}

/// A pane's listing failed: a go-to falls back, anything else shows why.
pub fn list_failed(
    common: &mut Common,
    pane: usize,
    ticket: u64,
    message: String,
    not_a_folder: bool,
) -> Vec<Effect> {
    let p = &mut common.panes[pane];
    if p.listing.ticket != ticket {
        return Vec::new();
    }
    if let Some(from) = p.goto_from.take() {
        return goto_failed(common, pane, from, message, not_a_folder);
    }
    p.listing.loading = false;
    p.listing.error = Some(message);
    Vec::new()
}

/// The terminal changed size: every cursor stays on screen.
pub fn resized(common: &mut Common) {
    let rows = common.pane_rows();
    for pane in &mut common.panes {
        pane.keep_cursor_visible(rows);
    }
}

/// Enter: a folder opens (a shortcut's in its own drive, a find result's folder);
/// a file shows its details.
fn open(common: &mut Common, details: &mut Option<Details>) -> Vec<Effect> {
    let active = common.active;
    if common.panes[active].found.is_some() {
        return open_found(common);
    }
    let pane = &mut common.panes[active];
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
        common.drives.insert(
            spec.clone(),
            DriveStatus {
                name: format!("{} (shared by {owner})", entry.name),
                ..Default::default()
            },
        );
        let pane = &mut common.panes[active];
        pane.entered_from = Some((pane.source.clone(), entry.name.clone()));
        pane.source = Location::Remote(odc_graph::RemotePath::root().in_drive(spec));
        pane.filter = None;
        pane.want_cursor = None;
        return list(common, active);
    }
    let pane = &mut common.panes[active];
    match (&pane.source, entry.is_dir) {
        (Location::Local(path), true) => {
            pane.source = Location::Local(path.join(&entry.name));
        }
        (Location::Remote(path), true) => {
            pane.source = Location::Remote(path.join(&entry.name));
        }
        (source, false) => {
            *details = Some(Details {
                path: source.join(&entry.name).to_string(),
                entry,
            });
            return Vec::new();
        }
    }
    pane.filter = None;
    pane.want_cursor = None;
    list(common, active)
}

/// Backspace: the parent folder, with the cursor on the one left.
fn parent(common: &mut Common) -> Vec<Effect> {
    let active = common.active;
    if common.panes[active].found.is_some() {
        // Out of the results, back to the folder they were found in.
        return list(common, active);
    }
    let pane = &mut common.panes[active];
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
    let effects = list(common, active);
    common.panes[active].want_cursor = Some(came_from);
    effects
}
