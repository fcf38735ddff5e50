//! The versions and recycle bin dialogs' `update`: opened from the panes, lists
//! arriving, their keys (moving, viewing, copying out, restoring, deleting for
//! good after a question), and what each action came to.

use crossterm::event::KeyEvent;

use crate::features::history::{BinDialog, Listing, VersionsDialog};
use crate::shared::common::Common;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::messages::viewer::ViewSource;
use odc_engine::transfer::Location;
use odc_graph::deleted::Deleted;
use odc_graph::history::Version;

/// What the versions dialog asks the viewer to show: a title, the bytes' source
/// and their size.
pub type ViewRequest = (String, ViewSource, u64);

/// `i` on a OneDrive file: its versions. `None` when the row is not a plain
/// OneDrive file (the details overlay shows it instead).
pub fn open_versions(
    common: &mut Common,
    dialog: &mut Option<VersionsDialog>,
) -> Option<Vec<Effect>> {
    let pane = common.active_pane();
    let entry = pane.current()?.clone();
    let remote = entry.remote.as_ref().filter(|r| r.kind == "file")?;
    let Location::Remote(path) = pane.location_of(&entry.name) else {
        return None;
    };
    let ticket = common.take_ticket();
    let id = remote.id.clone();
    let drive = path.drive().clone();
    *dialog = Some(VersionsDialog {
        ticket,
        id: id.clone(),
        name: entry.name.clone(),
        path,
        size: entry.size,
        modified: entry.modified,
        versions: Listing::Loading,
        cursor: 0,
        asking: false,
        note: None,
    });
    Some(vec![Effect::ListVersions { ticket, id, drive }])
}

pub fn versions_listed(
    dialog: &mut Option<VersionsDialog>,
    ticket: u64,
    result: Result<Vec<Version>, String>,
) {
    let Some(open) = dialog.as_mut().filter(|d| d.ticket == ticket) else {
        return;
    };
    open.versions = match result {
        Ok(versions) => Listing::Listed(versions),
        Err(problem) => Listing::Failed(problem),
    };
    open.cursor = open
        .cursor
        .min(open.versions.rows().len().saturating_sub(1));
}

/// A restore or a copy finished: said in the dialog; after a restore the list
/// is read again (the service made a new version).
pub fn version_done(
    dialog: &mut Option<VersionsDialog>,
    ticket: u64,
    result: Result<String, String>,
    relist: bool,
) -> Vec<Effect> {
    let Some(open) = dialog.as_mut().filter(|d| d.ticket == ticket) else {
        return Vec::new();
    };
    open.note = Some(match result {
        Ok(done) => done,
        Err(problem) => problem,
    });
    if !relist {
        return Vec::new();
    }
    open.versions = Listing::Loading;
    open.cursor = 0;
    vec![Effect::ListVersions {
        ticket,
        id: open.id.clone(),
        drive: open.path.drive().clone(),
    }]
}

/// The name a copied-out version gets: `notes (version 2026-12-01 10.22).txt`.
pub fn version_file_name(name: &str, version: &Version) -> String {
    let when = version
        .last_modified_date_time
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H.%M")
                .to_string()
        })
        .unwrap_or_else(|| version.id.clone());
    let tag = format!(" (version {when})");
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}{tag}.{ext}"),
        _ => format!("{name}{tag}"),
    }
}

/// A key while the versions dialog is open: it takes every key.
pub fn versions_key(
    common: &mut Common,
    dialog: &mut Option<VersionsDialog>,
    key: KeyEvent,
) -> (Vec<Effect>, Option<ViewRequest>) {
    let Some(open) = dialog.as_mut() else {
        return (Vec::new(), None);
    };
    let rows = open.versions.rows().len();
    let selected = open.versions.rows().get(open.cursor).cloned();
    let drive = open.path.drive().clone();
    if open.asking {
        match common.keymap.action_in(Context::Confirm, &key) {
            Some(Action::ConfirmYes) => {
                open.asking = false;
                let Some(version) = selected else {
                    return (Vec::new(), None);
                };
                open.note = Some("Restoring…".into());
                let effect = Effect::RestoreVersion {
                    ticket: open.ticket,
                    id: open.id.clone(),
                    version: version.id,
                    drive,
                };
                return (vec![effect], None);
            }
            Some(Action::ConfirmNo) => open.asking = false,
            _ => {}
        }
        return (Vec::new(), None);
    }
    let current = open.cursor == 0;
    match common.keymap.action_in(Context::Versions, &key) {
        Some(Action::VersionsClose) => *dialog = None,
        Some(Action::VersionsUp) => open.cursor = open.cursor.saturating_sub(1),
        Some(Action::VersionsDown) => open.cursor = (open.cursor + 1).min(rows.saturating_sub(1)),
        Some(Action::VersionsView) => {
            let Some(version) = selected else {
                return (Vec::new(), None);
            };
            let title = format!(
                "{} ({})",
                Location::Remote(open.path.clone()),
                if current {
                    "current version".to_string()
                } else {
                    format!("version {}", version.id)
                }
            );
            // The current version's bytes are the file's own: `/versions`
            // refuses them.
            let source = ViewSource::Remote {
                id: open.id.clone(),
                path: open.path.clone(),
                version: (!current).then(|| version.id.clone()),
            };
            return (Vec::new(), Some((title, source, version.size)));
        }
        Some(Action::VersionsCopy) => {
            let Some(version) = selected else {
                return (Vec::new(), None);
            };
            let Location::Local(folder) = common.panes[1 - common.active].source.clone() else {
                open.note =
                    Some("Open a local folder in the other pane to copy a version to".into());
                return (Vec::new(), None);
            };
            let target = folder.join(version_file_name(&open.name, &version));
            open.note = Some("Copying…".into());
            let effect = Effect::CopyVersion {
                ticket: open.ticket,
                id: open.id.clone(),
                version: (!current).then_some(version),
                drive,
                target,
            };
            return (vec![effect], None);
        }
        Some(Action::VersionsRestore) => {
            if selected.is_none() {
            } else if current {
                open.note = Some("That is the current version already".into());
            } else {
                open.asking = true;
            }
        }
        _ => {}
    }
    (Vec::new(), None)
}

/// The recycle bin key: the bin of the active pane's account (or the default
/// one beside a local folder).
pub fn open_bin(common: &mut Common, dialog: &mut Option<BinDialog>) -> Vec<Effect> {
    if !common.signed_in() {
        common.message = Some("Sign in to OneDrive first".into());
        return Vec::new();
    }
    let drive = match &common.active_pane().source {
        // The bin is the account's, whichever of its drives the pane shows.
        Location::Remote(path) => odc_graph::path::DriveSpec {
            account: path.drive().account.clone(),
            drive_id: None,
            folder: None,
        },
        Location::Local(_) => Default::default(),
    };
    let ticket = common.take_ticket();
    *dialog = Some(BinDialog {
        ticket,
        drive: drive.clone(),
        entries: Listing::Loading,
        checked: true,
        cursor: 0,
        asking: false,
        note: None,
    });
    vec![Effect::ListBin { ticket, drive }]
}

pub fn bin_listed(
    dialog: &mut Option<BinDialog>,
    ticket: u64,
    result: Result<(Vec<Deleted>, bool), String>,
) {
    let Some(open) = dialog.as_mut().filter(|d| d.ticket == ticket) else {
        return;
    };
    match result {
        Ok((entries, checked)) => {
            open.entries = Listing::Listed(entries);
            open.checked = checked;
        }
        Err(problem) => open.entries = Listing::Failed(problem),
    }
    open.cursor = open.cursor.min(open.entries.rows().len().saturating_sub(1));
}

/// A restore or a delete for good finished: the entry leaves the list when it
/// went through.
pub fn bin_done(
    dialog: &mut Option<BinDialog>,
    ticket: u64,
    id: &str,
    result: Result<String, String>,
) {
    let Some(open) = dialog.as_mut().filter(|d| d.ticket == ticket) else {
        return;
    };
    match result {
        Ok(done) => {
            if let Listing::Listed(entries) = &mut open.entries {
                entries.retain(|e| e.id != id);
            }
            open.cursor = open.cursor.min(open.entries.rows().len().saturating_sub(1));
            open.note = Some(done);
        }
        Err(problem) => open.note = Some(problem),
    }
}

/// A key while the recycle bin is open: it takes every key.
pub fn bin_key(common: &Common, dialog: &mut Option<BinDialog>, key: KeyEvent) -> Vec<Effect> {
    let Some(open) = dialog.as_mut() else {
        return Vec::new();
    };
    let rows = open.entries.rows().len();
    let selected = open.entries.rows().get(open.cursor).cloned();
    if open.asking {
        match common.keymap.action_in(Context::Confirm, &key) {
            Some(Action::ConfirmYes) => {
                open.asking = false;
                if let Some(entry) = selected {
                    open.note = Some("Deleting for good…".into());
                    return vec![Effect::PurgeFromBin {
                        ticket: open.ticket,
                        entry,
                        drive: open.drive.clone(),
                    }];
                }
            }
            Some(Action::ConfirmNo) => open.asking = false,
            _ => {}
        }
        return Vec::new();
    }
    match common.keymap.action_in(Context::Bin, &key) {
        Some(Action::BinClose) => *dialog = None,
        Some(Action::BinUp) => open.cursor = open.cursor.saturating_sub(1),
        Some(Action::BinDown) => open.cursor = (open.cursor + 1).min(rows.saturating_sub(1)),
        Some(Action::BinRestore) => {
            if let Some(entry) = selected {
                if !open.checked {
                    open.note = Some(
                        "A work account's recycle bin is restored from on the web (Graph offers it only in beta)"
                            .into(),
                    );
                } else {
                    open.note = Some("Restoring…".into());
                    return vec![Effect::RestoreFromBin {
                        ticket: open.ticket,
                        entry,
                        drive: open.drive.clone(),
                    }];
                }
            }
        }
        Some(Action::BinPurge) if !open.checked => {
            open.note = Some(
                "A work account's recycle bin is emptied on the web (Graph offers it only in beta)"
                    .into(),
            );
        }
        Some(Action::BinPurge) => open.asking = selected.is_some(),
        _ => {}
    }
    Vec::new()
}
