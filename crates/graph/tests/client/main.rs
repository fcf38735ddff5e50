//! odc-graph's tests: the OneDrive client against the in-process emulator, including
//! its faults, and the client's name rules held against the emulator's.

use odc_testkit as support;

mod auth;
mod batching;
mod names_agree;
mod operations;
mod streams;
mod transfers;
