//! The go-to prompt (Alt-G / Ctrl-\\): a typed path, local or on OneDrive, with
//! `~`, `..` and Tab completing folder names as a shell does.

pub mod io;
pub mod target;
pub mod update;
pub mod widget;

use tui_input::Input;

/// The prompt, while open.
#[derive(Debug, Clone)]
pub struct GoTo {
    pub pane: usize,
    pub input: Input,
    /// Folder names the last Tab left to choose from.
    pub candidates: Vec<String>,
    /// The completion asked for; answers to older ones are dropped.
    pub ticket: u64,
}
