//! odc-core: the lowest layer, used by every other crate and using none of them.
//! Its one job: what the layers share as data and plain helpers.
//! May use: std and small crates.
//!
//! Holds the configuration (as data, loaded and checked), where odc keeps its
//! files, files written atomically and local file versions, random ids,
//! QuickXorHash, the service's size limits, the escaping of untrusted names,
//! output that survives a closed pipe, QR codes and the desktop (a browser).

// First: its printing macros (`outln!`, `errln!`) are used by the modules below.
#[macro_use]
pub mod stdio;

pub mod config;
pub mod desktop;
pub mod display;
pub mod fsutil;
pub mod ids;
pub mod limits;
pub mod paths;
pub mod qr;
pub mod quickxor;
