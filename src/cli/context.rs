//! What every command is given (the configuration, the sign-in, the account, drive
//! and folder its paths name) and how a command ends (its `Outcome`, errors about
//! one item).

use std::sync::Arc;

use odc_core::config::Config;
use odc_core::display::escape_control;
use odc_graph::auth::Session;
use odc_graph::tokens::TokenStore;
use odc_graph::{Error, Graph, ItemAddress, RemotePath, Result};

use super::report;

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
    /// What `[filters]` and the command's filter flags leave out (the
    /// configuration's rules first); None when neither says anything. A rule or a
    /// file that cannot be read is an error.
    pub fn filter(
        &self,
        mut options: odc_engine::filter::FilterOptions,
    ) -> Result<Option<Arc<odc_engine::filter::Filter>>> {
        let mut rules = self.config.filters.rules.clone();
        rules.append(&mut options.filter);
        options.filter = rules;
        if options.is_empty() {
            return Ok(None);
        }
        let filter = odc_engine::filter::Filter::new(&options).map_err(Error::Other)?;
        Ok(Some(Arc::new(filter)))
    }

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

    /// A remote path as written and the item it names (followed like [`Self::remote`]);
    /// a lookup error names the path as the user wrote it.
    pub async fn remote_item(
        &self,
        text: &str,
    ) -> Result<(Graph, RemotePath, odc_graph::DriveItem)> {
        let (graph, path) = self.remote(text, true).await?;
        let item = graph
            .item(&ItemAddress::Path(path.clone()))
            .await
            .map_err(|e| about(text, e))?;
        Ok((graph, path, item))
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
    pub(super) fn claim_drive(&mut self, path: &mut String, claimed: &mut Claimed) -> Result<()> {
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
pub(super) struct Claimed {
    /// `OneDrive:/…`
    default_named: bool,
    /// `NAME:/…`
    account_named: bool,
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
