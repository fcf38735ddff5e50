//! The state every feature reads and may change: the panes and which is active,
//! the session, the status line, the terminal's size, the clock, the keymap.
//! Each feature's own state sits beside it in the shell's `State`.

use std::sync::Arc;

use crate::shared::keymap::Keymap;
use crate::shared::pane::Pane;

/// Where the sign-in stands; the remote pane shows it while signed out.
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
pub struct Common {
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
    /// The home folder, for `~` in the go-to prompt.
    pub home: Option<std::path::PathBuf>,
    /// The transfers panel is open (it takes rows from the panes).
    pub panel_open: bool,
    /// The filter rules last used in the copy dialog or the compare (`- *.tmp;
    /// - .git/`), offered again for the rest of the session.
    pub filter_rules: String,
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
    pub quit: bool,
}

impl Common {
    /// Where everything sits now.
    pub fn areas(&self) -> crate::shared::layout::Areas {
        crate::shared::layout::layout(self.size, self.panel_open)
    }

    /// Entry rows of a pane now (the transfers panel takes some when open).
    pub fn pane_rows(&self) -> usize {
        self.areas().entry_rows()
    }

    pub fn active_pane(&self) -> &Pane {
        &self.panes[self.active]
    }

    pub fn signed_in(&self) -> bool {
        self.sign_in == SignIn::SignedIn
    }

    /// The marked names in the active pane, or the one under the cursor.
    pub fn chosen_names(&self) -> Vec<String> {
        let pane = self.active_pane();
        if !pane.marked.is_empty() {
            return pane.marked.iter().cloned().collect();
        }
        pane.current()
            .map(|e| vec![e.name.clone()])
            .unwrap_or_default()
    }

    /// The pane can be worked in: local, or OneDrive while signed in.
    pub fn pane_ready(&self, pane: usize) -> bool {
        !self.panes[pane].source.is_remote() || self.signed_in()
    }

    /// A number that tells a request's answer from the answers to older ones.
    pub fn take_ticket(&mut self) -> u64 {
        self.next_ticket += 1;
        self.next_ticket
    }
}
