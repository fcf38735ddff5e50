//! `odc login`: the device-code flow on the command line.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::{Context, Outcome};
use crate::onedrive::auth::{self, PollState, Session};
use crate::onedrive::display::escape_control;
use crate::onedrive::tokens::Account;
use crate::onedrive::{Error, Graph};

/// Whether a browser could show a window here: not over a bare SSH session.
pub fn graphical_session() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return std::env::var_os("SSH_CONNECTION").is_none();
    }
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

pub async fn login(context: &Context, no_qr: bool, no_browser: bool) -> Outcome {
    let config = context.config.clone();
    let http = auth::identity_http(&config)?;
    let code = auth::start_device_flow(&config, &http).await?;
    let minutes = code.expires_in.as_secs().div_ceil(60);
    println!(
        "To sign in, open {} and enter the code {}",
        escape_control(&code.verification_uri),
        escape_control(&code.user_code)
    );
    if !no_qr && let Some(rows) = crate::qr::qr_rows(&code.verification_uri) {
        println!("{}", rows.join("\n"));
    }
    if !no_browser
        && graphical_session()
        && let Err(err) = open::that_detached(&code.verification_uri)
    {
        tracing::info!("could not open a browser: {err}");
    }
    println!("Waiting for you to sign in (the code expires in {minutes} minutes)...");

    let (state_tx, mut state_rx) = watch::channel(PollState::Waiting);
    let watcher = tokio::spawn(async move {
        while state_rx.changed().await.is_ok() {
            if let PollState::NetworkTrouble(reason) = state_rx.borrow().clone() {
                eprintln!("odc: {reason}; still trying");
            }
        }
    });
    let tokens = auth::finish_device_flow(&config, &http, &code, Some(state_tx)).await;
    watcher.abort();
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
    let session = Arc::new(Session::new(
        config.clone(),
        context.store.clone(),
        account.clone(),
    )?);
    let graph = Graph::new(config.clone(), session)?;
    let me = tokio::time::timeout(Duration::from_secs(120), graph.me())
        .await
        .map_err(|_| Error::Network("Graph did not answer /me".into()))??;
    account.username = me
        .user_principal_name
        .clone()
        .or(me.mail.clone())
        .unwrap_or_else(|| me.id.clone());
    account.display_name = me.display_name.clone().unwrap_or_default();
    context.store.save(&account)?;
    println!(
        "Signed in as {} ({}).",
        escape_control(&account.display_name),
        escape_control(&account.username)
    );
    Ok(())
}
