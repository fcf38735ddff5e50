//! The built `odc` binary as users run it: the CLI commands with their exit codes and
//! output, the emulator process, and the full-screen UI in a pseudo-terminal.

mod accounts;
mod archives;
mod bandwidth;
mod binary;
mod cli;
mod du;
mod filters;
mod history;
mod processes;
mod pty;
mod rewritten;
mod safety;
mod shared;
