//! odc-engine: what odc does with files, for the UI and the commands alike.
//! Its one job: places, the transfer engine, compare and sync, mkdir/rename/delete, filters.
//! May use: odc-graph and odc-core; never the UI or the binary.

pub mod archive;
pub mod compare;
pub mod filter;
pub mod location;
pub mod signals;
pub mod transfer;
