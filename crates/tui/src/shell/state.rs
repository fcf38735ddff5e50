//! The shell's state, as plain data: what every feature shares ([`Common`]) and
//! each feature's own part, and which dialog has the focus.

use std::path::PathBuf;

use odc_graph::RemotePath;

use crate::shared::common::{Common, SignIn, Theme};
use crate::shared::pane::{Location, Pane};

/// The shell's state: what every feature shares, and each feature's own part.
/// It dereferences to [`Common`], so `state.panes` reads as the panes.
#[derive(Debug, Clone)]
pub struct State {
    pub common: Common,
    pub help: bool,
    /// Rows the help overlay is scrolled by (it is longer than a small screen).
    pub help_scroll: usize,
    /// The details overlay of the panes (`i`).
    pub details: Option<crate::features::panes::Details>,
    pub hotlist: crate::features::hotlist::Hotlist,
    /// Mkdir, rename, delete, mark by pattern.
    pub files: Option<crate::features::files::FilesDialog>,
    /// The go-to prompt.
    pub goto: Option<crate::features::goto::GoTo>,
    /// The find prompt.
    pub find: Option<crate::features::find::FindPrompt>,
    /// The edit under way (F4).
    pub editing: Option<crate::features::editor::Editing>,
    /// The file viewer, over the whole screen while open.
    pub viewer: Option<crate::features::viewer::model::Viewer>,
    /// The share dialog (the share key).
    pub sharing: Option<crate::features::sharing::ShareDialog>,
    /// A OneDrive file's versions (`i` on a file).
    pub versions: Option<crate::features::history::VersionsDialog>,
    /// The recycle bin.
    pub bin: Option<crate::features::history::BinDialog>,
    /// Inside a zip archive.
    pub archive: Option<crate::features::archive::ArchiveDialog>,
    /// The quick view and pictures in full.
    pub previews: crate::features::preview::Previews,
    /// Copies and moves: the panel's rows, their dialog and questions.
    pub transfers: crate::features::transfers::model::Transfers,
    pub compare: crate::features::compare::Compare,
    /// The drive picker (F2).
    pub drive_picker: Option<crate::features::drives::DrivePicker>,
}

impl std::ops::Deref for State {
    type Target = Common;
    fn deref(&self) -> &Common {
        &self.common
    }
}

impl std::ops::DerefMut for State {
    fn deref_mut(&mut self) -> &mut Common {
        &mut self.common
    }
}

/// Whose dialog is open. One shows at a time; a transfer's question that arrives
/// meanwhile waits for it to close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogFocus {
    /// Copy or move, or one of the transfers' questions.
    Transfers,
    Files,
    Sharing,
    Versions,
    Bin,
    Archive,
    Compare,
    Drives,
    GoTo,
    Find,
    Hotlist,
    /// The edited file changed on OneDrive meanwhile.
    EditConflict,
}

/// Rows of a pane that hold entries at this terminal size (panel closed).
pub fn pane_rows(size: (u16, u16)) -> usize {
    crate::shared::layout::layout(size, false).entry_rows()
}

impl State {
    /// The dialog that takes the keys and is drawn on top, when one is open.
    pub fn dialog_focus(&self) -> Option<DialogFocus> {
        if self.transfers.dialog.is_some() {
            Some(DialogFocus::Transfers)
        } else if self.files.is_some() {
            Some(DialogFocus::Files)
        } else if self.sharing.is_some() {
            Some(DialogFocus::Sharing)
        } else if self.versions.is_some() && self.viewer.is_none() {
            // A version being viewed: the viewer has the screen until it closes.
            Some(DialogFocus::Versions)
        } else if self.bin.is_some() {
            Some(DialogFocus::Bin)
        } else if self.archive.is_some() && self.viewer.is_none() {
            // An entry being viewed: the viewer has the screen until it closes.
            Some(DialogFocus::Archive)
        } else if self.compare.dialog.is_some() {
            Some(DialogFocus::Compare)
        } else if self.drive_picker.is_some() {
            Some(DialogFocus::Drives)
        } else if self.goto.is_some() {
            Some(DialogFocus::GoTo)
        } else if self.find.is_some() {
            Some(DialogFocus::Find)
        } else if self.hotlist.open.is_some() {
            Some(DialogFocus::Hotlist)
        } else if self.editing.as_ref().is_some_and(|e| e.conflict) {
            Some(DialogFocus::EditConflict)
        } else {
            None
        }
    }

    /// A dialog of any feature is open: it takes the keys.
    pub fn dialog_open(&self) -> bool {
        self.dialog_focus().is_some()
    }

    /// Once no dialog is open, the oldest waiting question shows.
    pub fn show_next_question(&mut self) {
        if !self.dialog_open() {
            crate::features::transfers::update::show_next(&mut self.transfers);
        }
    }

    /// Something moves on screen without input: a spinner or a countdown.
    pub fn busy(&self) -> bool {
        // A message on screen keeps the clock going until it expires.
        self.message.is_some()
            || self.viewer.as_ref().is_some_and(|v| v.search.running)
            || self.compare.running()
            || self.panes.iter().any(|p| p.listing.loading)
            || self.transfers.active() > 0
            || matches!(
                self.sign_in,
                SignIn::Waiting { .. } | SignIn::Starting | SignIn::Checking
            )
    }
}

/// A new state for the given starting points.
pub fn initial_state(
    config: &odc_core::config::Config,
    keymap: std::sync::Arc<crate::shared::keymap::Keymap>,
    local_dir: PathBuf,
    remote_path: RemotePath,
    size: (u16, u16),
    no_color: bool,
) -> State {
    let show_hidden = config.ui.show_hidden;
    let left = Pane::new(
        Location::Local(local_dir.clone()),
        Location::Remote(RemotePath::root()),
        show_hidden,
    );
    let right = Pane::new(
        Location::Remote(remote_path),
        Location::Local(local_dir),
        show_hidden,
    );
    State {
        common: Common {
            panes: [left, right],
            active: 0,
            sign_in: SignIn::Checking,
            account: None,
            drives: Default::default(),
            message: None,
            message_seen: None,
            home: None,
            panel_open: false,
            filter_rules: config.filters.rules.join("; "),
            size,
            keymap,
            theme: if no_color || config.ui.theme == odc_core::config::ThemeSetting::None {
                Theme::Plain
            } else {
                Theme::Colour
            },
            now: 0,
            utc_offset_secs: 0,
            spinner: 0,
            next_ticket: 0,
            quit: false,
        },
        sharing: None,
        versions: None,
        bin: None,
        archive: None,
        previews: Default::default(),
        help: false,
        help_scroll: 0,
        details: None,
        viewer: None,
        editing: None,
        hotlist: Default::default(),
        goto: None,
        files: None,
        find: None,
        transfers: crate::features::transfers::model::Transfers::with_limit(
            odc_graph::bandwidth::current(),
        ),
        drive_picker: None,
        compare: crate::features::compare::Compare::new(odc_engine::compare::sync::DeleteLimits {
            max_delete: config.sync.max_delete,
            big_percent: config.sync.big_delete_percent,
            big_min: config.sync.big_delete_min,
            force: false,
        }),
    }
}
