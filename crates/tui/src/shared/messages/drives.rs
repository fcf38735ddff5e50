//! The drive picker's messages: the places a pane can show.

use odc_engine::transfer::Location;

/// A place a pane can show, as the drive picker lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// "OneDrive (ada@example.com)", "Quarterly Reports › Archive".
    pub label: String,
    /// The account's short name, or "local".
    pub owner: String,
    /// The top of the place.
    pub target: Location,
}
