//! Writing to standard output and standard error without panicking.
//!
//! `println!` panics when the reader of a pipe has gone (`odc config show | head -1`)
//! and `eprintln!` when stderr is a closed pipe, and a panic then prints to the same
//! closed stderr and aborts. Commands print through these macros instead: data to
//! stdout ends the process quietly with status 141 (128 + SIGPIPE, what a shell sees
//! from `ls` or `cat` killed by a closed pipe) once nobody reads it; a report to
//! stderr that cannot be written is dropped, as there is nowhere left to say so.

use std::fmt;
use std::io::{self, Write};

/// The exit status of a command whose output's reader went away.
pub const CLOSED_PIPE_STATUS: i32 = 128 + libc::SIGPIPE;

/// `outln!(...)`: one line of data on stdout.
#[macro_export]
macro_rules! outln {
    () => { $crate::stdio::out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::stdio::out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `out!(...)`: data on stdout, no line feed added.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::stdio::out(format_args!($($arg)*)) };
}

/// `errln!(...)`: one line of report on stderr.
#[macro_export]
macro_rules! errln {
    () => { $crate::stdio::err(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::stdio::err(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Writes data to stdout. A closed pipe ends the process with
/// [`CLOSED_PIPE_STATUS`]; any other failure (a full disk behind `>`) is said on
/// stderr and ends it with status 1, as data that cannot be written is lost.
pub fn out(args: fmt::Arguments<'_>) {
    let mut stdout = io::stdout().lock();
    let result = stdout.write_fmt(args).and_then(|()| {
        // Line buffering flushes at a line feed; flush the rest so that a failure
        // is seen here rather than lost at exit.
        stdout.flush()
    });
    if let Err(err) = result {
        fail_output(&err);
    }
}

/// Writes a report to stderr; a stderr nobody reads is not an error.
pub fn err(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// Writes bytes to stdout, with [`out`]'s handling of failures.
pub fn out_bytes(bytes: &[u8]) {
    let mut stdout = io::stdout().lock();
    if let Err(err) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        fail_output(&err);
    }
}

/// Whether an error means the reader of our output went away.
pub fn is_closed_pipe(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::BrokenPipe
}

fn fail_output(err: &io::Error) -> ! {
    if is_closed_pipe(err) {
        std::process::exit(CLOSED_PIPE_STATUS);
    }
    err_line(&format!("odc: cannot write to standard output: {err}"));
    std::process::exit(1);
}

fn err_line(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}
