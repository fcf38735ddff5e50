//! odc-core: the lowest layer, used by every other crate and using none of them.
//! Its one job: what the layers share as data and plain helpers.
//! May use: std and small crates.
//!
//! Holds the configuration (as data, loaded and checked), where odc keeps its
//! files, files written atomically and local file versions, random ids,
//! QuickXorHash, the service's size limits and the escaping of untrusted names.

pub mod config;
pub mod display;
pub mod fsutil;
pub mod ids;
pub mod limits;
pub mod paths;
pub mod quickxor;
