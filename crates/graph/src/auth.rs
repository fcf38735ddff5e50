//! Sign-in with the OAuth 2.0 device authorization grant (Graph reference §1), token
//! refresh, and the live session that hands out bearer tokens.
//!
//! The `oauth2` crate builds the requests and runs the polling loop (interval,
//! `slow_down` +5 s, expiry, repeating a poll after a network error); it talks
//! through our own reqwest client via a small adapter. The adapter keeps the body
//! of the last error reply so we can read `error_codes` (AADSTS numbers), which the
//! crate's error type drops.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, DeviceAuthorizationUrl, ExtraDeviceAuthorizationFields, RequestTokenError, Scope,
    TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::error::{Error, Result};
use super::tokens::{Account, TokenStore};
use odc_core::config::Config;

/// Refresh this long before the access token expires.
pub const REFRESH_MARGIN_SECS: i64 = 300;

/// Microsoft's extra field on the device authorization reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MsDeviceFields {
    pub message: Option<String>,
}
impl ExtraDeviceAuthorizationFields for MsDeviceFields {}

type DeviceResponse = oauth2::DeviceAuthorizationResponse<MsDeviceFields>;

/// What the user needs to see to sign in.
#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    pub message: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
    response: DeviceResponse,
}

/// Polling progress, for a UI that shows the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollState {
    Waiting,
    /// The last poll failed to reach the service; polling goes on.
    NetworkTrouble(String),
}

/// The reqwest client for the identity platform: no redirects (the token endpoint
/// never needs one, and following them could leak the form).
pub fn identity_http(config: &Config) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(super::agent::user_agent())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(config.network.connect_timeout_secs))
        .read_timeout(Duration::from_secs(config.network.read_idle_timeout_secs))
        .build()
        .map_err(|e| Error::Other(format!("cannot build the HTTP client: {e}")))
}

/// Adapter from oauth2's HTTP requests to our reqwest client.
#[derive(Clone)]
pub(super) struct OAuthHttp {
    client: reqwest::Client,
    last_error_body: Arc<Mutex<Option<Vec<u8>>>>,
    poll_state: Option<watch::Sender<PollState>>,
}

impl OAuthHttp {
    pub(super) fn new(
        client: reqwest::Client,
        poll_state: Option<watch::Sender<PollState>>,
    ) -> Self {
        Self {
            client,
            last_error_body: Arc::default(),
            poll_state,
        }
    }

    async fn call(
        &self,
        request: oauth2::HttpRequest,
    ) -> std::result::Result<oauth2::HttpResponse, reqwest::Error> {
        let request: reqwest::Request = match request.try_into() {
            Ok(r) => r,
            Err(e) => return Err(e),
        };
        let response = match self.client.execute(request).await {
            Ok(r) => r,
            Err(err) => {
                let err = err.without_url();
                if let Some(state) = &self.poll_state {
                    let _ = state.send(PollState::NetworkTrouble(network_summary(&err)));
                }
                return Err(err);
            }
        };
        let status = response.status();
        let mut builder = oauth2::http::Response::builder().status(status.as_u16());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = response.bytes().await?.to_vec();
        if status.is_client_error() || status.is_server_error() {
            *self.last_error_body.lock().unwrap() = Some(body.clone());
        }
        if let Some(state) = &self.poll_state {
            state.send_if_modified(|s| {
                let changed = *s != PollState::Waiting;
                *s = PollState::Waiting;
                changed
            });
        }
        Ok(builder.body(body).expect("valid response"))
    }

    /// A closure for oauth2 whose futures own their adapter: borrowing one makes
    /// the future's Send bound depend on a lifetime the compiler cannot generalise.
    pub(super) fn caller(
        &self,
    ) -> impl Fn(
        oauth2::HttpRequest,
    ) -> std::pin::Pin<
        Box<dyn Future<Output = std::result::Result<oauth2::HttpResponse, reqwest::Error>> + Send>,
    > + use<> {
        let adapter = self.clone();
        move |request| {
            let adapter = adapter.clone();
            Box::pin(async move { adapter.call(request).await })
        }
    }

    /// `error_codes[0]` of the last error reply, if any.
    pub(super) fn last_aadsts(&self) -> Option<u64> {
        let body = self.last_error_body.lock().unwrap().clone()?;
        let value: serde_json::Value = serde_json::from_slice(&body).ok()?;
        value["error_codes"].as_array()?.first()?.as_u64()
    }
}

fn network_summary(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "the sign-in service did not answer in time".into()
    } else if err.is_connect() {
        "cannot reach the sign-in service".into()
    } else {
        "the connection to the sign-in service failed".into()
    }
}

fn oauth_client(
    config: &Config,
) -> Result<
    BasicClient<
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
> {
    if config.account.client_id.is_empty() {
        return Err(Error::NoClientId);
    }
    let device = DeviceAuthorizationUrl::new(config.device_code_url())
        .map_err(|e| Error::Other(format!("bad device-code URL: {e}")))?;
    let token = TokenUrl::new(config.token_url())
        .map_err(|e| Error::Other(format!("bad token URL: {e}")))?;
    Ok(
        BasicClient::new(ClientId::new(config.account.client_id.clone()))
            .set_device_authorization_url(device)
            .set_token_uri(token)
            .set_auth_type(oauth2::AuthType::RequestBody),
    )
}

pub(super) fn scopes(config: &Config) -> Vec<Scope> {
    config
        .account
        .scopes
        .iter()
        .map(|s| Scope::new(s.clone()))
        .collect()
}

/// "the sign-in is no longer valid (AADSTS50173): The provided grant has expired…":
/// the code once, then the first line of the description without its own
/// "AADSTS50173: " prefix, ending with one full stop.
pub(super) fn describe_sts(kind: &str, description: Option<&str>, code: Option<u64>) -> String {
    let code_text = code.map(|c| format!(" (AADSTS{c})")).unwrap_or_default();
    // error_description is shown (first line only), never interpreted.
    let first = description
        .and_then(|d| d.lines().next())
        .map(|line| {
            let line = line.trim();
            // "AADSTS50173: text" carries the code we already show.
            let line = match line.split_once(": ") {
                Some((prefix, rest)) if prefix.starts_with("AADSTS") => rest,
                _ => line,
            };
            let line = line.trim_end_matches('.');
            format!(": {}.", odc_core::display::escape_control(line))
        })
        .filter(|text| text != ": .")
        .unwrap_or_default();
    format!("{kind}{code_text}{first}")
}

/// Asks for a device code.
pub async fn start_device_flow(config: &Config, http: &reqwest::Client) -> Result<DeviceCode> {
    let client = oauth_client(config)?;
    let adapter = OAuthHttp::new(http.clone(), None);
    let call = adapter.caller();
    let response: DeviceResponse = client
        .exchange_device_code()
        .add_scopes(scopes(config))
        .request_async(&call)
        .await
        .map_err(|err| match err {
            RequestTokenError::ServerResponse(e) => Error::SignIn(describe_sts(
                &format!("the sign-in service refused: {}", e.error().as_ref()),
                e.error_description().map(String::as_str),
                adapter.last_aadsts(),
            )),
            RequestTokenError::Request(e) => Error::from(e.without_url()),
            other => Error::SignIn(format!("unexpected sign-in reply: {other}")),
        })?;
    Ok(DeviceCode {
        user_code: response.user_code().secret().clone(),
        verification_uri: response.verification_uri().to_string(),
        message: response.extra_fields().message.clone(),
        expires_in: response.expires_in(),
        interval: response.interval(),
        response,
    })
}

pub use super::tokens::Tokens;

pub(super) fn tokens_from<TR: TokenResponse>(
    response: &TR,
    previous_refresh: Option<&str>,
) -> Tokens {
    let lifetime = response
        .expires_in()
        .map(|d| d.as_secs() as i64)
        .unwrap_or(3600);
    Tokens {
        access_token: response.access_token().secret().clone(),
        refresh_token: response
            .refresh_token()
            .map(|t| t.secret().clone())
            .or_else(|| previous_refresh.map(str::to_string)),
        expires_at: chrono::Utc::now().timestamp() + lifetime,
    }
}

/// Polls until the user approves, declines, or the code expires.
pub async fn finish_device_flow(
    config: &Config,
    http: &reqwest::Client,
    code: &DeviceCode,
    poll_state: Option<watch::Sender<PollState>>,
) -> Result<Tokens> {
    let client = oauth_client(config)?;
    let adapter = OAuthHttp::new(http.clone(), poll_state);
    let call = adapter.caller();
    // Reference §1.5: wait one interval before the first poll.
    tokio::time::sleep(code.interval).await;
    let result = client
        .exchange_device_access_token(&code.response)
        .request_async(&call, tokio::time::sleep, None)
        .await;
    match result {
        Ok(response) => Ok(tokens_from(&response, None)),
        Err(RequestTokenError::ServerResponse(e)) => {
            use oauth2::DeviceCodeErrorResponseType as T;
            let aadsts = adapter.last_aadsts();
            let text = match e.error() {
                T::AccessDenied => "sign-in was declined".to_string(),
                T::ExpiredToken => {
                    "the code expired before sign-in finished; start again".to_string()
                }
                T::Basic(oauth2::basic::BasicErrorResponseType::Extension(kind))
                    if kind == "authorization_declined" =>
                {
                    "sign-in was declined".to_string()
                }
                T::Basic(oauth2::basic::BasicErrorResponseType::Extension(kind))
                    if kind == "bad_verification_code" =>
                {
                    "the sign-in service did not recognise the code; start again".to_string()
                }
                other => describe_sts(
                    &format!("sign-in failed: {}", other.as_ref()),
                    e.error_description().map(String::as_str),
                    aadsts,
                ),
            };
            Err(Error::SignIn(text))
        }
        Err(RequestTokenError::Request(e)) => Err(Error::from(e.without_url())),
        Err(other) => Err(Error::SignIn(format!("unexpected sign-in reply: {other}"))),
    }
}

/// Exchanges a refresh token for the scopes the account was signed in with (asking
/// for more, say after odc's defaults grew, would be refused as not consented).
/// `invalid_grant` (and the interaction errors) mean the user must sign in again;
/// the caller must not retry with the same token.
pub async fn refresh(
    config: &Config,
    http: &reqwest::Client,
    refresh_token: &str,
    granted: &[String],
) -> Result<Tokens> {
    let client = oauth_client(config)?;
    let adapter = OAuthHttp::new(http.clone(), None);
    let call = adapter.caller();
    let token = oauth2::RefreshToken::new(refresh_token.to_string());
    let result = client
        .exchange_refresh_token(&token)
        .add_scopes(granted.iter().map(|s| Scope::new(s.clone())))
        .request_async(&call)
        .await;
    match result {
        Ok(response) => Ok(tokens_from(&response, Some(refresh_token))),
        Err(RequestTokenError::ServerResponse(e)) => {
            let kind = e.error().as_ref().to_string();
            let aadsts = adapter.last_aadsts();
            let description = e.error_description().map(String::as_str);
            match kind.as_str() {
                "invalid_grant"
                | "interaction_required"
                | "consent_required"
                | "invalid_client"
                | "unauthorized_client" => Err(Error::SignInRequired {
                    reason: describe_sts("the sign-in is no longer valid", description, aadsts),
                }),
                _ => Err(Error::SignIn(describe_sts(
                    "token refresh failed",
                    description,
                    aadsts,
                ))),
            }
        }
        Err(RequestTokenError::Request(e)) => Err(Error::from(e.without_url())),
        Err(other) => Err(Error::SignIn(format!("unexpected token reply: {other}"))),
    }
}

/// The signed-in account in use: hands out bearer tokens, refreshing them 5 minutes
/// before expiry and once after a 401, saving every rotated refresh token.
pub struct Session {
    config: Arc<Config>,
    store: TokenStore,
    http: reqwest::Client,
    account: tokio::sync::Mutex<Account>,
}

impl Session {
    pub fn new(config: Arc<Config>, store: TokenStore, account: Account) -> Result<Self> {
        let http = identity_http(&config)?;
        Ok(Self {
            config,
            store,
            http,
            account: tokio::sync::Mutex::new(account),
        })
    }

    /// Loads the default account for the configured endpoints.
    pub fn load(config: Arc<Config>, store: TokenStore) -> Result<Self> {
        Self::load_named(config, store, None)
    }

    /// Loads the account `selector` names (short or sign-in name), or the default.
    pub fn load_named(
        config: Arc<Config>,
        store: TokenStore,
        selector: Option<&str>,
    ) -> Result<Self> {
        if config.account.client_id.is_empty() {
            return Err(Error::NoClientId);
        }
        let account = store
            .select(&config, selector)?
            .ok_or_else(|| Error::SignInRequired {
                reason: "not signed in".into(),
            })?;
        Self::new(config, store, account)
    }

    /// The account as it is now (tokens redacted in Debug).
    pub async fn account(&self) -> Account {
        self.account.lock().await.clone()
    }

    /// Where this account's tokens are kept (other per-account records live
    /// beside them).
    pub fn store(&self) -> &TokenStore {
        &self.store
    }

    pub async fn username(&self) -> String {
        self.account.lock().await.username.clone()
    }

    /// A valid access token, refreshed first when it is about to expire.
    pub async fn bearer(&self) -> Result<String> {
        let mut account = self.account.lock().await;
        if chrono::Utc::now().timestamp() >= account.expires_at - REFRESH_MARGIN_SECS {
            self.refresh_locked(&mut account).await?;
        }
        Ok(account.access_token.clone())
    }

    /// After a 401 with `rejected`: refresh unless another request already did.
    pub async fn refresh_after_401(&self, rejected: &str) -> Result<String> {
        let mut account = self.account.lock().await;
        if account.access_token == rejected {
            self.refresh_locked(&mut account).await?;
        }
        Ok(account.access_token.clone())
    }

    /// Refreshes under the token store's lock, which every odc process of the user
    /// shares (the UI and commands in other terminals): another process may have
    /// refreshed or signed in again meanwhile, so the store is read first, and an
    /// account is forgotten only if the refused refresh token is still the stored one.
    async fn refresh_locked(&self, account: &mut Account) -> Result<()> {
        let store = self.store.clone();
        let held = tokio::task::spawn_blocking(move || store.lock())
            .await
            .map_err(|e| Error::Other(format!("token store lock: {e}")))??;
        let Some(stored) = self.store.account(&held, &account.username)? else {
            // Signed out (`odc logout`, here or in another odc process) while this
            // session ran: it ends too. Refreshing would write the account back.
            account.access_token.clear();
            account.refresh_token = None;
            account.expires_at = 0;
            return Err(Error::SignInRequired {
                reason: "signed out (odc logout)".into(),
            });
        };
        if stored.matches(&self.config)
            && (stored.refresh_token != account.refresh_token
                || stored.access_token != account.access_token)
        {
            let fresh = chrono::Utc::now().timestamp() < stored.expires_at - REFRESH_MARGIN_SECS;
            let rejected = account.access_token.clone();
            *account = stored;
            if fresh && account.access_token != rejected {
                tracing::info!("using the token another odc process refreshed");
                return Ok(());
            }
        }
        let Some(refresh_token) = account.refresh_token.clone() else {
            return Err(Error::SignInRequired {
                reason: "the access token expired and there is no refresh token".into(),
            });
        };
        match refresh(&self.config, &self.http, &refresh_token, &account.scopes).await {
            Ok(tokens) => {
                account.access_token = tokens.access_token;
                account.refresh_token = tokens.refresh_token;
                account.expires_at = tokens.expires_at;
                self.store.save_held(&held, account)?;
                tracing::info!("access token refreshed for {}", account.username);
                Ok(())
            }
            Err(err @ Error::SignInRequired { .. }) => {
                // Never resend a refused refresh token: forget it, unless another
                // process has stored a newer one meanwhile.
                account.refresh_token = None;
                account.expires_at = 0;
                let still_ours = self
                    .store
                    .account(&held, &account.username)?
                    .is_some_and(|stored| stored.refresh_token.as_deref() == Some(&refresh_token));
                if still_ours {
                    let _ = self.store.remove_held(&held, &account.username);
                }
                tracing::warn!("refresh refused; sign-in required");
                Err(err)
            }
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod describe_tests {
    #[test]
    fn the_aadsts_code_is_shown_once_and_punctuated() {
        let text = super::describe_sts(
            "the sign-in is no longer valid",
            Some(
                "AADSTS50173: The provided grant has expired due to it being revoked.\r\nTrace ID: x",
            ),
            Some(50173),
        );
        assert_eq!(
            text,
            "the sign-in is no longer valid (AADSTS50173): The provided grant has expired due to it being revoked."
        );
        assert_eq!(text.matches("AADSTS").count(), 1);
        assert_eq!(super::describe_sts("declined", None, None), "declined");
    }
}
