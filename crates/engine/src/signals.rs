//! The signals that end odc, for the commands and the UI alike: Ctrl-C (SIGINT),
//! SIGTERM and SIGHUP (an SSH session that drops). Signal streams, unlike
//! `tokio::signal::ctrl_c()`, can be awaited again after they fire, so a second
//! Ctrl-C is seen too.

use tokio::signal::unix::{Signal, SignalKind, signal};

use odc_graph::Error;

pub struct Signals {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

impl Signals {
    pub fn new() -> Result<Self, Error> {
        let listen = |kind| {
            signal(kind).map_err(|e| Error::Other(format!("cannot listen for signals: {e}")))
        };
        Ok(Self {
            interrupt: listen(SignalKind::interrupt())?,
            terminate: listen(SignalKind::terminate())?,
            hangup: listen(SignalKind::hangup())?,
        })
    }

    /// The next signal, as the exit status it calls for (128 + its number).
    pub async fn next(&mut self) -> u8 {
        tokio::select! {
            _ = self.interrupt.recv() => 130,
            _ = self.terminate.recv() => 143,
            _ = self.hangup.recv() => 129,
        }
    }
}
