use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use odc::cli::{Cli, Command, Context};
use odc_core::errln;
use odc_graph::tokens::TokenStore;

fn main() -> ExitCode {
    odc_tui::shell::terminal::install_panic_hook();
    let cli = Cli::parse();
    let _log = odc::logging::init(&odc::logging::LogOptions {
        verbosity: cli.verbose,
        file: cli.log_file.clone(),
    });
    let _ = rustls::crypto::ring::default_provider().install_default();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            errln!("odc: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let command = match cli.command {
        #[cfg(feature = "emulator")]
        Some(Command::Emulator(args)) => return runtime.block_on(odc::emulator_cmd::run(args)),
        #[cfg(feature = "emulator")]
        Some(Command::Demo { local_dir }) => {
            return runtime.block_on(odc::emulator_cmd::demo(
                local_dir.or(cli.local_dir),
                cli.config.as_deref(),
            ));
        }
        Some(Command::Config(sub)) => {
            return odc::cli::config_cmd::run(sub, cli.config.as_deref());
        }
        Some(Command::Man) => {
            let command = <Cli as clap::CommandFactory>::command();
            // Rendered in memory, then written like any other output (a closed
            // pipe ends the process quietly).
            let mut page = Vec::new();
            if let Err(err) = clap_mangen::Man::new(command).render(&mut page) {
                errln!("odc: {err}");
                return ExitCode::FAILURE;
            }
            odc_core::stdio::out_bytes(&page);
            return ExitCode::SUCCESS;
        }
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // `generate` panics when its writer fails: write to memory first.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "odc", &mut script);
            odc_core::stdio::out_bytes(&script);
            return ExitCode::SUCCESS;
        }
        other => other,
    };
    let config = match odc_core::config::load(cli.config.as_deref()) {
        Ok(config) => Arc::new(config),
        Err(err) => {
            errln!("odc: {err}");
            return ExitCode::from(odc::exit::USAGE);
        }
    };
    // The process's bandwidth limit: the flag, else the setting.
    let (bwlimit, from) = match &cli.bwlimit {
        Some(flag) => (flag.as_str(), "--bwlimit"),
        None => (config.transfer.bwlimit.as_str(), "transfer.bwlimit"),
    };
    match odc_graph::bandwidth::Limit::parse(bwlimit) {
        Ok(limit) => odc_graph::bandwidth::set(limit),
        Err(err) => {
            errln!("odc: {from}: {err}");
            return ExitCode::from(odc::exit::USAGE);
        }
    }
    let store = match TokenStore::for_config(&config) {
        Ok(store) => store,
        Err(err) => {
            errln!("odc: {err}");
            return ExitCode::FAILURE;
        }
    };
    if command.is_none() {
        // `odc frob`: clap took "frob" as the UI's folder.
        if let Some(dir) = &cli.local_dir
            && !dir.is_dir()
        {
            let typed = dir.to_string_lossy();
            let suggestion = odc::cli::args::closest_command(&typed)
                .map(|name| format!("; did you mean `odc {name}`?"))
                .unwrap_or_else(|| "; see `odc --help`".into());
            errln!(
                "odc: no command or folder named {}{suggestion}",
                odc_core::display::escape_path(dir)
            );
            return ExitCode::from(odc::exit::USAGE);
        }
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
            errln!(
                "odc: the two-pane UI needs a terminal; without one, use the commands (odc ls, get, put, …; see `odc --help`)"
            );
            return ExitCode::from(odc::exit::USAGE);
        }
    }
    match command {
        Some(command) => {
            let display = if cli.quiet {
                odc::cli::report::Display::Quiet
            } else if cli.progress {
                odc::cli::report::Display::Forced
            } else {
                odc::cli::report::Display::Auto
            };
            runtime.block_on(odc::cli::run(
                command,
                Context {
                    config,
                    store,
                    display,
                    account: cli.account,
                    drive: cli.drive,
                    folder: None,
                },
            ))
        }
        None => runtime.block_on(odc::ui_cmd::run_ui(
            config,
            store,
            odc_tui::Places::standard(),
            cli.local_dir,
            cli.remote_path,
        )),
    }
}
