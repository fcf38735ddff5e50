//! The one HTTP core every Graph request goes through: bearer tokens (to the
//! configured hosts only), a `client-request-id` per request, retries with
//! back-off, the shared Retry-After gate, refresh-once on 401, and error mapping.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::{Method, header};
use serde::de::DeserializeOwned;
use url::Url;

use super::auth::Session;
use super::error::{Error, Result};
use super::retry::{MAX_SERVER_WAIT, ThrottleGate, backoff_delay, jitter, parse_retry_after};
use odc_core::config::Config;

pub use super::agent::user_agent;

/// A request body that can be sent again on retry.
#[derive(Clone, Debug)]
pub enum Body {
    Empty,
    Json(serde_json::Value),
    Bytes(Bytes),
}

pub struct Graph {
    pub config: Arc<Config>,
    session: Arc<Session>,
    /// For Graph: no redirects (a 302 from /content is read, not followed).
    http: reqwest::Client,
    /// For pre-authenticated URLs: never carries Authorization.
    plain: reqwest::Client,
    gate: Arc<ThrottleGate>,
    graph_base: Url,
    allowed_origins: Vec<url::Origin>,
    /// The latest retry, in words, for progress displays ("retrying (2/6) after a
    /// dropped connection").
    notice: std::sync::Mutex<Option<(std::time::Instant, String)>>,
    /// `me/drive` (the account's OneDrive) or `drives/{id}` (another drive it can
    /// open: a SharePoint document library).
    drive_base: String,
    /// A folder shared from another drive that paths start from (its item id in
    /// `drive_base`); `None`: paths start at the drive's root.
    root_item: Option<String>,
    /// Whether this drive is a business one (OneDrive for Business or a document
    /// library), asked once.
    business: tokio::sync::OnceCell<bool>,
    /// Small uploads gathered into JSON batches, started on first use.
    pub(super) batcher: std::sync::OnceLock<super::batch_queue::Batcher>,
}

fn build_client(config: &Config) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(user_agent())
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(config.network.connect_timeout_secs))
        // Idle timeout per read, not a total: a 2 GiB transfer may take an hour.
        .read_timeout(Duration::from_secs(config.network.read_idle_timeout_secs))
        .build()
        .map_err(|e| Error::Other(format!("cannot build the HTTP client: {e}")))
}

impl Graph {
    pub fn new(config: Arc<Config>, session: Arc<Session>) -> Result<Self> {
        let graph_base = Url::parse(config.endpoints.graph_url.trim_end_matches('/'))
            .map_err(|e| Error::Other(format!("bad graph URL: {e}")))?;
        let authority = Url::parse(&config.endpoints.authority_url)
            .map_err(|e| Error::Other(format!("bad authority URL: {e}")))?;
        Ok(Self {
            http: build_client(&config)?,
            plain: build_client(&config)?,
            gate: Arc::new(ThrottleGate::default()),
            allowed_origins: vec![graph_base.origin(), authority.origin()],
            notice: std::sync::Mutex::new(None),
            drive_base: "me/drive".into(),
            root_item: None,
            business: tokio::sync::OnceCell::new(),
            batcher: std::sync::OnceLock::new(),
            graph_base,
            session,
            config,
        })
    }

    /// The same account on another of its drives (`None`: its own OneDrive), sharing
    /// the session, the connections and the throttling pause.
    pub fn on_drive(&self, drive_id: Option<&str>) -> Graph {
        Graph {
            config: self.config.clone(),
            session: self.session.clone(),
            http: self.http.clone(),
            plain: self.plain.clone(),
            gate: self.gate.clone(),
            graph_base: self.graph_base.clone(),
            allowed_origins: self.allowed_origins.clone(),
            notice: std::sync::Mutex::new(None),
            drive_base: match drive_id {
                Some(id) => format!("drives/{}", super::path::encode_segment(id)),
                None => "me/drive".into(),
            },
            root_item: None,
            business: tokio::sync::OnceCell::new(),
            batcher: std::sync::OnceLock::new(),
        }
    }

    /// The same account in a folder another drive shares with it: paths start at
    /// that folder, ids are that drive's.
    pub fn on_folder(&self, drive_id: &str, folder_id: &str) -> Graph {
        let mut graph = self.on_drive(Some(drive_id));
        graph.root_item = Some(folder_id.to_string());
        graph
    }

    /// Whether this drive is a business one (its root's `parentReference.driveType`
    /// is `business` or `documentLibrary`), asked once per client.
    pub async fn is_business(&self) -> Result<bool> {
        self.business
            .get_or_try_init(|| async {
                let url = format!(
                    "{}?$select=id,parentReference",
                    self.path_url(&super::path::RemotePath::root())
                );
                let root: super::item::DriveItem = self.get(&url).await?;
                Ok(root
                    .parent_reference
                    .and_then(|p| p.drive_type)
                    .is_some_and(|t| t == "business" || t == "documentLibrary"))
            })
            .await
            .copied()
    }

    /// The shared folder paths start at, if this client works in one.
    pub fn folder_id(&self) -> Option<&str> {
        self.root_item.as_deref()
    }

    /// The URL of the item at `path` (append `/children`, `/content`… to it).
    pub fn path_url(&self, path: &super::path::RemotePath) -> String {
        match &self.root_item {
            None => self.drive_url(&path.address()),
            Some(root) => self.drive_url(
                &path.address_below(&format!("items/{}", super::path::encode_segment(root))),
            ),
        }
    }

    /// An owned client for this same drive, sharing the session, the connections
    /// and the throttling pause (for work that outlives a borrow: a spawned task).
    pub fn same_drive(&self) -> Graph {
        match (self.drive_id(), &self.root_item) {
            (Some(drive), Some(folder)) => self.on_folder(&drive, folder),
            (drive, _) => self.on_drive(drive.as_deref()),
        }
    }

    /// The drive this client works in: `None` for the account's own OneDrive.
    pub fn drive_id(&self) -> Option<String> {
        self.drive_base.strip_prefix("drives/").map(|id| {
            percent_encoding::percent_decode_str(id)
                .decode_utf8_lossy()
                .into_owned()
        })
    }

    pub fn session(&self) -> &Arc<Session> {
        &self.session
    }

    pub fn gate(&self) -> &Arc<ThrottleGate> {
        &self.gate
    }

    /// The client for pre-authenticated URLs (upload, download, copy monitor).
    pub fn plain(&self) -> &reqwest::Client {
        &self.plain
    }

    /// `{graph}/me/drive/{rest}`, or `{graph}/drives/{id}/{rest}` on another drive.
    pub fn drive_url(&self, rest: &str) -> String {
        format!(
            "{}/{}/{rest}",
            self.graph_base.as_str().trim_end_matches('/'),
            self.drive_base
        )
    }

    pub fn graph_url(&self, rest: &str) -> String {
        format!("{}/{rest}", self.graph_base.as_str().trim_end_matches('/'))
    }

    fn may_carry_token(&self, url: &Url) -> bool {
        self.allowed_origins.contains(&url.origin())
    }

    /// Back-off before retry `attempt`, from config.
    pub fn backoff(&self, attempt: u32) -> Duration {
        backoff_delay(
            attempt,
            Duration::from_millis(self.config.network.backoff_initial_ms),
            Duration::from_secs(self.config.network.backoff_max_secs),
            jitter(),
        )
    }

    pub fn max_attempts(&self) -> u32 {
        self.config.network.max_attempts
    }

    /// Records that a request is being retried: `attempt` of the configured most,
    /// after `what` ("a dropped connection", "OneDrive error 503").
    pub fn note_retry(&self, attempt: u32, what: &str) {
        let text = format!("retrying ({attempt}/{}) after {what}", self.max_attempts());
        *self.notice.lock().unwrap() = Some((std::time::Instant::now(), text));
    }

    /// What a person waiting should read now: a throttling pause in force, or a
    /// retry noted in the last few seconds.
    pub fn waiting_reason(&self) -> Option<String> {
        let pause = self.gate.remaining();
        if pause >= Duration::from_millis(500) {
            return Some(format!(
                "OneDrive asked to wait {}",
                super::retry::describe_wait(pause + Duration::from_millis(999))
            ));
        }
        let notice = self.notice.lock().unwrap();
        notice
            .as_ref()
            .filter(|(when, _)| when.elapsed() < Duration::from_secs(5))
            .map(|(_, text)| text.clone())
    }

    /// Sends an authorised Graph request and returns a success (2xx or 3xx) reply;
    /// retries what can be retried, maps the rest to [`Error`].
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        body: Body,
        headers: &[(header::HeaderName, String)],
    ) -> Result<reqwest::Response> {
        let url = Url::parse(url).map_err(|e| Error::Other(format!("bad URL {url}: {e}")))?;
        if !self.may_carry_token(&url) {
            // A nextLink or Location pointing elsewhere must not get our token.
            return Err(Error::Other(format!(
                "refusing to send the access token to {}, which is not the configured Graph or sign-in host",
                url.origin().ascii_serialization()
            )));
        }
        let mut retries = self.retries();
        let mut refreshed = false;
        loop {
            self.gate.wait().await;
            let token = self.session.bearer().await?;
            let request_id = odc_core::ids::uuid_v4();
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(&token)
                .header("client-request-id", &request_id);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            // Business drives list shortcuts to shared folders only when asked
            // (abraunegg src/onedrive.d; onedrive-api-docs#1781).
            if method == Method::GET {
                request = request.header("Prefer", "Include-Feature=AddToOneDrive");
            }
            request = match &body {
                Body::Empty => request.header(header::CONTENT_LENGTH, 0),
                Body::Json(value) => request.json(value),
                // An empty body would go out with no length at all, and Graph's
                // front end answers 411 to a PUT/POST/PATCH without one.
                Body::Bytes(bytes) => {
                    super::bandwidth::sending(bytes.len()).await;
                    request
                        .header(header::CONTENT_LENGTH, bytes.len())
                        .body(bytes.clone())
                }
            };
            let response = match request.send().await {
                Ok(response) => response,
                Err(err) => {
                    retries.failures += 1;
                    let err = Error::from(err.without_url());
                    let attempt = retries.failures;
                    tracing::warn!("{method} {} failed ({err}); attempt {attempt}", url.path());
                    if attempt >= self.max_attempts() || retries.out_of_time() {
                        return Err(err);
                    }
                    self.note_retry(attempt + 1, "a dropped connection");
                    tokio::time::sleep(self.backoff(attempt)).await;
                    continue;
                }
            };
            let status = response.status().as_u16();
            let service_id = response
                .headers()
                .get("request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_string();
            tracing::debug!(
                "{method} {} -> {status} (request-id {service_id}, client-request-id {request_id})",
                url.path()
            );
            if status == 401 && !refreshed {
                refreshed = true;
                self.session.refresh_after_401(&token).await?;
                continue;
            }
            let retry_after = retry_after(&response);
            if status == 429 || (status == 503 && retry_after.is_some()) {
                if retries.throttled() {
                    let wait = checked_wait(status, retry_after)?
                        .unwrap_or_else(|| self.backoff(retries.throttles));
                    tracing::warn!("throttled ({status}); pausing all requests for {wait:?}");
                    self.gate.pause(wait);
                    continue;
                }
            } else if matches!(status, 500 | 502 | 503 | 504) {
                retries.failures += 1;
                let attempt = retries.failures;
                if attempt < self.max_attempts() && !retries.out_of_time() {
                    self.note_retry(attempt + 1, &format!("OneDrive error {status}"));
                    tokio::time::sleep(self.backoff(attempt)).await;
                    continue;
                }
            }
            if status >= 400 {
                let bytes = error_body(response).await;
                return Err(Error::from_graph(status, &bytes));
            }
            return Ok(response);
        }
    }

    pub async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        url: &str,
        body: Body,
    ) -> Result<T> {
        parse_reply(&self.reply_body(method, url, body).await?)
    }

    /// A request's reply body, whole.
    pub async fn reply_body(&self, method: Method, url: &str, body: Body) -> Result<Bytes> {
        let response = self.send(method, url, body, &[]).await?;
        read_capped(response, MAX_REPLY_BYTES).await
    }

    pub async fn get<T: DeserializeOwned>(&self, url: &str) -> Result<T> {
        self.json(Method::GET, url, Body::Empty).await
    }

    /// Honours a throttling reply from a pre-authenticated host: pauses the service
    /// for everyone and returns true if the caller should retry. A wait longer
    /// than [`MAX_SERVER_WAIT`] is an error.
    pub fn note_throttle(&self, response: &reqwest::Response) -> Result<bool> {
        let status = response.status().as_u16();
        if status != 429 && status != 503 {
            return Ok(false);
        }
        let wait = checked_wait(status, retry_after(response))?.unwrap_or_else(|| self.backoff(1));
        self.gate.pause(wait);
        Ok(true)
    }
}

/// The largest JSON reply odc reads (a page of 1,000 items is about 1 MiB): a
/// server that sends more is refused rather than held in memory.
pub const MAX_REPLY_BYTES: usize = 32 << 20;
/// Of an error reply, only this much is read: the code and message are at the start.
pub const MAX_ERROR_BYTES: usize = 64 << 10;

/// A reply body, read chunk by chunk up to `limit` bytes; more is an error.
pub async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Bytes> {
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::from(e.without_url()))?
    {
        if body.len() + chunk.len() > limit {
            return Err(Error::Other(format!(
                "the server's reply is larger than {} MiB; refused",
                limit >> 20
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The start of an error reply (at most [`MAX_ERROR_BYTES`]); what cannot be read
/// is left out: the status alone still says what went wrong.
pub async fn error_body(mut response: reqwest::Response) -> Bytes {
    let mut body = bytes::BytesMut::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_ERROR_BYTES - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_ERROR_BYTES {
            break;
        }
    }
    body.freeze()
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()))
}

/// A server-given wait, refused when it is longer than odc will wait.
fn checked_wait(status: u16, wait: Option<Duration>) -> Result<Option<Duration>> {
    match wait {
        Some(wait) if wait > MAX_SERVER_WAIT => Err(Error::Graph {
            status,
            code: super::error::WAIT_REFUSED.into(),
            message: format!(
                "OneDrive asked to wait {}, more than odc waits (1 hour); try again later",
                super::retry::describe_wait(wait)
            ),
        }),
        other => Ok(other),
    }
}

/// A JSON reply body as `T`.
/// A reply already in hand (an upload's, a copy monitor's), read as JSON: capped
/// like every other reply body, with the one message for a body that is not what
/// Graph sends.
pub(super) async fn reply_json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T> {
    parse_reply(&read_capped(response, MAX_REPLY_BYTES).await?)
}

pub(super) fn parse_reply<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body)
        .map_err(|e| Error::Other(format!("unexpected reply from OneDrive: {e}")))
}
