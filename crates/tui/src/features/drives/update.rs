//! The drive picker's `update`: opened for the active pane, places arriving in
//! batches, its keys and the site search, and a drive's quota for the status bar.

use crossterm::event::KeyEvent;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::features::drives::DrivePicker;
use crate::shared::common::Common;
use crate::shared::dialog_parts::keep_open;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::messages::drives::Place;
use odc_engine::transfer::Location;
use odc_graph::path::DriveSpec;

/// F2: opens the picker for the active pane and asks for the places.
pub fn open(common: &mut Common, picker: &mut Option<DrivePicker>) -> Vec<Effect> {
    let pane = common.active;
    let ticket = common.take_ticket();
    let local = local_place(common, pane);
    *picker = Some(DrivePicker {
        pane,
        ticket,
        places: vec![local],
        cursor: 0,
        loading: true,
        search: None,
    });
    vec![Effect::LoadPlaces { ticket }]
}

/// Where "Local files" goes: the pane's local folder, or the one it was last on.
fn local_place(common: &Common, pane: usize) -> Place {
    let pane = &common.panes[pane];
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
pub fn places_arrived(
    common: &mut Common,
    picker: &mut Option<DrivePicker>,
    ticket: u64,
    places: Vec<Place>,
    done: bool,
) {
    let Some(picker) = picker.as_mut().filter(|p| p.ticket == ticket) else {
        return;
    };
    for place in places {
        // Libraries are named after their site in titles and the status bar.
        if let Location::Remote(path) = &place.target
            && path.drive().drive_id.is_some()
        {
            let name = format!("{} · {}", place.owner, place.label);
            common.drives.entry(path.drive().clone()).or_default().name = name;
        }
        if !picker.places.iter().any(|p| p.target == place.target) {
            picker.places.push(place);
        }
    }
    if done {
        picker.loading = false;
    }
}

/// A drive's quota arrived, for the status bar.
pub fn drive_info(common: &mut Common, drive: &DriveSpec, used: Option<u64>, total: Option<u64>) {
    if let Some(status) = common.drives.get_mut(drive) {
        status.quota_used = used;
        status.quota_total = total;
    }
}

/// A key while the picker is open: it takes every key.
pub fn on_key(common: &mut Common, picker: &mut Option<DrivePicker>, key: KeyEvent) -> Vec<Effect> {
    keep_open(picker, |open, effects| {
        picker_key(common, open, key, effects)
    })
}

/// A key in the picker; returns the picker to keep, if any.
fn picker_key(
    common: &mut Common,
    mut picker: DrivePicker,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<DrivePicker> {
    if let Some(input) = &mut picker.search {
        match key.code {
            crossterm::event::KeyCode::Esc => picker.search = None,
            crossterm::event::KeyCode::Enter => {
                let text = input.value().trim().to_string();
                picker.search = None;
                if !text.is_empty() {
                    picker.ticket = common.take_ticket();
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
        return Some(picker);
    }
    let last = picker.places.len().saturating_sub(1);
    match common.keymap.action_in(Context::Drives, &key) {
        Some(Action::DrivesClose) => return None,
        Some(Action::DrivesUp) => picker.cursor = picker.cursor.saturating_sub(1),
        Some(Action::DrivesDown) => picker.cursor = (picker.cursor + 1).min(last),
        Some(Action::DrivesSearch) => picker.search = Some(Input::default()),
        Some(Action::DrivesGo) => {
            if let Some(place) = picker.places.get(picker.cursor).cloned() {
                effects.extend(show(common, picker.pane, place.target));
                return None;
            }
        }
        _ => {}
    }
    Some(picker)
}

/// Puts `target` in the pane (nothing to do when it is there already).
fn show(common: &mut Common, pane: usize, target: Location) -> Vec<Effect> {
    if common.panes[pane].source == target {
        return Vec::new();
    }
    // Chosen here, not entered through a shortcut: Backspace has nowhere to return.
    common.panes[pane].entered_from = None;
    crate::shared::relist::navigate(common, pane, target)
}
