//! Listing a pane (again): the effects that list a pane's folder, with its drive's
//! name and quota the first time, and the panes that show folders a change touched.
//! Shared by `update` and the features that change or move what a pane shows,
//! and pointing a pane at another place.

use crate::shared::common::Common;
use crate::shared::messages::Effect;
use crate::shared::pane::Location;

pub fn list(common: &mut Common, pane: usize) -> Vec<Effect> {
    common.panes[pane].found = None;
    let source = common.panes[pane].source.clone();
    if source.is_remote() && !common.signed_in() {
        common.panes[pane].begin_listing(0);
        common.panes[pane].listing.loading = false;
        return Vec::new();
    }
    let ticket = common.take_ticket();
    common.panes[pane].begin_listing(ticket);
    let mut effects = vec![Effect::List {
        pane,
        ticket,
        source: source.clone(),
    }];
    // Another account or drive: its name and quota for the status bar, once.
    if let Location::Remote(path) = &source
        && !path.drive().is_default()
        && !common.drives.contains_key(path.drive())
    {
        let drive = path.drive().clone();
        common.drives.insert(
            drive.clone(),
            crate::shared::common::DriveStatus {
                name: drive.account.clone().unwrap_or_else(|| "OneDrive".into()),
                ..Default::default()
            },
        );
        // A folder shared from another drive has no quota of the user's to show
        // (its owner's drive is not theirs to read).
        if drive.folder.is_none() {
            effects.push(Effect::FetchDriveInfo { drive });
        }
    }
    effects
}

/// Lists again the panes showing any of `locations`, keeping their cursor rows.
pub fn reload(common: &mut Common, locations: &[odc_engine::transfer::Location]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for pane in 0..2 {
        let here = common.panes[pane].source.clone();
        if locations.contains(&here) {
            let p = &mut common.panes[pane];
            p.want_cursor = p
                .cursor_after_change
                .take()
                .or_else(|| p.current().map(|e| e.name.clone()));
            effects.extend(list(common, pane));
        }
    }
    effects
}

/// Points `pane` at `to` and lists it; the place it leaves on the other side is
/// kept for the local/OneDrive toggle (b).
pub fn navigate(common: &mut Common, pane: usize, to: Location) -> Vec<Effect> {
    let p = &mut common.panes[pane];
    if p.source.is_remote() != to.is_remote() {
        p.other_source = p.source.clone();
    }
    p.source = to;
    p.filter = None;
    p.want_cursor = None;
    p.goto_from = None;
    list(common, pane)
}

/// Shows the results of `query` below the pane's folder, as they arrive.
pub fn start_find(common: &mut Common, pane: usize, query: String) -> Vec<Effect> {
    let ticket = common.take_ticket();
    let p = &mut common.panes[pane];
    p.begin_listing(ticket);
    p.filter = None;
    p.want_cursor = None;
    p.found = Some(query.clone());
    vec![Effect::Find {
        pane,
        ticket,
        base: p.source.clone(),
        query,
        filter: common.filter_rules.clone(),
    }]
}

/// Enter on a find result: its folder, with the cursor on it.
pub fn open_found(common: &mut Common) -> Vec<Effect> {
    let pane = common.active;
    let Some(entry) = common.panes[pane].current().cloned() else {
        return Vec::new();
    };
    let location = common.panes[pane].location_of(&entry.name);
    let (Some(folder), name) = (location.parent(), location.name()) else {
        return Vec::new();
    };
    let effects = navigate(common, pane, folder);
    common.panes[pane].want_cursor = Some(name);
    effects
}

/// What the pane's folder operations say in find results.
pub fn refuse_in_results(common: &mut Common) -> bool {
    if common.active_pane().found.is_some() {
        common.message = Some(
            "These are find results: Enter goes to the item's folder, where it can be renamed or deleted"
                .into(),
        );
        return true;
    }
    false
}

/// A go-to's place could not be listed: a file opens its folder with the cursor
/// on it; anything else (missing, unreadable) takes the pane back where it was,
/// and says why.
pub fn goto_failed(
    common: &mut Common,
    pane: usize,
    from: Location,
    message: String,
    not_a_folder: bool,
) -> Vec<Effect> {
    let target = common.panes[pane].source.clone();
    if not_a_folder && let Some(folder) = target.parent() {
        let effects = navigate(common, pane, folder);
        common.panes[pane].want_cursor = Some(target.name());
        return effects;
    }
    common.message = Some(odc_core::display::escape_control(&message));
    navigate(common, pane, from)
}
