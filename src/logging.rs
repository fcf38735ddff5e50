//! Logging with `tracing` to `$XDG_STATE_HOME/odc/odc.log`, never to the terminal:
//! the terminal belongs to the UI or to the command's own output.
//!
//! `ODC_LOG` sets the filter (`info` when unset), e.g. `ODC_LOG=odc=debug`.
//! Secrets (tokens, device codes, refresh tokens) are never passed to a log macro;
//! request URLs are logged without their query strings for the same reason.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Keeps the background log writer alive; drop it last so the log is flushed.
pub struct LogGuard {
    _worker: WorkerGuard,
    pub file: PathBuf,
}

/// Starts file logging. Returns `None` (and logs nothing) when no state directory can
/// be found or created; odc works the same without a log.
pub fn init() -> Option<LogGuard> {
    let dir = crate::paths::state_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let file_name = "odc.log";
    let appender = tracing_appender::rolling::never(&dir, file_name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("ODC_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(LogGuard {
        _worker: guard,
        file: dir.join(file_name),
    })
}
