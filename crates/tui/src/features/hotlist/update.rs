//! The hotlist's `update`: open, move, go, add the active pane's folder, remove;
//! every change saved through an effect.

use crossterm::event::KeyEvent;

use crate::features::hotlist::Hotlist;
use crate::shared::common::Common;
use crate::shared::dialog_parts::keep_open;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::relist::navigate;
use odc_core::display::escape_control;
use odc_engine::transfer::Location;

pub fn open(hotlist: &mut Hotlist) {
    hotlist.open = Some(0);
}

/// The hotlist file as read at start: folders, and how many lines were skipped.
pub fn loaded(
    common: &mut Common,
    hotlist: &mut Hotlist,
    result: Result<(Vec<Location>, usize), String>,
) {
    match result {
        Ok((folders, bad)) => {
            hotlist.folders = folders;
            if bad > 0 {
                common.message = Some(format!(
                    "The hotlist file has {bad} line(s) that are not paths; they were skipped"
                ));
            }
        }
        Err(problem) => common.message = Some(format!("Cannot read the hotlist: {problem}")),
    }
}

/// A key while the hotlist is open: it takes every key.
pub fn on_key(common: &mut Common, hotlist: &mut Hotlist, key: KeyEvent) -> Vec<Effect> {
    let folders = &mut hotlist.folders;
    keep_open(&mut hotlist.open, |cursor, effects| {
        hotlist_key(common, folders, cursor, key, effects)
    })
}

/// A key in the hotlist; returns the row to keep it open on, if any.
fn hotlist_key(
    common: &mut Common,
    folders: &mut Vec<Location>,
    cursor: usize,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<usize> {
    let last = folders.len().saturating_sub(1);
    let keep = Some;
    match common.keymap.action_in(Context::Hotlist, &key) {
        Some(Action::HotlistClose) => None,
        Some(Action::HotlistUp) => keep(cursor.saturating_sub(1)),
        Some(Action::HotlistDown) => keep((cursor + 1).min(last)),
        Some(Action::HotlistGo) => match folders.get(cursor).cloned() {
            Some(to) => {
                let active = common.active;
                effects.extend(navigate(common, active, to));
                None
            }
            None => keep(cursor),
        },
        Some(Action::HotlistAdd) => {
            let here = common.active_pane().source.clone();
            match folders.iter().position(|l| *l == here) {
                Some(at) => keep(at),
                None => {
                    common.message = Some(format!(
                        "Added {} to the hotlist",
                        escape_control(&here.to_string())
                    ));
                    folders.push(here);
                    effects.push(Effect::SaveHotlist(folders.clone()));
                    keep(folders.len() - 1)
                }
            }
        }
        Some(Action::HotlistRemove) if cursor < folders.len() => {
            folders.remove(cursor);
            effects.push(Effect::SaveHotlist(folders.clone()));
            keep(cursor.min(folders.len().saturating_sub(1)))
        }
        _ => keep(cursor),
    }
}
