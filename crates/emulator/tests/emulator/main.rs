//! The emulator over real HTTP on 127.0.0.1:0: every endpoint, error and fault.

mod authorize;
mod batch;
mod delta;
mod drive;
mod faults;
mod history;
mod identity;
mod shares;
mod support;
mod thumbnails;
mod transfers;
