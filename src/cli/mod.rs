//! The non-interactive commands, on the same engine as the UI. Exit status: 0 on
//! success, 1 on failure, 2 on bad usage (clap). Each error is one line that names
//! the item and the reason.

mod accounts;
mod archive;
pub mod args;
mod check;
pub mod config_cmd;
mod context;
mod du;
mod history;
mod items;
mod login;
mod ls;
pub mod report;
mod transfers;

use std::process::ExitCode;
use std::sync::Arc;

pub use args::{Cli, Command};
pub use context::{Context, Failure, Outcome, about};

use odc_core::display::escape_control;
use odc_graph::{Error, Result};

/// Runs a remote command; errors are printed as `odc: …` lines.
pub async fn run(mut command: Command, mut context: Context) -> ExitCode {
    if let Err(err) = claim_accounts(&mut command, &mut context) {
        errln!("odc: {err}");
        return ExitCode::from(crate::exit::USAGE);
    }
    // What "not found" means for this command: a folder (3) or a file (4).
    let missing = match &command {
        Command::Ls { .. }
        | Command::Du { .. }
        | Command::Mkdir { .. }
        | Command::Check { .. }
        | Command::Sync { .. } => crate::exit::FOLDER_NOT_FOUND,
        _ => crate::exit::FILE_NOT_FOUND,
    };
    let result = match command {
        Command::Login {
            browser,
            device_code,
            no_qr,
            no_browser,
            name,
            default,
        } => {
            let options = login::LoginOptions {
                browser,
                device_code,
                no_qr,
                no_browser,
                name,
                make_default: default,
            };
            login::login(&context, options).await
        }
        Command::Logout {
            account,
            everywhere,
        } => accounts::logout(&context, account.as_deref(), everywhere).await,
        Command::Accounts { set_default, json } => {
            accounts::accounts(&context, set_default.as_deref(), json).await
        }
        Command::Drives { search } => accounts::drives(&context, search.as_deref()).await,
        Command::Whoami { json } => accounts::whoami(&context, json).await,
        Command::Shared { json } => accounts::shared(&context, json).await,
        Command::Ls {
            remote_path,
            long,
            json,
            jsonl,
            recursive,
            bytes,
            filters,
        } => {
            let filter = match context.filter(filters.options()) {
                Ok(filter) => filter,
                Err(err) => return usage(err),
            };
            let format = match (long, json, jsonl) {
                (_, true, _) => ls::Format::Json,
                (_, _, true) => ls::Format::JsonLines,
                (true, _, _) => ls::Format::Long,
                _ => ls::Format::Names,
            };
            let options = ls::Options {
                format,
                recursive,
                bytes,
                filter,
            };
            let text = remote_path.as_deref().unwrap_or("/");
            // A path into a zip (`/a.zip/dir`) lists the archive's entries.
            match archive::inside(&context, text).await {
                Ok(Some(opened)) => archive::ls(opened, options),
                Ok(None) => ls::ls(&context, text, options).await,
                Err(err) => Err(err.into()),
            }
        }
        Command::Get {
            remote,
            local,
            no_clobber,
            existing,
            dry_run,
            backup_dir,
            filters,
        } => {
            let flags = transfers::Flags {
                no_clobber,
                existing: existing.on_existing(),
                dry_run,
                backup_dir,
                filter: match context.filter(filters.options()) {
                    Ok(filter) => filter,
                    Err(err) => return usage(err),
                },
            };
            transfers::get(&context, &remote, &local, flags).await
        }
        Command::Cat {
            remote,
            version: None,
        } => match archive::inside(&context, &remote).await {
            Ok(Some(opened)) => archive::cat(opened).await,
            Ok(None) => transfers::cat(&context, &remote).await,
            Err(err) => Err(err.into()),
        },
        Command::Cat {
            remote,
            version: Some(id),
        } => transfers::cat_version(&context, &remote, &id).await,
        Command::Versions { remote_path, json } => {
            history::versions(&context, &remote_path, json).await
        }
        Command::Restore {
            remote_path,
            version: Some(id),
        } => history::restore_version(&context, &remote_path, &id).await,
        Command::Restore {
            remote_path,
            version: None,
        } => history::restore_deleted(&context, &remote_path).await,
        Command::Bin { place, json } => history::bin(&context, place.as_deref(), json).await,
        Command::Purge { remote_path, yes } => history::purge(&context, &remote_path, yes).await,
        Command::Du { place, bytes, json } => du::du(&context, &place, bytes, json).await,
        Command::Check {
            src,
            dst,
            quick,
            same,
            filters,
        } => {
            let filter = match context.filter(filters.options()) {
                Ok(filter) => filter,
                Err(err) => return usage(err),
            };
            check::check(&context, &src, &dst, quick, same, filter).await
        }
        Command::Sync {
            src,
            dst,
            dry_run,
            delete,
            quick,
            max_delete,
            force,
            update,
            backup_dir,
            filters,
        } => {
            let filter = match context.filter(filters.options()) {
                Ok(filter) => filter,
                Err(err) => return usage(err),
            };
            let sync = &context.config.sync;
            let limits = odc_engine::compare::sync::DeleteLimits {
                max_delete: max_delete.unwrap_or(sync.max_delete),
                big_percent: sync.big_delete_percent,
                big_min: sync.big_delete_min,
                force,
            };
            let options = check::SyncOptions {
                quick,
                delete,
                dry_run,
                limits,
                update,
                backup_dir,
                filter,
            };
            check::sync(&context, &src, &dst, options).await
        }
        Command::Link {
            remote_path,
            edit,
            scope,
            yes,
        } => items::link(&context, &remote_path, edit, scope.as_deref(), yes).await,
        Command::Put {
            local,
            remote,
            no_clobber,
            existing,
            follow_symlinks,
            dry_run,
            filters,
        } => {
            let context = if follow_symlinks {
                let mut config = (*context.config).clone();
                config.transfer.follow_symlinks = true;
                Context {
                    config: Arc::new(config),
                    ..context
                }
            } else {
                context
            };
            let flags = transfers::Flags {
                no_clobber,
                existing: existing.on_existing(),
                dry_run,
                backup_dir: None,
                filter: match context.filter(filters.options()) {
                    Ok(filter) => filter,
                    Err(err) => return usage(err),
                },
            };
            transfers::put(&context, &local, &remote, flags).await
        }
        Command::Mkdir {
            remote_path,
            parents,
        } => items::mkdir(&context, &remote_path, parents).await,
        Command::Rm {
            remote_paths,
            recursive,
            dry_run,
        } => items::rm(&context, &remote_paths, recursive, dry_run).await,
        Command::Mv { paths, dry_run } => match paths.as_slice() {
            [from, to] => items::mv(&context, from, to, dry_run).await,
            [sources @ .., folder] => items::mv_into(&context, sources, folder, dry_run).await,
            [] => unreachable!("clap asks for two paths at least"),
        },
        other => unreachable!("dispatched in main: {other:?}"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Reported) => ExitCode::from(crate::exit::SOME_FAILED),
        Err(Failure::Interrupted(status)) => ExitCode::from(status),
        Err(Failure::ReaderGone) => ExitCode::from(odc_core::stdio::CLOSED_PIPE_STATUS as u8),
        Err(Failure::Error(err)) => {
            // Errors quote server codes, identity `error` fields and names.
            errln!("odc: {}", escape_control(&err.to_string()));
            ExitCode::from(if is_missing(&err) {
                missing
            } else {
                crate::exit::SOME_FAILED
            })
        }
    }
}

/// Moves the account and drive named in front of a command's remote paths into
/// the context.
fn claim_accounts(command: &mut Command, context: &mut Context) -> Result<()> {
    let paths: Vec<&mut String> = match command {
        Command::Ls { remote_path, .. } => remote_path.iter_mut().collect(),
        Command::Get { remote, .. } | Command::Cat { remote, .. } | Command::Put { remote, .. } => {
            vec![remote]
        }
        Command::Link { remote_path, .. }
        | Command::Mkdir { remote_path, .. }
        | Command::Versions { remote_path, .. }
        | Command::Restore { remote_path, .. }
        | Command::Purge { remote_path, .. } => vec![remote_path],
        Command::Bin {
            place: Some(place), ..
        } => vec![place],
        Command::Rm { remote_paths, .. } => remote_paths.iter_mut().collect(),
        Command::Mv { paths, .. } => paths.iter_mut().collect(),
        _ => Vec::new(),
    };
    let mut claimed = context::Claimed::default();
    for path in paths {
        context.claim_drive(path, &mut claimed)?;
    }
    Ok(())
}

/// A command line that cannot be carried out as written (a filter rule that is
/// not one): said, with the exit status of a usage error.
fn usage(err: Error) -> ExitCode {
    errln!("odc: {err}");
    ExitCode::from(crate::exit::USAGE)
}

fn is_missing(err: &Error) -> bool {
    match err {
        Error::Io { source, .. } | Error::Local(source) => {
            source.kind() == std::io::ErrorKind::NotFound
        }
        other => other.is_not_found(),
    }
}
