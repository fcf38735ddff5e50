//! The parts of `update` for going places: the go-to prompt with Tab completion,
//! and the hotlist of bookmarked folders. Pure: folder names and the hotlist file
//! come and go through effects.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::goto;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::state::{Dialog, State};
use odc_core::display::escape_control;
use odc_engine::transfer::Location;

pub fn open_goto(state: &mut State) {
    state.dialog = Some(Dialog::GoTo {
        pane: state.active,
        input: Input::default(),
        candidates: Vec::new(),
        ticket: 0,
    });
}

/// A key in the go-to prompt; returns the dialog to keep, if any.
pub fn goto_key(
    state: &mut State,
    (pane, mut input, candidates, ticket): (usize, Input, Vec<String>, u64),
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Dialog> {
    let here = state.panes[pane].source.clone();
    match key.code {
        KeyCode::Esc => None,
        KeyCode::Enter => match goto::target(input.value(), &here, state.home.as_deref()) {
            Ok(to) => {
                let from = state.panes[pane].source.clone();
                effects.extend(crate::shared::relist::navigate(state, pane, to));
                state.panes[pane].goto_from = Some(from);
                None
            }
            Err(problem) => {
                state.message = Some(problem);
                Some(Dialog::GoTo {
                    pane,
                    input,
                    candidates,
                    ticket,
                })
            }
        },
        KeyCode::Tab => {
            let Some((folder, _)) =
                goto::completion_base(input.value(), &here, state.home.as_deref())
            else {
                return Some(Dialog::GoTo {
                    pane,
                    input,
                    candidates,
                    ticket,
                });
            };
            let ticket = state.take_ticket();
            effects.push(Effect::CompleteFolders { ticket, folder });
            Some(Dialog::GoTo {
                pane,
                input,
                candidates,
                ticket,
            })
        }
        _ => {
            input.handle_event(&crossterm::event::Event::Key(key));
            Some(Dialog::GoTo {
                pane,
                input,
                candidates: Vec::new(),
                ticket,
            })
        }
    }
}

/// Folder names for the completion asked with `ticket`.
pub fn completions(state: &mut State, ticket: u64, result: Result<Vec<String>, String>) {
    let home = state.home.clone();
    let Some(Dialog::GoTo {
        pane,
        input,
        candidates,
        ticket: asked,
    }) = &mut state.dialog
    else {
        return;
    };
    if *asked != ticket {
        return;
    }
    let names = match result {
        Ok(names) => names,
        Err(problem) => {
            state.common.message = Some(problem);
            return;
        }
    };
    let here = state.common.panes[*pane].source.clone();
    let Some((_, prefix)) = goto::completion_base(input.value(), &here, home.as_deref()) else {
        return;
    };
    let (text, shown) = goto::complete(input.value(), &prefix, &names);
    if shown.is_empty() && text == input.value() {
        state.common.message = Some(format!("No folder starts with {}", escape_control(&prefix)));
    }
    *input = Input::new(text);
    *candidates = shown;
}

pub fn open_hotlist(state: &mut State) {
    state.dialog = Some(Dialog::Hotlist { cursor: 0 });
}

/// A key in the hotlist; returns the dialog to keep, if any.
pub fn hotlist_key(
    state: &mut State,
    cursor: usize,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Dialog> {
    let last = state.hotlist.len().saturating_sub(1);
    let keep = |cursor: usize| Some(Dialog::Hotlist { cursor });
    match state.keymap.action_in(Context::Hotlist, &key) {
        Some(Action::HotlistClose) => None,
        Some(Action::HotlistUp) => keep(cursor.saturating_sub(1)),
        Some(Action::HotlistDown) => keep((cursor + 1).min(last)),
        Some(Action::HotlistGo) => match state.hotlist.get(cursor).cloned() {
            Some(to) => {
                let active = state.active;
                effects.extend(crate::shared::relist::navigate(state, active, to));
                None
            }
            None => keep(cursor),
        },
        Some(Action::HotlistAdd) => {
            let here = state.active_pane().source.clone();
            match state.hotlist.iter().position(|l| *l == here) {
                Some(at) => keep(at),
                None => {
                    state.message = Some(format!(
                        "Added {} to the hotlist",
                        escape_control(&here.to_string())
                    ));
                    state.hotlist.push(here);
                    effects.push(Effect::SaveHotlist(state.hotlist.clone()));
                    keep(state.hotlist.len() - 1)
                }
            }
        }
        Some(Action::HotlistRemove) if cursor < state.hotlist.len() => {
            state.hotlist.remove(cursor);
            effects.push(Effect::SaveHotlist(state.hotlist.clone()));
            keep(cursor.min(state.hotlist.len().saturating_sub(1)))
        }
        _ => keep(cursor),
    }
}

pub fn open_find(state: &mut State) {
    if state.active_pane().source.is_remote() && !state.signed_in() {
        state.message = Some("Sign in to OneDrive first".into());
        return;
    }
    state.dialog = Some(Dialog::Find {
        pane: state.active,
        input: Input::default(),
    });
}

/// A key in the find prompt; returns the dialog to keep, if any.
pub fn find_key(
    state: &mut State,
    (pane, mut input): (usize, Input),
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Dialog> {
    match key.code {
        KeyCode::Esc => None,
        KeyCode::Enter if input.value().trim().is_empty() => {
            state.message = Some("Type a name or a pattern to find".into());
            Some(Dialog::Find { pane, input })
        }
        KeyCode::Enter => {
            effects.extend(start_find(state, pane, input.value().trim().to_string()));
            None
        }
        _ => {
            input.handle_event(&crossterm::event::Event::Key(key));
            Some(Dialog::Find { pane, input })
        }
    }
}

/// Shows the results of `query` below the pane's folder, as they arrive.
pub fn start_find(state: &mut State, pane: usize, query: String) -> Vec<Effect> {
    let ticket = state.take_ticket();
    let p = &mut state.panes[pane];
    p.begin_listing(ticket);
    p.filter = None;
    p.want_cursor = None;
    p.found = Some(query.clone());
    vec![Effect::Find {
        pane,
        ticket,
        base: p.source.clone(),
        query,
    }]
}

/// Enter on a find result: its folder, with the cursor on it.
pub fn open_found(state: &mut State) -> Vec<Effect> {
    let pane = state.active;
    let Some(entry) = state.panes[pane].current().cloned() else {
        return Vec::new();
    };
    let location = state.panes[pane].location_of(&entry.name);
    let (Some(folder), name) = (location.parent(), location.name()) else {
        return Vec::new();
    };
    let effects = crate::shared::relist::navigate(state, pane, folder);
    state.panes[pane].want_cursor = Some(name);
    effects
}

/// What the pane's folder operations say in find results.
pub fn refuse_in_results(state: &mut State) -> bool {
    if state.active_pane().found.is_some() {
        state.message = Some(
            "These are find results: Enter goes to the item's folder, where it can be renamed or deleted"
                .into(),
        );
        return true;
    }
    false
}

/// A go-to's place could not be listed: a file opens its folder with the cursor
/// on it; anything else (missing, unreadable) takes the pane back where it was,
/// and says why.
pub fn goto_failed(
    state: &mut State,
    pane: usize,
    from: Location,
    message: String,
    not_a_folder: bool,
) -> Vec<Effect> {
    let target = state.panes[pane].source.clone();
    if not_a_folder && let Some(folder) = target.parent() {
        let effects = crate::shared::relist::navigate(state, pane, folder);
        state.panes[pane].want_cursor = Some(target.name());
        return effects;
    }
    state.message = Some(odc_core::display::escape_control(&message));
    crate::shared::relist::navigate(state, pane, from)
}
