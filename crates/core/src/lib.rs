//! odc's lowest layer: what every other crate (the Graph client, the engine, the UI,
//! the emulator) may use and what uses none of them. May use: std and small crates.
//! Holds random ids, QuickXorHash, the service's size limits and the escaping of
//! untrusted names for display.

pub mod display;
pub mod ids;
pub mod limits;
pub mod quickxor;
