//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// odc (OneDrive Commander): a two-pane terminal file manager for OneDrive.
///
/// Without a subcommand odc opens the two-pane UI: LOCAL_DIR on the left (default: the
/// current directory), REMOTE_PATH of your OneDrive on the right (default: the root).
/// Remote paths start at the drive root, e.g. /Documents/report.pdf.
#[derive(Parser, Debug)]
#[command(
    name = "odc",
    version,
    about,
    long_about,
    after_help = "Exit status: 0 success; 1 some items failed; 2 usage error (or the UI started \
without a terminal); 3 a folder not found; 4 a file not found; 130, 143, 129 stopped by \
Ctrl-C, SIGTERM, SIGHUP (partial transfers are kept: run the same command again); 141 the \
reader of the output went away (`odc ls -R / | head`).\n\nPlaces: OneDrive:/path (the default \
account), NAME:/path (another account), NAME@DRIVE-ID:/path (a library); /path where a \
command speaks of OneDrive only."
)]
pub struct Cli {
    /// Use this config file instead of ~/.config/odc/config.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// More detail in the log: -v info, -vv debug, -vvv trace (default: warnings).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Show transfer progress bars even when stderr is not a terminal.
    #[arg(short = 'P', long, global = true, conflicts_with = "quiet")]
    pub progress: bool,

    /// No progress and no per-file lines; errors only.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// The signed-in account to use, by its short or sign-in name (`odc accounts`
    /// lists them; default: the default account). A remote path may name it
    /// instead: `work:/Reports`.
    #[arg(long, global = true, value_name = "NAME", env = "ODC_ACCOUNT")]
    pub account: Option<String>,

    /// Work in this drive of the account (an id from `odc drives`, such as a
    /// SharePoint document library) instead of its OneDrive.
    #[arg(long, global = true, value_name = "ID", env = "ODC_DRIVE")]
    pub drive: Option<String>,

    /// One bandwidth limit for every transfer of this run, all streams together:
    /// `1M`, `500k`, `off`, or `UP:DOWN` such as `10M:1M` (transfer.bwlimit).
    #[arg(long, global = true, value_name = "RATE")]
    pub bwlimit: Option<String>,

    /// Write the log to this file instead of the rotating one in the state directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Local directory for the left pane.
    #[arg(value_name = "LOCAL_DIR")]
    pub local_dir: Option<PathBuf>,

    /// OneDrive folder for the right pane, from the drive root (e.g. /Documents).
    #[arg(value_name = "REMOTE_PATH")]
    pub remote_path: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign in and add the account (or renew it): in the browser when this session
    /// can show one, otherwise with a device code (a URL, a code and a QR code).
    Login {
        /// Sign in in the browser, which comes back to odc by itself.
        #[arg(long, conflicts_with_all = ["device_code", "no_browser"])]
        browser: bool,
        /// Sign in with a code entered on any device (for SSH sessions).
        #[arg(long)]
        device_code: bool,
        /// Do not draw the QR code.
        #[arg(long)]
        no_qr: bool,
        /// Never try to open a browser (implies --device-code).
        #[arg(long)]
        no_browser: bool,
        /// A short name for the account (default: its sign-in name up to the @).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Make it the account used when none is named.
        #[arg(long)]
        default: bool,
    },
    /// Forget an account's tokens (default: the default account).
    Logout {
        /// The account's short or sign-in name.
        account: Option<String>,
        /// Also end the account's session in the browser (opens the sign-out page).
        #[arg(long)]
        everywhere: bool,
    },
    /// List the signed-in accounts: name, kind, sign-in name, tenant; `*` marks the
    /// default.
    Accounts {
        /// Make this account the default.
        #[arg(long, value_name = "NAME")]
        set_default: Option<String>,
        /// As one JSON array.
        #[arg(long)]
        json: bool,
    },
    /// List the drives the account can open: its own, the document libraries of
    /// the SharePoint sites it follows, and with --search those of matching sites.
    Drives {
        /// Also search the organisation's sites for this text.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
    },
    /// List what other people shared with the account (folders and files, with
    /// the shortcuts added to My files), each with the place to use it by.
    Shared {
        /// As one JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Show the signed-in account, drive type and quota.
    Whoami {
        /// As one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// What uses the space in a folder, local or on OneDrive: each subfolder's
    /// total, biggest first, then the files directly in it and the whole.
    Du {
        /// A local folder or OneDrive:/folder (every spelling odc prints).
        place: String,
        /// Exact sizes in bytes.
        #[arg(long)]
        bytes: bool,
        /// One JSON document: {place, folders: [{name, size}], files, total}.
        #[arg(long)]
        json: bool,
    },
    /// List a OneDrive folder (default: the root).
    Ls {
        /// Remote path from the drive root, e.g. /Documents.
        remote_path: Option<String>,
        /// Long format: kind, size, modified time, name.
        #[arg(short, long)]
        long: bool,
        /// One JSON document: an array of {path, name, size, modified, id, kind,
        /// mimeType, hashes}, streamed element by element.
        #[arg(long, conflicts_with_all = ["long", "jsonl"])]
        json: bool,
        /// The same objects, one per line (JSON Lines).
        #[arg(long, conflicts_with = "long")]
        jsonl: bool,
        /// List the folders below too (paths relative to PATH).
        #[arg(short = 'R', long)]
        recursive: bool,
        /// Exact sizes in bytes in the long format.
        #[arg(long)]
        bytes: bool,
        #[command(flatten)]
        filters: FilterFlags,
    },
    /// Download a file or a folder (recursively).
    Get {
        /// Remote file or folder, e.g. /Photos.
        remote: String,
        /// Local target; an existing directory, or a path ending with /, receives
        /// the item inside it; `-` writes the file to stdout.
        local: PathBuf,
        /// Keep local files that exist (and count them as failed).
        #[arg(short = 'n', long)]
        no_clobber: bool,
        #[command(flatten)]
        existing: ExistingFlags,
        /// Print what would be downloaded; write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        filters: FilterFlags,
        /// Move local files that are replaced into DIR instead of the trash.
        #[arg(long, value_name = "DIR")]
        backup_dir: Option<PathBuf>,
    },
    /// Write a OneDrive file to stdout.
    Cat {
        /// Remote file, e.g. /Documents/notes.txt.
        remote: String,
        /// An earlier version of it (an id from `odc versions`).
        #[arg(long, value_name = "ID")]
        version: Option<String>,
    },
    /// List a OneDrive file's versions, newest (the current one) first: when,
    /// size, id, by whom.
    Versions {
        remote_path: String,
        /// As one JSON array of {id, modified, size, by, current}.
        #[arg(long)]
        json: bool,
    },
    /// Bring back what odc deleted from PATH (from the recycle bin, personal
    /// accounts), or with --version make an earlier version the current one.
    Restore {
        remote_path: String,
        /// The version to restore (an id from `odc versions`); the current bytes
        /// are kept as a version.
        #[arg(long, value_name = "ID")]
        version: Option<String>,
    },
    /// List the recycle bin: what odc deleted (in PLACE, default everywhere) and
    /// is still there, newest first.
    Bin {
        /// A OneDrive folder (every spelling odc prints): only what was deleted
        /// from within it.
        place: Option<String>,
        /// As one JSON array of {path, name, id, driveId, kind, size, deleted}.
        #[arg(long)]
        json: bool,
    },
    /// Delete for good what odc deleted from PATH (it is in the recycle bin):
    /// asks first.
    Purge {
        remote_path: String,
        /// Do not ask (needed when there is no terminal to ask on).
        #[arg(long)]
        yes: bool,
    },
    /// Upload a file or a folder (recursively).
    Put {
        /// Local file or directory; `-` reads stdin.
        local: PathBuf,
        /// Remote target; an existing folder, or a path ending with /, receives the
        /// item inside it.
        remote: String,
        /// Fail instead of replacing a remote file that exists.
        #[arg(short = 'n', long)]
        no_clobber: bool,
        #[command(flatten)]
        existing: ExistingFlags,
        /// Copy what symbolic links inside LOCAL point to (transfer.follow_symlinks).
        #[arg(long)]
        follow_symlinks: bool,
        /// Print what would be uploaded; send no writing request.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        filters: FilterFlags,
    },
    /// Create a OneDrive folder, like mkdir(1): an existing name is an error, and
    /// the parent must exist unless -p is given.
    Mkdir {
        remote_path: String,
        /// Make missing parents too, and accept a folder that already exists.
        #[arg(short, long)]
        parents: bool,
    },
    /// Delete OneDrive items (they go to the recycle bin).
    Rm {
        #[arg(required = true)]
        remote_paths: Vec<String>,
        /// Also delete folders (with everything in them).
        #[arg(short, long)]
        recursive: bool,
        /// Print what would be deleted; delete nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Move or rename a OneDrive item (into TO when TO is a folder or ends with /);
    /// with several sources, move them all into the folder named last (in JSON
    /// batches, twenty moves per request).
    Mv {
        /// FROM TO, or FROM... FOLDER.
        #[arg(required = true, num_args = 2.., value_name = "PATH")]
        paths: Vec<String>,
        /// Print what would be moved; move nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Compare two folders (local or OneDrive, either side) recursively: a line per
    /// difference (`*` differ, `+` only in SRC, `-` only in DST); exit 0 when they
    /// are the same, 1 when not.
    Check {
        /// A local folder or OneDrive:/folder.
        src: String,
        /// A local folder or OneDrive:/folder.
        dst: String,
        /// Compare size and modified time only (read no file).
        #[arg(long)]
        quick: bool,
        /// Also list the files that are the same (`=`), and those the service changed
        /// after odc uploaded them (`~`, counted as the same).
        #[arg(long)]
        same: bool,
        #[command(flatten)]
        filters: FilterFlags,
    },
    /// Make DST like SRC, one way (local or OneDrive, either side): copy what is
    /// missing, replace what differs, and with --delete remove what SRC lacks
    /// (OneDrive items to the recycle bin, local ones to the trash). Items left out
    /// (links, notebooks, unreadable folders, names OneDrive refuses) are never
    /// deleted on the other side, and a run where anything could not be read or
    /// copied deletes nothing.
    Sync {
        src: String,
        dst: String,
        /// Print what would be done (`+` copy, `*` replace, `-` delete); change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also delete what is only in DST.
        #[arg(long)]
        delete: bool,
        /// Compare size and modified time only.
        #[arg(long)]
        quick: bool,
        /// Delete at most N items; a run that would delete more deletes nothing
        /// (default: sync.max_delete, 0 = no limit).
        #[arg(long, value_name = "N")]
        max_delete: Option<u64>,
        /// Go ahead with a big delete (every item of the destination, or more than
        /// sync.big_delete_percent of it), which otherwise stops the run first.
        #[arg(long)]
        force: bool,
        /// Keep files whose copy in DST is newer (by modified time) than SRC's.
        #[arg(short, long)]
        update: bool,
        /// Move local files that are replaced or deleted into DIR instead of the
        /// trash.
        #[arg(long, value_name = "DIR")]
        backup_dir: Option<PathBuf>,
        /// What is excluded is neither copied nor deleted.
        #[command(flatten)]
        filters: FilterFlags,
    },
    /// Create a sharing link for a OneDrive item and print it (view-only unless
    /// --edit). Asking again gives the same link.
    Link {
        remote_path: String,
        /// A link that lets its holder edit.
        #[arg(long)]
        edit: bool,
        /// Who the link works for: anyone who has it, or people signed in to your
        /// organization (work and school accounts). Default: the drive's default.
        #[arg(long, value_parser = ["anonymous", "organization"])]
        scope: Option<String>,
        /// Share the root folder (the whole drive) all the same.
        #[arg(long)]
        yes: bool,
    },
    /// Find, show and edit the settings.
    #[command(subcommand)]
    Config(super::config_cmd::ConfigCommand),
    /// Print the manual page (roff): `odc man > odc.1`.
    Man,
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Try odc without an account: the UI on the built-in emulator with a sample drive.
    #[cfg(feature = "emulator")]
    Demo {
        /// Local directory for the left pane (default: the current directory).
        local_dir: Option<PathBuf>,
    },
    /// Run the Microsoft Graph + identity emulator alone (for tests, curl and benchmarks).
    #[cfg(feature = "emulator")]
    Emulator(crate::emulator_cmd::EmulatorArgs),
}

/// What `get` and `put` do with a file that exists at the destination: by
/// default skip it when it looks unchanged (size and modified time; uploads also
/// by content), else replace it; or `-n` and the flags rclone users know.
#[derive(Debug, Clone, Copy, clap::Args)]
#[group(multiple = false)]
pub struct ExistingFlags {
    /// Skip files that exist at the destination (counted as skipped, not failed).
    #[arg(long, conflicts_with = "no_clobber")]
    pub ignore_existing: bool,
    /// Skip files whose destination is as new as the source or newer.
    #[arg(long, conflicts_with = "no_clobber")]
    pub update: bool,
    /// Skip files whose destination has the same size and QuickXorHash (instead
    /// of the same size and modified time).
    #[arg(long, conflicts_with = "no_clobber")]
    pub checksum: bool,
    /// Replace files at the destination even when they look unchanged.
    #[arg(long, conflicts_with = "no_clobber")]
    pub ignore_times: bool,
}

impl ExistingFlags {
    pub fn on_existing(self) -> super::transfers::OnExisting {
        use super::transfers::OnExisting;
        if self.ignore_existing {
            OnExisting::Ignore
        } else if self.update {
            OnExisting::Update
        } else if self.checksum {
            OnExisting::Checksum
        } else if self.ignore_times {
            OnExisting::Replace
        } else {
            OnExisting::SkipUnchanged
        }
    }
}

/// What a transfer, a check or a listing leaves out, in rclone's filter syntax
/// (globs matched against the path below the folder named; `/` anchors at it,
/// `**` crosses folders). Flags of one kind apply together, in this order; any
/// `--include` adds `--exclude /**` at the end. `[filters] rules` in the
/// configuration comes first.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FilterFlags {
    /// Include what matches GLOB (the rest is left out).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Read include globs from FILE, one per line (`-` is stdin).
    #[arg(long, value_name = "FILE")]
    pub include_from: Vec<PathBuf>,
    /// Leave out what matches GLOB.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read exclude globs from FILE, one per line.
    #[arg(long, value_name = "FILE")]
    pub exclude_from: Vec<PathBuf>,
    /// A rule: `+ GLOB` includes, `- GLOB` excludes, `!` clears those before it.
    #[arg(long, value_name = "RULE", allow_hyphen_values = true)]
    pub filter: Vec<String>,
    /// Read rules from FILE (`+ `/`- ` lines, `#` and `;` comments).
    #[arg(long, value_name = "FILE")]
    pub filter_from: Vec<PathBuf>,
}

impl FilterFlags {
    /// The flags as the engine's options.
    pub fn options(&self) -> odc_engine::filter::FilterOptions {
        odc_engine::filter::FilterOptions {
            include: self.include.clone(),
            include_from: self.include_from.clone(),
            exclude: self.exclude.clone(),
            exclude_from: self.exclude_from.clone(),
            filter: self.filter.clone(),
            filter_from: self.filter_from.clone(),
        }
    }
}

/// The command a mistyped word most likely meant (`gett` → `get`), as clap
/// suggests for flags: close by Jaro similarity, and only when it is close.
pub fn closest_command(typed: &str) -> Option<String> {
    let command = <Cli as clap::CommandFactory>::command();
    command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .map(|name| (strsim::jaro(typed, &name), name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}
