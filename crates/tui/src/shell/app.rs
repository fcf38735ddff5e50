//! The event loop: input, background events and signals in; `update`; effects out;
//! a redraw only when something changed, at most ~30 times a second. Idle means
//! no wake-ups: the tick runs only while something is loading or counting down.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, EventStream, MouseEventKind};
use futures::{Stream, StreamExt};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::shared::keymap::Keymap;
use crate::shell::router::{self, Event};
use crate::shell::runner::{LoopControl, Runner};
use crate::shell::state::State;
use crate::shell::terminal::Guard;
use odc_core::config::Config;
use odc_graph::RemotePath;
use odc_graph::tokens::TokenStore;

const FRAME: Duration = Duration::from_millis(33);
const TICK: Duration = Duration::from_millis(120);

pub struct Start {
    pub config: Arc<Config>,
    /// Parsed once, when the configuration was loaded.
    pub keymap: Arc<Keymap>,
    pub store: TokenStore,
    /// Where the UI keeps its files (resume records, edits, the hotlist).
    pub places: crate::Places,
    pub local_dir: PathBuf,
    pub remote_path: RemotePath,
}

/// How pictures are drawn (`ui.graphics`): `auto` asks the terminal which
/// graphics it has (kitty, iTerm2, sixel; half blocks when it answers none or
/// does not answer), a name forces that one.
fn graphics(setting: &str) -> ratatui_image::picker::Picker {
    use ratatui_image::picker::{Picker, ProtocolType};
    let forced = match setting {
        "halfblocks" => return Picker::halfblocks(),
        "kitty" => Some(ProtocolType::Kitty),
        "iterm2" => Some(ProtocolType::Iterm2),
        "sixel" => Some(ProtocolType::Sixel),
        _ => None,
    };
    let mut picker = Picker::from_query_stdio().unwrap_or_else(|err| {
        tracing::info!("the terminal did not say which graphics it has ({err}): half blocks");
        Picker::halfblocks()
    });
    if let Some(protocol) = forced {
        picker.set_protocol_type(protocol);
    }
    tracing::info!("pictures drawn with {:?}", picker.protocol_type());
    picker
}

pub async fn run(start: Start) -> std::io::Result<()> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut guard = Guard::enter()?;
    // Asked before anything reads the keyboard: the terminal's answer comes on stdin.
    let picker = graphics(&start.config.ui.graphics);
    let size = guard.terminal.size()?;
    let mut state = crate::shell::state::initial_state(
        &start.config,
        start.keymap,
        start.local_dir,
        start.remote_path,
        (size.width, size.height),
        no_color,
    );
    state.utc_offset_secs = chrono::Local::now().offset().local_minus_utc();
    state.home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    state.now = chrono::Utc::now().timestamp();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(tx, start.config.clone(), start.store, start.places);
    runner.set_picker(picker);
    // Created only now that the terminal is set up: without a TTY it panics.
    let mut input = TerminalInput::default();
    input.events();
    // SIGTERM, SIGHUP (an SSH drop) and SIGINT end the UI cleanly.
    let signals = odc_engine::signals::Signals::new().map_err(std::io::Error::other)?;
    // Debug builds only: lets the pseudo-terminal test check that a panic in a
    // background task restores the terminal and ends the process.
    if cfg!(debug_assertions) && std::env::var_os("ODC_DEBUG_PANIC_IN_TASK").is_some() {
        tokio::spawn(async {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            panic!("ODC_DEBUG_PANIC_IN_TASK");
        });
    }

    let mut surface = GuardSurface(&mut guard);
    let terminate = futures::stream::unfold(signals, |mut signals| async move {
        signals.next().await;
        Some(((), signals))
    });
    drive(
        &mut state,
        &mut runner,
        &mut rx,
        &mut surface,
        &mut input,
        terminate,
    )
    .await
}

/// Where the loop draws: the real terminal, or a test backend in benchmarks.
pub trait Surface {
    fn draw(&mut self, state: &State) -> std::io::Result<()>;
    /// Ctrl-Z: gives the terminal back and stops until `fg`.
    fn suspend(&mut self) -> std::io::Result<()>;
    /// Gives the terminal to another program (the editor) until [`Surface::enter`].
    fn leave(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn enter(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    /// Puts `text` on the clipboard of the terminal the person sits at.
    fn clipboard(&mut self, _text: &str) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where key presses come from. The terminal's reader is a thread that would take
/// the keys meant for an editor, so it is stopped while one runs.
pub trait InputSource {
    type Events: Stream<Item = std::io::Result<TermEvent>> + Unpin;
    fn events(&mut self) -> &mut Self::Events;
    /// Stops reading until `events` is called again.
    fn release(&mut self) {}
}

/// The terminal's keys, mouse and resizes.
#[derive(Default)]
pub struct TerminalInput(Option<EventStream>);

impl InputSource for TerminalInput {
    type Events = EventStream;
    fn events(&mut self) -> &mut EventStream {
        self.0.get_or_insert_with(EventStream::new)
    }
    fn release(&mut self) {
        self.0 = None;
    }
}

/// Any stream of terminal events (benchmarks).
pub struct StreamInput<S>(pub S);

impl<S: Stream<Item = std::io::Result<TermEvent>> + Unpin> InputSource for StreamInput<S> {
    type Events = S;
    fn events(&mut self) -> &mut S {
        &mut self.0
    }
}

struct GuardSurface<'a>(&'a mut Guard);

impl Surface for GuardSurface<'_> {
    fn draw(&mut self, state: &State) -> std::io::Result<()> {
        let area = self
            .0
            .terminal
            .draw(|frame| crate::shell::frame::render(state, frame))?
            .area;
        // The sign-in address again, as a clickable OSC 8 link over the same cells.
        if state.viewer.is_none()
            && let Some((x, y, link)) = crate::features::sign_in::widget::hyperlink(state, area)
        {
            use std::io::Write;
            let backend = self.0.terminal.backend_mut();
            crossterm::queue!(backend, crossterm::cursor::MoveTo(x, y))?;
            backend.write_all(link.as_bytes())?;
            backend.flush()?;
        }
        Ok(())
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        self.0.suspend()
    }

    fn leave(&mut self) -> std::io::Result<()> {
        crate::shell::terminal::restore()
    }

    fn enter(&mut self) -> std::io::Result<()> {
        self.0.resume()
    }

    fn clipboard(&mut self, text: &str) -> std::io::Result<()> {
        use std::io::Write;
        let inside_tmux = std::env::var_os("TMUX").is_some();
        let mut out = std::io::stdout();
        out.write_all(crate::shell::clipboard::osc52(text, inside_tmux).as_bytes())?;
        out.flush()
    }
}

/// The loop itself: terminal input, background events and `terminate` in; `update`;
/// effects out through `runner`. A person's input is drawn at once; background
/// events (progress, listings, thousands of task updates) at most once per frame.
pub async fn drive(
    state: &mut State,
    runner: &mut Runner,
    rx: &mut UnboundedReceiver<Event>,
    surface: &mut impl Surface,
    input: &mut impl InputSource,
    terminate: impl Stream<Item = ()>,
) -> std::io::Result<()> {
    let mut terminate = std::pin::pin!(terminate);
    let mut dirty = true;
    let mut urgent = false;
    let mut last_draw = Instant::now() - FRAME;
    let mut pending: Vec<router::Effect> = router::start(state);
    loop {
        let mut follow_ups = Vec::new();
        for effect in pending.drain(..) {
            match runner.run(effect) {
                LoopControl::Continue => {}
                LoopControl::Quit => return Ok(()),
                LoopControl::Suspend => {
                    surface.suspend()?;
                    dirty = true;
                }
                LoopControl::Clipboard(text) => surface.clipboard(&text)?,
                LoopControl::Edit { ticket, path } => {
                    input.release();
                    surface.leave()?;
                    let result = run_editor(&path).await;
                    surface.enter()?;
                    follow_ups.push(Event::EditorExited { ticket, result });
                    dirty = true;
                    urgent = true;
                }
            }
        }
        for event in follow_ups {
            pending.extend(router::update(state, event));
        }
        if !pending.is_empty() {
            continue;
        }
        if state.quit {
            return Ok(());
        }
        if dirty && (urgent || last_draw.elapsed() >= FRAME) {
            surface.draw(state)?;
            last_draw = Instant::now();
            dirty = false;
            urgent = false;
        }
        let redraw_in = if dirty {
            Some(FRAME.saturating_sub(last_draw.elapsed()))
        } else {
            None
        };
        let tick = state.busy();
        let (event, from_person) = tokio::select! {
            Some(term) = input.events().next() => match term {
                Ok(TermEvent::Key(key)) => (Some(Event::Key(key)), true),
                Ok(TermEvent::Mouse(mouse)) if mouse.kind != MouseEventKind::Moved => (Some(Event::Mouse(mouse)), true),
                Ok(TermEvent::Resize(w, h)) => (Some(Event::Resize(w, h)), true),
                Ok(_) => (None, false),
                Err(err) => return Err(err),
            },
            Some(event) = rx.recv() => (Some(event), false),
            _ = tokio::time::sleep(TICK), if tick => (Some(Event::Tick { now: chrono::Utc::now().timestamp() }), false),
            _ = tokio::time::sleep(redraw_in.unwrap_or_default()), if redraw_in.is_some() => (None, false),
            Some(()) = terminate.next() => (Some(Event::Terminate), false),
        };
        if let Some(event) = event {
            pending = router::update(state, event);
            dirty = true;
            urgent |= from_person;
        }
    }
}

/// Runs the editor on `path` while the terminal is given to it.
async fn run_editor(path: &std::path::Path) -> Result<(), String> {
    let mut command = crate::features::editor::private_copy::editor_command(path);
    match tokio::task::spawn_blocking(move || command.status()).await {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(status)) => Err(format!("the editor exited with {status}")),
        Ok(Err(err)) => Err(format!("cannot run the editor: {err}")),
        Err(err) => Err(err.to_string()),
    }
}
