//! The shell above the features: the loop (`app`), the router that hands each
//! event to the feature that owns it (`router`), the effects runner that hands
//! each effect to its feature's I/O (`runner`), the frame that draws the features'
//! widgets (`frame`), and the state that composes the features' parts (`state`).

pub mod app;
pub mod clipboard;
pub mod frame;
pub mod router;
pub mod runner;
pub mod state;
pub mod terminal;
