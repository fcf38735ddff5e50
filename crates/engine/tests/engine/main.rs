//! odc-engine's tests, against the in-process emulator and temporary folders:
//!
//! - `transfers`: the transfer engine in all four directions.
//! - `compare`: comparing folders, local and OneDrive.
//! - `operations`: mkdir, rename and delete on both kinds of pane.
//! - `filter`: include and exclude rules, held to rclone's tables.

use odc_testkit as support;

mod archive;
mod compare;
mod filter;
mod operations;
mod transfers;
