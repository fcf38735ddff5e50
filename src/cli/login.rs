//! `odc login`: sign in in the browser (authorization code with PKCE and a loopback
//! redirect) or with a device code, and add the account to the token store.

use std::time::Duration;

use tokio::sync::watch;

use super::context::{Context, Outcome};
use odc_core::display::escape_control;
use odc_graph::auth::{self, PollState, Tokens};
use odc_graph::browser_auth::{self, BrowserOptions};

/// How `odc login` was asked to sign in.
pub struct LoginOptions {
    pub browser: bool,
    pub device_code: bool,
    pub no_qr: bool,
    pub no_browser: bool,
    pub name: Option<String>,
    pub make_default: bool,
}

pub async fn login(context: &Context, options: LoginOptions) -> Outcome {
    let config = context.config.clone();
    if let Some(name) = &options.name {
        odc_graph::path::check_account_name(name)?;
    }
    let (before, _) = context.store.list(&config)?;
    let use_browser = options.browser
        || (!options.device_code && !options.no_browser && odc_core::desktop::graphical_session());
    let http = auth::identity_http(&config)?;
    let tokens = if use_browser {
        browser_sign_in(context, &http, !before.is_empty()).await?
    } else {
        device_code_sign_in(context, &http, &options).await?
    };
    let (account, _) = odc_graph::sign_in::complete_sign_in(
        &config,
        &context.store,
        tokens,
        options.name.as_deref(),
    )
    .await?;
    if options.make_default {
        context.store.make_default(&account.username)?;
    }
    let again = before.iter().any(|a| a.username == account.username);
    outln!(
        "Signed in{} as {} ({}), account {:?} ({}).",
        if again { " again" } else { "" },
        escape_control(&account.display_name),
        escape_control(&account.username),
        escape_control(&account.name),
        escape_control(&account.kind),
    );
    let (after, default) = context.store.list(&config)?;
    if after.len() > 1 && default.as_deref() == Some(account.username.as_str()) {
        outln!("It is the default account.");
    } else if after.len() > 1 {
        outln!(
            "Use it with --account {} or {}:/path; `odc accounts --set-default {}` makes it the default.",
            escape_control(&account.name),
            escape_control(&account.name),
            escape_control(&account.name)
        );
    }
    Ok(())
}

async fn browser_sign_in(
    context: &Context,
    http: &reqwest::Client,
    adding: bool,
) -> odc_graph::Result<Tokens> {
    let config = &context.config;
    let options = BrowserOptions {
        login_hint: None,
        // Another account is signed in already: let the person pick which one.
        select_account: adding,
    };
    let sign_in = browser_auth::start_browser_flow(config, &options).await?;
    let url = escape_control(&sign_in.url);
    // Kept until the sign-in is over (the browser may read the page late).
    let _page = odc_core::desktop::open_url_privately(&sign_in.url);
    match &_page {
        Ok(_) => {
            outln!("Opened the sign-in page in your browser. If it did not appear, open:\n{url}")
        }
        Err(err) => {
            tracing::info!("could not open a browser: {err}");
            outln!("Open this address in a browser on this computer to sign in:\n{url}");
        }
    }
    let timeout = Duration::from_secs(config.account.browser_timeout_secs);
    outln!(
        "Waiting for the browser (up to {})...",
        odc_graph::retry::describe_wait(timeout)
    );
    browser_auth::finish_browser_flow(config, http, sign_in, timeout).await
}

async fn device_code_sign_in(
    context: &Context,
    http: &reqwest::Client,
    options: &LoginOptions,
) -> odc_graph::Result<Tokens> {
    let config = &context.config;
    let code = auth::start_device_flow(config, http).await?;
    let minutes = code.expires_in.as_secs().div_ceil(60);
    outln!(
        "To sign in, open {} and enter the code {}",
        escape_control(&code.verification_uri),
        escape_control(&code.user_code)
    );
    if !options.no_qr
        && let Some(rows) = odc_core::qr::qr_rows(&code.verification_uri)
    {
        outln!("{}", rows.join("\n"));
    }
    if !options.no_browser
        && odc_core::desktop::graphical_session()
        && let Err(err) = odc_core::desktop::open_url(&code.verification_uri)
    {
        tracing::info!("could not open a browser: {err}");
    }
    outln!("Waiting for you to sign in (the code expires in {minutes} minutes)...");

    let (state_tx, mut state_rx) = watch::channel(PollState::Waiting);
    let watcher = tokio::spawn(async move {
        while state_rx.changed().await.is_ok() {
            if let PollState::NetworkTrouble(reason) = state_rx.borrow().clone() {
                errln!("odc: {}; still trying", escape_control(&reason));
            }
        }
    });
    let tokens = auth::finish_device_flow(config, http, &code, Some(state_tx)).await;
    watcher.abort();
    tokens
}
