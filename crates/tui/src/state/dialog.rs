//! Dialogs: what they show and what they are editing. Plain data.

use crate::shared::messages::transfers::{ConflictView, ErrorView};
use tui_input::Input;

use odc_engine::transfer::{Kind, Location};

#[derive(Debug, Clone)]
pub enum Dialog {
    /// Copy or move: what goes where; the destination can be edited.
    Transfer {
        kind: Kind,
        sources: Vec<Location>,
        dest: Input,
    },
    Conflict(ConflictView),
    Error(ErrorView),
    Quit {
        active: usize,
    },
    /// An earlier run left transfers unfinished.
    Resume {
        /// One line per transfer it would continue ("↑ local → OneDrive:/remote").
        files: Vec<String>,
    },
}
