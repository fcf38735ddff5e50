//! Logging with `tracing` to `$XDG_STATE_HOME/odc/odc.log`, never to the terminal:
//! the terminal belongs to the UI or to the command's own output.
//!
//! The level: warnings by default, `-v` info, `-vv` debug, `-vvv` trace; `ODC_LOG`
//! (targets and levels, e.g. `ODC_LOG=odc=debug,warn`) wins over both. The default file
//! rotates daily and keeps a week; `--log-file PATH` writes there instead.
//! Secrets (tokens, device codes, refresh tokens) are never passed to a log macro;
//! request URLs are logged without their query strings for the same reason.

use std::io::Write;
use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Keeps the background log writer alive; drop it last so the log is flushed.
pub struct LogGuard {
    _worker: WorkerGuard,
    pub file: PathBuf,
}

/// Where the log goes and how much of it.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    /// `-v` count.
    pub verbosity: u8,
    /// `--log-file PATH`.
    pub file: Option<PathBuf>,
}

/// Rotated files kept in the state directory.
const KEPT_FILES: usize = 7;

/// The state folder (logs, resume records, caches) and the logs in it are this
/// user's alone: the rolling appender creates its files with the umask's mode, so
/// the folder's 0700 is what keeps other users out, and files from older versions
/// are narrowed to 0600.
fn make_private(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let is_log = name.to_string_lossy().starts_with("odc.");
        if is_log && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600));
        }
    }
}

/// Starts file logging. Returns `None` (and logs nothing) when no state directory can
/// be found or created; odc works the same without a log.
pub fn init(options: &LogOptions) -> Option<LogGuard> {
    let (writer, guard, file) = match &options.file {
        Some(path) => {
            use std::os::unix::fs::OpenOptionsExt;
            // Logs hold remote names and paths: readable by this user alone.
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(path)
                .ok()?;
            let (writer, guard) = tracing_appender::non_blocking(file);
            (writer, guard, path.clone())
        }
        None => {
            let dir = odc_core::paths::state_dir()?;
            std::fs::create_dir_all(&dir).ok()?;
            let appender = tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix("odc")
                .filename_suffix("log")
                .max_log_files(KEPT_FILES)
                .build(&dir)
                .ok()?;
            // After the appender opened today's file.
            make_private(&dir);
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (writer, guard, dir.join("odc.DATE.log"))
        }
    };
    let level = match options.verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    // `Targets` rather than `EnvFilter`: the same `target=level` lists without a
    // regex engine in the build.
    let from_env = std::env::var("ODC_LOG").ok().map(|text| {
        let parsed = text.parse::<Targets>();
        (text, parsed)
    });
    let default: Targets = level.parse().expect("a plain level parses");
    let (filter, refused) = match from_env {
        Some((_, Ok(filter))) => (filter, None),
        Some((text, Err(err))) => (default, Some((text, err))),
        None => (default, None),
    };
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(Escaping(writer))
                .with_ansi(false),
        )
        .with(filter)
        .try_init()
        .ok()?;
    if let Some((text, err)) = refused {
        tracing::warn!("ODC_LOG={text:?} is not a filter ({err}); logging at {level}");
    }
    Some(LogGuard {
        _worker: guard,
        file,
    })
}

/// Log lines quote names, paths and server replies: each one goes through the same
/// escaping as the terminal output, so `cat odc.log` or `tail -f` cannot be driven
/// by a hostile file name (ESC sequences, bidi overrides).
#[derive(Clone)]
struct Escaping<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Escaping<M> {
    type Writer = EscapingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        EscapingWriter(self.0.make_writer())
    }
}

struct EscapingWriter<W>(W);

impl<W: Write> Write for EscapingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        // The formatter ends each event with one newline: that one stays.
        let (body, newline) = match text.strip_suffix('\n') {
            Some(body) => (body, true),
            None => (&*text, false),
        };
        let mut out = odc_core::display::escape_control(body);
        if newline {
            out.push('\n');
        }
        self.0.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::EscapingWriter;
    use std::io::Write;

    #[test]
    fn log_lines_are_escaped_but_keep_their_newline() {
        let mut out = EscapingWriter(Vec::new());
        out.write_all(b"WARN odc: download of evil\x1b[2J\xe2\x80\xae.txt failed\n")
            .unwrap();
        assert_eq!(
            String::from_utf8(out.0).unwrap(),
            "WARN odc: download of evil\\x1b[2J\\u{202e}.txt failed\n"
        );
    }
}
