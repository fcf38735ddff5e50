//! The parts of `update` for file operations: the copy/move dialog, mkdir, rename,
//! delete, transfer questions (conflicts, errors), the transfers panel and quitting
//! while transfers run. Pure like the rest of `update`.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::state::{Dialog, State, TransferRow};
use odc_engine::transfer::{
    ConflictAnswer, ErrorAnswer, Kind, Location, Resolution, TaskInfo, TaskState,
};

/// Handles the actions that open dialogs; None when `action` is not one of them.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let active = state.active;
    match action {
        Action::Copy | Action::Move => {
            let kind = if action == Action::Copy {
                Kind::Copy
            } else {
                Kind::Move
            };
            let names = state.chosen_names();
            if names.is_empty() {
                return Some(Vec::new());
            }
            if !state.pane_ready(1 - active) || !state.pane_ready(active) {
                state.message = Some("Sign in to OneDrive first".into());
                return Some(Vec::new());
            }
            let pane = &state.panes[active];
            let sources = names.iter().map(|n| pane.location_of(n)).collect();
            let dest = state.panes[1 - active].source.to_string();
            state.dialog = Some(Dialog::Transfer {
                kind,
                sources,
                dest: Input::new(dest),
            });
        }
        Action::Transfers => {
            state.panel_open = !state.panel_open;
        }
        Action::Quit if state.transfers.active() > 0 => {
            state.dialog = Some(Dialog::Quit {
                active: state.transfers.active(),
            });
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Keys while a dialog is open. The dialog takes every key.
pub fn on_dialog_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(dialog) = state.dialog.take() else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    let keep = match dialog {
        Dialog::Transfer {
            kind,
            sources,
            mut dest,
        } => match key.code {
            KeyCode::Esc => None,
            KeyCode::Enter => {
                let base = state.active_pane().local_path().cloned();
                match Location::parse(dest.value(), base.as_deref()) {
                    Ok(dest_dir) => {
                        let pane = &state.panes[state.active];
                        if !pane.marked.is_empty() {
                            state.unmark.push(crate::state::Unmark {
                                pane: state.active,
                                dir: pane.source.clone(),
                                dest: dest_dir.clone(),
                                names: pane.marked.iter().cloned().collect(),
                                tasks: Default::default(),
                                failed: Default::default(),
                            });
                        }
                        effects.push(Effect::Submit(odc_engine::transfer::Request {
                            kind,
                            sources,
                            dest_dir,
                            dest_name: None,
                        }));
                        state.panel_open = true;
                        None
                    }
                    Err(problem) => {
                        state.message = Some(problem.to_string());
                        Some(Dialog::Transfer {
                            kind,
                            sources,
                            dest,
                        })
                    }
                }
            }
            _ => {
                dest.handle_event(&crossterm::event::Event::Key(key));
                Some(Dialog::Transfer {
                    kind,
                    sources,
                    dest,
                })
            }
        },
        Dialog::Quit { active } => match state.keymap.action_in(Context::Quit, &key) {
            Some(Action::QuitYes) => {
                state.quit = true;
                effects.push(Effect::Quit);
                None
            }
            Some(Action::QuitNo) => None,
            _ => Some(Dialog::Quit { active }),
        },
        Dialog::Resume { files } => match state.keymap.action_in(Context::Resume, &key) {
            Some(Action::ResumeYes) => {
                effects.push(Effect::ResumeInterrupted);
                state.panel_open = true;
                None
            }
            Some(Action::ResumeDiscard) => {
                effects.push(Effect::DiscardInterrupted);
                None
            }
            Some(Action::ResumeLater) => None, // ask again next time
            _ => Some(Dialog::Resume { files }),
        },
        Dialog::Conflict(view) => {
            let once = ConflictAnswer::Once;
            let all = ConflictAnswer::All;
            let answer = match state.keymap.action_in(Context::Conflict, &key) {
                Some(Action::ConflictOverwrite) => Some(once(Resolution::Overwrite)),
                Some(Action::ConflictOverwriteAll) => Some(all(Resolution::Overwrite)),
                Some(Action::ConflictSkip) => Some(once(Resolution::Skip)),
                Some(Action::ConflictSkipAll) => Some(all(Resolution::Skip)),
                Some(Action::ConflictRename) => Some(once(Resolution::Rename)),
                Some(Action::ConflictRenameAll) => Some(all(Resolution::Rename)),
                Some(Action::ConflictIfOlder) => Some(once(Resolution::OverwriteIfOlder)),
                Some(Action::ConflictIfOlderAll) => Some(all(Resolution::OverwriteIfOlder)),
                Some(Action::ConflictAbort) => Some(ConflictAnswer::Abort),
                _ => None,
            };
            match answer {
                Some(answer) => {
                    effects.push(Effect::AnswerConflict {
                        question: view.question,
                        answer,
                    });
                    None
                }
                None => Some(Dialog::Conflict(view)),
            }
        }
        Dialog::Error(view) => {
            let answer = match state.keymap.action_in(Context::Error, &key) {
                Some(Action::ErrorRetry) => Some(ErrorAnswer::Retry),
                Some(Action::ErrorSkip) => Some(ErrorAnswer::Skip),
                Some(Action::ErrorSkipAll) => Some(ErrorAnswer::SkipAll),
                Some(Action::ErrorAbort) => Some(ErrorAnswer::Abort),
                _ => None,
            };
            match answer {
                Some(answer) => {
                    effects.push(Effect::AnswerError {
                        question: view.question,
                        answer,
                    });
                    None
                }
                None => Some(Dialog::Error(view)),
            }
        }
    };
    state.dialog = keep;
    effects
}

/// Keys for the transfers panel when it is open; None lets the key through.
pub fn on_panel_key(state: &mut State, key: KeyEvent) -> Option<Vec<Effect>> {
    if !state.panel_open {
        return None;
    }
    let action = state.keymap.action_in(Context::Panel, &key)?;
    let transfers = &mut state.transfers;
    let last = transfers.shown().saturating_sub(1);
    let selected = transfers.selected();
    match action {
        Action::PanelCancel => selected.map(|id| vec![Effect::CancelTask(id)]),
        Action::PanelPause => selected.map(|id| vec![Effect::PauseTask(id)]),
        Action::PanelRetry => Some(
            transfers
                .rows()
                .iter()
                .filter(|r| matches!(r.state, TaskState::Failed(_) | TaskState::Cancelled))
                .map(|r| Effect::RetryTask(r.id))
                .collect(),
        ),
        Action::PanelClear => {
            transfers.clear_finished();
            Some(vec![Effect::ClearFinished])
        }
        Action::PanelFilter => {
            transfers.set_filter(transfers.filter.next());
            Some(Vec::new())
        }
        Action::PanelNext => {
            transfers.user_moved = true;
            transfers.cursor = (transfers.cursor + 1).min(last);
            Some(Vec::new())
        }
        Action::PanelPrevious => {
            transfers.user_moved = true;
            transfers.cursor = transfers.cursor.saturating_sub(1);
            Some(Vec::new())
        }
        Action::PanelClose => {
            state.common.panel_open = false;
            Some(Vec::new())
        }
        _ => None,
    }
}

pub fn task_added(state: &mut State, info: TaskInfo) {
    for unmark in &mut state.unmark {
        if let Some(name) = unmark
            .names
            .iter()
            .find(|n| info.source.is_within(&unmark.dir.join(n)))
        {
            unmark.tasks.insert(info.id, name.clone());
        }
    }
    state.transfers.add(TransferRow::new(
        info.id,
        info.name,
        info.direction,
        info.total,
    ));
}

pub fn task_state(state: &mut State, id: u64, task_state: TaskState) {
    let failed = matches!(
        task_state,
        TaskState::Failed(_) | TaskState::Skipped | TaskState::Cancelled
    );
    for unmark in state
        .unmark
        .iter_mut()
        .filter(|u| u.tasks.contains_key(&id))
    {
        if failed {
            unmark.failed.insert(id);
        } else if task_state == TaskState::Queued {
            unmark.failed.remove(&id); // retried
        }
    }
    if let TaskState::Failed(reason) = &task_state
        && let Some(row) = state.transfers.row(id)
    {
        state.message = Some(format!("{}: {reason}", row.name));
    }
    if task_state == TaskState::Running {
        state.transfers.follow(id);
    }
    state.transfers.change(id, |row| {
        if task_state == TaskState::Done {
            row.done = row.total;
        }
        row.state = task_state;
    });
}

/// Sampled counters at `now_ms`. Bytes a transfer continued from (moved by an
/// earlier attempt) appear at once; they are not speed, so the meters start over
/// from them.
pub fn progress(state: &mut State, now_ms: i64, samples: Vec<odc_engine::transfer::Sample>) {
    let mut continued = false;
    for sample in samples {
        state.transfers.change(sample.id, |row| {
            row.done = sample.done;
            row.total = sample.total.max(row.total);
            if sample.resumed != row.resumed {
                row.resumed = sample.resumed;
                row.meter.rebase(now_ms, sample.done);
                continued = true;
            } else {
                row.meter.sample(now_ms, sample.done);
            }
        });
    }
    let (done, _) = state.transfers.totals();
    if continued {
        state.transfers.total_meter.rebase(now_ms, done);
    } else {
        state.transfers.total_meter.sample(now_ms, done);
    }
}

/// A request finished (`changed` starts with its destination): its marks go, but
/// for items that failed or were skipped.
pub fn unmark_finished(state: &mut State, locations: &[Location]) {
    let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut state.unmark)
        .into_iter()
        .partition(|u| locations.first() == Some(&u.dest));
    state.unmark = waiting;
    for unmark in done {
        let pane = &mut state.panes[unmark.pane];
        if pane.source != unmark.dir {
            continue;
        }
        let kept: std::collections::BTreeSet<&String> = unmark
            .failed
            .iter()
            .filter_map(|id| unmark.tasks.get(id))
            .collect();
        // Only a name that got at least one transfer, all of them done, loses its
        // mark: an item refused before any transfer began (a move within OneDrive
        // whose lookup or PATCH failed, a name that cannot be used) keeps it, so
        // "retry" is one key.
        let started: std::collections::BTreeSet<&String> = unmark.tasks.values().collect();
        for name in unmark
            .names
            .iter()
            .filter(|n| started.contains(n) && !kept.contains(n))
        {
            pane.marked.remove(name);
        }
    }
}
