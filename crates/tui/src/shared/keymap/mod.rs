//! Keys → actions, per context, from the `[keys]` config section. Every key
//! handler asks the keymap, and the help overlay, the command bar and each dialog's
//! hint line are generated from it, so what is shown never drifts from what works.

mod action;
mod key;

use std::collections::BTreeMap;

use crossterm::event::KeyEvent;

pub use action::{Action, Context};
pub use key::{Key, KeyCodeOrd};

use odc_core::config::{Config, ConfigError};

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: BTreeMap<(Context, Key), Action>,
    keys: BTreeMap<Action, Vec<Key>>,
}

/// Why a `[keys]` table cannot be used: the setting at fault and, for a key bound
/// twice in one context, the other action's setting.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyProblem {
    pub setting: String,
    /// For a key bound twice: the key and the other action's setting.
    pub twice: Option<(Key, String)>,
    pub message: String,
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.setting, self.message)
    }
}

impl Keymap {
    /// Builds the keymap from the `[keys]` table: action name → key strings. A key
    /// may mean different things in different contexts, never two in one.
    pub fn from_config(table: &BTreeMap<String, Vec<String>>) -> Result<Keymap, KeyProblem> {
        let mut bindings = BTreeMap::new();
        let mut keys: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        for (name, list) in table {
            let setting = format!("keys.{name}");
            let action = Action::from_config_name(name).ok_or_else(|| KeyProblem {
                setting: setting.clone(),
                twice: None,
                message: format!("there is no action called {name:?}"),
            })?;
            for text in list {
                let key = Key::parse(text).map_err(|problem| KeyProblem {
                    setting: setting.clone(),
                    twice: None,
                    message: problem.to_string(),
                })?;
                if let Some(other) = bindings.insert((action.context(), key), action)
                    && other != action
                {
                    return Err(KeyProblem {
                        setting: setting.clone(),
                        twice: Some((key, format!("keys.{}", other.config_name()))),
                        message: format!("{key} is already bound to {}", other.config_name()),
                    });
                }
                keys.entry(action).or_default().push(key);
            }
        }
        Ok(Keymap { bindings, keys })
    }

    /// The keymap of a loaded configuration, parsed once for the whole run; a bad
    /// binding is reported like any other bad setting, naming the file that set it.
    pub fn load(config: &Config) -> Result<Keymap, ConfigError> {
        Keymap::from_config(&config.keys).map_err(|problem| {
            // A key bound twice: blame whichever of the two the user set.
            let (blamed, expected) = match &problem.twice {
                Some((key, other)) => {
                    let blamed = if !config.user_set(&problem.setting) && config.user_set(other) {
                        other.clone()
                    } else {
                        problem.setting.clone()
                    };
                    let expected = format!(
                        "a key not used elsewhere in its context; {key} is bound to both `{}` and `{}`",
                        problem.setting.trim_start_matches("keys."),
                        other.trim_start_matches("keys.")
                    );
                    (blamed, expected)
                }
                None => (problem.setting.clone(), problem.message.clone()),
            };
            ConfigError::BadValue {
                origin: config.origin(&blamed),
                key: blamed,
                expected,
            }
        })
    }

    /// The action `event` means in `context`, if any.
    pub fn action_in(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        self.bindings
            .get(&(context, Key::from_event(event)?))
            .copied()
    }

    /// The action `event` means in the panes.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.action_in(Context::Panes, event)
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

    /// A context's keys as one hint line: `x cancel  p pause/resume  …`.
    pub fn hints(&self, context: Context) -> String {
        Action::of(context)
            .filter(|&action| !self.keys(action).is_empty())
            .map(|action| format!("{} {}", self.label(action), action.description()))
            .collect::<Vec<_>>()
            .join("  ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;
    use crossterm::event::{KeyCode, KeyModifiers};

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
        let err = Keymap::from_config(&table).unwrap_err().to_string();
        assert!(
            err.starts_with("keys.quit: \"Hyper-Q\" is not a key"),
            "{err}"
        );
        let mut table = BTreeMap::new();
        table.insert("fly".to_string(), vec!["f".into()]);
        assert!(
            Keymap::from_config(&table)
                .unwrap_err()
                .to_string()
                .contains("no action called \"fly\"")
        );
        let mut table = BTreeMap::new();
        table.insert("quit".to_string(), vec!["x".into()]);
        table.insert("sort".to_string(), vec!["x".into()]);
        assert!(
            Keymap::from_config(&table)
                .unwrap_err()
                .to_string()
                .contains("already bound")
        );
    }

    #[test]
    fn every_action_has_a_default_key() {
        let keymap = Keymap::from_config(&odc_core::config::Config::defaults().keys).unwrap();
        for &action in Action::ALL {
            assert!(!keymap.keys(action).is_empty(), "{action:?}");
        }
    }
}
