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

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() -> io::Result<()> {
    let _ = disable_raw_mode();
    execute!(
        stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    )
}

fn setup() -> io::Result<()> {
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
        install_panic_hook();
        setup()?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok(Guard { terminal })
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
        self.terminal.clear()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = restore();
            previous(info);
        }));
    });
}
