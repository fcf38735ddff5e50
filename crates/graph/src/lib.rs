//! odc-graph: Microsoft identity and Graph, everything odc says to OneDrive.
//! Its one job: sign-in, tokens, items, paging, batches, uploads, downloads, retries.
//! May use: odc-core only; no UI, no engine, never the emulator (a dev-dependency).

mod agent;
pub mod auth;
pub mod bandwidth;
pub mod batch;
pub mod batch_queue;
pub mod browser_auth;
pub mod client;
pub mod deleted;
pub mod delta;
pub mod download;
pub mod drives;
pub mod error;
mod fragments;
pub mod graphs;
pub mod history;
pub mod item;
pub mod items;
pub mod local_names;
mod loopback;
pub mod names;
pub mod partial;
pub mod path;
pub mod progress;
pub mod range;
pub mod retry;
pub mod rewritten;
pub mod secrets;
pub mod shared;
pub mod sharing;
pub mod sign_in;
mod stream;
mod streams;
pub mod thumbnails;
pub mod tokens;
pub mod upload;
mod verify;

pub use client::Graph;
pub use error::{Error, Result};
pub use item::{Conflict, DriveItem, ItemAddress};
pub use path::RemotePath;
pub use progress::Progress;

/// Graph's timestamp form.
pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
