//! Where odc keeps its files, following the XDG base directories (via `directories`).

use std::path::PathBuf;

fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "odc")
}

/// `$XDG_CONFIG_HOME/odc/config.toml`.
pub fn config_file() -> Option<PathBuf> {
    project().map(|p| p.config_dir().join("config.toml"))
}

/// `$XDG_STATE_HOME/odc` (logs, resumable transfer state). On systems without a
/// state directory, the local data directory.
pub fn state_dir() -> Option<PathBuf> {
    project().map(|p| {
        p.state_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| p.data_local_dir().to_path_buf())
    })
}

/// `$XDG_DATA_HOME/odc` (the token store).
pub fn data_dir() -> Option<PathBuf> {
    project().map(|p| p.data_dir().to_path_buf())
}

/// `$XDG_CACHE_HOME/odc` (private copies of files being edited).
pub fn cache_dir() -> Option<PathBuf> {
    project().map(|p| p.cache_dir().to_path_buf())
}
