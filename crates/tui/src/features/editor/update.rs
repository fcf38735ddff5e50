//! The editor's `update`: F4 on a file, the private copy fetched, the editor's end,
//! the upload's outcome, and the answer when the file changed meanwhile. Nothing is
//! lost: a copy that could not go back stays where the message says.

use crate::features::editor::Editing;
use crate::shared::common::Common;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::messages::editor::{Copy, Outcome, Upload};
use odc_core::display::escape_control;
use odc_engine::transfer::Location;

/// F4 on the row under the cursor.
pub fn open(common: &mut Common, slot: &mut Option<Editing>) -> Vec<Effect> {
    let pane = common.active_pane();
    let Some(entry) = pane.current().cloned() else {
        return Vec::new();
    };
    if entry.is_dir {
        common.message = Some("Only files can be edited; Enter opens a folder".into());
        return Vec::new();
    }
    if let Some(editing) = slot.as_ref() {
        common.message = Some(format!(
            "Still editing {}; finish that first",
            escape_control(&editing.name)
        ));
        return Vec::new();
    }
    let location = pane.location_of(&entry.name);
    let Some(dir) = location.parent() else {
        return Vec::new();
    };
    let ticket = common.take_ticket();
    let mut editing = Editing {
        ticket,
        name: entry.name.clone(),
        dir: dir.clone(),
        remote: None,
        copy: None,
        conflict: false,
    };
    let effect = match location {
        Location::Local(path) => Effect::RunEditor { ticket, path },
        Location::Remote(path) => {
            if !common.signed_in() {
                common.message = Some("Sign in to OneDrive first".into());
                return Vec::new();
            }
            let Some(remote) = &entry.remote else {
                return Vec::new();
            };
            let drive = path.drive().clone();
            editing.remote = Some(path);
            common.message = Some(format!(
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
    *slot = Some(editing);
    vec![effect]
}

fn current(slot: &mut Option<Editing>, ticket: u64) -> Option<&mut Editing> {
    slot.as_mut().filter(|e| e.ticket == ticket)
}

pub fn fetched(
    common: &mut Common,
    slot: &mut Option<Editing>,
    ticket: u64,
    result: Result<Copy, String>,
) -> Vec<Effect> {
    let Some(editing) = current(slot, ticket) else {
        return Vec::new();
    };
    match result {
        Ok(copy) => {
            let path = copy.file.clone();
            editing.copy = Some(copy);
            common.message = None;
            vec![Effect::RunEditor { ticket, path }]
        }
        Err(err) => {
            let name = escape_control(&editing.name);
            *slot = None;
            common.message = Some(format!("Cannot edit {name}: {err}"));
            Vec::new()
        }
    }
}

pub fn editor_exited(
    common: &mut Common,
    slot: &mut Option<Editing>,
    ticket: u64,
    result: Result<(), String>,
) -> Vec<Effect> {
    let Some(editing) = current(slot, ticket).cloned() else {
        return Vec::new();
    };
    let name = escape_control(&editing.name);
    let (Some(remote), Some(copy)) = (editing.remote.clone(), editing.copy.clone()) else {
        // A local file: the editor saved it in place (or not); show what is there.
        *slot = None;
        if let Err(err) = result {
            common.message = Some(format!("{name}: {err}"));
        }
        return crate::shared::relist::reload(common, &[editing.dir]);
    };
    if let Err(err) = result {
        // An editor that fails (`:cq` in vim) means "do not save": nothing goes
        // up, and the copy stays in case it holds work.
        *slot = None;
        common.message = Some(format!(
            "{name}: {err}; nothing uploaded, the copy is kept in {}",
            odc_core::display::escape_path(&copy.file)
        ));
        return Vec::new();
    }
    common.message = Some(format!("Uploading {name}…"));
    let how = Upload::IfUnchanged(copy.etag.clone());
    vec![Effect::UploadEdit {
        ticket,
        copy,
        remote,
        how,
    }]
}

pub fn uploaded(
    common: &mut Common,
    slot: &mut Option<Editing>,
    ticket: u64,
    result: Result<Outcome, String>,
) -> Vec<Effect> {
    let Some(editing) = current(slot, ticket).cloned() else {
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
            *slot = None;
            common.message = Some(format!("{name} was not changed; nothing uploaded"));
            vec![discard]
        }
        Ok(Outcome::Uploaded(as_name)) => {
            *slot = None;
            common.message = Some(if as_name == editing.name {
                format!("Uploaded {name}")
            } else {
                format!("Uploaded {name} as {}", escape_control(&as_name))
            });
            common.panes[common.active].cursor_after_change = Some(as_name);
            let mut effects = vec![discard];
            effects.extend(crate::shared::relist::reload(common, &[editing.dir]));
            effects
        }
        Ok(Outcome::Changed) => {
            common.message = None;
            if let Some(editing) = current(slot, ticket) {
                editing.conflict = true;
            }
            Vec::new()
        }
        Err(err) => {
            *slot = None;
            common.message = Some(format!(
                "Upload of {name} failed: {err}; your edit is kept in {}",
                odc_core::display::escape_path(&copy.file)
            ));
            Vec::new()
        }
    }
}

/// A key while the editor asks "changed on OneDrive while you edited it": it
/// takes every key; one that is no answer keeps asking.
pub fn on_conflict_key(
    common: &mut Common,
    slot: &mut Option<Editing>,
    key: crossterm::event::KeyEvent,
) -> Vec<Effect> {
    let Some(ticket) = slot.as_ref().filter(|e| e.conflict).map(|e| e.ticket) else {
        return Vec::new();
    };
    match common.keymap.action_in(Context::EditConflict, &key) {
        Some(action) => answer(common, slot, ticket, action).unwrap_or_default(),
        None => Vec::new(),
    }
}

/// The answer to "changed on OneDrive while you edited it"; None keeps asking.
fn answer(
    common: &mut Common,
    slot: &mut Option<Editing>,
    ticket: u64,
    action: Action,
) -> Option<Vec<Effect>> {
    let answers = [
        Action::EditOverwrite,
        Action::EditKeepBoth,
        Action::EditDiscard,
        Action::EditLater,
    ];
    if !answers.contains(&action) {
        return None;
    }
    let editing = current(slot, ticket)?;
    editing.conflict = false;
    let editing = editing.clone();
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
            common.message = Some(format!("Uploading {name} over the other change…"));
            vec![upload(Upload::Overwrite)]
        }
        Action::EditKeepBoth => {
            common.message = Some(format!("Uploading {name} beside the other change…"));
            vec![upload(Upload::KeepBoth)]
        }
        Action::EditDiscard => {
            *slot = None;
            common.message = Some(format!("Your edit of {name} was discarded"));
            vec![Effect::DiscardEdit { file: copy.file }]
        }
        Action::EditLater => {
            *slot = None;
            common.message = Some(format!(
                "Your edit of {name} is kept in {}",
                odc_core::display::escape_path(&copy.file)
            ));
            Vec::new()
        }
        _ => return None,
    })
}
