//! `odc login`: the device-code flow on the command line.

use tokio::sync::watch;

use super::{Context, Outcome};
use crate::onedrive::auth::{self, PollState};
use crate::onedrive::display::escape_control;

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
