//! Raw mode and the alternate screen, restored on every way out: normal exit (Drop),
//! panic (the hook restores first, then the message is printed), signals (the loop
//! turns them into a quit), and Ctrl-Z (restored, stopped, re-entered on `fg`).

use std::io::{self, Stdout, stdout};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Whether the UI holds the terminal (raw mode, alternate screen) right now.
static TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Restores the terminal only if the UI had taken it: a command-line run whose
/// output goes to a pipe must not get escape sequences on a crash.
pub fn restore_if_taken() {
    if TAKEN.load(std::sync::atomic::Ordering::SeqCst) {
        let _ = restore();
    }
}

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() -> io::Result<()> {
    TAKEN.store(false, std::sync::atomic::Ordering::SeqCst);
    let _ = disable_raw_mode();
    execute!(
        stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    )
}

fn setup() -> io::Result<()> {
    TAKEN.store(true, std::sync::atomic::Ordering::SeqCst);
    enable_raw_mode()?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        crossterm::cursor::Hide
    )
}

/// Owns the terminal while the UI runs; restores it when dropped.
pub struct Guard {
    pub terminal: Tui,
}

impl Guard {
    pub fn enter() -> io::Result<Guard> {
        setup()?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok(Guard { terminal })
    }

    /// Takes the terminal again after another program had it (the editor).
    pub fn resume(&mut self) -> io::Result<()> {
        setup()?;
        self.redraw_all()
    }

    /// Clears the screen and makes the next draw paint every cell. Not
    /// `Terminal::clear`, which asks the terminal where its cursor is and fails
    /// when the answer is slow (a laggy SSH link) or never comes.
    fn redraw_all(&mut self) -> io::Result<()> {
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }

    /// Ctrl-Z: give the terminal back, stop until `fg`, then take it again.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore()?;
        #[cfg(unix)]
        // SAFETY: raise only sends a signal to this process; SIGTSTP's default
        // action stops it until SIGCONT.
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        setup()?;
        self.redraw_all()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// For the whole process, whatever thread or task panics: the terminal is given
/// back first, then the message is printed, then the process ends with status 101.
/// A panic inside a tokio task would otherwise be caught by the runtime and leave
/// a UI that no longer draws, or a command that never finishes.
pub fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_if_taken();
            previous(info);
            // Never `eprintln!` here: a closed stderr would panic inside the hook
            // and abort the process.
            odc_core::errln!("odc: internal error; please report it with the message above");
            std::process::exit(101);
        }));
    });
}
