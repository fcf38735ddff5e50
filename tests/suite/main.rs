//! The library against itself and the emulator, in one test binary (each binary links
//! the whole crate, so fewer binaries build much faster on two cores).
//!
//! - `client`: the OneDrive client against the in-process emulator, with its faults.
//! - `emulator`: the emulator over raw HTTP: every endpoint, error and fault.
//! - `engine`: the transfer engine in all four directions.
//! - `operations`: mkdir, rename and delete on both kinds of pane.
//! - `tui`: `update` fed events and whole screens as insta snapshots.
//! - `config`: configuration files, fixtures and environment overrides.

mod client;
mod compare;
mod config;
mod emulator;
mod engine;
mod layers;
mod operations;
mod support;
mod tui;
