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
        "no application (client) id is configured: set ODC_CLIENT_ID, or account.client_id in {config} (`odc config edit`; README.md, \"Register an app\"), or try `odc demo`",
        config = config_file_text()
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
    /// A local file error whose message already names the file (from `fsutil`).
    #[error("{0}")]
    Local(std::io::Error),
    /// Size or hash of transferred bytes did not match.
    #[error("integrity check failed: {0}")]
    Integrity(String),
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, Error>;

fn config_file_text() -> String {
    odc_core::paths::config_file()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the config file".into())
}

/// The code of the error for a server-given wait that is too long.
pub const WAIT_REFUSED: &str = "retryAfterTooLong";

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

    /// The server asked for a longer wait than odc accepts: retrying is pointless.
    pub fn is_wait_refused(&self) -> bool {
        matches!(self, Error::Graph { code, .. } if code == WAIT_REFUSED)
    }

    /// A refusal of one item (a name OneDrive refuses, a file in the way of a
    /// folder), not of the service or the sign-in: a batch reports it for that
    /// item and goes on with the others.
    pub fn is_about_the_item(&self) -> bool {
        match self {
            Error::InvalidName(_) | Error::Other(_) => true,
            Error::Graph { status, .. } => {
                matches!(status, 400 | 404 | 409 | 412 | 423) && !self.is_wait_refused()
            }
            _ => false,
        }
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
    // Both come from the server: shown, never interpreted by the terminal.
    let service = odc_core::display::escape_control(service);
    let code = odc_core::display::escape_control(code);
    let code = code.as_str();
    match (status, code) {
        (404, _) => "not found on OneDrive".to_string(),
        (409, _) => "an item with that name already exists".to_string(),
        (412, _) => "the item changed on OneDrive meanwhile".to_string(),
        (507, _) => "the OneDrive is full (quota exceeded)".to_string(),
        // What a folder shared read-only answers to a change.
        (403, "accessDenied") => {
            "access denied: this account may not change it (a folder shared with it to read only?)"
                .to_string()
        }
        (403, _) => format!("access denied ({service})"),
        (423, _) => "the item is locked (checked out or in use)".to_string(),
        (429, _) => "OneDrive is throttling requests; try again later".to_string(),
        (400, "pathIsTooLong") => "the path is longer than OneDrive allows (400 characters)".into(),
        (401, _) => format!("not authorised ({service})"),
        (411, _) => "OneDrive refused a request that did not state its length (411)".into(),
        (s, "") if s >= 500 => format!("OneDrive service error {s}"),
        (s, _) if s >= 500 => format!("OneDrive service error {s} ({code})"),
        _ if !service.is_empty() => format!("{service} ({status} {code})"),
        // Front ends answer some errors with an HTML page: no code to show.
        _ if code.is_empty() => format!("OneDrive answered {status}"),
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

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn an_html_error_page_gives_a_plain_message() {
        let page = b"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><HTML><HEAD><TITLE>Length Required</TITLE></HEAD><BODY><h2>Length Required</h2><hr><p>HTTP Error 411. The request must be chunked or have a content length.</p></BODY></HTML>";
        let err = Error::from_graph(411, page);
        assert_eq!(err.status(), Some(411));
        assert_eq!(
            err.to_string(),
            "OneDrive refused a request that did not state its length (411)"
        );
        assert_eq!(
            Error::from_graph(418, b"<html>teapot</html>").to_string(),
            "OneDrive answered 418"
        );
        assert_eq!(
            Error::from_graph(502, b"<html>bad gateway</html>").to_string(),
            "OneDrive service error 502"
        );
    }

    #[test]
    fn codes_and_messages_from_the_server_are_escaped() {
        let body = br#"{"error":{"code":"evil\u001b[2J","message":"bad\u001b]0;title\u0007"}}"#;
        let text = Error::from_graph(400, body).to_string();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    }
}
