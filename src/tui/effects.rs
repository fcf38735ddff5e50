//! Runs the effects `update` asks for: the only place UI work is spawned. Tasks
//! never touch the state; they send events back.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::state::{AccountInfo, Entry, RemoteDetails, Source};
use super::update::{Effect, Event};
use crate::config::Config;
use crate::onedrive::auth::{self, PollState, Session};
use crate::onedrive::tokens::{Account, TokenStore};
use crate::onedrive::{DriveItem, Error, Graph, ItemAddress, RemotePath};

/// Entries per page sent from a local listing.
const LOCAL_PAGE: usize = 500;

/// What the loop itself must do.
pub enum Control {
    Continue,
    Suspend,
    Quit,
}

pub struct Runner {
    tx: UnboundedSender<Event>,
    config: Arc<Config>,
    store: TokenStore,
    graph: Arc<Mutex<Option<Arc<Graph>>>>,
    listings: [Option<CancellationToken>; 2],
    sign_in: Option<CancellationToken>,
}

impl Runner {
    pub fn new(tx: UnboundedSender<Event>, config: Arc<Config>, store: TokenStore) -> Self {
        Self {
            tx,
            config,
            store,
            graph: Arc::default(),
            listings: [None, None],
            sign_in: None,
        }
    }

    pub fn run(&mut self, effect: Effect) -> Control {
        match effect {
            Effect::List {
                pane,
                ticket,
                source,
            } => {
                if let Some(old) = self.listings[pane].take() {
                    old.cancel();
                }
                let token = CancellationToken::new();
                self.listings[pane] = Some(token.clone());
                let tx = self.tx.clone();
                match source {
                    Source::Local(path) => {
                        tokio::task::spawn_blocking(move || {
                            list_local(&path, pane, ticket, &tx, &token)
                        });
                    }
                    Source::Remote(path) => {
                        let graph = self.graph.lock().unwrap().clone();
                        tokio::spawn(async move {
                            let Some(graph) = graph else { return };
                            tokio::select! {
                                _ = token.cancelled() => {}
                                _ = list_remote(&graph, &path, pane, ticket, &tx) => {}
                            }
                        });
                    }
                }
            }
            Effect::CheckSession => self.check_session(),
            Effect::StartSignIn => self.start_sign_in(),
            Effect::OpenBrowser(url) => self.open(url, "the sign-in page"),
            Effect::OpenLocal(path) => self.open(path.to_string_lossy().into_owned(), "files"),
            Effect::FetchAccount => {
                let graph = self.graph.lock().unwrap().clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let Some(graph) = graph else { return };
                    let name = graph.session().username().await;
                    match graph.drive().await {
                        Ok(drive) => {
                            let quota = drive.quota;
                            let _ = tx.send(Event::Account(AccountInfo {
                                name,
                                quota_used: quota.as_ref().and_then(|q| q.used),
                                quota_total: quota.as_ref().and_then(|q| q.total),
                            }));
                        }
                        Err(err) => {
                            let _ =
                                tx.send(Event::Message(format!("Cannot read the drive: {err}")));
                        }
                    }
                });
            }
            Effect::Suspend => return Control::Suspend,
            Effect::Quit => {
                for token in self.listings.iter().flatten() {
                    token.cancel();
                }
                if let Some(token) = &self.sign_in {
                    token.cancel();
                }
                return Control::Quit;
            }
        }
        Control::Continue
    }

    fn open(&self, target: String, what: &str) {
        if crate::cli::login_support::graphical_session() {
            if let Err(err) = open::that_detached(&target) {
                let _ = self
                    .tx
                    .send(Event::Message(format!("Cannot open {what}: {err}")));
            }
        } else {
            let _ = self.tx.send(Event::Message(format!(
                "No graphical session here: cannot open {what}"
            )));
        }
    }

    fn check_session(&mut self) {
        match Session::load(self.config.clone(), self.store.clone()) {
            Ok(session) => {
                let session = Arc::new(session);
                match Graph::new(self.config.clone(), session.clone()) {
                    Ok(graph) => {
                        *self.graph.lock().unwrap() = Some(Arc::new(graph));
                        let tx = self.tx.clone();
                        tokio::spawn(async move {
                            let name = session.username().await;
                            let _ = tx.send(Event::SignedIn(AccountInfo {
                                name,
                                ..Default::default()
                            }));
                        });
                    }
                    Err(err) => {
                        let _ = self.tx.send(Event::SignInFailed(err.to_string()));
                    }
                }
            }
            Err(Error::NoClientId) => {
                let _ = self
                    .tx
                    .send(Event::SignInFailed(Error::NoClientId.to_string()));
            }
            Err(_) => {
                let _ = self.tx.send(Event::SignInNeeded);
            }
        }
    }

    fn start_sign_in(&mut self) {
        if let Some(old) = self.sign_in.take() {
            old.cancel();
        }
        let token = CancellationToken::new();
        self.sign_in = Some(token.clone());
        let (tx, config, store, graph_slot) = (
            self.tx.clone(),
            self.config.clone(),
            self.store.clone(),
            self.graph.clone(),
        );
        tokio::spawn(async move {
            tokio::select! {
                _ = token.cancelled() => {}
                result = sign_in(&config, &store, &tx) => match result {
                    Ok(graph) => {
                        let name = graph.session().username().await;
                        *graph_slot.lock().unwrap() = Some(graph);
                        let _ = tx.send(Event::SignedIn(AccountInfo { name, ..Default::default() }));
                    }
                    Err(err) => {
                        let _ = tx.send(Event::SignInFailed(err.to_string()));
                    }
                }
            }
        });
    }
}

async fn sign_in(
    config: &Arc<Config>,
    store: &TokenStore,
    tx: &UnboundedSender<Event>,
) -> Result<Arc<Graph>, Error> {
    let http = auth::identity_http(config)?;
    let code = auth::start_device_flow(config, &http).await?;
    let _ = tx.send(Event::SignInCode {
        user_code: code.user_code.clone(),
        verification_uri: code.verification_uri.clone(),
        expires_at: chrono::Utc::now().timestamp() + code.expires_in.as_secs() as i64,
    });
    let (state_tx, mut state_rx) = tokio::sync::watch::channel(PollState::Waiting);
    let forward = {
        let tx = tx.clone();
        tokio::spawn(async move {
            while state_rx.changed().await.is_ok() {
                let trouble = match state_rx.borrow().clone() {
                    PollState::Waiting => None,
                    PollState::NetworkTrouble(reason) => Some(reason),
                };
                let _ = tx.send(Event::SignInTrouble(trouble));
            }
        })
    };
    let tokens = auth::finish_device_flow(config, &http, &code, Some(state_tx)).await;
    forward.abort();
    let tokens = tokens?;
    let mut account = Account {
        username: String::new(),
        display_name: String::new(),
        authority_url: config.endpoints.authority_url.clone(),
        tenant: config.account.tenant.clone(),
        client_id: config.account.client_id.clone(),
        graph_url: config.endpoints.graph_url.clone(),
        scopes: config.account.scopes.clone(),
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: tokens.expires_at,
    };
    let probe = Graph::new(
        config.clone(),
        Arc::new(Session::new(
            config.clone(),
            store.clone(),
            account.clone(),
        )?),
    )?;
    let me = probe.me().await?;
    account.username = me.user_principal_name.or(me.mail).unwrap_or(me.id);
    account.display_name = me.display_name.unwrap_or_default();
    store.save(&account)?;
    let session = Arc::new(Session::new(config.clone(), store.clone(), account)?);
    Ok(Arc::new(Graph::new(config.clone(), session)?))
}

fn entry_of(item: DriveItem) -> Entry {
    Entry {
        is_dir: item.is_folder(),
        size: item.size,
        modified: item.modified(),
        remote: Some(RemoteDetails {
            id: item.id.clone(),
            created: item
                .file_system_info
                .as_ref()
                .and_then(|f| f.created_date_time)
                .or(item.created_date_time),
            quick_xor_hash: item.quick_xor_hash().map(str::to_string),
            kind: item.kind(),
        }),
        name: item.name,
    }
}

async fn list_remote(
    graph: &Graph,
    path: &RemotePath,
    pane: usize,
    ticket: u64,
    tx: &UnboundedSender<Event>,
) {
    let fail = |message: String| {
        let _ = tx.send(Event::ListFailed {
            pane,
            ticket,
            message,
        });
    };
    let folder = match graph.item(&ItemAddress::Path(path.clone())).await {
        Ok(item) if item.is_folder() => item,
        Ok(_) => return fail(format!("{path} is not a folder")),
        Err(err) => return fail(format!("{path}: {err}")),
    };
    let mut pages = std::pin::pin!(graph.list(&ItemAddress::Id(folder.id)));
    while let Some(page) = pages.next().await {
        match page {
            Ok(items) => {
                let entries = items.into_iter().map(entry_of).collect();
                if tx
                    .send(Event::Page {
                        pane,
                        ticket,
                        entries,
                        done: false,
                    })
                    .is_err()
                {
                    return;
                }
            }
            Err(err) => return fail(format!("{path}: {err}")),
        }
    }
    let _ = tx.send(Event::Page {
        pane,
        ticket,
        entries: Vec::new(),
        done: true,
    });
}

/// Runs on the blocking pool: a 100,000-entry directory streams in pages and the
/// UI keeps taking input.
fn list_local(
    path: &Path,
    pane: usize,
    ticket: u64,
    tx: &UnboundedSender<Event>,
    token: &CancellationToken,
) {
    let reader = match std::fs::read_dir(path) {
        Ok(reader) => reader,
        Err(err) => {
            let _ = tx.send(Event::ListFailed {
                pane,
                ticket,
                message: format!("{}: {err}", path.display()),
            });
            return;
        }
    };
    let mut page = Vec::with_capacity(LOCAL_PAGE);
    for entry in reader {
        if token.is_cancelled() {
            return;
        }
        let Ok(entry) = entry else { continue };
        let full: PathBuf = entry.path();
        let metadata = std::fs::metadata(&full).or_else(|_| entry.metadata());
        let (is_dir, size, modified) = match metadata {
            Ok(m) => (
                m.is_dir(),
                m.len(),
                m.modified().ok().map(chrono::DateTime::<chrono::Utc>::from),
            ),
            Err(_) => (false, 0, None),
        };
        page.push(Entry {
            name: entry.file_name().to_string_lossy().into_owned(),
            is_dir,
            size: if is_dir { 0 } else { size },
            modified,
            remote: None,
        });
        if page.len() == LOCAL_PAGE {
            let entries = std::mem::replace(&mut page, Vec::with_capacity(LOCAL_PAGE));
            if tx
                .send(Event::Page {
                    pane,
                    ticket,
                    entries,
                    done: false,
                })
                .is_err()
            {
                return;
            }
        }
    }
    let _ = tx.send(Event::Page {
        pane,
        ticket,
        entries: page,
        done: true,
    });
}
