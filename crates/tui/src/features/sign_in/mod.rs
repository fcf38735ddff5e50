//! Signing in, in the remote pane while signed out: the saved session checked at
//! start, then the device code (shown, copied, its page opened) or the browser
//! sign-in, and the account's name and quota once in.

pub mod io;
pub mod update;
pub mod widget;
