//! odc-engine's tests, against the in-process emulator and temporary folders:
//!
//! - `transfers`: the transfer engine in all four directions.
//! - `compare`: comparing folders, local and OneDrive.
//! - `operations`: mkdir, rename and delete on both kinds of pane.

use odc_testkit as support;

mod compare;
mod operations;
mod transfers;
