//! The one-shot loopback listener the browser sign-in returns to
//! (`http://localhost:PORT`, a free port on both 127.0.0.1 and ::1): it waits for
//! the redirect with `code` and the right `state`, answers with a short page, and
//! stops. Anything else a browser asks for (a favicon, a prefetch), and a reply
//! with another `state`, gets an error page and the wait goes on.
//!
//! Everything in the reply comes from the browser's address bar, so it is hostile:
//! the state must match exactly, and texts shown back are escaped.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::error::{Error, Result};
use odc_core::display::escape_html;

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
    /// Listens on a free port of 127.0.0.1 and the same port of ::1, as the
    /// redirect names `localhost`, which may resolve to either. When ::1 exists but
    /// its port is taken (by anyone: another user could be waiting there), another
    /// port is tried: odc never names a host and port it does not hold itself.
    pub async fn bind() -> Result<Self> {
        let failed =
            |e: std::io::Error| Error::Other(format!("cannot listen for the browser's reply: {e}"));
        for _ in 0..16 {
            let v4 = TcpListener::bind(("127.0.0.1", 0)).await.map_err(failed)?;
            let port = v4.local_addr().map_err(failed)?.port();
            match TcpListener::bind(("::1", port)).await {
                Ok(v6) => {
                    return Ok(Self {
                        v4,
                        v6: Some(v6),
                        port,
                    });
                }
                // No IPv6 loopback here: `localhost` can only be 127.0.0.1.
                Err(err)
                    if matches!(
                        err.kind(),
                        std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::Unsupported
                    ) || err.raw_os_error() == Some(libc::EAFNOSUPPORT) =>
                {
                    return Ok(Self { v4, v6: None, port });
                }
                Err(err) => tracing::info!("::1 port {port} is not free ({err}); another port"),
            }
        }
        Err(Error::Other(
            "cannot listen for the browser's reply: no port is free on both 127.0.0.1 and ::1"
                .into(),
        ))
    }

    /// `http://localhost:PORT`, as registered (the port is not compared for loopback).
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Waits for the redirect and returns the authorization code. Connections are
    /// served side by side, so an idle or slow one (a browser's preconnect, another
    /// local user) delays nothing; a reply with the wrong `state` is refused with a
    /// page and the wait goes on for the right one.
    pub async fn wait_for_code(self, state: &str, timeout: Duration) -> Result<String> {
        let deadline = tokio::time::Instant::now() + timeout;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(Reply, TcpStream)>(4);
        let mut handlers = tokio::task::JoinSet::new();
        loop {
            let accepted = tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(Error::SignIn(format!(
                        "the browser did not come back within {}; start again, or sign in with --device-code",
                        super::retry::describe_wait(timeout)
                    )));
                }
                Some((reply, mut stream)) = rx.recv() => {
                    match reply {
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
                        Reply::ForgedState | Reply::Other => continue,
                    }
                }
                a = self.v4.accept() => a,
                a = accept_v6(&self.v6) => a,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    tracing::warn!("loopback accept failed: {err}");
                    continue;
                }
            };
            let (tx, state) = (tx.clone(), state.to_string());
            handlers.spawn(async move {
                let mut stream = stream;
                let reply = match tokio::time::timeout(REQUEST_TIMEOUT, read_target(&mut stream))
                    .await
                {
                    Ok(Ok(target)) => classify(&target, &state),
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
                        tracing::warn!("a sign-in reply with another state was refused");
                        respond(
                            &mut stream,
                            400,
                            "Sign-in refused",
                            "This reply does not belong to the sign-in odc started. Nothing was signed in.",
                        )
                        .await;
                    }
                    answer => {
                        let _ = tx.send((answer, stream)).await;
                    }
                }
            });
        }
    }
}

/// The next connection on ::1, or never when there is no such listener.
async fn accept_v6(v6: &Option<TcpListener>) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
    match v6 {
        Some(v6) => v6.accept().await,
        None => std::future::pending().await,
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
        &format!(
            "sign-in failed: {}",
            odc_core::display::escape_control(error)
        ),
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
    // Constant-time comparison is not needed: the state is single-use and never
    // leaves this user (the browser gets it through a private page).
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

    async fn get(port: u16, target: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let request = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).await.unwrap();
        reply
    }

    /// Idle connections delay nothing, a reply with another state is refused with
    /// a page and does not end the sign-in, the right one completes it.
    #[tokio::test]
    async fn idle_and_forged_connections_neither_block_nor_end_the_sign_in() {
        let listener = Loopback::bind().await.unwrap();
        let port = listener.port;
        let started = std::time::Instant::now();
        let waiting = tokio::spawn(listener.wait_for_code("s1", Duration::from_secs(20)));
        let mut idle = Vec::new();
        for _ in 0..3 {
            idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
        let forged = get(port, "/?code=theirs&state=s2").await;
        assert!(forged.starts_with("HTTP/1.1 400"), "{forged}");
        assert!(!waiting.is_finished(), "the wait goes on");
        let ours = get(port, "/?code=ours&state=s1").await;
        assert!(ours.starts_with("HTTP/1.1 200"), "{ours}");
        assert_eq!(waiting.await.unwrap().unwrap(), "ours");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        drop(idle);
    }
}
