//! The archive dialog's messages: which archive to read.

use odc_engine::transfer::Location;

/// Which archive: where it is, and on OneDrive its id and size.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveRef {
    pub place: Location,
    pub id: Option<String>,
    pub size: u64,
}
