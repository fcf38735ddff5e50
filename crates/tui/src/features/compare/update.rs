//! The compare feature's `update`: opening the dialog, its keys and the sync
//! preview's, progress and the result (marked in both panes).

use std::sync::Arc;

use crate::features::compare::{Compare, CompareDialog, CompareStage, CompareView, SyncView};
use crate::shared::common::Common;
use crate::shared::dialog_parts::keep_open;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use odc_engine::compare::sync::{SyncPlan, below};
use odc_engine::compare::{Difference, Verdict};

pub fn open(common: &mut Common, compare: &mut Compare) -> Vec<Effect> {
    let remote = common.panes.iter().any(|p| p.source.is_remote());
    if remote && !common.signed_in() {
        common.message = Some("Sign in to OneDrive first".into());
        return Vec::new();
    }
    if common.panes.iter().any(|p| p.found.is_some()) {
        common.message = Some("Leave the find results first (Backspace)".into());
        return Vec::new();
    }
    let ticket = common.take_ticket();
    compare.dialog = Some(CompareDialog::Compare(CompareView {
        ticket,
        left: common.panes[0].source.clone(),
        right: common.panes[1].source.clone(),
        stage: CompareStage::Choosing,
    }));
    Vec::new()
}

/// A key while the compare dialog or the sync preview is open: it takes every key.
pub fn on_key(
    common: &mut Common,
    compare: &mut Compare,
    key: crossterm::event::KeyEvent,
) -> Vec<Effect> {
    if compare.filter_input.is_some() {
        edit_filter(common, key, &mut compare.filter_input);
        return Vec::new();
    }
    if matches!(compare.dialog, Some(CompareDialog::Compare(ref view)) if !matches!(view.stage, CompareStage::Running { .. }))
        && common.keymap.action_in(Context::Compare, &key) == Some(Action::CompareFilter)
    {
        compare.filter_input = Some(tui_input::Input::new(common.filter_rules.clone()));
        return Vec::new();
    }
    let limits = compare.limits;
    keep_open(&mut compare.dialog, |open, effects| match open {
        CompareDialog::Compare(view) => compare_key(common, view, key, effects),
        CompareDialog::SyncPreview(view) => sync_key(common, &limits, view, key, effects),
    })
}

/// A key while the filter is edited: Enter keeps rules that are rules (the
/// session's from now on), Esc leaves them as they were.
fn edit_filter(
    common: &mut Common,
    key: crossterm::event::KeyEvent,
    slot: &mut Option<tui_input::Input>,
) {
    use tui_input::backend::crossterm::EventHandler;
    let Some(input) = slot.as_mut() else {
        return;
    };
    match key.code {
        crossterm::event::KeyCode::Esc => *slot = None,
        crossterm::event::KeyCode::Enter => {
            match odc_engine::filter::Filter::from_line(input.value()) {
                Ok(_) => {
                    common.filter_rules = input.value().trim().to_string();
                    *slot = None;
                }
                Err(problem) => common.message = Some(problem),
            }
        }
        _ => {
            input.handle_event(&crossterm::event::Event::Key(key));
        }
    }
}

/// A key in the compare dialog; returns the dialog to keep, if any.
fn compare_key(
    common: &mut Common,
    mut view: CompareView,
    key: crossterm::event::KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<CompareDialog> {
    let action = common.keymap.action_in(Context::Compare, &key);
    if key.code == crossterm::event::KeyCode::Esc
        && matches!(view.stage, CompareStage::Running { .. })
    {
        effects.push(Effect::CancelCompare);
        common.message = Some("Compare stopped".into());
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
                filter: common.filter_rules.clone(),
            });
            view.stage = CompareStage::Running {
                quick,
                progress: String::new(),
            };
            Some(CompareDialog::Compare(view))
        }
        (
            Some(Action::CompareToRight | Action::CompareToLeft),
            CompareStage::Done { lines, .. },
        ) => {
            let to_right = action == Some(Action::CompareToRight);
            Some(preview(&view, lines.clone(), to_right))
        }
        _ => Some(CompareDialog::Compare(view)),
    }
}

/// The sync preview: left → right uses the lines as they are, right → left with
/// the sides swapped.
fn preview(view: &CompareView, lines: Arc<Vec<Difference>>, to_right: bool) -> CompareDialog {
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
    CompareDialog::SyncPreview(SyncView {
        src,
        dst,
        lines,
        plan,
        delete: false,
        big_delete: None,
    })
}

pub fn progress(compare: &mut Compare, ticket: u64, text: String) {
    if let Some(CompareDialog::Compare(view)) = &mut compare.dialog
        && view.ticket == ticket
        && let CompareStage::Running { progress, .. } = &mut view.stage
    {
        *progress = text;
    }
}

pub fn compared(
    common: &mut Common,
    compare: &mut Compare,
    ticket: u64,
    result: Result<(Vec<Difference>, Vec<String>), String>,
) -> Vec<Effect> {
    let Some(CompareDialog::Compare(view)) = &mut compare.dialog else {
        return Vec::new();
    };
    if view.ticket != ticket {
        return Vec::new();
    }
    match result {
        Ok((lines, notes)) => {
            mark_differences(common, &lines);
            if let Some(CompareDialog::Compare(view)) = &mut compare.dialog {
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
fn mark_differences(common: &mut Common, lines: &[Difference]) {
    for pane in &mut common.panes {
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
            let pane = &mut common.panes[side];
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
fn sync_key(
    common: &mut Common,
    limits: &odc_engine::compare::sync::DeleteLimits,
    mut view: SyncView,
    key: crossterm::event::KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<CompareDialog> {
    match common.keymap.action_in(Context::Sync, &key) {
        Some(Action::SyncCancel) => None,
        Some(Action::SyncDelete) => {
            view.delete = !view.delete;
            view.plan = SyncPlan::from(&view.lines, view.delete);
            view.big_delete = None;
            Some(CompareDialog::SyncPreview(view))
        }
        Some(Action::SyncRun) => {
            if view.plan.is_empty() {
                common.message = Some("Nothing to sync: the folders are the same".into());
                return None;
            }
            // The big-delete safeguard: said once, then a second Enter is the
            // explicit confirmation (`--force` on the command line).
            let sync = limits;
            let limits = odc_engine::compare::sync::DeleteLimits {
                force: view.big_delete.is_some(),
                ..*sync
            };
            if let Some(why) =
                odc_engine::compare::sync::delete_guard(&view.plan, &view.lines, &limits)
            {
                if limits.force {
                    // Over the hard limit (max_delete): never.
                    common.message = Some(format!("Nothing synced: {why}"));
                    return Some(CompareDialog::SyncPreview(view));
                }
                view.big_delete = Some(why);
                return Some(CompareDialog::SyncPreview(view));
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
            common.panel_open = true;
            None
        }
        _ => Some(CompareDialog::SyncPreview(view)),
    }
}
