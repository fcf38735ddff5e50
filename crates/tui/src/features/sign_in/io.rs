//! Signing in (device code or browser) and checking the saved session, off the UI task.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::shared::common::AccountInfo;
use crate::shared::messages::Event;
use crate::shared::services::Services;
use odc_core::config::Config;
use odc_graph::auth::{self, PollState, Session};
use odc_graph::tokens::TokenStore;
use odc_graph::{Error, Graph};

/// The sign-in under way, so that a new one replaces it.
#[derive(Default)]
pub struct SignInIo {
    running: Option<CancellationToken>,
}

/// Reads the default account's name and quota; answers `Account`.
pub fn fetch_account(services: &Services) {
    let graph = services.graphs.default_graph();
    let tx = services.tx.clone();
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
                let _ = tx.send(Event::Message(format!("Cannot read the drive: {err}")));
            }
        }
    });
}

/// Reads the token store off the UI task, then reports signed in or not.
pub fn check_session(services: &Services) {
    let (config, store, tx) = (
        services.config.clone(),
        services.store.clone(),
        services.tx.clone(),
    );
    let engine = services.engine.clone();
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

impl SignInIo {
    /// Starts a sign-in (with a device code, or in the browser), replacing one under
    /// way.
    pub fn start(&mut self, services: &Services, in_browser: bool) {
        self.stop();
        let token = CancellationToken::new();
        self.running = Some(token.clone());
        let (tx, config, store, engine) = (
            services.tx.clone(),
            services.config.clone(),
            services.store.clone(),
            services.engine.clone(),
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

    /// Stops the sign-in under way, if any (at quit).
    pub fn stop(&mut self) {
        if let Some(old) = self.running.take() {
            old.cancel();
        }
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
