//! Everything the UI shows, as plain data.

pub mod dialog;
pub mod edit;
pub mod pane;
pub mod transfers;
pub mod units;
pub mod viewer;

use std::sync::Arc;

pub use dialog::{
    CompareStage, CompareView, ConflictView, Dialog, ErrorView, ShareState, SyncView,
};
pub use edit::Editing;
pub use pane::{Entry, Listing, Location, Pane, RemoteDetails, Sort, SortKey};
pub use transfers::{PanelFilter, StateCounts, TransferRow, Transfers};

use super::keymap::Keymap;

#[derive(Debug, Clone, PartialEq)]
pub enum SignIn {
    /// Checking for stored tokens.
    Checking,
    /// Asking the service for a device code.
    Starting,
    /// Showing the code; polling.
    Waiting {
        user_code: String,
        verification_uri: String,
        /// Unix seconds when the code expires.
        expires_at: i64,
        trouble: Option<String>,
    },
    /// Signing in in the browser, which comes back to odc by itself; the page's
    /// address once known (shown in case the browser did not open).
    Browser {
        url: Option<String>,
    },
    /// The flow ended without a sign-in; Enter starts again.
    Failed(String),
    SignedIn,
}

/// The marked items of a submitted copy or move: as in mc, each is unmarked once
/// the request is over, unless one of its files failed or was skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmark {
    pub pane: usize,
    pub dir: Location,
    pub dest: Location,
    pub names: Vec<String>,
    /// Task id -> the marked name it belongs to.
    pub tasks: std::collections::BTreeMap<u64, String>,
    /// Tasks that failed, were skipped or cancelled: their names stay marked.
    pub failed: std::collections::BTreeSet<u64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AccountInfo {
    pub name: String,
    pub quota_used: Option<u64>,
    pub quota_total: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Colour,
    Plain,
}

/// An overlay showing a remote item's details.
#[derive(Debug, Clone, PartialEq)]
pub struct Details {
    pub path: String,
    pub entry: Entry,
}

/// A drive other than the default account's OneDrive, as the status bar and the
/// pane titles name it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DriveStatus {
    /// "work" or "work · Quarterly Reports › Archive".
    pub name: String,
    pub quota_used: Option<u64>,
    pub quota_total: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub panes: [Pane; 2],
    pub active: usize,
    pub sign_in: SignIn,
    /// The default account (its OneDrive is `OneDrive:`).
    pub account: Option<AccountInfo>,
    /// Other drives the panes show or showed: names and quotas.
    pub drives: std::collections::HashMap<odc_graph::path::DriveSpec, DriveStatus>,
    pub message: Option<String>,
    /// The message as the clock first saw it, and when: it expires after a while.
    pub message_seen: Option<(String, i64)>,
    pub help: bool,
    /// Rows the help overlay is scrolled by (it is longer than a small screen).
    pub help_scroll: usize,
    pub details: Option<Details>,
    /// The home folder, for `~` in the go-to prompt.
    pub home: Option<std::path::PathBuf>,
    /// Bookmarked folders (the hotlist file, read at start).
    pub hotlist: Vec<Location>,
    /// Marks to clear when their copy or move finishes without a failure.
    pub unmark: Vec<Unmark>,
    /// The edit under way (F4).
    pub editing: Option<Editing>,
    /// The file viewer, over the whole screen while open.
    pub viewer: Option<viewer::Viewer>,
    pub dialog: Option<Dialog>,
    /// Questions from transfers waiting for the dialog, oldest first.
    pub questions: std::collections::VecDeque<Dialog>,
    pub transfers: Transfers,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub keymap: Arc<Keymap>,
    pub theme: Theme,
    /// Unix seconds, from the last tick (update never reads a clock).
    pub now: i64,
    /// Offset of local time, for showing modified times.
    pub utc_offset_secs: i32,
    pub spinner: usize,
    pub next_ticket: u64,
    /// What a compare → sync may delete (`sync.*` settings).
    pub sync_limits: odc_engine::compare::sync::DeleteLimits,
    pub quit: bool,
}

/// Rows of a pane that hold entries at this terminal size (panel closed).
pub fn pane_rows(size: (u16, u16)) -> usize {
    crate::layout::layout(size, false).entry_rows()
}

impl State {
    /// Asks a question: shown now, or after the ones already waiting.
    pub fn ask(&mut self, dialog: Dialog) {
        if self.dialog.is_none() {
            self.dialog = Some(dialog);
        } else {
            self.questions.push_back(dialog);
        }
    }

    /// Where everything sits now.
    pub fn areas(&self) -> crate::layout::Areas {
        crate::layout::layout(self.size, self.transfers.open)
    }

    /// Entry rows of a pane now (the transfers panel takes some when open).
    pub fn pane_rows(&self) -> usize {
        self.areas().entry_rows()
    }
}

impl State {
    pub fn active_pane(&self) -> &Pane {
        &self.panes[self.active]
    }

    pub fn signed_in(&self) -> bool {
        self.sign_in == SignIn::SignedIn
    }

    /// Something moves on screen without input: a spinner or a countdown.
    pub fn busy(&self) -> bool {
        // A message on screen keeps the clock going until it expires.
        self.message.is_some()
            || self.viewer.as_ref().is_some_and(|v| v.search.running)
            || matches!(
                &self.dialog,
                Some(Dialog::Compare(CompareView {
                    stage: CompareStage::Running { .. },
                    ..
                }))
            )
            || self.panes.iter().any(|p| p.listing.loading)
            || self.transfers.active() > 0
            || matches!(
                self.sign_in,
                SignIn::Waiting { .. } | SignIn::Starting | SignIn::Checking
            )
    }

    pub fn take_ticket(&mut self) -> u64 {
        self.next_ticket += 1;
        self.next_ticket
    }
}
