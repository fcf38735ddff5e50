//! One error type for everything the client does, with a one-line human message.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Graph reply that is not a success, after any retries.
    #[error("{message}")]
    Graph {
        status: u16,
        /// The most specific Graph error code known (innerError chain walked).
        code: String,
        message: String,
    },
    /// The refresh token is gone, revoked or expired: only a new sign-in helps.
    #[error("signed out: {reason}; sign in again with `odc login`")]
    SignInRequired { reason: String },
    /// The device-code sign-in did not complete.
    #[error("{0}")]
    SignIn(String),
    #[error(
        "no application (client) id is configured: set ODC_CLIENT_ID or account.client_id in the config file (README.md, \"Register an app\"), or try `odc demo`"
    )]
    NoClientId,
    /// The connection failed or dropped, after any retries.
    #[error("network error: {0}")]
    Network(String),
    /// A name or path OneDrive would refuse, caught before any request.
    #[error("{0}")]
    InvalidName(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Size or hash of transferred bytes did not match.
    #[error("integrity check failed: {0}")]
    Integrity(String),
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Graph { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    pub fn is_name_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// Builds the error for a Graph error reply body.
    pub fn from_graph(status: u16, body: &[u8]) -> Self {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let error = parsed.as_ref().and_then(|v| v.get("error"));
        let mut code = error
            .and_then(|e| e.get("code"))
            .and_then(|c| c.as_str())
            .unwrap_or("")
            .to_string();
        // Walk innerError / innererror for the most specific code.
        let mut inner = error.and_then(inner_of);
        while let Some(level) = inner {
            if let Some(c) = level.get("code").and_then(|c| c.as_str()) {
                code = c.to_string();
            }
            inner = inner_of(level);
        }
        let service_message = error
            .and_then(|e| e.get("message"))
            .and_then(|m| m.as_str())
            .unwrap_or("");
        let message = human_message(status, &code, service_message);
        Error::Graph {
            status,
            code,
            message,
        }
    }
}

fn inner_of(value: &serde_json::Value) -> Option<&serde_json::Value> {
    value.as_object().and_then(|map| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("innererror"))
            .map(|(_, v)| v)
    })
}

fn human_message(status: u16, code: &str, service: &str) -> String {
    let service = crate::onedrive::display::escape_control(service);
    match (status, code) {
        (404, _) => "not found on OneDrive".to_string(),
        (409, _) => "an item with that name already exists".to_string(),
        (412, _) => "the item changed on OneDrive meanwhile".to_string(),
        (507, _) => "the OneDrive is full (quota exceeded)".to_string(),
        (403, _) => format!("access denied ({service})"),
        (423, _) => "the item is locked (checked out or in use)".to_string(),
        (429, _) => "OneDrive is throttling requests; try again later".to_string(),
        (400, "pathIsTooLong") => "the path is longer than OneDrive allows (400 characters)".into(),
        (401, _) => format!("not authorised ({service})"),
        (s, _) if s >= 500 => format!("OneDrive service error {s} ({code})"),
        _ if !service.is_empty() => format!("{service} ({status} {code})"),
        _ => format!("OneDrive answered {status} {code}"),
    }
}

impl From<reqwest::Error> for Error {
    fn from(err: reqwest::Error) -> Self {
        // reqwest's Display can include the URL, which may carry opaque tokens of
        // pre-authenticated URLs; show the kind of failure only.
        let kind = if err.is_timeout() {
            "timed out"
        } else if err.is_connect() {
            "could not connect"
        } else if err.is_body() || err.is_decode() {
            "connection dropped during the transfer"
        } else {
            "request failed"
        };
        let mut detail = String::new();
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            detail = s.to_string();
            source = s.source();
        }
        if detail.is_empty() {
            Error::Network(kind.to_string())
        } else {
            Error::Network(format!("{kind}: {detail}"))
        }
    }
}
