//! Copying and moving (F5, F6): the dialog that says what goes where, the engine's
//! questions (a name that exists, a failure, transfers an earlier run left), the
//! transfers panel with live progress, and the marks cleared as requests finish.

pub mod io;
pub mod model;
pub mod panel;
pub mod update;
pub mod widget;

use tui_input::Input;

use crate::shared::messages::transfers::{ConflictView, ErrorView};
use odc_engine::transfer::{Kind, Location};

/// The transfers' dialogs: one shown at a time, the engine's questions waiting in
/// line behind it.
#[derive(Debug, Clone)]
pub enum TransferDialog {
    /// Copy or move: what goes where; the destination and the filter can be
    /// edited (Tab goes from one to the other).
    CopyMove {
        kind: Kind,
        sources: Vec<Location>,
        dest: Input,
        /// Filter rules separated by `;` (`- *.tmp; - .git/`).
        filter: Input,
        /// Typing goes to the filter field rather than the destination.
        on_filter: bool,
    },
    Conflict(ConflictView),
    Error(ErrorView),
    /// Quit while transfers run?
    Quit {
        active: usize,
    },
    /// The bandwidth limit, typed in rclone's spelling (`1M`, `off`, `10M:1M`).
    Bandwidth {
        input: Input,
    },
    /// An earlier run left transfers unfinished.
    Resume {
        /// One line per transfer it would continue ("↑ local → OneDrive:/remote").
        files: Vec<String>,
    },
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
