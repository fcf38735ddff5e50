//! Find (Alt-? in mc): names below the pane's folder (local: globs or "contains")
//! or a OneDrive search of names and contents; the results fill the pane as a
//! listing does, and Enter on one goes to its folder.

pub mod io;
pub mod search;
pub mod update;
pub mod widget;

use tui_input::Input;

/// The find prompt, while open.
#[derive(Debug, Clone)]
pub struct FindPrompt {
    pub pane: usize,
    pub input: Input,
    /// The session's filter rules, separated by `;`: results they exclude are
    /// not shown.
    pub filter: Input,
    /// Typing goes to the filter field (Tab) rather than the pattern.
    pub on_filter: bool,
}
