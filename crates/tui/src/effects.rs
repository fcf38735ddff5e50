//! Runs the effects `update` asks for: the only place UI work is spawned. Tasks
//! never touch the state; they send events back.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use std::collections::HashMap;

use super::state::{AccountInfo, ConflictView, ErrorView};
use super::update::{Effect, Event};
use odc_core::config::Config;
use odc_engine::transfer::operations;
use odc_engine::transfer::{ConflictAnswer, Engine, EngineEvent, ErrorAnswer, Location, Question};
use odc_graph::auth::{self, PollState, Session};
use odc_graph::graphs::Graphs;
use odc_graph::path::DriveSpec;
use odc_graph::tokens::TokenStore;
use odc_graph::{Error, Graph};

/// What the loop itself must do.
pub enum LoopControl {
    Continue,
    Suspend,
    /// Put text on the terminal's clipboard (an escape sequence the surface writes).
    Clipboard(String),
    /// Give the terminal to the editor for `path`, then report `EditorExited`.
    Edit {
        ticket: u64,
        path: PathBuf,
    },
    Quit,
}

pub struct Runner {
    tx: UnboundedSender<Event>,
    config: Arc<Config>,
    store: TokenStore,
    /// Clients for every account and drive the panes show.
    graphs: Arc<Graphs>,
    listings: [Option<CancellationToken>; 2],
    sign_in: Option<CancellationToken>,
    engine: Engine,
    replies: Arc<Mutex<Replies>>,
    /// The viewed file's download URL, kept between its Range reads.
    view_urls: Arc<tokio::sync::Mutex<odc_graph::range::UrlCache>>,
    view_search: Option<CancellationToken>,
    /// Where private copies of OneDrive files being edited go.
    edits: Option<PathBuf>,
    hotlist: Option<PathBuf>,
    cache: Option<PathBuf>,
    compare: Option<CancellationToken>,
}

/// Where answers to transfer questions go.
#[derive(Default)]
struct Replies {
    next: u64,
    conflicts: HashMap<u64, tokio::sync::oneshot::Sender<ConflictAnswer>>,
    errors: HashMap<u64, tokio::sync::oneshot::Sender<ErrorAnswer>>,
}

impl Runner {
    pub fn new(
        tx: UnboundedSender<Event>,
        config: Arc<Config>,
        store: TokenStore,
        places: super::Places,
    ) -> Self {
        let (engine_tx, engine_rx) = tokio::sync::mpsc::unbounded_channel();
        let engine = Engine::new(&config.transfer, engine_tx);
        let graphs = Arc::new(Graphs::new(config.clone(), store.clone()));
        engine.set_graphs(graphs.clone());
        if let Some(resume) = places.resume {
            engine.set_resume_store(Arc::new(resume));
        }
        let replies = Arc::new(Mutex::new(Replies::default()));
        tokio::spawn(forward_engine_events(
            engine_rx,
            tx.clone(),
            replies.clone(),
        ));
        Self {
            tx,
            config,
            store,
            graphs,
            listings: [None, None],
            sign_in: None,
            engine,
            replies,
            view_urls: Arc::default(),
            view_search: None,
            edits: places.edits,
            hotlist: places.hotlist,
            cache: places.cache,
            compare: None,
        }
    }

    /// The viewed file's reader, to await inside the task that reads.
    fn reader(
        &self,
        source: super::state::viewer::ViewSource,
    ) -> impl Future<Output = super::viewing::Reader> + Send + use<> {
        let graph = match &source {
            super::state::viewer::ViewSource::Remote { path, .. } => {
                Some(self.graph_in(path.drive()))
            }
            super::state::viewer::ViewSource::Local(_) => None,
        };
        let urls = self.view_urls.clone();
        async move {
            let graph = match graph {
                Some(graph) => graph.await,
                None => None,
            };
            super::viewing::Reader::new(source, graph, urls)
        }
    }

    /// The client for a drive, to await inside the effect's task (finding another
    /// account's the first time reads the token store), or None with the reason
    /// shown when its account is signed out or unknown.
    fn graph_in(
        &self,
        drive: &DriveSpec,
    ) -> impl Future<Output = Option<Arc<Graph>>> + Send + use<> {
        let (graphs, tx, drive) = (self.graphs.clone(), self.tx.clone(), drive.clone());
        async move {
            if drive.is_default() {
                return graphs.default_graph();
            }
            match graphs.for_drive(&drive).await {
                Ok(graph) => Some(graph),
                Err(err) => {
                    let _ = tx.send(Event::Message(format!(
                        "{}: {err}",
                        odc_core::display::escape_control(&drive.prefix())
                    )));
                    None
                }
            }
        }
    }

    /// [`Runner::graph_in`] for a location's drive (the default one for a local
    /// place).
    fn graph_at(
        &self,
        location: &Location,
    ) -> impl Future<Output = Option<Arc<Graph>>> + Send + use<> {
        let drive = match location {
            Location::Remote(path) => path.drive().clone(),
            Location::Local(_) => DriveSpec::default(),
        };
        self.graph_in(&drive)
    }

    /// A pane's next listing or find: the one before it stops.
    fn new_listing(&mut self, pane: usize) -> CancellationToken {
        if let Some(old) = self.listings[pane].take() {
            old.cancel();
        }
        let token = CancellationToken::new();
        self.listings[pane] = Some(token.clone());
        token
    }

    pub fn run(&mut self, effect: Effect) -> LoopControl {
        match effect {
            Effect::List {
                pane,
                ticket,
                source,
            } => {
                let token = self.new_listing(pane);
                let tx = self.tx.clone();
                match source {
                    Location::Local(path) => {
                        tokio::task::spawn_blocking(move || {
                            super::listing::list_local(&path, pane, ticket, &tx, &token)
                        });
                    }
                    Location::Remote(path) => {
                        let graph = self.graph_in(path.drive());
                        tokio::spawn(async move {
                            let Some(graph) = graph.await else { return };
                            tokio::select! {
                                _ = token.cancelled() => {}
                                _ = super::listing::list_remote(&graph, &path, pane, ticket, &tx) => {}
                            }
                        });
                    }
                }
            }
            Effect::Find {
                pane,
                ticket,
                base,
                query,
            } => {
                let token = self.new_listing(pane);
                let tx = self.tx.clone();
                match base {
                    Location::Local(path) => {
                        tokio::task::spawn_blocking(move || {
                            let sink = super::listing::PageSink {
                                tx: &tx,
                                pane,
                                ticket,
                            };
                            super::finding::find_local(&path, &query, &sink, &token)
                        });
                    }
                    Location::Remote(path) => {
                        let graph = self.graph_in(path.drive());
                        tokio::spawn(async move {
                            let Some(graph) = graph.await else { return };
                            let sink = super::listing::PageSink {
                                tx: &tx,
                                pane,
                                ticket,
                            };
                            tokio::select! {
                                _ = token.cancelled() => {}
                                _ = super::finding::find_remote(&graph, &path, &query, &sink) => {}
                            }
                        });
                    }
                }
            }
            Effect::CheckSession => self.check_session(),
            Effect::StartSignIn => self.start_sign_in(false),
            Effect::StartBrowserSignIn => self.start_sign_in(true),
            Effect::OpenBrowser(url) => self.open(url, "the sign-in page"),
            Effect::OpenLocal(path) => self.open(path.to_string_lossy().into_owned(), "files"),
            Effect::FetchAccount => {
                let graph = self.graphs.default_graph();
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
            Effect::Submit(request) => self.engine.submit(request),
            Effect::AnswerConflict { question, answer } => {
                if let Some(reply) = self.replies.lock().unwrap().conflicts.remove(&question) {
                    let _ = reply.send(answer);
                }
            }
            Effect::AnswerError { question, answer } => {
                if let Some(reply) = self.replies.lock().unwrap().errors.remove(&question) {
                    let _ = reply.send(answer);
                }
            }
            Effect::CancelTask(id) => self.engine.cancel(id),
            Effect::PauseTask(id) => self.engine.toggle_pause(id),
            Effect::RetryTask(id) => self.engine.retry(id),
            Effect::ClearFinished => self.engine.clear_finished(),
            Effect::CheckInterrupted => {
                // A file read, shared with other odc processes: off the UI task.
                let (engine, tx) = (self.engine.clone(), self.tx.clone());
                tokio::task::spawn_blocking(move || match engine.interrupted() {
                    Ok(records) if !records.is_empty() => {
                        let files = records.iter().map(|(_, r)| r.describe()).collect();
                        let _ = tx.send(Event::Ask(super::state::Dialog::Resume { files }));
                    }
                    Ok(_) => {}
                    Err(err) => {
                        let _ = tx.send(Event::Message(err.to_string()));
                    }
                });
            }
            Effect::ResumeInterrupted => self.engine.resume_interrupted(),
            Effect::DiscardInterrupted => self.engine.discard_interrupted(),
            Effect::SampleTransfers => {
                let samples = self.engine.sample();
                let now_ms = chrono::Utc::now().timestamp_millis();
                let waiting = self.graphs.default_graph().and_then(|g| g.waiting_reason());
                let _ = self.tx.send(Event::Progress {
                    now_ms,
                    samples,
                    waiting,
                });
            }
            Effect::Mkdir { dir, name } => {
                let graph = self.graph_at(&dir);
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let graph = graph.await;
                    let result = operations::mkdir(graph.as_deref(), &dir, &name).await;
                    report(&tx, result, dir, format!("Created {name}"));
                });
            }
            Effect::Rename { dir, from, to } => {
                let graph = self.graph_at(&dir);
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let graph = graph.await;
                    let result = operations::rename(graph.as_deref(), &dir, &from, &to).await;
                    report(&tx, result, dir, format!("Renamed {from} to {to}"));
                });
            }
            Effect::Delete { dir, names, local } => {
                let graph = self.graph_at(&dir);
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let graph = graph.await;
                    let result = operations::delete(graph.as_deref(), &dir, &names, local).await;
                    let done = if dir.is_remote() {
                        format!("Deleted {} (in the OneDrive recycle bin)", names.len())
                    } else {
                        format!("Deleted {}", names.len())
                    };
                    report(&tx, result, dir, done);
                });
            }
            Effect::ViewRead {
                ticket,
                source,
                index,
            } => {
                let (reader, tx) = (self.reader(source), self.tx.clone());
                tokio::spawn(async move {
                    let result = reader.await.block(index).await;
                    let _ = tx.send(Event::ViewBlock {
                        ticket,
                        index,
                        result,
                    });
                });
            }
            Effect::ViewSearch {
                ticket,
                source,
                request,
            } => {
                if let Some(old) = self.view_search.take() {
                    old.cancel();
                }
                let token = CancellationToken::new();
                self.view_search = Some(token.clone());
                let (reader, tx) = (self.reader(source), self.tx.clone());
                tokio::spawn(async move {
                    let reader = reader.await;
                    let result = tokio::select! {
                        _ = token.cancelled() => return,
                        r = super::viewing::search(&reader, &request, &token) => r,
                    };
                    let _ = tx.send(Event::ViewFound { ticket, result });
                });
            }
            Effect::CancelViewSearch => {
                if let Some(old) = self.view_search.take() {
                    old.cancel();
                }
            }
            Effect::FetchForEdit { ticket, id, drive } => {
                let graph = self.graph_in(&drive);
                let (edits, tx) = (self.edits.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let result = match (graph.await, edits) {
                        (Some(graph), Some(edits)) => {
                            super::editing::fetch(&graph, &edits, &id).await
                        }
                        (None, _) => Err("Sign in to OneDrive first".into()),
                        (_, None) => Err("no cache directory to keep the copy in".into()),
                    };
                    let _ = tx.send(Event::EditFetched { ticket, result });
                });
            }
            Effect::RunEditor { ticket, path } => return LoopControl::Edit { ticket, path },
            Effect::CompleteFolders { ticket, folder } => {
                let graph = self.graph_at(&folder);
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let graph = graph.await;
                    let result = super::listing::folder_names(graph.as_deref(), &folder).await;
                    let _ = tx.send(Event::Completions { ticket, result });
                });
            }
            Effect::CreateLink {
                ticket,
                id,
                kind,
                drive,
            } => {
                let graph = self.graph_in(&drive);
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = match graph.await {
                        Some(graph) => graph
                            .create_link(&odc_graph::ItemAddress::Id(id), kind, None)
                            .await
                            .map_err(|e| e.to_string()),
                        None => Err("Sign in to OneDrive first".into()),
                    };
                    let _ = tx.send(Event::LinkMade { ticket, result });
                });
            }
            Effect::Clipboard(text) => return LoopControl::Clipboard(text),
            Effect::Compare {
                ticket,
                left,
                right,
                quick,
            } => {
                if let Some(old) = self.compare.take() {
                    old.cancel();
                }
                let token = CancellationToken::new();
                self.compare = Some(token.clone());
                let sides = (self.graph_at(&left), self.graph_at(&right));
                let places = odc_engine::compare::locations::Places {
                    cache_dir: self.cache.clone(),
                    graph_url: self.config.endpoints.graph_url.clone(),
                    follow_symlinks: self.config.transfer.follow_symlinks,
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let graphs = (sides.0.await, sides.1.await);
                    let mode = if quick {
                        odc_engine::compare::Mode::Quick
                    } else {
                        odc_engine::compare::Mode::Content
                    };
                    let progress_tx = tx.clone();
                    let progress = move |text: String| {
                        let _ = progress_tx.send(Event::CompareProgress { ticket, text });
                    };
                    let work = odc_engine::compare::locations::compare(
                        [graphs.0.as_deref(), graphs.1.as_deref()],
                        &left,
                        &right,
                        mode,
                        &places,
                        &progress,
                    );
                    let result = tokio::select! {
                        _ = token.cancelled() => return,
                        r = work => r,
                    };
                    let result = result
                        .map(|c| (c.lines, c.notes))
                        .map_err(|(side, err)| format!("{side}: {err}"));
                    let _ = tx.send(Event::Compared { ticket, result });
                });
            }
            Effect::CancelCompare => {
                if let Some(old) = self.compare.take() {
                    old.cancel();
                }
            }
            Effect::Sync {
                making_room,
                deletes,
                requests,
            } => {
                let graphs: Vec<_> = making_room
                    .iter()
                    .chain(&deletes)
                    .map(|target| self.graph_at(target))
                    .collect();
                let (engine, tx) = (self.engine.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let mut graphs = futures::future::join_all(graphs).await.into_iter();
                    let mut gone = 0;
                    let mut remove = async |targets: &[Location]| {
                        for target in targets {
                            let graph = graphs.next().flatten();
                            match odc_engine::compare::sync::remove(graph.as_deref(), target).await
                            {
                                Ok(()) => gone += 1,
                                Err(problem) => {
                                    let _ = tx.send(Event::Message(format!("{target}: {problem}")));
                                }
                            }
                        }
                    };
                    remove(&making_room).await;
                    // The preview said these replace what is there: no question per
                    // file. The deletions wait for every copy to go through.
                    let settled: Vec<_> = requests
                        .into_iter()
                        .map(|request| {
                            engine.submit_then(
                                request,
                                Some(odc_engine::transfer::Resolution::Overwrite),
                            )
                        })
                        .collect();
                    let copied = futures::future::join_all(settled)
                        .await
                        .into_iter()
                        .all(|ok| ok.unwrap_or(false));
                    if copied {
                        remove(&deletes).await;
                    } else if !deletes.is_empty() {
                        let _ = tx.send(Event::Message(
                            "Sync: nothing deleted: some files could not be copied".into(),
                        ));
                    }
                    if gone > 0 {
                        let _ = tx.send(Event::Message(format!(
                            "Sync: {gone} item(s) moved to the recycle bin or trash"
                        )));
                    }
                    let folders: Vec<Location> = making_room
                        .iter()
                        .chain(&deletes)
                        .filter_map(Location::parent)
                        .collect();
                    let _ = tx.send(Event::Changed(folders));
                });
            }
            Effect::FetchDriveInfo { drive } => {
                let (graph, tx) = (self.graph_in(&drive), self.tx.clone());
                tokio::spawn(async move {
                    let Some(graph) = graph.await else { return };
                    match graph.drive().await {
                        Ok(info) => {
                            let quota = info.quota;
                            let _ = tx.send(Event::DriveInfo {
                                drive,
                                used: quota.as_ref().and_then(|q| q.used),
                                total: quota.as_ref().and_then(|q| q.total),
                            });
                        }
                        Err(err) => {
                            let _ = tx.send(Event::Message(format!(
                                "Cannot read the drive {}: {err}",
                                odc_core::display::escape_control(&drive.prefix())
                            )));
                        }
                    }
                });
            }
            Effect::LoadPlaces { ticket } => {
                super::places::load(
                    self.graphs.clone(),
                    self.store.clone(),
                    &self.config,
                    ticket,
                    &self.tx,
                );
            }
            Effect::SearchSites { ticket, text } => {
                super::places::search(
                    self.graphs.clone(),
                    self.store.clone(),
                    &self.config,
                    ticket,
                    text,
                    &self.tx,
                );
            }
            Effect::LoadHotlist => {
                if let Some(path) = self.hotlist.clone() {
                    let tx = self.tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let _ = tx.send(Event::Hotlist(super::hotlist::load(&path)));
                    });
                }
            }
            Effect::SaveHotlist(folders) => match self.hotlist.clone() {
                Some(path) => {
                    let tx = self.tx.clone();
                    tokio::task::spawn_blocking(move || {
                        if let Err(problem) = super::hotlist::save(&path, &folders) {
                            let _ = tx.send(Event::Message(format!(
                                "Cannot save the hotlist: {problem}"
                            )));
                        }
                    });
                }
                None => {
                    let _ = self.tx.send(Event::Message(
                        "No data directory: the hotlist is not saved".into(),
                    ));
                }
            },
            Effect::UploadEdit {
                ticket,
                copy,
                remote,
                how,
            } => {
                let graph = self.graph_in(remote.drive());
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = match graph.await {
                        Some(graph) => super::editing::upload(&graph, &copy, &remote, how).await,
                        None => Err("Sign in to OneDrive first".into()),
                    };
                    let _ = tx.send(Event::EditUploaded { ticket, result });
                });
            }
            Effect::DiscardEdit { file } => {
                tokio::task::spawn_blocking(move || super::editing::discard(&file));
            }
            Effect::Suspend => return LoopControl::Suspend,
            Effect::Quit => {
                for token in self.listings.iter().flatten() {
                    token.cancel();
                }
                if let Some(token) = &self.sign_in {
                    token.cancel();
                }
                return LoopControl::Quit;
            }
        }
        LoopControl::Continue
    }

    fn open(&self, target: String, what: &str) {
        if odc_core::desktop::graphical_session() {
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

    /// Reads the token store off the UI task, then reports signed in or not.
    fn check_session(&mut self) {
        let (config, store, tx) = (self.config.clone(), self.store.clone(), self.tx.clone());
        let engine = self.engine.clone();
        tokio::spawn(async move {
            let loaded = tokio::task::spawn_blocking({
                let config = config.clone();
                move || Session::load(config, store)
            })
            .await
            .unwrap_or_else(|e| Err(Error::Other(e.to_string())));
            let event = match loaded.and_then(|session| {
                let session = Arc::new(session);
                Graph::new(config, session.clone()).map(|graph| (session, Arc::new(graph)))
            }) {
                Ok((session, graph)) => {
                    engine.set_graph(graph);
                    let name = session.username().await;
                    Event::SignedIn(AccountInfo {
                        name,
                        ..Default::default()
                    })
                }
                Err(Error::NoClientId) => Event::SignInFailed(Error::NoClientId.to_string()),
                Err(Error::SignInRequired { .. }) => Event::SignInNeeded,
                Err(err) => Event::SignInFailed(err.to_string()),
            };
            let _ = tx.send(event);
        });
    }

    /// Starts a sign-in (with a device code, or in the browser), replacing one under
    /// way.
    fn start_sign_in(&mut self, in_browser: bool) {
        if let Some(old) = self.sign_in.take() {
            old.cancel();
        }
        let token = CancellationToken::new();
        self.sign_in = Some(token.clone());
        let (tx, config, store, engine) = (
            self.tx.clone(),
            self.config.clone(),
            self.store.clone(),
            self.engine.clone(),
        );
        tokio::spawn(async move {
            tokio::select! {
                _ = token.cancelled() => {}
                result = sign_in(&config, &store, &tx, in_browser) => match result {
                    Ok(graph) => {
                        let name = graph.session().username().await;
                        engine.set_graph(graph);
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
    in_browser: bool,
) -> Result<Arc<Graph>, Error> {
    let http = auth::identity_http(config)?;
    if in_browser {
        use odc_graph::browser_auth;
        let options = browser_auth::BrowserOptions {
            login_hint: None,
            select_account: true,
        };
        let flow = browser_auth::start_browser_flow(config, &options).await?;
        let _ = tx.send(Event::SignInBrowser(flow.url.clone()));
        // Kept until the sign-in is over (the browser may read the page late).
        let mut _page = None;
        if !odc_core::desktop::graphical_session() {
            let _ = tx.send(Event::Message(
                "No graphical session here: open the address shown in a browser on this computer"
                    .into(),
            ));
        } else {
            match odc_core::desktop::open_url_privately(&flow.url) {
                Ok(page) => _page = Some(page),
                Err(err) => {
                    let _ = tx.send(Event::Message(format!(
                        "Cannot open a browser ({err}): open the address shown"
                    )));
                }
            }
        }
        let timeout = std::time::Duration::from_secs(config.account.browser_timeout_secs);
        let tokens = browser_auth::finish_browser_flow(config, &http, flow, timeout).await;
        let (_, graph) = odc_graph::sign_in::complete_sign_in(config, store, tokens?, None).await?;
        return Ok(Arc::new(graph));
    }
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
    let (_, graph) = odc_graph::sign_in::complete_sign_in(config, store, tokens?, None).await?;
    Ok(Arc::new(graph))
}

/// Turns engine events into UI events, keeping the reply channels of questions.
async fn forward_engine_events(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<EngineEvent>,
    tx: UnboundedSender<Event>,
    replies: Arc<Mutex<Replies>>,
) {
    while let Some(event) = rx.recv().await {
        let event = match event {
            EngineEvent::Added(info) => Event::TaskAdded(info),
            EngineEvent::State { id, state } => Event::TaskState { id, state },
            EngineEvent::Renamed { id, name } => Event::TaskRenamed { id, name },
            EngineEvent::Problem(problem) => Event::Message(problem),
            EngineEvent::Finished { changed } => Event::RequestFinished(changed),
            EngineEvent::Ask(question) => {
                let mut replies = replies.lock().unwrap();
                replies.next += 1;
                let id = replies.next;
                match question {
                    Question::Conflict {
                        name,
                        source_size,
                        source_modified,
                        target_size,
                        target_modified,
                        reply,
                        ..
                    } => {
                        replies.conflicts.insert(id, reply);
                        Event::Ask(super::state::Dialog::Conflict(ConflictView {
                            question: id,
                            name,
                            source_size,
                            source_modified,
                            target_size,
                            target_modified,
                        }))
                    }
                    Question::Error {
                        name,
                        message,
                        reply,
                        ..
                    } => {
                        replies.errors.insert(id, reply);
                        Event::Ask(super::state::Dialog::Error(ErrorView {
                            question: id,
                            name,
                            message,
                        }))
                    }
                }
            }
        };
        if tx.send(event).is_err() {
            return;
        }
    }
}

fn report(tx: &UnboundedSender<Event>, result: Result<(), Error>, dir: Location, done: String) {
    let message = match result {
        Ok(()) => done,
        Err(err) => err.to_string(),
    };
    let _ = tx.send(Event::Message(message));
    let _ = tx.send(Event::Changed(vec![dir]));
}
