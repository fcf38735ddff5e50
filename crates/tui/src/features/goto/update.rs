//! The go-to prompt's `update`: typing, Enter goes (a file opens its folder with
//! the cursor on it), Tab asks for folder names and completes the common part.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::features::goto::{GoTo, target};
use crate::shared::common::Common;
use crate::shared::dialog_parts::keep_open;
use crate::shared::messages::Effect;
use crate::shared::relist::navigate;
use odc_core::display::escape_control;

/// Opens the prompt for the active pane.
pub fn open(common: &Common, prompt: &mut Option<GoTo>) {
    *prompt = Some(GoTo {
        pane: common.active,
        input: Input::default(),
        candidates: Vec::new(),
        ticket: 0,
    });
}

/// A key while the prompt is open: it takes every key.
pub fn on_key(common: &mut Common, prompt: &mut Option<GoTo>, key: KeyEvent) -> Vec<Effect> {
    keep_open(prompt, |open, effects| goto_key(common, open, key, effects))
}

/// A key in the go-to prompt; returns the dialog to keep, if any.
fn goto_key(
    common: &mut Common,
    GoTo {
        pane,
        mut input,
        candidates,
        ticket,
    }: GoTo,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<GoTo> {
    let here = common.panes[pane].source.clone();
    match key.code {
        KeyCode::Esc => None,
        KeyCode::Enter => match target::target(input.value(), &here, common.home.as_deref()) {
            Ok(to) => {
                let from = common.panes[pane].source.clone();
                effects.extend(navigate(common, pane, to));
                common.panes[pane].goto_from = Some(from);
                None
            }
            Err(problem) => {
                common.message = Some(problem);
                Some(GoTo {
                    pane,
                    input,
                    candidates,
                    ticket,
                })
            }
        },
        KeyCode::Tab => {
            let Some((folder, _)) =
                target::completion_base(input.value(), &here, common.home.as_deref())
            else {
                return Some(GoTo {
                    pane,
                    input,
                    candidates,
                    ticket,
                });
            };
            let ticket = common.take_ticket();
            effects.push(Effect::CompleteFolders { ticket, folder });
            Some(GoTo {
                pane,
                input,
                candidates,
                ticket,
            })
        }
        _ => {
            input.handle_event(&crossterm::event::Event::Key(key));
            Some(GoTo {
                pane,
                input,
                candidates: Vec::new(),
                ticket,
            })
        }
    }
}

/// Folder names for the completion asked with `ticket`.
pub fn completions(
    common: &mut Common,
    prompt: &mut Option<GoTo>,
    ticket: u64,
    result: Result<Vec<String>, String>,
) {
    let Some(GoTo {
        pane,
        input,
        candidates,
        ..
    }) = prompt.as_mut().filter(|p| p.ticket == ticket)
    else {
        return;
    };
    let home = common.home.clone();
    let names = match result {
        Ok(names) => names,
        Err(problem) => {
            common.message = Some(problem);
            return;
        }
    };
    let here = common.panes[*pane].source.clone();
    let Some((_, prefix)) = target::completion_base(input.value(), &here, home.as_deref()) else {
        return;
    };
    let (text, shown) = target::complete(input.value(), &prefix, &names);
    if shown.is_empty() && text == input.value() {
        common.message = Some(format!("No folder starts with {}", escape_control(&prefix)));
    }
    *input = Input::new(text);
    *candidates = shown;
}
