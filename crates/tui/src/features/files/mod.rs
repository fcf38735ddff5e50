//! File operations in a pane: make a folder (F7), rename (F6 on one item), delete
//! (F8: local items to the trash or for good, OneDrive items to the recycle bin),
//! and mark or unmark by pattern (`+`, `-`). Each asks first in a dialog.

pub mod io;
pub mod update;
pub mod widget;

use tui_input::Input;

#[derive(Debug, Clone)]
pub enum FilesDialog {
    Mkdir {
        pane: usize,
        input: Input,
    },
    Rename {
        pane: usize,
        original: String,
        input: Input,
    },
    Delete {
        pane: usize,
        names: Vec<String>,
        remote: bool,
    },
    /// `+` / `-`: mark or unmark the names matching a glob.
    Glob {
        pane: usize,
        mark: bool,
        input: Input,
    },
}
