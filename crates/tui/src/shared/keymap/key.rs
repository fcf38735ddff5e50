//! One key with its modifiers: parsed from the config's `Ctrl-R` / `Shift-F6` / `G`
//! form, matched against what the terminal reports, and shown back the same way.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key name the config gave that names no key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{0:?} is not a key; use a character, F1 to F12, or one of {names}, with optional Ctrl-, Alt-, Shift-",
    names = NAMED.join(", ")
)]
pub struct NotAKey(pub String);

/// One key with modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

/// KeyCode with the ordering a BTreeMap needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: [&str; 15] = [
    "Enter",
    "Tab",
    "Backspace",
    "Delete",
    "Insert",
    "Home",
    "End",
    "PageUp",
    "PageDown",
    "Up",
    "Down",
    "Left",
    "Right",
    "Space",
    "Esc",
];

impl Key {
    /// Parses `Ctrl-R`, `Shift-F6`, `G`, `*`, `Space`, `PageDown`.
    pub fn parse(text: &str) -> Result<Key, NotAKey> {
        let mut key = Key {
            code: KeyCodeOrd::Char(' '),
            ctrl: false,
            alt: false,
            shift: false,
        };
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("Ctrl-") {
                key.ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Alt-") {
                key.alt = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Shift-") {
                key.shift = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        key.code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                // Ctrl- and Alt- letters are matched case-insensitively.
                let c = if key.ctrl || key.alt {
                    c.to_ascii_lowercase()
                } else {
                    c
                };
                KeyCodeOrd::Char(c)
            }
            _ if rest == "Space" => KeyCodeOrd::Char(' '),
            _ => {
                if let Some(n) = rest.strip_prefix('F').and_then(|n| n.parse::<u8>().ok())
                    && (1..=12).contains(&n)
                {
                    KeyCodeOrd::F(n)
                } else if let Some(name) = NAMED.iter().find(|n| **n == rest) {
                    KeyCodeOrd::Named(name)
                } else {
                    return Err(NotAKey(text.to_string()));
                }
            }
        };
        Ok(key)
    }

    /// The key crossterm reported, in the same form.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let shift = event.modifiers.contains(KeyModifiers::SHIFT);
        let code = match event.code {
            KeyCode::Char(c) => {
                let c = if ctrl || alt {
                    c.to_ascii_lowercase()
                } else {
                    c
                };
                // The character already carries Shift ("G").
                return Some(Key {
                    code: KeyCodeOrd::Char(c),
                    ctrl,
                    alt,
                    shift: false,
                });
            }
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Enter => KeyCodeOrd::Named("Enter"),
            KeyCode::Tab => KeyCodeOrd::Named("Tab"),
            KeyCode::BackTab => {
                return Some(Key {
                    code: KeyCodeOrd::Named("Tab"),
                    ctrl,
                    alt,
                    shift: true,
                });
            }
            KeyCode::Backspace => KeyCodeOrd::Named("Backspace"),
            KeyCode::Delete => KeyCodeOrd::Named("Delete"),
            KeyCode::Insert => KeyCodeOrd::Named("Insert"),
            KeyCode::Home => KeyCodeOrd::Named("Home"),
            KeyCode::End => KeyCodeOrd::Named("End"),
            KeyCode::PageUp => KeyCodeOrd::Named("PageUp"),
            KeyCode::PageDown => KeyCodeOrd::Named("PageDown"),
            KeyCode::Up => KeyCodeOrd::Named("Up"),
            KeyCode::Down => KeyCodeOrd::Named("Down"),
            KeyCode::Left => KeyCodeOrd::Named("Left"),
            KeyCode::Right => KeyCodeOrd::Named("Right"),
            KeyCode::Esc => KeyCodeOrd::Named("Esc"),
            _ => return None,
        };
        Some(Key {
            code,
            ctrl,
            alt,
            shift,
        })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            write!(f, "Ctrl-")?;
        }
        if self.alt {
            write!(f, "Alt-")?;
        }
        if self.shift {
            write!(f, "Shift-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => write!(f, "Space"),
            KeyCodeOrd::Char(c) if self.ctrl || self.alt => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "F{n}"),
            KeyCodeOrd::Named(name) => write!(f, "{name}"),
        }
    }
}
