//! The UI's features, one folder each: its state, its `update` (keys and its
//! messages in, effects out), its I/O (run by the effects runner, reporting back
//! through messages) and its widgets. A feature uses `crate::shared` and the
//! crates below; never another feature, never the shell (`state`, `update`,
//! `effects`, `ui`, `app`), which composes them.

pub mod archive;
pub mod compare;
pub mod drives;
pub mod editor;
pub mod files;
pub mod find;
pub mod goto;
pub mod history;
pub mod hotlist;
pub mod panes;
pub mod preview;
pub mod sharing;
pub mod sign_in;
pub mod transfers;
pub mod viewer;
