//! The OneDrive client against the in-process emulator, including its faults.

mod auth;
mod batching;
mod operations;
mod streams;
mod transfers;
