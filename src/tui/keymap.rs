//! Keys → actions, from the `[keys]` config section. The help overlay and the
//! command bar are generated from this table, so they never drift from it.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    SwitchPane,
    Up,
    Down,
    Open,
    Parent,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Select,
    InvertSelection,
    Filter,
    Sort,
    ToggleHidden,
    Refresh,
    ToggleSource,
    OpenBrowser,
    Copy,
    Move,
    Rename,
    Mkdir,
    Delete,
    Transfers,
    Help,
    Quit,
}

impl Action {
    pub const ALL: [Action; 25] = [
        Action::SwitchPane,
        Action::Up,
        Action::Down,
        Action::Open,
        Action::Parent,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::Select,
        Action::InvertSelection,
        Action::Filter,
        Action::Sort,
        Action::ToggleHidden,
        Action::Refresh,
        Action::ToggleSource,
        Action::OpenBrowser,
        Action::Copy,
        Action::Move,
        Action::Rename,
        Action::Mkdir,
        Action::Delete,
        Action::Transfers,
        Action::Help,
        Action::Quit,
    ];

    /// The name used in the config file.
    pub fn config_name(self) -> &'static str {
        match self {
            Action::SwitchPane => "switch_pane",
            Action::Up => "up",
            Action::Down => "down",
            Action::Open => "open",
            Action::Parent => "parent",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Select => "select",
            Action::InvertSelection => "invert_selection",
            Action::Filter => "filter",
            Action::Sort => "sort",
            Action::ToggleHidden => "toggle_hidden",
            Action::Refresh => "refresh",
            Action::ToggleSource => "toggle_source",
            Action::OpenBrowser => "open_browser",
            Action::Copy => "copy",
            Action::Move => "move",
            Action::Rename => "rename",
            Action::Mkdir => "mkdir",
            Action::Delete => "delete",
            Action::Transfers => "transfers",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }

    /// What the help overlay says.
    pub fn description(self) -> &'static str {
        match self {
            Action::SwitchPane => "switch pane",
            Action::Up => "cursor up",
            Action::Down => "cursor down",
            Action::Open => "open / details",
            Action::Parent => "parent folder",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Select => "mark row",
            Action::InvertSelection => "invert marks",
            Action::Filter => "filter as you type",
            Action::Sort => "cycle sort order",
            Action::ToggleHidden => "show/hide dot files",
            Action::Refresh => "reload pane",
            Action::ToggleSource => "local <-> OneDrive",
            Action::OpenBrowser => "open sign-in page",
            Action::Copy => "copy to other pane",
            Action::Move => "move to other pane",
            Action::Rename => "rename",
            Action::Mkdir => "new folder",
            Action::Delete => "delete (recycle bin)",
            Action::Transfers => "transfers panel",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }

    /// The short label in the command bar, for the actions shown there.
    pub fn bar_label(self) -> Option<&'static str> {
        match self {
            Action::Help => Some("Help"),
            Action::Copy => Some("Copy"),
            Action::Move => Some("Move"),
            Action::Mkdir => Some("Mkdir"),
            Action::Delete => Some("Delete"),
            Action::Transfers => Some("Jobs"),
            Action::ToggleSource => Some("Source"),
            Action::Filter => Some("Filter"),
            Action::Quit => Some("Quit"),
            _ => None,
        }
    }

    pub fn from_config_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.config_name() == name)
    }
}

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
    pub fn parse(text: &str) -> Result<Key, String> {
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
                    return Err(format!(
                        "{text:?} is not a key; use a character, F1 to F12, or one of {}, with optional Ctrl-, Alt-, Shift-",
                        NAMED.join(", ")
                    ));
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

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: BTreeMap<Key, Action>,
    keys: BTreeMap<Action, Vec<Key>>,
}

impl Keymap {
    /// Builds the keymap from the `[keys]` table: action name → key strings.
    pub fn from_config(table: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut bindings = BTreeMap::new();
        let mut keys: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        for (name, list) in table {
            let action = Action::from_config_name(name)
                .ok_or_else(|| format!("keys.{name}: there is no action called {name:?}"))?;
            for text in list {
                let key = Key::parse(text).map_err(|e| format!("keys.{name}: {e}"))?;
                if let Some(other) = bindings.insert(key, action)
                    && other != action
                {
                    return Err(format!(
                        "keys.{name}: {key} is already bound to {}",
                        other.config_name()
                    ));
                }
                keys.entry(action).or_default().push(key);
            }
        }
        Ok(Keymap { bindings, keys })
    }

    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.bindings.get(&Key::from_event(event)?).copied()
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.keys.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// `F5/c` style label of an action's keys.
    pub fn label(&self, action: Action) -> String {
        self.keys(action)
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The first key, for the command bar.
    pub fn first(&self, action: Action) -> Option<Key> {
        self.keys(action).first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn parses_and_matches_keys() {
        let mut table = BTreeMap::new();
        table.insert(
            "quit".to_string(),
            vec!["F10".into(), "q".into(), "Ctrl-C".into()],
        );
        table.insert("bottom".to_string(), vec!["G".into()]);
        table.insert("refresh".to_string(), vec!["Ctrl-R".into()]);
        let keymap = Keymap::from_config(&table).unwrap();
        assert_eq!(
            keymap.action(&event(KeyCode::F(10), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            keymap.action(&event(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            keymap.action(&event(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            keymap.action(&event(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            keymap.action(&event(KeyCode::Char('g'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            keymap.action(&event(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Action::Refresh)
        );
        assert_eq!(keymap.label(Action::Quit), "F10/q/Ctrl-C");
    }

    #[test]
    fn bad_keys_and_actions_are_named() {
        let mut table = BTreeMap::new();
        table.insert("quit".to_string(), vec!["Hyper-Q".into()]);
        let err = Keymap::from_config(&table).unwrap_err();
        assert!(
            err.starts_with("keys.quit: \"Hyper-Q\" is not a key"),
            "{err}"
        );
        let mut table = BTreeMap::new();
        table.insert("fly".to_string(), vec!["f".into()]);
        assert!(
            Keymap::from_config(&table)
                .unwrap_err()
                .contains("no action called \"fly\"")
        );
        let mut table = BTreeMap::new();
        table.insert("quit".to_string(), vec!["x".into()]);
        table.insert("sort".to_string(), vec!["x".into()]);
        assert!(
            Keymap::from_config(&table)
                .unwrap_err()
                .contains("already bound")
        );
    }

    #[test]
    fn every_action_has_a_default_key() {
        let keymap = Keymap::from_config(&crate::config::Config::defaults().keys).unwrap();
        for action in Action::ALL {
            assert!(!keymap.keys(action).is_empty(), "{action:?}");
        }
    }
}
