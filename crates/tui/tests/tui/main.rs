//! The UI without a terminal: `update` fed events, and whole screens rendered into
//! ratatui's TestBackend and compared with insta snapshots; and the configuration
//! files the UI starts from.

mod archives;
mod comparing;
mod config;
mod drives;
mod editing;
mod finding;
mod going;
mod history;
mod ops;
mod previews;
mod shared;
mod sharing;
mod snapshots;
mod support;
mod update;
mod viewer;
