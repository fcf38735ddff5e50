//! odc: a two-pane terminal file manager for OneDrive.

// First: its printing macros are used by the modules below.
#[macro_use]
pub mod stdio;

pub mod cli;
pub mod compare;
pub mod desktop;
#[cfg(feature = "emulator")]
pub mod emulator_cmd;
pub mod exit;
pub mod location;
pub mod logging;
pub mod onedrive;
pub mod qr;
pub mod signals;
pub mod transfer;
pub mod tui;
