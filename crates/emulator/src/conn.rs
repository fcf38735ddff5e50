//! The emulator's TCP connections. Each one carries a handle that request handlers
//! can use to cut it (a dropped connection, seen by the client as a reset with no
//! reply), and a per-connection bandwidth cap applied to reads and writes.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// Shared by a connection's IO and the handlers serving requests on it.
#[derive(Clone, Default, Debug)]
pub struct ConnHandle {
    killed: Arc<AtomicBool>,
}

impl ConnHandle {
    /// Cuts the connection: further reads and writes fail, so no reply is sent.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
    }

    pub fn is_killed(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }
}

impl Connected<IncomingStream<'_, EmulatorListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, EmulatorListener>) -> Self {
        stream.remote_addr().clone()
    }
}

pub struct EmulatorListener {
    pub inner: TcpListener,
    /// Bytes per second per direction and connection; 0 means unlimited.
    pub bandwidth: Arc<AtomicU64>,
}

impl axum::serve::Listener for EmulatorListener {
    type Io = ConnIo;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let handle = ConnHandle::default();
                    let io = ConnIo {
                        stream,
                        handle: handle.clone(),
                        read_limit: Limiter::new(self.bandwidth.clone()),
                        write_limit: Limiter::new(self.bandwidth.clone()),
                    };
                    return (io, handle);
                }
                Err(err) => {
                    tracing::warn!("emulator accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnHandle::default())
    }
}

/// A token bucket: `rate` bytes a second, with a small burst.
struct Limiter {
    rate: Arc<AtomicU64>,
    started: Option<Instant>,
    used: u64,
    sleep: Option<Pin<Box<Sleep>>>,
}

const BURST: u64 = 16 * 1024;

impl Limiter {
    fn new(rate: Arc<AtomicU64>) -> Self {
        Self {
            rate,
            started: None,
            used: 0,
            sleep: None,
        }
    }

    /// How many bytes may move now, waiting (Pending) while none may.
    fn poll_allowance(&mut self, cx: &mut Context<'_>, wanted: usize) -> Poll<usize> {
        let rate = self.rate.load(Ordering::Relaxed);
        if rate == 0 {
            self.started = None;
            return Poll::Ready(wanted);
        }
        loop {
            if let Some(sleep) = &mut self.sleep {
                ready!(sleep.as_mut().poll(cx));
                self.sleep = None;
            }
            let now = Instant::now();
            let started = *self.started.get_or_insert(now);
            let earned = (now - started).as_secs_f64() * rate as f64;
            let budget = (earned as u64 + BURST).saturating_sub(self.used);
            if budget > 0 {
                return Poll::Ready((budget as usize).min(wanted));
            }
            let wait = Duration::from_secs_f64(BURST as f64 / rate as f64);
            self.sleep = Some(Box::pin(tokio::time::sleep(wait)));
        }
    }

    fn record(&mut self, n: usize) {
        if self.started.is_some() {
            self.used += n as u64;
        }
    }
}

pub struct ConnIo {
    stream: TcpStream,
    handle: ConnHandle,
    read_limit: Limiter,
    write_limit: Limiter,
}

fn cut() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionReset,
        "connection cut by emulator fault",
    )
}

impl AsyncRead for ConnIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.handle.is_killed() {
            return Poll::Ready(Err(cut()));
        }
        let allowed = ready!(this.read_limit.poll_allowance(cx, buf.remaining()));
        let mut limited = buf.take(allowed);
        ready!(Pin::new(&mut this.stream).poll_read(cx, &mut limited))?;
        let filled = limited.filled().len();
        // SAFETY: `limited` shares `buf`'s memory and these bytes were initialised by
        // the read above.
        unsafe { buf.assume_init(filled) };
        buf.advance(filled);
        this.read_limit.record(filled);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for ConnIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.handle.is_killed() {
            return Poll::Ready(Err(cut()));
        }
        let allowed = ready!(this.write_limit.poll_allowance(cx, data.len()));
        let n = ready!(Pin::new(&mut this.stream).poll_write(cx, &data[..allowed]))?;
        this.write_limit.record(n);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.handle.is_killed() {
            return Poll::Ready(Err(cut()));
        }
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
