//! What every feature may use, and nothing above it: the state all features read
//! (panes, focus, status line, clock, keymap), the message vocabulary between
//! `update` and the effects runner, the pane model, and the drawing parts every
//! feature's widgets are made of. Nothing here imports a feature or the shell.

pub mod common;
pub mod dialog_parts;
pub mod keymap;
pub mod layout;
pub mod messages;
pub mod pages;
pub mod palette;
pub mod pane;
pub mod relist;
pub mod services;
pub mod text;
pub mod units;
