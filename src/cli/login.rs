//! `odc login`: the device-code flow on the command line.

use tokio::sync::watch;

use super::{Context, Outcome};
use crate::onedrive::auth::{self, PollState};
use crate::onedrive::display::escape_control;

pub async fn login(context: &Context, no_qr: bool, no_browser: bool, force: bool) -> Outcome {
    let config = context.config.clone();
    if !force && let Some(account) = context.store.current(&config)? {
        let who = escape_control(&account.username);
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() {
            return Err(crate::onedrive::Error::Other(format!(
                "already signed in as {who}; `odc login --force` signs in again"
            ))
            .into());
        }
        print!("Already signed in as {who}. Sign in again? [y/N] ");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let answer = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map(|_| line)
        })
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Still signed in as {who}.");
            return Ok(());
        }
    }
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
        && crate::desktop::graphical_session()
        && let Err(err) = open::that_detached(&code.verification_uri)
    {
        tracing::info!("could not open a browser: {err}");
    }
    println!("Waiting for you to sign in (the code expires in {minutes} minutes)...");

    let (state_tx, mut state_rx) = watch::channel(PollState::Waiting);
    let watcher = tokio::spawn(async move {
        while state_rx.changed().await.is_ok() {
            if let PollState::NetworkTrouble(reason) = state_rx.borrow().clone() {
                eprintln!(
                    "odc: {}; still trying",
                    crate::onedrive::display::escape_control(&reason)
                );
            }
        }
    });
    let tokens = auth::finish_device_flow(&config, &http, &code, Some(state_tx)).await;
    watcher.abort();
    let tokens = tokens?;

    let (account, _) = auth::complete_sign_in(&config, &context.store, tokens).await?;
    println!(
        "Signed in as {} ({}).",
        escape_control(&account.display_name),
        escape_control(&account.username)
    );
    Ok(())
}
