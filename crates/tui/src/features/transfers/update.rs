//! The transfers' `update`: F5/F6 open the copy or move dialog, the engine's
//! questions are asked and answered, the panel's keys, task news and progress,
//! marks cleared as requests finish, and quitting while transfers run.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::features::transfers::model::{TransferRow, Transfers};
use crate::features::transfers::{TransferDialog, Unmark};
use crate::shared::common::Common;
use crate::shared::dialog_parts::keep_open;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use odc_engine::transfer::{
    ConflictAnswer, ErrorAnswer, Kind, Location, Resolution, TaskInfo, TaskState,
};

/// A limit as it is typed again: `1024k`, or `1024k:off`.
fn limit_spelling(limit: odc_graph::bandwidth::Limit) -> String {
    let rate = |r: Option<u64>| match r {
        Some(bytes) if bytes % 1024 == 0 => format!("{}k", bytes / 1024),
        Some(bytes) => format!("{bytes}b"),
        None => "off".into(),
    };
    if limit.up == limit.down {
        rate(limit.up)
    } else {
        format!("{}:{}", rate(limit.up), rate(limit.down))
    }
}

/// The engine asks (a conflict, an error) or a crash left transfers: the question
/// waits until no dialog is open (`show_next`).
pub fn ask(transfers: &mut Transfers, question: TransferDialog) {
    transfers.questions.push_back(question);
}

/// The oldest waiting question, once nothing else is shown (the shell knows).
pub fn show_next(transfers: &mut Transfers) {
    if transfers.dialog.is_none() {
        transfers.dialog = transfers.questions.pop_front();
    }
}

/// Handles the actions that open dialogs; None when `action` is not one of them.
pub fn on_action(
    common: &mut Common,
    transfers: &mut Transfers,
    action: Action,
) -> Option<Vec<Effect>> {
    let active = common.active;
    match action {
        Action::Copy | Action::Move => {
            let kind = if action == Action::Copy {
                Kind::Copy
            } else {
                Kind::Move
            };
            let names = common.chosen_names();
            if names.is_empty() {
                return Some(Vec::new());
            }
            if !common.pane_ready(1 - active) || !common.pane_ready(active) {
                common.message = Some("Sign in to OneDrive first".into());
                return Some(Vec::new());
            }
            let pane = &common.panes[active];
            let sources = names.iter().map(|n| pane.location_of(n)).collect();
            let dest = common.panes[1 - active].source.to_string();
            transfers.dialog = Some(TransferDialog::CopyMove {
                kind,
                sources,
                dest: Input::new(dest),
                filter: Input::new(common.filter_rules.clone()),
                on_filter: false,
            });
        }
        Action::Transfers => {
            common.panel_open = !common.panel_open;
        }
        Action::Quit if transfers.active() > 0 => {
            transfers.dialog = Some(TransferDialog::Quit {
                active: transfers.active(),
            });
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// A key while a transfers' dialog is open: it takes every key.
pub fn on_key(common: &mut Common, transfers: &mut Transfers, key: KeyEvent) -> Vec<Effect> {
    keep_open(&mut transfers.dialog, |dialog, effects| match dialog {
        TransferDialog::CopyMove {
            kind,
            sources,
            mut dest,
            mut filter,
            on_filter,
        } => match key.code {
            KeyCode::Esc => None,
            KeyCode::Tab | KeyCode::BackTab => Some(TransferDialog::CopyMove {
                kind,
                sources,
                dest,
                filter,
                on_filter: !on_filter,
            }),
            KeyCode::Enter => {
                let keep = |dest, filter, on_filter| {
                    Some(TransferDialog::CopyMove {
                        kind,
                        sources: sources.clone(),
                        dest,
                        filter,
                        on_filter,
                    })
                };
                if let Err(problem) = odc_engine::filter::Filter::from_line(filter.value()) {
                    common.message = Some(problem);
                    return keep(dest, filter, true);
                }
                let base = common.active_pane().local_path().cloned();
                match Location::parse(dest.value(), base.as_deref()) {
                    Ok(dest_dir) => {
                        let pane = &common.panes[common.active];
                        if !pane.marked.is_empty() {
                            transfers.unmark.push(Unmark {
                                pane: common.active,
                                dir: pane.source.clone(),
                                dest: dest_dir.clone(),
                                names: pane.marked.iter().cloned().collect(),
                                tasks: Default::default(),
                                failed: Default::default(),
                            });
                        }
                        common.filter_rules = filter.value().trim().to_string();
                        effects.push(Effect::Submit {
                            request: odc_engine::transfer::Request {
                                kind,
                                sources,
                                dest_dir,
                                dest_name: None,
                            },
                            filter: common.filter_rules.clone(),
                        });
                        common.panel_open = true;
                        None
                    }
                    Err(problem) => {
                        common.message = Some(problem.to_string());
                        keep(dest, filter, false)
                    }
                }
            }
            _ => {
                let field = if on_filter { &mut filter } else { &mut dest };
                field.handle_event(&crossterm::event::Event::Key(key));
                Some(TransferDialog::CopyMove {
                    kind,
                    sources,
                    dest,
                    filter,
                    on_filter,
                })
            }
        },
        TransferDialog::Bandwidth { mut input } => match key.code {
            KeyCode::Esc => None,
            KeyCode::Enter => match odc_graph::bandwidth::Limit::parse(input.value()) {
                Ok(limit) => {
                    transfers.limit = limit;
                    common.message = Some(format!("Bandwidth limit: {limit}"));
                    effects.push(Effect::SetBandwidth(limit));
                    None
                }
                Err(problem) => {
                    common.message = Some(problem);
                    Some(TransferDialog::Bandwidth { input })
                }
            },
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
                Some(TransferDialog::Bandwidth { input })
            }
        },
        TransferDialog::Quit { active } => match common.keymap.action_in(Context::Quit, &key) {
            Some(Action::QuitYes) => {
                common.quit = true;
                effects.push(Effect::Quit);
                None
            }
            Some(Action::QuitNo) => None,
            _ => Some(TransferDialog::Quit { active }),
        },
        TransferDialog::Resume { files } => match common.keymap.action_in(Context::Resume, &key) {
            Some(Action::ResumeYes) => {
                effects.push(Effect::ResumeInterrupted);
                common.panel_open = true;
                None
            }
            Some(Action::ResumeDiscard) => {
                effects.push(Effect::DiscardInterrupted);
                None
            }
            Some(Action::ResumeLater) => None, // ask again next time
            _ => Some(TransferDialog::Resume { files }),
        },
        TransferDialog::Conflict(view) => {
            let once = ConflictAnswer::Once;
            let all = ConflictAnswer::All;
            let answer = match common.keymap.action_in(Context::Conflict, &key) {
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
                None => Some(TransferDialog::Conflict(view)),
            }
        }
        TransferDialog::Error(view) => {
            let answer = match common.keymap.action_in(Context::Error, &key) {
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
                None => Some(TransferDialog::Error(view)),
            }
        }
    })
}

/// Keys for the transfers panel when it is open; None lets the key through.
pub fn on_panel_key(
    common: &mut Common,
    transfers: &mut Transfers,
    key: KeyEvent,
) -> Option<Vec<Effect>> {
    if !common.panel_open {
        return None;
    }
    let action = common.keymap.action_in(Context::Panel, &key)?;
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
        Action::PanelBandwidth => {
            transfers.dialog = Some(TransferDialog::Bandwidth {
                input: tui_input::Input::new(match transfers.limit.is_off() {
                    true => "off".into(),
                    false => limit_spelling(transfers.limit),
                }),
            });
            Some(Vec::new())
        }
        Action::PanelClose => {
            common.panel_open = false;
            Some(Vec::new())
        }
        _ => None,
    }
}

pub fn task_added(transfers: &mut Transfers, info: TaskInfo) {
    for unmark in &mut transfers.unmark {
        if let Some(name) = unmark
            .names
            .iter()
            .find(|n| info.source.is_within(&unmark.dir.join(n)))
        {
            unmark.tasks.insert(info.id, name.clone());
        }
    }
    transfers.add(TransferRow::new(
        info.id,
        info.name,
        info.direction,
        info.total,
    ));
}

pub fn task_state(common: &mut Common, transfers: &mut Transfers, id: u64, task_state: TaskState) {
    let failed = matches!(
        task_state,
        TaskState::Failed(_) | TaskState::Skipped | TaskState::Cancelled
    );
    for unmark in transfers
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
        && let Some(row) = transfers.row(id)
    {
        common.message = Some(format!("{}: {reason}", row.name));
    }
    if task_state == TaskState::Running {
        transfers.follow(id);
    }
    transfers.change(id, |row| {
        if task_state == TaskState::Done {
            row.done = row.total;
        }
        row.state = task_state;
    });
}

/// Sampled counters at `now_ms`. Bytes a transfer continued from (moved by an
/// earlier attempt) appear at once; they are not speed, so the meters start over
/// from them.
pub fn progress(
    transfers: &mut Transfers,
    now_ms: i64,
    samples: Vec<odc_engine::transfer::Sample>,
) {
    let mut continued = false;
    for sample in samples {
        transfers.change(sample.id, |row| {
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
    let (done, _) = transfers.totals();
    if continued {
        transfers.total_meter.rebase(now_ms, done);
    } else {
        transfers.total_meter.sample(now_ms, done);
    }
}

/// A request finished (`changed` starts with its destination): its marks go, but
/// for items that failed or were skipped.
pub fn unmark_finished(common: &mut Common, transfers: &mut Transfers, locations: &[Location]) {
    let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut transfers.unmark)
        .into_iter()
        .partition(|u| locations.first() == Some(&u.dest));
    transfers.unmark = waiting;
    for unmark in done {
        let pane = &mut common.panes[unmark.pane];
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
