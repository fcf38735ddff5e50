//! `odc [LOCAL_DIR] [REMOTE_PATH]`: checks what the command line gave the UI, starts
//! it, and turns how it ended into an exit status.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use odc_core::config::Config;
use odc_graph::RemotePath;
use odc_graph::tokens::TokenStore;

/// `odc [LOCAL_DIR] [REMOTE_PATH]`.
pub async fn run_ui(
    config: Arc<Config>,
    store: TokenStore,
    places: odc_tui::Places,
    local_dir: Option<PathBuf>,
    remote_path: Option<String>,
) -> ExitCode {
    let local = match local_dir.map(Ok).unwrap_or_else(std::env::current_dir) {
        Ok(dir) => match std::fs::canonicalize(&dir) {
            Ok(dir) if dir.is_dir() => dir,
            Ok(dir) => {
                errln!("odc: {}: not a directory", dir.display());
                return ExitCode::from(crate::exit::USAGE);
            }
            Err(err) => {
                errln!("odc: {}: {err}", dir.display());
                return ExitCode::from(crate::exit::USAGE);
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
            return ExitCode::from(crate::exit::USAGE);
        }
    };
    let keymap = match odc_tui::shared::keymap::Keymap::load(&config) {
        Ok(keymap) => Arc::new(keymap),
        Err(err) => {
            errln!(
                "odc: {}",
                odc_core::display::escape_control(&err.to_string())
            );
            return ExitCode::from(crate::exit::USAGE);
        }
    };
    let start = odc_tui::shell::app::Start {
        keymap,
        config,
        store,
        places,
        local_dir: local,
        remote_path: remote,
    };
    match odc_tui::shell::app::run(start).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            errln!("odc: {err}");
            ExitCode::FAILURE
        }
    }
}
