//! The file viewer (F3): any file, local or on OneDrive, read a block at a time
//! (Range reads), as text or hex, wrapped or not, searched in bounded memory.

pub mod io;
pub mod model;
pub mod reading;
pub mod update;
pub mod widget;
