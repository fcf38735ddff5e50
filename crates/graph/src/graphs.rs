//! Graph clients for every drive odc works in at once: the two panes may show two
//! accounts, or an account's OneDrive beside one of its SharePoint libraries. One
//! session (tokens, refresh) per account, shared by its drives; clients are made on
//! first use and kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use super::auth::Session;
use super::client::Graph;
use super::error::{Error, Result};
use super::path::DriveSpec;
use super::tokens::TokenStore;
use odc_core::config::Config;

pub struct Graphs {
    /// The configuration and token store other accounts are loaded with; without
    /// them only the default account's drives can be reached.
    accounts: Option<(Arc<Config>, TokenStore)>,
    /// The default account's OneDrive (what `OneDrive:/…` means).
    default: RwLock<Option<Arc<Graph>>>,
    /// Other drives, by account and drive.
    others: Mutex<HashMap<DriveSpec, Arc<Graph>>>,
}

impl Graphs {
    /// Reaches every signed-in account of `store`.
    pub fn new(config: Arc<Config>, store: TokenStore) -> Self {
        Self {
            accounts: Some((config, store)),
            default: RwLock::new(None),
            others: Mutex::new(HashMap::new()),
        }
    }

    /// Reaches only `default`'s account (a command working in one account).
    pub fn only(default: Option<Arc<Graph>>) -> Self {
        Self {
            accounts: None,
            default: RwLock::new(default),
            others: Mutex::new(HashMap::new()),
        }
    }

    pub fn set_default(&self, graph: Arc<Graph>) {
        *self.default.write().unwrap() = Some(graph);
        // Another account may have become the default: names resolve afresh.
        self.others.lock().unwrap().clear();
    }

    pub fn default_graph(&self) -> Option<Arc<Graph>> {
        self.default.read().unwrap().clone()
    }

    fn need_default(&self) -> Result<Arc<Graph>> {
        self.default_graph().ok_or_else(|| Error::SignInRequired {
            reason: "not signed in".into(),
        })
    }

    /// The client for `drive`. The first time an account is used its tokens are
    /// read from the store, on a blocking thread (the UI's task never waits on a
    /// file); after that the client is kept.
    pub async fn for_drive(&self, drive: &DriveSpec) -> Result<Arc<Graph>> {
        if drive.is_default() {
            return self.need_default();
        }
        if let Some(graph) = self.others.lock().unwrap().get(drive) {
            return Ok(graph.clone());
        }
        let base = match &drive.account {
            None => self.need_default()?,
            Some(name) => {
                let account_only = DriveSpec {
                    account: Some(name.clone()),
                    drive_id: None,
                    folder: None,
                };
                let known = self.others.lock().unwrap().get(&account_only).cloned();
                match known {
                    Some(graph) => graph,
                    None => {
                        let (config, store) =
                            self.accounts.clone().ok_or_else(|| Error::SignInRequired {
                                reason: format!("only one account is open here, not {name}"),
                            })?;
                        let (loading, name_owned) = (config.clone(), name.clone());
                        let session = tokio::task::spawn_blocking(move || {
                            Session::load_named(loading, store, Some(&name_owned))
                        })
                        .await
                        .map_err(|e| Error::Other(format!("reading the token store: {e}")))??;
                        let graph = Arc::new(Graph::new(config, Arc::new(session))?);
                        self.others
                            .lock()
                            .unwrap()
                            .insert(account_only, graph.clone());
                        graph
                    }
                }
            }
        };
        let graph = match (&drive.drive_id, &drive.folder) {
            (None, _) => base,
            (Some(id), None) => Arc::new(base.on_drive(Some(id))),
            (Some(id), Some(folder)) => Arc::new(base.on_folder(id, folder)),
        };
        self.others
            .lock()
            .unwrap()
            .insert(drive.clone(), graph.clone());
        Ok(graph)
    }
}
