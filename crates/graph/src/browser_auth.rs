//! Sign-in in the browser: the authorization code grant with PKCE (S256) and a
//! loopback redirect, for a public client (Graph reference §10.4). odc listens on a
//! free port of localhost, opens the sign-in page, and the browser comes back to it
//! with a code that only the holder of the PKCE verifier can redeem.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RequestTokenError, TokenUrl,
};

use super::auth::{OAuthHttp, Tokens, describe_sts, scopes, tokens_from};
use super::error::{Error, Result};
use super::loopback::Loopback;
use odc_core::config::Config;

/// A browser sign-in under way: the page to open and the listener waiting for it.
pub struct BrowserSignIn {
    /// The sign-in page (the identity platform's `/authorize` with our parameters).
    pub url: String,
    listener: Loopback,
    verifier: PkceCodeVerifier,
    state: CsrfToken,
    redirect_uri: String,
}

/// Options of one browser sign-in.
#[derive(Debug, Clone, Default)]
pub struct BrowserOptions {
    /// Pre-fills the account on the sign-in page (`login_hint`).
    pub login_hint: Option<String>,
    /// Ask which account to use even when the browser is signed in to one
    /// (`prompt=select_account`): adding a second account needs it.
    pub select_account: bool,
}

/// Starts listening and builds the sign-in page's address.
pub async fn start_browser_flow(
    config: &Config,
    options: &BrowserOptions,
) -> Result<BrowserSignIn> {
    if config.account.client_id.is_empty() {
        return Err(Error::NoClientId);
    }
    let listener = Loopback::bind().await?;
    let redirect_uri = listener.redirect_uri();
    let client = BasicClient::new(ClientId::new(config.account.client_id.clone()))
        .set_auth_uri(
            AuthUrl::new(config.authorize_url())
                .map_err(|e| Error::Other(format!("bad authorize URL: {e}")))?,
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.clone())
                .map_err(|e| Error::Other(format!("bad redirect URL: {e}")))?,
        );
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes(config))
        .set_pkce_challenge(challenge)
        .add_extra_param("response_mode", "query");
    if let Some(hint) = &options.login_hint {
        request = request.add_extra_param("login_hint", hint.clone());
    }
    if options.select_account {
        request = request.add_extra_param("prompt", "select_account");
    }
    let (url, state) = request.url();
    Ok(BrowserSignIn {
        url: url.to_string(),
        listener,
        verifier,
        state,
        redirect_uri,
    })
}

/// Waits for the browser (at most `timeout`), then redeems the code.
pub async fn finish_browser_flow(
    config: &Config,
    http: &reqwest::Client,
    sign_in: BrowserSignIn,
    timeout: Duration,
) -> Result<Tokens> {
    let code = sign_in
        .listener
        .wait_for_code(sign_in.state.secret(), timeout)
        .await?;
    let client = BasicClient::new(ClientId::new(config.account.client_id.clone()))
        .set_token_uri(
            TokenUrl::new(config.token_url())
                .map_err(|e| Error::Other(format!("bad token URL: {e}")))?,
        )
        .set_redirect_uri(
            RedirectUrl::new(sign_in.redirect_uri)
                .map_err(|e| Error::Other(format!("bad redirect URL: {e}")))?,
        )
        .set_auth_type(oauth2::AuthType::RequestBody);
    let adapter = OAuthHttp::new(http.clone(), None);
    let call = adapter.caller();
    let result = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(sign_in.verifier)
        .request_async(&call)
        .await;
    match result {
        Ok(response) => Ok(tokens_from(&response, None)),
        Err(RequestTokenError::ServerResponse(e)) => Err(Error::SignIn(describe_sts(
            &format!(
                "the sign-in service refused the code: {}",
                e.error().as_ref()
            ),
            e.error_description().map(String::as_str),
            adapter.last_aadsts(),
        ))),
        Err(RequestTokenError::Request(e)) => Err(Error::from(e.without_url())),
        Err(other) => Err(Error::SignIn(format!("unexpected sign-in reply: {other}"))),
    }
}
