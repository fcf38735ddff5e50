//! Microsoft identity and Graph: everything odc says to OneDrive. No UI code here.

pub mod names;
pub mod quickxor;
