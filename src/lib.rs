//! odc: the binary's library: the command line, the UI's start, `demo` and `emulator`.
//! Its one job: read what the user asked for and hand it to the layers below.
//! May use: every odc crate; the only place that joins the emulator and the UI.

#[macro_use]
extern crate odc_core;

pub mod cli;
#[cfg(feature = "emulator")]
pub mod emulator_cmd;
pub mod exit;
pub mod logging;
pub mod ui_cmd;
