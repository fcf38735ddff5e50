//! The event loop: input, background events and signals in; `update`; effects out;
//! a redraw only when something changed, at most ~30 times a second. Idle means
//! no wake-ups: the tick runs only while something is loading or counting down.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, EventStream, MouseEventKind};
use futures::StreamExt;

use super::effects::{LoopControl, Runner};
use super::keymap::Keymap;
use super::terminal::Guard;
use super::update::{self, Event};
use crate::config::Config;
use crate::onedrive::RemotePath;
use crate::onedrive::tokens::TokenStore;

const FRAME: Duration = Duration::from_millis(33);
const TICK: Duration = Duration::from_millis(120);

pub struct Start {
    pub config: Arc<Config>,
    pub store: TokenStore,
    /// Where running transfers are remembered for resuming after a crash.
    pub resume: Option<crate::transfer::resume::ResumeStore>,
    pub local_dir: PathBuf,
    pub remote_path: RemotePath,
}

pub async fn run(start: Start) -> std::io::Result<()> {
    let keymap = Arc::new(Keymap::from_config(&start.config.keys).map_err(std::io::Error::other)?);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut guard = Guard::enter()?;
    let size = guard.terminal.size()?;
    let mut state = update::initial_state(
        &start.config,
        keymap,
        start.local_dir,
        start.remote_path,
        (size.width, size.height),
        no_color,
    );
    state.utc_offset_secs = chrono::Local::now().offset().local_minus_utc();
    state.now = chrono::Utc::now().timestamp();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(tx, start.config.clone(), start.store, start.resume);
    // Created only now that the terminal is set up: without a TTY it panics.
    let mut input = EventStream::new();
    // SIGTERM, SIGHUP (an SSH drop) and SIGINT end the UI cleanly.
    let mut signals = crate::signals::Signals::new().map_err(std::io::Error::other)?;
    // Debug builds only: lets the pseudo-terminal test check that a panic in a
    // background task restores the terminal and ends the process.
    if cfg!(debug_assertions) && std::env::var_os("ODC_DEBUG_PANIC_IN_TASK").is_some() {
        tokio::spawn(async {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            panic!("ODC_DEBUG_PANIC_IN_TASK");
        });
    }

    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut pending: Vec<update::Effect> = update::start(&mut state);
    loop {
        for effect in pending.drain(..) {
            match runner.run(effect) {
                LoopControl::Continue => {}
                LoopControl::Quit => return Ok(()),
                LoopControl::Suspend => {
                    guard.suspend()?;
                    dirty = true;
                }
            }
        }
        if state.quit {
            return Ok(());
        }
        if dirty && last_draw.elapsed() >= FRAME {
            guard
                .terminal
                .draw(|frame| super::ui::render(&state, frame))?;
            last_draw = Instant::now();
            dirty = false;
        }
        let redraw_in = if dirty {
            Some(FRAME.saturating_sub(last_draw.elapsed()))
        } else {
            None
        };
        let tick = state.busy();
        let event = tokio::select! {
            Some(term) = input.next() => match term {
                Ok(TermEvent::Key(key)) => Some(Event::Key(key)),
                Ok(TermEvent::Mouse(mouse)) if mouse.kind != MouseEventKind::Moved => Some(Event::Mouse(mouse)),
                Ok(TermEvent::Resize(w, h)) => Some(Event::Resize(w, h)),
                Ok(_) => None,
                Err(err) => return Err(err),
            },
            Some(event) = rx.recv() => Some(event),
            _ = tokio::time::sleep(TICK), if tick => Some(Event::Tick { now: chrono::Utc::now().timestamp() }),
            _ = tokio::time::sleep(redraw_in.unwrap_or_default()), if redraw_in.is_some() => None,
            _ = signals.next() => Some(Event::Terminate),
        };
        if let Some(event) = event {
            pending = update::update(&mut state, event);
            dirty = true;
        }
    }
}
