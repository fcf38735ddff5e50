//! The parts of `update` for comparing the panes (Ctrl-X, then d or q, as mc's
//! Ctrl-X d) and syncing one way from the result: the compare runs on the runner,
//! the differences are marked in both panes, a summary says what differs, and a
//! preview shows what a sync will do before Enter runs it.

use std::sync::Arc;

use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::state::{CompareStage, CompareView, Dialog, State, SyncView};
use odc_engine::compare::sync::{SyncPlan, below};
use odc_engine::compare::{Difference, Verdict};

pub fn open(state: &mut State) -> Vec<Effect> {
    let remote = state.panes.iter().any(|p| p.source.is_remote());
    if remote && !state.signed_in() {
        state.message = Some("Sign in to OneDrive first".into());
        return Vec::new();
    }
    if state.panes.iter().any(|p| p.found.is_some()) {
        state.message = Some("Leave the find results first (Backspace)".into());
        return Vec::new();
    }
    let ticket = state.take_ticket();
    state.dialog = Some(Dialog::Compare(CompareView {
        ticket,
        left: state.panes[0].source.clone(),
        right: state.panes[1].source.clone(),
        stage: CompareStage::Choosing,
    }));
    Vec::new()
}

/// A key in the compare dialog; returns the dialog to keep, if any.
pub fn compare_key(
    state: &mut State,
    mut view: CompareView,
    key: crossterm::event::KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Dialog> {
    let action = state.keymap.action_in(Context::Compare, &key);
    if key.code == crossterm::event::KeyCode::Esc
        && matches!(view.stage, CompareStage::Running { .. })
    {
        effects.push(Effect::CancelCompare);
        state.message = Some("Compare stopped".into());
        return None;
    }
    match (action, &view.stage) {
        (Some(Action::CompareClose), _) => None,
        // Again from the result: compare once more (after a sync, say).
        (
            Some(Action::CompareContent | Action::CompareQuick),
            CompareStage::Choosing | CompareStage::Done { .. } | CompareStage::Failed(_),
        ) => {
            let quick = action == Some(Action::CompareQuick);
            effects.push(Effect::Compare {
                ticket: view.ticket,
                left: view.left.clone(),
                right: view.right.clone(),
                quick,
            });
            view.stage = CompareStage::Running {
                quick,
                progress: String::new(),
            };
            Some(Dialog::Compare(view))
        }
        (
            Some(Action::CompareToRight | Action::CompareToLeft),
            CompareStage::Done { lines, .. },
        ) => {
            let to_right = action == Some(Action::CompareToRight);
            Some(preview(&view, lines.clone(), to_right))
        }
        _ => Some(Dialog::Compare(view)),
    }
}

/// The sync preview: left → right uses the lines as they are, right → left with
/// the sides swapped.
fn preview(view: &CompareView, lines: Arc<Vec<Difference>>, to_right: bool) -> Dialog {
    let (src, dst, lines) = if to_right {
        (view.left.clone(), view.right.clone(), lines)
    } else {
        let swapped: Vec<Difference> = lines
            .iter()
            .map(|l| Difference {
                verdict: match l.verdict {
                    Verdict::OnlyLeft => Verdict::OnlyRight,
                    Verdict::OnlyRight => Verdict::OnlyLeft,
                    other => other,
                },
                right_vs_left: l.right_vs_left.map(std::cmp::Ordering::reverse),
                ..l.clone()
            })
            .collect();
        (view.right.clone(), view.left.clone(), Arc::new(swapped))
    };
    let plan = SyncPlan::from(&lines, false);
    Dialog::SyncPreview(SyncView {
        src,
        dst,
        lines,
        plan,
        delete: false,
        big_delete: None,
    })
}

pub fn progress(state: &mut State, ticket: u64, text: String) {
    if let Some(Dialog::Compare(view)) = &mut state.dialog
        && view.ticket == ticket
        && let CompareStage::Running { progress, .. } = &mut view.stage
    {
        *progress = text;
    }
}

pub fn compared(
    state: &mut State,
    ticket: u64,
    result: Result<(Vec<Difference>, Vec<String>), String>,
) -> Vec<Effect> {
    let Some(Dialog::Compare(view)) = &mut state.dialog else {
        return Vec::new();
    };
    if view.ticket != ticket {
        return Vec::new();
    }
    match result {
        Ok((lines, notes)) => {
            mark_differences(state, &lines);
            if let Some(Dialog::Compare(view)) = &mut state.dialog {
                view.stage = CompareStage::Done {
                    lines: Arc::new(lines),
                    notes,
                };
            }
        }
        Err(problem) => view.stage = CompareStage::Failed(problem),
    }
    Vec::new()
}

/// Marks, in each pane, the items that differ or are on its side only (a folder
/// when something inside it does), and nothing else.
fn mark_differences(state: &mut State, lines: &[Difference]) {
    for pane in &mut state.panes {
        pane.marked.clear();
    }
    // Left-out items are not differences to act on (a link, a notebook): unmarked.
    for line in lines.iter().filter(|l| {
        !matches!(
            l.verdict,
            Verdict::Same | Verdict::ChangedByServer | Verdict::LeftOut(_)
        )
    }) {
        let top = line.path.split('/').next().unwrap_or_default();
        let (left, right) = match line.verdict {
            Verdict::OnlyLeft => (true, false),
            Verdict::OnlyRight => (false, true),
            _ => (true, true),
        };
        for (side, wanted) in [(0, left), (1, right)] {
            let pane = &mut state.panes[side];
            if !wanted {
                continue;
            }
            // The name as the pane spells it (names match regardless of case).
            let lower = top.to_lowercase();
            if let Some(entry) = pane.entries.iter().find(|e| e.name.to_lowercase() == lower) {
                pane.marked.insert(entry.name.clone());
            }
        }
    }
}

/// A key in the sync preview; returns the dialog to keep, if any.
pub fn sync_key(
    state: &mut State,
    mut view: SyncView,
    key: crossterm::event::KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Dialog> {
    match state.keymap.action_in(Context::Sync, &key) {
        Some(Action::SyncCancel) => None,
        Some(Action::SyncDelete) => {
            view.delete = !view.delete;
            view.plan = SyncPlan::from(&view.lines, view.delete);
            view.big_delete = None;
            Some(Dialog::SyncPreview(view))
        }
        Some(Action::SyncRun) => {
            if view.plan.is_empty() {
                state.message = Some("Nothing to sync: the folders are the same".into());
                return None;
            }
            // The big-delete safeguard: said once, then a second Enter is the
            // explicit confirmation (`--force` on the command line).
            let sync = &state.sync_limits;
            let limits = odc_engine::compare::sync::DeleteLimits {
                force: view.big_delete.is_some(),
                ..*sync
            };
            if let Some(why) =
                odc_engine::compare::sync::delete_guard(&view.plan, &view.lines, &limits)
            {
                if limits.force {
                    // Over the hard limit (max_delete): never.
                    state.message = Some(format!("Nothing synced: {why}"));
                    return Some(Dialog::SyncPreview(view));
                }
                view.big_delete = Some(why);
                return Some(Dialog::SyncPreview(view));
            }
            let copied: std::collections::HashSet<&String> =
                view.plan.copy.iter().map(|(path, _)| path).collect();
            let (making_room, deletes): (Vec<_>, Vec<_>) = view
                .plan
                .delete
                .iter()
                .partition(|(path, _)| copied.contains(path));
            let at_dst = |paths: Vec<&(String, bool)>| {
                paths
                    .into_iter()
                    .filter_map(|(path, _)| below(&view.dst, path))
                    .collect()
            };
            let (making_room, deletes) = (at_dst(making_room), at_dst(deletes));
            let requests = view.plan.requests(&view.src, &view.dst);
            effects.push(Effect::Sync {
                making_room,
                deletes,
                requests,
            });
            state.panel_open = true;
            None
        }
        _ => Some(Dialog::SyncPreview(view)),
    }
}
