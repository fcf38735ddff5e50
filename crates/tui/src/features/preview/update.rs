//! The previews' `update`: the quick view toggled and following the cursor,
//! a picture opened in full, and what arrives.

use crossterm::event::KeyEvent;

use crate::features::preview::Previews;
use crate::shared::common::Common;
use crate::shared::keymap::{Action, Context};
use crate::shared::messages::Effect;
use crate::shared::messages::preview::{PreviewTarget, Shown, is_picture_name};
use odc_engine::transfer::Location;

/// The quick view key: on or off.
pub fn toggle(common: &mut Common, previews: &mut Previews) -> Vec<Effect> {
    previews.quick = !previews.quick;
    previews.target = None;
    previews.shown = None;
    if previews.quick {
        follow(common, previews)
    } else {
        Vec::new()
    }
}

/// The item under the active pane's cursor, as a preview target.
fn current(common: &Common) -> Option<PreviewTarget> {
    let pane = common.active_pane();
    let entry = pane.current()?;
    Some(PreviewTarget {
        place: pane.location_of(&entry.name),
        id: entry.remote.as_ref().map(|r| r.id.clone()),
        size: entry.size,
        is_dir: entry.is_dir,
    })
}

/// The cells a preview is drawn in: the inactive pane less its border, or the
/// whole screen less the title and hint rows.
pub fn cells(common: &Common, full: bool) -> (u16, u16) {
    if full {
        return (common.size.0, common.size.1.saturating_sub(2));
    }
    let areas = crate::shared::layout::layout(common.size, common.panel_open);
    let rect = areas.panes[1 - common.active];
    (rect.width.saturating_sub(2), rect.height.saturating_sub(2))
}

/// After anything: while the quick view is on and the cursor is on another
/// item than the one shown, ask for that one.
pub fn follow(common: &mut Common, previews: &mut Previews) -> Vec<Effect> {
    if !previews.quick || previews.full.is_some() {
        return Vec::new();
    }
    let target = current(common);
    if target == previews.target {
        return Vec::new();
    }
    previews.target = target.clone();
    let Some(target) = target else {
        previews.shown = None;
        return Vec::new();
    };
    previews.ticket = common.take_ticket();
    previews.shown = Some(Shown::Loading);
    vec![Effect::Preview {
        ticket: previews.ticket,
        target,
        cells: cells(common, false),
    }]
}

/// F3 on a picture: shown in full instead of the text viewer. `None` for
/// anything else.
pub fn open_full(common: &mut Common, previews: &mut Previews) -> Option<Vec<Effect>> {
    let target = current(common).filter(|t| !t.is_dir && is_picture_name(&t.place.name()))?;
    if let Location::Remote(_) = target.place
        && target.id.is_none()
    {
        return None;
    }
    previews.full = Some(target.place.to_string());
    previews.target = Some(target.clone());
    previews.ticket = common.take_ticket();
    previews.shown = Some(Shown::Loading);
    Some(vec![Effect::Preview {
        ticket: previews.ticket,
        target,
        cells: cells(common, true),
    }])
}

pub fn arrived(previews: &mut Previews, ticket: u64, shown: Shown) {
    if previews.ticket == ticket {
        previews.shown = Some(shown);
    }
}

/// A key while a picture is shown in full: close, or the hex viewer instead
/// (`true`: open the viewer on it).
pub fn full_key(common: &Common, previews: &mut Previews, key: KeyEvent) -> bool {
    match common.keymap.action_in(Context::Viewer, &key) {
        Some(Action::ViewerClose) => {
            close_full(previews);
            false
        }
        Some(Action::ViewerHex) => {
            close_full(previews);
            true
        }
        _ => false,
    }
}

fn close_full(previews: &mut Previews) {
    previews.full = None;
    previews.target = None;
    previews.shown = None;
}

/// The terminal was resized: a picture is made again for its new room.
pub fn resized(common: &mut Common, previews: &mut Previews) -> Vec<Effect> {
    let Some(target) = previews.target.clone() else {
        return Vec::new();
    };
    if !matches!(previews.shown, Some(Shown::Picture { .. })) {
        return Vec::new();
    }
    previews.ticket = common.take_ticket();
    vec![Effect::Preview {
        ticket: previews.ticket,
        target,
        cells: cells(common, previews.full.is_some()),
    }]
}
