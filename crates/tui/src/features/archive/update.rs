//! The archive dialog's `update`: opened by Enter on a `.zip`, its entries
//! arriving, moving through its folders, and asking to view or copy out.

use crossterm::event::KeyEvent;

use crate::features::archive::{ArchiveDialog, ArchiveRef, is_archive_name};
use crate::shared::common::Common;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::messages::viewer::ViewSource;
use odc_engine::archive::Entry;
use odc_engine::transfer::Location;

/// Enter on the row under the cursor: `None` unless it is a zip file.
pub fn open(common: &mut Common, dialog: &mut Option<ArchiveDialog>) -> Option<Vec<Effect>> {
    let pane = common.active_pane();
    if pane.found.is_some() {
        return None;
    }
    let entry = pane.current()?.clone();
    if entry.is_dir || !is_archive_name(&entry.name) {
        return None;
    }
    let place = pane.location_of(&entry.name);
    let id = match (&place, &entry.remote) {
        (Location::Remote(_), Some(remote)) if remote.kind == "file" => Some(remote.id.clone()),
        (Location::Remote(_), _) => return None,
        (Location::Local(_), _) => None,
    };
    let ticket = common.take_ticket();
    let archive = ArchiveRef {
        place,
        id,
        size: entry.size,
    };
    *dialog = Some(ArchiveDialog {
        ticket,
        archive: archive.clone(),
        dir: String::new(),
        entries: None,
        cursor: 0,
        note: None,
    });
    Some(vec![Effect::ReadArchive { ticket, archive }])
}

pub fn listed(dialog: &mut Option<ArchiveDialog>, ticket: u64, result: Result<Vec<Entry>, String>) {
    if let Some(open) = dialog.as_mut().filter(|d| d.ticket == ticket) {
        open.entries = Some(result);
    }
}

pub fn done(dialog: &mut Option<ArchiveDialog>, ticket: u64, result: Result<String, String>) {
    if let Some(open) = dialog.as_mut().filter(|d| d.ticket == ticket) {
        open.note = Some(match result {
            Ok(done) => done,
            Err(problem) => problem,
        });
    }
}

/// A key while the archive dialog is open: it takes every key.
pub fn on_key(
    common: &mut Common,
    dialog: &mut Option<ArchiveDialog>,
    key: KeyEvent,
) -> Vec<Effect> {
    let Some(open) = dialog.as_mut() else {
        return Vec::new();
    };
    let rows = open.rows().len();
    let selected = open.rows().get(open.cursor).map(|e| (*e).clone());
    match common.keymap.action_in(Context::Archive, &key) {
        Some(Action::ArchiveClose) => *dialog = None,
        Some(Action::ArchiveUp) => open.cursor = open.cursor.saturating_sub(1),
        Some(Action::ArchiveDown) => open.cursor = (open.cursor + 1).min(rows.saturating_sub(1)),
        Some(Action::ArchiveOpen) => match selected {
            Some(entry) if entry.is_dir => {
                open.dir = entry.path;
                open.cursor = 0;
                open.note = None;
            }
            Some(entry) => return view(open, entry),
            None => {}
        },
        Some(Action::ArchiveParent) => {
            if open.dir.is_empty() {
                *dialog = None;
            } else {
                let left = open.dir.clone();
                open.dir = left
                    .rsplit_once('/')
                    .map(|(up, _)| up.to_string())
                    .unwrap_or_default();
                let back = open.rows().iter().position(|e| e.path == left).unwrap_or(0);
                open.cursor = back;
                open.note = None;
            }
        }
        Some(Action::ArchiveView) => {
            if let Some(entry) = selected.filter(|e| !e.is_dir) {
                return view(open, entry);
            }
        }
        Some(Action::ArchiveCopy) => {
            let Some(entry) = selected else {
                return Vec::new();
            };
            let to = common.panes[1 - common.active].source.clone();
            open.note = Some("Copying…".into());
            return vec![Effect::ExtractArchive {
                ticket: open.ticket,
                archive: open.archive.clone(),
                entry: entry.path,
                to: Some(to),
            }];
        }
        _ => {}
    }
    Vec::new()
}

/// An entry is viewed from a private copy: a compressed entry cannot be read
/// from the middle.
fn view(open: &mut ArchiveDialog, entry: Entry) -> Vec<Effect> {
    open.note = Some(format!(
        "Reading {}…",
        odc_core::display::escape_control(&entry.path)
    ));
    vec![Effect::ExtractArchive {
        ticket: open.ticket,
        archive: open.archive.clone(),
        entry: entry.path,
        to: None,
    }]
}

/// Entries staged for a OneDrive folder: they go there as a copy request,
/// followed in the transfers panel.
pub fn staged(
    dialog: &mut Option<ArchiveDialog>,
    ticket: u64,
    staged: Location,
    dest: Location,
) -> Vec<Effect> {
    if let Some(open) = dialog.as_mut().filter(|d| d.ticket == ticket) {
        open.note = Some(format!(
            "Uploading {} to {} (the transfers panel follows it)",
            odc_core::display::escape_control(&staged.name()),
            dest
        ));
    }
    let request = odc_engine::transfer::Request {
        kind: odc_engine::transfer::Kind::Copy,
        sources: vec![staged],
        dest_dir: dest,
        dest_name: None,
    };
    vec![Effect::Submit {
        request,
        filter: String::new(),
    }]
}

/// A private copy of an entry to view arrived: the viewer opens on it, titled
/// by the archive and the entry.
pub fn view_request(
    dialog: &mut Option<ArchiveDialog>,
    ticket: u64,
    entry: &str,
    copy: std::path::PathBuf,
    size: u64,
) -> Option<(String, ViewSource, u64)> {
    let open = dialog.as_mut().filter(|d| d.ticket == ticket)?;
    open.note = None;
    let title = format!("{}/{}", open.archive.place, entry);
    Some((title, ViewSource::Local(copy), size))
}
