//! The non-interactive commands, on the same engine as the UI. Exit status: 0 on
//! success, 1 on failure, 2 on bad usage (clap). Each error is one line that names
//! the item and the reason.

mod accounts;
pub mod args;
mod check;
pub mod config_cmd;
mod login;
mod ls;
pub mod report;
mod transfers;

use std::process::ExitCode;
use std::sync::Arc;

use humansize::{BINARY, format_size};

pub use args::{Cli, Command};

use odc_core::config::Config;
use odc_core::display::escape_control;
use odc_graph::auth::Session;
use odc_graph::tokens::TokenStore;
use odc_graph::{Conflict, Error, Graph, ItemAddress, RemotePath, Result};

/// What every command needs.
pub struct Context {
    pub config: Arc<Config>,
    pub store: TokenStore,
    /// Progress display for transfers (`-P`, `-q`).
    pub display: report::Display,
    /// The account named with `--account` or a path's `NAME:` (default: the default).
    pub account: Option<String>,
    /// The drive named with `--drive` (default: the account's OneDrive).
    pub drive: Option<String>,
    /// A folder of that drive shared with the account, named in a path
    /// (`OneDrive@DRIVE~FOLDER:/…`, as `odc shared` prints): paths start there.
    pub folder: Option<String>,
}

impl Context {
    /// A Graph client for the chosen account and drive.
    pub fn graph(&self) -> Result<Graph> {
        let session = Session::load_named(
            self.config.clone(),
            self.store.clone(),
            self.account.as_deref(),
        )?;
        let graph = Graph::new(self.config.clone(), Arc::new(session))?;
        Ok(match (&self.drive, &self.folder) {
            (Some(drive), Some(folder)) => graph.on_folder(drive, folder),
            (drive, _) => graph.on_drive(drive.as_deref()),
        })
    }

    /// The client and path for a remote path as written, followed through any
    /// shortcut on the way (`/Shared Photos/2024` where `Shared Photos` is a
    /// shortcut to another user's folder). `into_last`: a path naming a shortcut
    /// means its target.
    pub async fn remote(&self, text: &str, into_last: bool) -> Result<(Graph, RemotePath)> {
        let graph = self.graph()?;
        let path = RemotePath::parse(text)?;
        match graph.locate(&path, into_last).await? {
            // The path keeps the folder it is in, so that what is written of it
            // (a resume record) names that folder and not this drive's root.
            Some(place) => Ok((
                graph.on_folder(&place.drive_id, &place.folder_id),
                place.path(None),
            )),
            None => match (&self.drive, &self.folder) {
                (Some(drive), Some(folder)) => {
                    let spec = odc_graph::path::DriveSpec::shared_folder(None, drive, folder);
                    Ok((graph, path.in_drive(spec)))
                }
                _ => Ok((graph, path)),
            },
        }
    }

    /// Takes the drive named at the start of a remote path, in any form odc
    /// prints (`OneDrive:/Reports`, `work:/Reports`, `work@DRIVE-ID:/Reports`): the
    /// path is left without it. Every path of a command must name the same account
    /// and drive, and agree with `--account` and `--drive`.
    fn claim_drive(&mut self, path: &mut String, claimed: &mut Claimed) -> Result<()> {
        let Some((prefix, rest)) = path.split_once(':') else {
            return Ok(());
        };
        if !rest.starts_with('/') {
            return Ok(());
        }
        let Some(spec) = odc_graph::path::DriveSpec::parse_prefix(prefix) else {
            return Ok(());
        };
        let refuse = |what: &str, chosen: &str| {
            Err(Error::Other(format!(
                "{}: one command works in one {what}, and this one uses {}",
                escape_control(path),
                escape_control(chosen)
            )))
        };
        match (&spec.account, &self.account) {
            (Some(name), Some(chosen)) if !chosen.eq_ignore_ascii_case(name) => {
                return refuse("account", chosen);
            }
            (Some(_), _) if claimed.default_named => return refuse("account", "OneDrive"),
            (Some(name), _) => self.account = Some(name.clone()),
            // `OneDrive:` names the default account, or the one `--account` chose.
            (None, Some(chosen)) if claimed.account_named => return refuse("account", chosen),
            (None, _) => claimed.default_named = true,
        }
        claimed.account_named |= spec.account.is_some();
        if let Some(id) = &spec.drive_id {
            match &self.drive {
                Some(chosen) if chosen != id => return refuse("drive", chosen),
                _ => self.drive = Some(id.clone()),
            }
        }
        if let Some(folder) = &spec.folder {
            match &self.folder {
                Some(chosen) if chosen != folder => return refuse("shared folder", chosen),
                _ => self.folder = Some(folder.clone()),
            }
        }
        *path = rest.to_string();
        Ok(())
    }
}

/// Which forms of drive the paths of one command have named so far.
#[derive(Default)]
struct Claimed {
    /// `OneDrive:/…`
    default_named: bool,
    /// `NAME:/…`
    account_named: bool,
}

/// Runs a remote command; errors are printed as `odc: …` lines.
pub async fn run(mut command: Command, mut context: Context) -> ExitCode {
    if let Err(err) = claim_accounts(&mut command, &mut context) {
        errln!("odc: {err}");
        return ExitCode::from(crate::exit::USAGE);
    }
    // What "not found" means for this command: a folder (3) or a file (4).
    let missing = match &command {
        Command::Ls { .. }
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
        Command::Whoami { json } => whoami(&context, json).await,
        Command::Shared { json } => accounts::shared(&context, json).await,
        Command::Ls {
            remote_path,
            long,
            json,
            jsonl,
            recursive,
            bytes,
        } => {
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
            };
            ls::ls(&context, remote_path.as_deref().unwrap_or("/"), options).await
        }
        Command::Get {
            remote,
            local,
            no_clobber,
            existing,
            dry_run,
            backup_dir,
        } => {
            let flags = transfers::Flags {
                no_clobber,
                existing: existing.on_existing(),
                dry_run,
                backup_dir,
            };
            transfers::get(&context, &remote, &local, flags).await
        }
        Command::Cat { remote } => transfers::cat(&context, &remote).await,
        Command::Check {
            src,
            dst,
            quick,
            same,
        } => check::check(&context, &src, &dst, quick, same).await,
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
        } => {
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
            };
            check::sync(&context, &src, &dst, options).await
        }
        Command::Link {
            remote_path,
            edit,
            scope,
            yes,
        } => link(&context, &remote_path, edit, scope.as_deref(), yes).await,
        Command::Put {
            local,
            remote,
            no_clobber,
            existing,
            follow_symlinks,
            dry_run,
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
            };
            transfers::put(&context, &local, &remote, flags).await
        }
        Command::Mkdir {
            remote_path,
            parents,
        } => mkdir(&context, &remote_path, parents).await,
        Command::Rm {
            remote_paths,
            recursive,
            dry_run,
        } => rm(&context, &remote_paths, recursive, dry_run).await,
        Command::Mv { paths, dry_run } => match paths.as_slice() {
            [from, to] => mv(&context, from, to, dry_run).await,
            [sources @ .., folder] => mv_into(&context, sources, folder, dry_run).await,
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
        Command::Get { remote, .. } | Command::Cat { remote } | Command::Put { remote, .. } => {
            vec![remote]
        }
        Command::Link { remote_path, .. } | Command::Mkdir { remote_path, .. } => {
            vec![remote_path]
        }
        Command::Rm { remote_paths, .. } => remote_paths.iter_mut().collect(),
        Command::Mv { paths, .. } => paths.iter_mut().collect(),
        _ => Vec::new(),
    };
    let mut claimed = Claimed::default();
    for path in paths {
        context.claim_drive(path, &mut claimed)?;
    }
    Ok(())
}

fn is_missing(err: &Error) -> bool {
    match err {
        Error::Io { source, .. } | Error::Local(source) => {
            source.kind() == std::io::ErrorKind::NotFound
        }
        other => other.is_not_found(),
    }
}

/// A command's failure: one error, or errors already printed item by item.
pub enum Failure {
    Error(Error),
    Reported,
    /// Stopped by a signal: the exit status is 128 + its number (130, 143, 129).
    Interrupted(u8),
    /// The reader of stdout went away (`odc ls | head -1`): ends quietly.
    ReaderGone,
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Error(err)
    }
}

pub type Outcome = std::result::Result<(), Failure>;

/// `path: reason`, for errors about one item. A Graph error keeps its status, so
/// "not found" still maps to its exit status.
pub fn about(path: &str, err: Error) -> Error {
    match err {
        Error::InvalidName(_) | Error::SignInRequired { .. } | Error::NoClientId => err,
        Error::Graph {
            status,
            code,
            message,
        } => Error::Graph {
            status,
            code,
            message: format!("{}: {message}", escape_control(path)),
        },
        other => Error::Other(format!("{}: {other}", escape_control(path))),
    }
}

/// `odc link PATH [--edit] [--scope S]`: the link alone on stdout (for scripts and
/// `| xclip`), what it allows on stderr.
async fn link(
    context: &Context,
    remote: &str,
    edit: bool,
    scope: Option<&str>,
    yes: bool,
) -> Outcome {
    use odc_graph::sharing::LinkKind;
    let path = odc_graph::RemotePath::parse(remote)?;
    if path.is_root() && !yes {
        return Err(Error::Other(
            "/: a link to the root shares the whole drive; add --yes if that is meant".into(),
        )
        .into());
    }
    let (graph, path) = context.remote(remote, true).await?;
    let kind = if edit { LinkKind::Edit } else { LinkKind::View };
    let link = graph
        .create_link(&odc_graph::ItemAddress::Path(path), kind, scope)
        .await
        .map_err(|e| about(remote, e))?;
    outln!("{}", escape_control(&link.url));
    let who = match link.scope.as_deref() {
        Some("organization") => "people in your organization",
        Some("anonymous") => "anyone with the link",
        _ => "the people it is shared with",
    };
    errln!("a {} link for {who}", escape_control(&link.kind));
    Ok(())
}

async fn whoami(context: &Context, json: bool) -> Outcome {
    let graph = context.graph()?;
    let me = graph.me().await?;
    let drive = graph.drive().await?;
    let name = me.display_name.unwrap_or_default();
    let account = me
        .user_principal_name
        .or(me.mail)
        .unwrap_or_else(|| me.id.clone());
    if json {
        let quota = drive.quota.as_ref().map(|q| {
            serde_json::json!({
                "total": q.total, "used": q.used, "remaining": q.remaining,
                "deleted": q.deleted, "state": q.state,
            })
        });
        let value = serde_json::json!({
            "displayName": name,
            "account": account,
            "driveType": drive.drive_type,
            "quota": quota,
        });
        outln!("{value}");
        return Ok(());
    }
    outln!("{} ({})", escape_control(&name), escape_control(&account));
    let kind = drive.drive_type.unwrap_or_else(|| "unknown".into());
    match drive.quota {
        Some(q) => {
            let size = |v: Option<u64>| format_size(v.unwrap_or(0), BINARY);
            // Business quotas have no `deleted` (Graph reference §10.7): say nothing
            // rather than "0 B in the recycle bin".
            let bin = q
                .deleted
                .map(|d| format!(", {} in the recycle bin", size(Some(d))))
                .unwrap_or_default();
            outln!(
                "drive: {kind}, {} used of {} ({} free{bin}{})",
                size(q.used),
                size(q.total),
                size(q.remaining),
                q.state
                    .filter(|s| s != "normal")
                    .map(|s| format!(", quota {s}"))
                    .unwrap_or_default()
            );
        }
        None => outln!("drive: {kind}"),
    }
    Ok(())
}

async fn mkdir(context: &Context, text: &str, parents: bool) -> Outcome {
    let (graph, path) = context.remote(text, true).await?;
    let shown = escape_control(&path.to_string());
    if path.is_root() {
        return if parents {
            Ok(())
        } else {
            Err(Error::Other("/: exists".into()).into())
        };
    }
    odc_graph::items::check_path(&path, true)?;
    if parents {
        graph
            .create_folders(&path)
            .await
            .map_err(|e| about(&path.to_string(), e))?;
        return Ok(());
    }
    let parent = path.parent().unwrap_or_default();
    let parent_item = graph
        .item_if_exists(&ItemAddress::Path(parent.clone()))
        .await
        .map_err(|e| about(text, e))?;
    let parent_item = match parent_item {
        Some(item) if item.is_folder() => item,
        Some(_) => {
            return Err(Error::Other(format!(
                "{shown}: {} is a file, not a folder",
                escape_control(&parent.to_string())
            ))
            .into());
        }
        None => {
            return Err(Error::Graph {
                status: 404,
                code: "itemNotFound".into(),
                message: format!(
                    "{shown}: no folder {} (use -p to create it)",
                    escape_control(&parent.to_string())
                ),
            }
            .into());
        }
    };
    let name = path.name().unwrap_or_default();
    match graph
        .create_folder(&ItemAddress::Id(parent_item.id), name, Conflict::Fail)
        .await
    {
        Ok(_) => Ok(()),
        Err(err) if err.is_name_conflict() => Err(Error::Other(format!("{shown}: exists")).into()),
        Err(err) => Err(about(text, err).into()),
    }
}

/// The paths of a command acting on many OneDrive items, parsed (the root refused:
/// it cannot be `verb`) and looked up together in JSON batches; a path that cannot
/// be used is reported and left out.
async fn look_up_many<'a>(
    graph: &Graph,
    paths: &'a [String],
    verb: &str,
    report: &mut impl FnMut(&str, Error),
) -> Vec<(&'a String, RemotePath, odc_graph::DriveItem)> {
    let mut wanted: Vec<(&String, RemotePath)> = Vec::new();
    for text in paths {
        match RemotePath::parse(text) {
            Ok(path) if path.is_root() => report(
                text,
                Error::Other(format!("the root folder cannot be {verb}")),
            ),
            Ok(path) => wanted.push((text, path)),
            Err(err) => report(text, err),
        }
    }
    let addresses: Vec<ItemAddress> = wanted
        .iter()
        .map(|(_, path)| ItemAddress::Path(path.clone()))
        .collect();
    let mut found = Vec::with_capacity(wanted.len());
    for ((text, path), item) in wanted.into_iter().zip(graph.items_many(&addresses).await) {
        match item {
            Ok(item) => found.push((text, path, item)),
            Err(err) => report(text, err),
        }
    }
    found
}

/// `odc rm`: every path looked up, then the deletions, each in JSON batches (many
/// paths cost a few requests); one line per path: what was deleted, or why not.
async fn rm(context: &Context, paths: &[String], recursive: bool, dry_run: bool) -> Outcome {
    let graph = context.graph()?;
    let mut failed = false;
    let mut report = |text: &str, err: Error| {
        errln!("odc: {}", escape_control(&about(text, err).to_string()));
        failed = true;
    };
    let mut doomed: Vec<(&String, RemotePath, ItemAddress)> = Vec::new();
    let found = look_up_many(&graph, paths, "deleted", &mut report).await;
    for (text, path, item) in found {
        if item.is_folder() && !recursive {
            report(
                text,
                Error::Other("is a folder; use -r to delete it with its contents".into()),
            );
        } else if dry_run {
            outln!(
                "would delete {} (to the recycle bin)",
                escape_control(&path.to_string())
            );
        } else {
            doomed.push((text, path, ItemAddress::Id(item.id)));
        }
    }
    let ids: Vec<ItemAddress> = doomed.iter().map(|(_, _, id)| id.clone()).collect();
    let quiet = context.display == report::Display::Quiet;
    for ((text, path, _), result) in doomed.into_iter().zip(graph.delete_many(&ids).await) {
        match result {
            // A report, not data: stderr, and silenced by -q.
            Ok(()) if quiet => {}
            Ok(()) => errln!(
                "deleted {} (moved to the recycle bin)",
                escape_control(&path.to_string())
            ),
            Err(err) => report(text, err),
        }
    }
    if failed {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

/// `odc mv FROM... FOLDER`: each source looked up and moved twenty to a JSON
/// batch; a failure is reported for its item and the others still move.
async fn mv_into(context: &Context, sources: &[String], folder: &str, dry_run: bool) -> Outcome {
    let graph = context.graph()?;
    let folder_path = RemotePath::parse(folder)?;
    let target = graph
        .item(&ItemAddress::Path(folder_path.clone()))
        .await
        .map_err(|e| about(folder, e))?;
    if !target.is_folder() {
        let reason = "is not a folder; several items move into a folder";
        return Err(about(folder, Error::Other(reason.into())).into());
    }
    let mut failed = false;
    let mut report = |text: &str, err: Error| {
        errln!("odc: {}", escape_control(&about(text, err).to_string()));
        failed = true;
    };
    let mut moving: Vec<(&String, String)> = Vec::new();
    for (text, path, item) in look_up_many(&graph, sources, "moved", &mut report).await {
        if dry_run {
            outln!(
                "would move {} to {}",
                escape_control(&path.to_string()),
                escape_control(&folder_path.join(&item.name).to_string())
            );
        } else {
            moving.push((text, item.id));
        }
    }
    let ids: Vec<String> = moving.iter().map(|(_, id)| id.clone()).collect();
    for ((text, _), result) in moving
        .into_iter()
        .zip(graph.move_many(&ids, &target.id).await)
    {
        if let Err(err) = result {
            report(text, err);
        }
    }
    if failed {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

async fn mv(context: &Context, from: &str, to: &str, dry_run: bool) -> Outcome {
    let graph = context.graph()?;
    let source_path = RemotePath::parse(from)?;
    let target_path = RemotePath::parse(to)?;
    let source = graph
        .item(&ItemAddress::Path(source_path.clone()))
        .await
        .map_err(|e| about(from, e))?;
    let target = graph
        .item_if_exists(&ItemAddress::Path(target_path.clone()))
        .await
        .map_err(|e| about(to, e))?;
    // Where the item ends up, as the user wrote it (for --dry-run).
    let (parent, name, dest) = match target {
        // `a.txt` → `A.txt`: OneDrive names ignore case, so the target found is
        // the item itself. A rename of that item, not a clash.
        Some(itself) if itself.id == source.id => {
            let parent_path = target_path.parent().unwrap_or_default();
            let parent = graph
                .item(&ItemAddress::Path(parent_path))
                .await
                .map_err(|e| about(to, e))?;
            let name = target_path.name().unwrap_or_default().to_string();
            (parent, name, target_path.clone())
        }
        Some(folder) if folder.is_folder() => {
            let dest = target_path.join(&source.name);
            (folder, source.name.clone(), dest)
        }
        Some(_) => return Err(about(to, Error::Other("exists already".into())).into()),
        None if to.ends_with('/') => {
            return Err(about(to, Error::Other("no such folder".into())).into());
        }
        None => {
            let parent_path = target_path.parent().unwrap_or_default();
            let parent = graph
                .item(&ItemAddress::Path(parent_path.clone()))
                .await
                .map_err(|e| about(&parent_path.to_string(), e))?;
            let name = target_path.name().unwrap_or_default().to_string();
            (parent, name, target_path.clone())
        }
    };
    let rename = (name != source.name).then_some(name.as_str());
    if dry_run {
        outln!(
            "would move {} to {}",
            escape_control(&source_path.to_string()),
            escape_control(&dest.to_string())
        );
        return Ok(());
    }
    graph
        .move_item(&source.id, Some(&parent.id), rename)
        .await
        .map_err(|e| about(from, e))?;
    Ok(())
}
