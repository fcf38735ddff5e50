//! odc-tui: the two-pane terminal UI.
//! Its one job: turn keys into effects through a pure `update`, run the effects, draw.
//! May use: odc-engine, odc-graph, odc-core; never the binary or the emulator.

pub mod features;
pub mod shared;
pub mod shell;

use std::path::PathBuf;

/// Where the UI keeps its files.
pub struct Places {
    /// Running transfers, remembered for resuming after a crash.
    pub resume: Option<odc_engine::transfer::resume::ResumeStore>,
    /// Private copies of OneDrive files being edited.
    pub edits: Option<PathBuf>,
    /// The hotlist of bookmarked folders.
    pub hotlist: Option<PathBuf>,
    /// Caches (local hashes, delta state) for comparing the panes.
    pub cache: Option<PathBuf>,
}

impl Places {
    /// The XDG directories: state (resume), cache (edits), data (hotlist).
    pub fn standard() -> Places {
        Places {
            resume: odc_engine::transfer::resume::ResumeStore::default_location(),
            edits: odc_core::paths::cache_dir().map(|d| d.join("edit")),
            hotlist: odc_core::paths::data_dir().map(|d| d.join("hotlist.txt")),
            cache: odc_core::paths::cache_dir(),
        }
    }

    /// Everything in one directory (the demo's throwaway one).
    pub fn under(dir: &std::path::Path) -> Places {
        Places {
            resume: Some(odc_engine::transfer::resume::ResumeStore::new(
                dir.join("resume.json"),
            )),
            edits: Some(dir.join("edit")),
            hotlist: Some(dir.join("hotlist.txt")),
            cache: Some(dir.join("cache")),
        }
    }
}
