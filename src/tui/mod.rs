//! The two-pane terminal UI.

pub mod app;
pub mod clipboard;
pub mod compare_ops;
pub mod drive_ops;
pub mod edit_ops;
pub mod editing;
pub mod effects;
pub mod events;
pub mod finding;
pub mod goto;
pub mod hotlist;
pub mod keymap;
pub mod layout;
pub mod listing;
pub mod nav_ops;
pub mod ops;
pub mod places;
pub mod share_ops;
pub mod state;
pub mod terminal;
pub mod ui;
pub mod update;
pub mod view_ops;
pub mod viewing;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::onedrive::RemotePath;
use crate::onedrive::tokens::TokenStore;
use odc_core::config::Config;

/// Where the UI keeps its files.
pub struct Places {
    /// Running transfers, remembered for resuming after a crash.
    pub resume: Option<crate::transfer::resume::ResumeStore>,
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
            resume: crate::transfer::resume::ResumeStore::default_location(),
            edits: odc_core::paths::cache_dir().map(|d| d.join("edit")),
            hotlist: odc_core::paths::data_dir().map(|d| d.join("hotlist.txt")),
            cache: odc_core::paths::cache_dir(),
        }
    }

    /// Everything in one directory (the demo's throwaway one).
    pub fn under(dir: &std::path::Path) -> Places {
        Places {
            resume: Some(crate::transfer::resume::ResumeStore::new(
                dir.join("resume.json"),
            )),
            edits: Some(dir.join("edit")),
            hotlist: Some(dir.join("hotlist.txt")),
            cache: Some(dir.join("cache")),
        }
    }
}

/// `odc [LOCAL_DIR] [REMOTE_PATH]`.
pub async fn run_ui(
    config: Arc<Config>,
    store: TokenStore,
    places: Places,
    local_dir: Option<PathBuf>,
    remote_path: Option<String>,
) -> ExitCode {
    let local = match local_dir.map(Ok).unwrap_or_else(std::env::current_dir) {
        Ok(dir) => match std::fs::canonicalize(&dir) {
            Ok(dir) if dir.is_dir() => dir,
            Ok(dir) => {
                errln!("odc: {}: not a directory", dir.display());
                return ExitCode::from(2);
            }
            Err(err) => {
                errln!("odc: {}: {err}", dir.display());
                return ExitCode::from(2);
            }
        },
        Err(err) => {
            errln!("odc: cannot read the current directory: {err}");
            return ExitCode::FAILURE;
        }
    };
    let remote = match RemotePath::parse(remote_path.as_deref().unwrap_or("/")) {
        Ok(path) => path,
        Err(err) => {
            errln!("odc: {err}");
            return ExitCode::from(2);
        }
    };
    let keymap = match keymap::Keymap::load(&config) {
        Ok(keymap) => Arc::new(keymap),
        Err(err) => {
            errln!(
                "odc: {}",
                odc_core::display::escape_control(&err.to_string())
            );
            return ExitCode::from(crate::exit::USAGE);
        }
    };
    let start = app::Start {
        keymap,
        config,
        store,
        places,
        local_dir: local,
        remote_path: remote,
    };
    match app::run(start).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            errln!("odc: {err}");
            ExitCode::FAILURE
        }
    }
}
