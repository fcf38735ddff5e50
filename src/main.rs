use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use odc::cli::{Cli, Command, Context};
use odc::onedrive::tokens::TokenStore;

fn main() -> ExitCode {
    odc::tui::terminal::install_panic_hook();
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
            eprintln!("odc: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let command = match cli.command {
        #[cfg(feature = "emulator")]
        Some(Command::Emulator(args)) => return runtime.block_on(odc::emulator::cli::run(args)),
        #[cfg(feature = "emulator")]
        Some(Command::Demo { local_dir }) => {
            return runtime.block_on(odc::emulator::cli::demo(local_dir.or(cli.local_dir)));
        }
        Some(Command::Config(sub)) => {
            return odc::cli::config_cmd::run(sub, cli.config.as_deref());
        }
        Some(Command::Man) => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut out = std::io::stdout();
            return match clap_mangen::Man::new(command).render(&mut out) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("odc: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "odc", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        other => other,
    };
    let config = match odc::config::load(cli.config.as_deref()) {
        Ok(config) => Arc::new(config),
        Err(err) => {
            eprintln!("odc: {err}");
            return ExitCode::from(2);
        }
    };
    let store = match TokenStore::for_config(&config) {
        Ok(store) => store,
        Err(err) => {
            eprintln!("odc: {err}");
            return ExitCode::FAILURE;
        }
    };
    if command.is_none() {
        // `odc frob`: clap took "frob" as the UI's folder.
        if let Some(dir) = &cli.local_dir
            && !dir.is_dir()
        {
            eprintln!(
                "odc: no command or folder named {}; see `odc --help`",
                odc::onedrive::display::escape_path(dir)
            );
            return ExitCode::from(odc::cli::exit::USAGE);
        }
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
            eprintln!(
                "odc: the two-pane UI needs a terminal; without one, use the commands (odc ls, get, put, …; see `odc --help`)"
            );
            return ExitCode::from(odc::cli::exit::USAGE);
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
                },
            ))
        }
        None => runtime.block_on(odc::tui::run_ui(
            config,
            store,
            odc::tui::Places::standard(),
            cli.local_dir,
            cli.remote_path,
        )),
    }
}
