use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// odc (OneDrive Commander): a two-pane terminal file manager for OneDrive.
///
/// Without a subcommand odc opens the two-pane UI: LOCAL_DIR on the left (default: the
/// current directory), REMOTE_PATH of your OneDrive on the right (default: the root).
#[derive(Parser, Debug)]
#[command(name = "odc", version, about, long_about)]
struct Cli {
    /// Use this config file instead of ~/.config/odc/config.toml.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,

    /// Local directory for the left pane.
    #[arg(value_name = "LOCAL_DIR")]
    local_dir: Option<PathBuf>,

    /// OneDrive folder for the right pane, from the drive root (e.g. /Documents).
    #[arg(value_name = "REMOTE_PATH")]
    remote_path: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign in with a device code (shows a URL, a code and a QR code).
    Login {
        /// Do not draw the QR code.
        #[arg(long)]
        no_qr: bool,
        /// Never try to open a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Forget the signed-in account's tokens.
    Logout,
    /// Show the signed-in account, drive type and quota.
    Whoami,
    /// List a OneDrive folder (default: the root).
    Ls {
        /// Remote path from the drive root, e.g. /Documents.
        remote_path: Option<String>,
        /// Long format: size, modified time, kind.
        #[arg(short, long)]
        long: bool,
        /// One JSON object per item.
        #[arg(long)]
        json: bool,
    },
    /// Download a file or folder.
    Get { remote: String, local: PathBuf },
    /// Upload a file or folder (into REMOTE when it is a folder or ends with /).
    Put { local: PathBuf, remote: String },
    /// Create a OneDrive folder (and missing parents).
    Mkdir { remote_path: String },
    /// Delete OneDrive items (they go to the recycle bin).
    Rm {
        #[arg(required = true)]
        remote_paths: Vec<String>,
    },
    /// Move or rename a OneDrive item.
    Mv { from: String, to: String },
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Try odc without an account: the UI on the built-in emulator with a sample drive.
    #[cfg(feature = "emulator")]
    Demo,
    /// Run the Microsoft Graph + identity emulator alone (for tests, curl and benchmarks).
    #[cfg(feature = "emulator")]
    Emulator(odc::emulator::cli::EmulatorArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = odc::logging::init();
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
    match cli.command {
        #[cfg(feature = "emulator")]
        Some(Command::Emulator(args)) => runtime.block_on(odc::emulator::cli::run(args)),
        #[cfg(feature = "emulator")]
        Some(Command::Demo) => runtime.block_on(odc::emulator::cli::demo()),
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "odc", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "odc: this command is not built yet; try `odc demo` or `odc emulator --help`"
            );
            ExitCode::from(2)
        }
    }
}
