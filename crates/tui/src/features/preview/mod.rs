//! Previews: the quick view (the inactive pane shows the item under the cursor:
//! a picture, the first lines of a text, or what it is) and pictures in full in
//! place of the viewer. A OneDrive picture is previewed by its thumbnail, so a
//! 20 MB photo costs a few KiB; pictures are drawn with the terminal's own
//! graphics (kitty, iTerm2, sixel) or half blocks, which work over any SSH.

pub mod io;
pub mod update;
pub mod widget;

use crate::shared::messages::preview::{PreviewTarget, Shown};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Previews {
    /// The quick view is on.
    pub quick: bool,
    /// What the quick view (or the full view) shows, and for which ticket.
    pub ticket: u64,
    pub target: Option<PreviewTarget>,
    pub shown: Option<Shown>,
    /// A picture in full (F3 on a picture): its title.
    pub full: Option<String>,
}
