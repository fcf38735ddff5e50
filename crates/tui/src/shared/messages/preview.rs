//! The previews' messages: what to preview, and what came of it.

use std::sync::Arc;

use odc_engine::transfer::Location;

/// The item to preview.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewTarget {
    pub place: Location,
    /// On OneDrive: its id (a picture is previewed by its thumbnail).
    pub id: Option<String>,
    pub size: u64,
    pub is_dir: bool,
}

/// A picture ready to draw in the terminal's graphics, at the size it was made
/// for.
#[derive(Clone)]
pub struct Picture(pub Arc<ratatui_image::protocol::Protocol>);

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Picture")
    }
}

impl PartialEq for Picture {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What a preview shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Loading,
    /// A picture: its pixels, and how many bytes it cost to fetch.
    Picture {
        picture: Picture,
        width: u32,
        height: u32,
        fetched: u64,
    },
    /// The first lines of a text file (raw: escaped when drawn).
    Text(Vec<String>),
    /// Something with no preview, in words (a folder, a binary file).
    Note(String),
    Failed(String),
}

/// Whether a name is a picture odc previews.
pub fn is_picture_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif"]
        .iter()
        .any(|e| lower.ends_with(e))
}
