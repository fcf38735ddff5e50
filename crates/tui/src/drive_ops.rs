//! The parts of `update` for the drive picker (F2): what a pane shows — local
//! files, each signed-in account's OneDrive, the SharePoint document libraries a
//! work account follows or finds — chosen from one list that fills in as accounts
//! and sites are read.

use crossterm::event::KeyEvent;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::messages::drives::Place;
use crate::state::dialog::DrivePicker;
use crate::state::{Dialog, State};
use odc_engine::transfer::Location;

/// F2: opens the picker for the active pane and asks for the places.
pub fn open(state: &mut State) -> Vec<Effect> {
    let pane = state.active;
    let ticket = state.take_ticket();
    let local = local_place(state, pane);
    state.dialog = Some(Dialog::Drives(DrivePicker {
        pane,
        ticket,
        places: vec![local],
        cursor: 0,
        loading: true,
        search: None,
    }));
    vec![Effect::LoadPlaces { ticket }]
}

/// Where "Local files" goes: the pane's local folder, or the one it was last on.
fn local_place(state: &State, pane: usize) -> Place {
    let pane = &state.panes[pane];
    let target = match (&pane.source, &pane.other_source) {
        (Location::Local(_), _) => pane.source.clone(),
        (_, Location::Local(_)) => pane.other_source.clone(),
        _ => Location::Local(std::path::PathBuf::from("/")),
    };
    Place {
        label: "Local files".into(),
        owner: "local".into(),
        target,
    }
}

/// Places read for the picker (or a site search) with this ticket.
pub fn places_arrived(state: &mut State, ticket: u64, places: Vec<Place>, done: bool) {
    match &state.dialog {
        Some(Dialog::Drives(picker)) if picker.ticket == ticket => {}
        _ => return,
    }
    for place in places {
        // Libraries are named after their site in titles and the status bar.
        if let Location::Remote(path) = &place.target
            && path.drive().drive_id.is_some()
        {
            let name = format!("{} · {}", place.owner, place.label);
            state.drives.entry(path.drive().clone()).or_default().name = name;
        }
        let Some(Dialog::Drives(picker)) = &mut state.dialog else {
            return;
        };
        if !picker.places.iter().any(|p| p.target == place.target) {
            picker.places.push(place);
        }
    }
    if done && let Some(Dialog::Drives(picker)) = &mut state.dialog {
        picker.loading = false;
    }
}

/// A key in the picker; returns the dialog to keep, if any.
pub fn key(
    state: &mut State,
    mut picker: DrivePicker,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Dialog> {
    if let Some(input) = &mut picker.search {
        match key.code {
            crossterm::event::KeyCode::Esc => picker.search = None,
            crossterm::event::KeyCode::Enter => {
                let text = input.value().trim().to_string();
                picker.search = None;
                if !text.is_empty() {
                    picker.ticket = state.take_ticket();
                    picker.loading = true;
                    effects.push(Effect::SearchSites {
                        ticket: picker.ticket,
                        text,
                    });
                }
            }
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
            }
        }
        return Some(Dialog::Drives(picker));
    }
    let last = picker.places.len().saturating_sub(1);
    match state.keymap.action_in(Context::Drives, &key) {
        Some(Action::DrivesClose) => return None,
        Some(Action::DrivesUp) => picker.cursor = picker.cursor.saturating_sub(1),
        Some(Action::DrivesDown) => picker.cursor = (picker.cursor + 1).min(last),
        Some(Action::DrivesSearch) => picker.search = Some(Input::default()),
        Some(Action::DrivesGo) => {
            if let Some(place) = picker.places.get(picker.cursor).cloned() {
                effects.extend(show(state, picker.pane, place.target));
                return None;
            }
        }
        _ => {}
    }
    Some(Dialog::Drives(picker))
}

/// Puts `target` in the pane (nothing to do when it is there already).
fn show(state: &mut State, pane: usize, target: Location) -> Vec<Effect> {
    if state.panes[pane].source == target {
        return Vec::new();
    }
    // Chosen here, not entered through a shortcut: Backspace has nowhere to return.
    state.panes[pane].entered_from = None;
    crate::nav_ops::navigate(state, pane, target)
}
