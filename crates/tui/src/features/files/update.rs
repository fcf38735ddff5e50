//! File operations' `update`: the keys that open mkdir, rename, delete and the
//! mark-by-pattern prompt, and each prompt's keys; the work goes out as effects.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::features::files::FilesDialog;
use crate::shared::common::Common;
use crate::shared::dialog_parts::keep_open;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::relist::refuse_in_results;

/// Handles the actions that open these dialogs; None when `action` is not one.
pub fn on_action(
    common: &mut Common,
    dialog: &mut Option<FilesDialog>,
    action: Action,
) -> Option<Vec<Effect>> {
    let active = common.active;
    match action {
        Action::SelectGlob | Action::UnselectGlob => {
            *dialog = Some(FilesDialog::Glob {
                pane: active,
                mark: action == Action::SelectGlob,
                input: Input::new("*".into()),
            });
        }
        Action::Mkdir | Action::Rename | Action::Delete if refuse_in_results(common) => {}
        Action::Mkdir => {
            if common.pane_ready(active) {
                *dialog = Some(FilesDialog::Mkdir {
                    pane: active,
                    input: Input::default(),
                });
            }
        }
        Action::Rename => {
            if let Some(entry) = common.active_pane().current() {
                let original = entry.name.clone();
                *dialog = Some(FilesDialog::Rename {
                    pane: active,
                    input: Input::new(original.clone()),
                    original,
                });
            }
        }
        Action::Delete => {
            let names = common.chosen_names();
            if !names.is_empty() {
                let remote = common.active_pane().source.is_remote();
                *dialog = Some(FilesDialog::Delete {
                    pane: active,
                    names,
                    remote,
                });
            }
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// A key while one of these dialogs is open: it takes every key.
pub fn on_key(common: &mut Common, dialog: &mut Option<FilesDialog>, key: KeyEvent) -> Vec<Effect> {
    keep_open(dialog, |open, effects| match open {
        FilesDialog::Mkdir { pane, mut input } => match key.code {
            KeyCode::Esc => None,
            KeyCode::Enter if !input.value().trim().is_empty() => {
                let dir = common.panes[pane].source.clone();
                let name = input.value().to_string();
                common.panes[pane].cursor_after_change = Some(name.clone());
                effects.push(Effect::Mkdir { dir, name });
                None
            }
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
                Some(FilesDialog::Mkdir { pane, input })
            }
        },
        FilesDialog::Glob {
            pane,
            mark,
            mut input,
        } => match key.code {
            KeyCode::Esc => None,
            KeyCode::Enter => match mark_matching(common, pane, input.value(), mark) {
                Ok(message) => {
                    common.message = Some(message);
                    None
                }
                Err(problem) => {
                    common.message = Some(problem);
                    Some(FilesDialog::Glob { pane, mark, input })
                }
            },
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
                Some(FilesDialog::Glob { pane, mark, input })
            }
        },
        FilesDialog::Rename {
            pane,
            original,
            mut input,
        } => match key.code {
            KeyCode::Esc => None,
            KeyCode::Enter => {
                let new = input.value().to_string();
                if !new.is_empty() && new != original {
                    let dir = common.panes[pane].source.clone();
                    common.panes[pane].cursor_after_change = Some(new.clone());
                    effects.push(Effect::Rename {
                        dir,
                        from: original,
                        to: new,
                    });
                }
                None
            }
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
                Some(FilesDialog::Rename {
                    pane,
                    original,
                    input,
                })
            }
        },
        FilesDialog::Delete {
            pane,
            names,
            remote,
        } => match common.keymap.action_in(Context::Confirm, &key) {
            Some(action @ (Action::ConfirmYes | Action::ConfirmForGood)) => {
                use odc_engine::transfer::operations::LocalDelete;
                let dir = common.panes[pane].source.clone();
                common.panes[pane].cursor_after_change = common.panes[pane].row_after(&names);
                // Local files go to the trash unless "for good" was chosen; OneDrive
                // items always go to the recycle bin.
                let local = if action == Action::ConfirmForGood && !remote {
                    LocalDelete::ForGood
                } else {
                    LocalDelete::ToTrash
                };
                effects.push(Effect::Delete { dir, names, local });
                None
            }
            Some(Action::ConfirmNo) => None,
            _ => Some(FilesDialog::Delete {
                pane,
                names,
                remote,
            }),
        },
    })
}

/// Marks (or unmarks) the shown names matching `pattern`, case-insensitively, as
/// mc's `+` and `-` do: files, or folders when the pattern ends with `/`.
fn mark_matching(
    common: &mut Common,
    pane: usize,
    pattern: &str,
    mark: bool,
) -> Result<String, String> {
    let (glob, folders) = match pattern.strip_suffix('/') {
        Some(stem) => (stem, true),
        None => (pattern, false),
    };
    let matcher = globset::GlobBuilder::new(glob)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .map_err(|e| format!("{pattern:?} is not a pattern: {}", e.kind()))?
        .compile_matcher();
    let pane = &mut common.panes[pane];
    let names: Vec<String> = pane
        .visible_entries()
        .filter(|e| e.is_dir == folders && matcher.is_match(&e.name))
        .map(|e| e.name.clone())
        .collect();
    let what = if folders { "folder" } else { "file" };
    if names.is_empty() {
        return Ok(format!("No {what} matches {pattern}"));
    }
    let mut changed = 0;
    for name in names {
        changed += usize::from(if mark {
            pane.marked.insert(name)
        } else {
            pane.marked.remove(&name)
        });
    }
    let verb = if mark { "Marked" } else { "Unmarked" };
    Ok(match changed {
        1 => format!("{verb} 1 {what}"),
        n => format!("{verb} {n} {what}s"),
    })
}
