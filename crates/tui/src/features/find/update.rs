//! The find prompt's `update`: a name or pattern typed, Enter shows the results in
//! the pane (as its listing).

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::features::find::FindPrompt;
use crate::shared::common::Common;
use crate::shared::dialog_parts::keep_open;
use crate::shared::messages::Effect;
use crate::shared::relist::start_find;

/// Opens the prompt for the active pane (signed in, for a OneDrive folder).
pub fn open(common: &mut Common, prompt: &mut Option<FindPrompt>) {
    if common.active_pane().source.is_remote() && !common.signed_in() {
        common.message = Some("Sign in to OneDrive first".into());
        return;
    }
    *prompt = Some(FindPrompt {
        pane: common.active,
        input: Input::default(),
        filter: Input::new(common.filter_rules.clone()),
        on_filter: false,
    });
}

/// A key while the prompt is open: it takes every key.
pub fn on_key(common: &mut Common, prompt: &mut Option<FindPrompt>, key: KeyEvent) -> Vec<Effect> {
    keep_open(prompt, |open, effects| find_key(common, open, key, effects))
}

/// A key in the find prompt; returns the prompt to keep, if any.
fn find_key(
    common: &mut Common,
    mut prompt: FindPrompt,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<FindPrompt> {
    match key.code {
        KeyCode::Esc => None,
        KeyCode::Tab | KeyCode::BackTab => {
            prompt.on_filter = !prompt.on_filter;
            Some(prompt)
        }
        KeyCode::Enter if prompt.input.value().trim().is_empty() => {
            common.message = Some("Type a name or a pattern to find".into());
            Some(prompt)
        }
        KeyCode::Enter => {
            if let Err(problem) = odc_engine::filter::Filter::from_line(prompt.filter.value()) {
                common.message = Some(problem);
                prompt.on_filter = true;
                return Some(prompt);
            }
            common.filter_rules = prompt.filter.value().trim().to_string();
            let query = prompt.input.value().trim().to_string();
            effects.extend(start_find(common, prompt.pane, query));
            None
        }
        _ => {
            let field = if prompt.on_filter {
                &mut prompt.filter
            } else {
                &mut prompt.input
            };
            field.handle_event(&crossterm::event::Event::Key(key));
            Some(prompt)
        }
    }
}
