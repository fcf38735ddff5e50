//! The one-shot loopback listener the browser sign-in returns to
//! (`http://localhost:PORT`, a free port): it waits for the redirect with `code` and
//! `state`, answers with a short page, and stops. Anything else a browser asks for
//! (a favicon, a prefetch) gets a 404 and the wait goes on.
//!
//! Everything in the reply comes from the browser's address bar, so it is hostile:
//! the state must match exactly, and texts shown back are escaped.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::display::escape_html;
use super::error::{Error, Result};

/// How long one browser connection may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a request line and headers read.
const REQUEST_LIMIT: usize = 16 * 1024;

pub struct Loopback {
    v4: TcpListener,
    /// The same port on ::1, where `localhost` may resolve first.
    v6: Option<TcpListener>,
    port: u16,
}

/// What came back in the redirect.
#[derive(Debug)]
enum Reply {
    Code(String),
    Refused {
        error: String,
        description: String,
    },
    ForgedState,
    /// Not the redirect (another path, no parameters): ignored.
    Other,
}

impl Loopback {
    pub async fn bind() -> Result<Self> {
        let v4 = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| Error::Other(format!("cannot listen for the browser's reply: {e}")))?;
        let port = v4
            .local_addr()
            .map_err(|e| Error::Other(format!("cannot listen for the browser's reply: {e}")))?
            .port();
        let v6 = TcpListener::bind(("::1", port)).await.ok();
        Ok(Self { v4, v6, port })
    }

    /// `http://localhost:PORT`, as registered (the port is not compared for loopback).
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Waits for the redirect and returns the authorization code.
    pub async fn wait_for_code(self, state: &str, timeout: Duration) -> Result<String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let accepted = tokio::time::timeout_at(deadline, async {
                match &self.v6 {
                    Some(v6) => tokio::select! {
                        a = self.v4.accept() => a,
                        a = v6.accept() => a,
                    },
                    None => self.v4.accept().await,
                }
            })
            .await;
            let mut stream = match accepted {
                Err(_) => {
                    return Err(Error::SignIn(format!(
                        "the browser did not come back within {}; start again, or sign in with --device-code",
                        super::retry::describe_wait(timeout)
                    )));
                }
                Ok(Err(err)) => {
                    tracing::warn!("loopback accept failed: {err}");
                    continue;
                }
                Ok(Ok((stream, _))) => stream,
            };
            let reply = match tokio::time::timeout(REQUEST_TIMEOUT, read_target(&mut stream)).await
            {
                Ok(Ok(target)) => classify(&target, state),
                _ => Reply::Other,
            };
            match reply {
                Reply::Other => {
                    respond(
                        &mut stream,
                        404,
                        "Not found",
                        "odc is waiting for the sign-in reply.",
                    )
                    .await;
                }
                Reply::ForgedState => {
                    respond(
                        &mut stream,
                        400,
                        "Sign-in refused",
                        "This reply does not belong to the sign-in odc started. Nothing was signed in.",
                    )
                    .await;
                    return Err(Error::SignIn(
                        "the browser brought back a reply that does not belong to this sign-in (its state did not match); nothing was signed in, start again".into(),
                    ));
                }
                Reply::Refused { error, description } => {
                    respond(
                        &mut stream,
                        200,
                        "Sign-in did not complete",
                        &format!("{description} You can close this tab."),
                    )
                    .await;
                    return Err(refusal(&error, &description));
                }
                Reply::Code(code) => {
                    respond(
                        &mut stream,
                        200,
                        "odc is signed in",
                        "You can close this tab and go back to odc.",
                    )
                    .await;
                    return Ok(code);
                }
            }
        }
    }
}

fn refusal(error: &str, description: &str) -> Error {
    if error == "access_denied" {
        return Error::SignIn("sign-in was declined in the browser".into());
    }
    let code = description
        .strip_prefix("AADSTS")
        .and_then(|rest| rest.split(':').next())
        .and_then(|digits| digits.parse().ok());
    Error::SignIn(super::auth::describe_sts(
        &format!("sign-in failed: {}", super::display::escape_control(error)),
        Some(description),
        code,
    ))
}

/// The request target (`/?code=…&state=…`) of an HTTP/1.1 request.
async fn read_target(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") && buffer.len() < REQUEST_LIMIT {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let line = buffer.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Ok(target.to_string()),
        _ => Ok(String::new()),
    }
}

fn classify(target: &str, expected_state: &str) -> Reply {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/" {
        return Reply::Other;
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if get("code").is_none() && get("error").is_none() {
        return Reply::Other;
    }
    // Constant-time comparison is not needed: the state is single-use and the
    // listener closes on the first wrong one.
    if get("state") != Some(expected_state) {
        return Reply::ForgedState;
    }
    if let Some(error) = get("error") {
        return Reply::Refused {
            error: error.to_string(),
            description: get("error_description").unwrap_or_default().to_string(),
        };
    }
    Reply::Code(get("code").unwrap_or_default().to_string())
}

async fn respond(stream: &mut TcpStream, status: u16, title: &str, text: &str) {
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>{0}</title><h1>{0}</h1><p>{1}</p>",
        escape_html(title),
        escape_html(text)
    );
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_redirect_with_the_right_state_counts() {
        assert!(matches!(classify("/?code=abc&state=s1", "s1"), Reply::Code(c) if c == "abc"));
        assert!(matches!(
            classify("/?code=abc&state=s2", "s1"),
            Reply::ForgedState
        ));
        assert!(matches!(classify("/?code=abc", "s1"), Reply::ForgedState));
        assert!(matches!(classify("/favicon.ico", "s1"), Reply::Other));
        assert!(matches!(classify("/", "s1"), Reply::Other));
        assert!(matches!(
            classify("/?error=access_denied&error_description=no&state=s1", "s1"),
            Reply::Refused { error, .. } if error == "access_denied"
        ));
    }
}
