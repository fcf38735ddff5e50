//! `odc config path|show|defaults|edit`: find, read and change the settings. These
//! work with a broken config file too (that is when people need them).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use odc_core::config::{self, Origin};
use odc_core::display::escape_control;

#[derive(Subcommand, Debug, Clone)]
pub enum ConfigCommand {
    /// Print the config file's path (it may not exist yet).
    Path,
    /// Print every effective setting and where it came from.
    Show,
    /// Print the built-in defaults: every setting, with a comment.
    Defaults,
    /// Open the config file in $VISUAL or $EDITOR (made if missing), then check it.
    Edit,
}

fn config_path(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit
        .map(Path::to_path_buf)
        .or_else(odc_core::paths::config_file)
}

pub fn run(command: ConfigCommand, explicit: Option<&Path>) -> ExitCode {
    match command {
        ConfigCommand::Path => match config_path(explicit) {
            Some(path) => {
                outln!("{}", path.display());
                if !path.exists() {
                    errln!("odc: (not created yet; `odc config edit` makes it)");
                }
                ExitCode::SUCCESS
            }
            None => {
                errln!("odc: cannot find a home directory for the config file");
                ExitCode::FAILURE
            }
        },
        ConfigCommand::Defaults => {
            out!("{}", config::DEFAULT_TOML);
            ExitCode::SUCCESS
        }
        ConfigCommand::Show => show(explicit),
        ConfigCommand::Edit => edit(explicit),
    }
}

fn show(explicit: Option<&Path>) -> ExitCode {
    let path = config_path(explicit);
    let text = path.as_ref().and_then(|p| std::fs::read_to_string(p).ok());
    let user = match (&path, &text) {
        (Some(p), Some(t)) => Some((p.as_path(), t.as_str())),
        _ => None,
    };
    match config::effective_settings(user, &config::env_overrides()) {
        Ok(settings) => {
            for (key, value, origin) in settings {
                let from = match origin {
                    Origin::Default => "default".to_string(),
                    Origin::File(path) => path.display().to_string(),
                    Origin::Env(name) => format!("environment {name}"),
                };
                outln!("{key} = {value}  # {}", escape_control(&from));
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            errln!("odc: {}", escape_control(&err.to_string()));
            ExitCode::from(crate::exit::USAGE)
        }
    }
}

fn edit(explicit: Option<&Path>) -> ExitCode {
    let Some(path) = config_path(explicit) else {
        errln!("odc: cannot find a home directory for the config file");
        return ExitCode::FAILURE;
    };
    if !path.exists() {
        let starter = "# odc settings: set only what you change. `odc config defaults` shows every\n\
                       # setting with its comment; `odc config show` what is in effect.\n";
        if let Err(err) = path
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|()| std::fs::write(&path, starter))
        {
            errln!("odc: {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".into());
    // $EDITOR may carry arguments ("code --wait"): split on whitespace.
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(words)
        .arg(&path)
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => {
            errln!("odc: {program} ended with {status}");
            return ExitCode::FAILURE;
        }
        Err(err) => {
            errln!("odc: cannot run the editor {program:?}: {err} (set VISUAL or EDITOR)");
            return ExitCode::FAILURE;
        }
    }
    let checked = config::load(Some(&path))
        .and_then(|config| odc_tui::shared::keymap::Keymap::load(&config).map(|_| ()));
    match checked {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            errln!(
                "odc: {} (run `odc config edit` again to fix it)",
                escape_control(&err.to_string())
            );
            ExitCode::from(crate::exit::USAGE)
        }
    }
}
