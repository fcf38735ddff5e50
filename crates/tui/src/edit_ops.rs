//! The parts of `update` for editing (F4): a local file goes straight to the editor;
//! a OneDrive file is copied privately, edited, and uploaded back only if it changed
//! and only over the version that was copied, else the person chooses. Nothing is
//! lost: a copy that could not go back stays where the message says.

use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::messages::editor::{Copy, Outcome, Upload};
use crate::state::{Dialog, Editing, State};
use odc_core::display::escape_control;
use odc_engine::transfer::Location;

/// F4 on the row under the cursor.
pub fn open(state: &mut State) -> Vec<Effect> {
    let pane = state.active_pane();
    let Some(entry) = pane.current().cloned() else {
        return Vec::new();
    };
    if entry.is_dir {
        state.message = Some("Only files can be edited; Enter opens a folder".into());
        return Vec::new();
    }
    if let Some(editing) = &state.editing {
        state.message = Some(format!(
            "Still editing {}; finish that first",
            escape_control(&editing.name)
        ));
        return Vec::new();
    }
    let location = pane.location_of(&entry.name);
    let Some(dir) = location.parent() else {
        return Vec::new();
    };
    let ticket = state.take_ticket();
    let mut editing = Editing {
        ticket,
        name: entry.name.clone(),
        dir: dir.clone(),
        remote: None,
        copy: None,
    };
    let effect = match location {
        Location::Local(path) => Effect::RunEditor { ticket, path },
        Location::Remote(path) => {
            if !state.signed_in() {
                state.message = Some("Sign in to OneDrive first".into());
                return Vec::new();
            }
            let Some(remote) = &entry.remote else {
                return Vec::new();
            };
            let drive = path.drive().clone();
            editing.remote = Some(path);
            state.message = Some(format!(
                "Downloading {} to edit…",
                escape_control(&entry.name)
            ));
            Effect::FetchForEdit {
                ticket,
                id: remote.id.clone(),
                drive,
            }
        }
    };
    state.editing = Some(editing);
    vec![effect]
}

fn current(state: &mut State, ticket: u64) -> Option<&mut Editing> {
    state.editing.as_mut().filter(|e| e.ticket == ticket)
}

pub fn fetched(state: &mut State, ticket: u64, result: Result<Copy, String>) -> Vec<Effect> {
    let Some(editing) = current(state, ticket) else {
        return Vec::new();
    };
    match result {
        Ok(copy) => {
            let path = copy.file.clone();
            editing.copy = Some(copy);
            state.message = None;
            vec![Effect::RunEditor { ticket, path }]
        }
        Err(err) => {
            let name = escape_control(&editing.name);
            state.editing = None;
            state.message = Some(format!("Cannot edit {name}: {err}"));
            Vec::new()
        }
    }
}

pub fn editor_exited(state: &mut State, ticket: u64, result: Result<(), String>) -> Vec<Effect> {
    let Some(editing) = current(state, ticket).cloned() else {
        return Vec::new();
    };
    let name = escape_control(&editing.name);
    let (Some(remote), Some(copy)) = (editing.remote.clone(), editing.copy.clone()) else {
        // A local file: the editor saved it in place (or not); show what is there.
        state.editing = None;
        if let Err(err) = result {
            state.message = Some(format!("{name}: {err}"));
        }
        return crate::shared::relist::reload(state, &[editing.dir]);
    };
    if let Err(err) = result {
        // An editor that fails (`:cq` in vim) means "do not save": nothing goes
        // up, and the copy stays in case it holds work.
        state.editing = None;
        state.message = Some(format!(
            "{name}: {err}; nothing uploaded, the copy is kept in {}",
            odc_core::display::escape_path(&copy.file)
        ));
        return Vec::new();
    }
    state.message = Some(format!("Uploading {name}…"));
    let how = Upload::IfUnchanged(copy.etag.clone());
    vec![Effect::UploadEdit {
        ticket,
        copy,
        remote,
        how,
    }]
}

pub fn uploaded(state: &mut State, ticket: u64, result: Result<Outcome, String>) -> Vec<Effect> {
    let Some(editing) = current(state, ticket).cloned() else {
        return Vec::new();
    };
    let Some(copy) = editing.copy.clone() else {
        return Vec::new();
    };
    let name = escape_control(&editing.name);
    let discard = Effect::DiscardEdit {
        file: copy.file.clone(),
    };
    match result {
        Ok(Outcome::Unchanged) => {
            state.editing = None;
            state.message = Some(format!("{name} was not changed; nothing uploaded"));
            vec![discard]
        }
        Ok(Outcome::Uploaded(as_name)) => {
            state.editing = None;
            state.message = Some(if as_name == editing.name {
                format!("Uploaded {name}")
            } else {
                format!("Uploaded {name} as {}", escape_control(&as_name))
            });
            state.common.panes[state.common.active].cursor_after_change = Some(as_name);
            let mut effects = vec![discard];
            effects.extend(crate::shared::relist::reload(state, &[editing.dir]));
            effects
        }
        Ok(Outcome::Changed) => {
            state.message = None;
            state.ask(Dialog::EditConflict {
                ticket,
                name: editing.name.clone(),
            });
            Vec::new()
        }
        Err(err) => {
            state.editing = None;
            state.message = Some(format!(
                "Upload of {name} failed: {err}; your edit is kept in {}",
                odc_core::display::escape_path(&copy.file)
            ));
            Vec::new()
        }
    }
}

/// The answer to "changed on OneDrive while you edited it"; None keeps asking.
pub fn answer(state: &mut State, ticket: u64, action: Action) -> Option<Vec<Effect>> {
    debug_assert_eq!(action.context(), Context::EditConflict);
    let editing = current(state, ticket)?.clone();
    let (copy, remote) = (editing.copy.clone()?, editing.remote.clone()?);
    let name = escape_control(&editing.name);
    let upload = |how| Effect::UploadEdit {
        ticket,
        copy: copy.clone(),
        remote: remote.clone(),
        how,
    };
    Some(match action {
        Action::EditOverwrite => {
            state.message = Some(format!("Uploading {name} over the other change…"));
            vec![upload(Upload::Overwrite)]
        }
        Action::EditKeepBoth => {
            state.message = Some(format!("Uploading {name} beside the other change…"));
            vec![upload(Upload::KeepBoth)]
        }
        Action::EditDiscard => {
            state.editing = None;
            state.message = Some(format!("Your edit of {name} was discarded"));
            vec![Effect::DiscardEdit { file: copy.file }]
        }
        Action::EditLater => {
            state.editing = None;
            state.message = Some(format!(
                "Your edit of {name} is kept in {}",
                odc_core::display::escape_path(&copy.file)
            ));
            Vec::new()
        }
        _ => return None,
    })
}
