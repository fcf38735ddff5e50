//! `update(&mut State, Event) -> Vec<Effect>`: every change to the UI's state, and
//! the work it asks for. No I/O, no clock: time arrives in events.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use tui_input::backend::crossterm::EventHandler;

use crate::features::compare::update as compare;
use crate::features::drives::update as drives;
use crate::features::editor::update as editor;
use crate::features::files::update as files;
use crate::features::find::update as find;
use crate::features::goto::update as goto;
use crate::features::hotlist::update as hotlist;
use crate::features::sharing::update as sharing;
use crate::features::sign_in::update as sign_in;
use crate::features::transfers::TransferDialog;
use crate::features::transfers::update as transfers;
use crate::features::viewer::update as viewer;
use crate::pane_ops::{keep_cursor_visible, open, parent};
use crate::shared::keymap::Action;
pub use crate::shared::messages::{Effect, Event};
use crate::shared::relist::{list, reload};
use crate::state::{Details, DialogFocus, Location, Pane, SignIn, State};
use odc_graph::RemotePath;

/// The effects to start with: list the panes and check the session.
pub fn start(state: &mut State) -> Vec<Effect> {
    let mut effects = vec![Effect::CheckSession];
    for pane in 0..2 {
        effects.extend(list(state, pane));
    }
    effects.push(Effect::LoadHotlist);
    effects
}

pub fn update(state: &mut State, event: Event) -> Vec<Effect> {
    let effects = route(state, event);
    state.show_next_question();
    effects
}

/// Hands an event to the feature it is for.
fn route(state: &mut State, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Event::Key(_) => Vec::new(),
        Event::Mouse(mouse) => on_mouse(state, mouse),
        Event::Resize(w, h) => {
            state.size = (w, h);
            let rows = state.pane_rows();
            for pane in &mut state.panes {
                keep_cursor_visible(pane, rows);
            }
            viewer::resized(&mut state.common, &mut state.viewer)
        }
        Event::ViewBlock {
            ticket,
            index,
            result,
        } => viewer::block_arrived(&mut state.viewer, ticket, index, result),
        Event::ViewFound { ticket, result } => {
            viewer::search_done(&mut state.viewer, ticket, result)
        }
        Event::Tick { now } => {
            state.now = now;
            state.spinner = state.spinner.wrapping_add(1);
            expire_message(state, now);
            if state.transfers.active() > 0 {
                vec![Effect::SampleTransfers]
            } else {
                Vec::new()
            }
        }
        Event::TaskAdded(info) => {
            transfers::task_added(&mut state.transfers, info);
            Vec::new()
        }
        Event::TaskState {
            id,
            state: task_state,
        } => {
            transfers::task_state(&mut state.common, &mut state.transfers, id, task_state);
            Vec::new()
        }
        Event::Progress {
            now_ms,
            samples,
            waiting,
        } => {
            transfers::progress(&mut state.transfers, now_ms, samples);
            state.transfers.waiting = waiting;
            Vec::new()
        }
        Event::TaskRenamed { id, name } => {
            state.transfers.change(id, |row| row.saved_as = Some(name));
            Vec::new()
        }
        // The engine's questions become the transfers' dialogs here, not in the runner.
        Event::TransferConflict(view) => {
            transfers::ask(&mut state.transfers, TransferDialog::Conflict(view));
            Vec::new()
        }
        Event::TransferError(view) => {
            transfers::ask(&mut state.transfers, TransferDialog::Error(view));
            Vec::new()
        }
        Event::Interrupted { files } => {
            transfers::ask(&mut state.transfers, TransferDialog::Resume { files });
            Vec::new()
        }
        Event::Changed(locations) => reload(state, &locations),
        Event::Completions { ticket, result } => {
            goto::completions(&mut state.common, &mut state.goto, ticket, result);
            Vec::new()
        }
        Event::DriveInfo { drive, used, total } => {
            drives::drive_info(&mut state.common, &drive, used, total);
            Vec::new()
        }
        Event::Places {
            ticket,
            places,
            done,
        } => {
            drives::places_arrived(
                &mut state.common,
                &mut state.drive_picker,
                ticket,
                places,
                done,
            );
            Vec::new()
        }
        Event::Hotlist(result) => {
            hotlist::loaded(&mut state.common, &mut state.hotlist, result);
            Vec::new()
        }
        Event::LinkMade { ticket, result } => sharing::made(&mut state.sharing, ticket, result),
        Event::Compared { ticket, result } => {
            compare::compared(&mut state.common, &mut state.compare, ticket, result)
        }
        Event::CompareProgress { ticket, text } => {
            compare::progress(&mut state.compare, ticket, text);
            Vec::new()
        }
        Event::RequestFinished(locations) => {
            transfers::unmark_finished(&mut state.common, &mut state.transfers, &locations);
            reload(state, &locations)
        }
        Event::EditFetched { ticket, result } => {
            editor::fetched(&mut state.common, &mut state.editing, ticket, result)
        }
        Event::EditorExited { ticket, result } => {
            editor::editor_exited(&mut state.common, &mut state.editing, ticket, result)
        }
        Event::EditUploaded { ticket, result } => {
            editor::uploaded(&mut state.common, &mut state.editing, ticket, result)
        }
        Event::Page {
            pane,
            ticket,
            entries,
            done,
        } => {
            let rows = state.pane_rows();
            let p = &mut state.panes[pane];
            if p.listing.ticket != ticket {
                return Vec::new(); // stale: the pane has moved on
            }
            p.goto_from = None; // the place gone to is a folder
            p.add_entries(entries);
            p.listing.loading = !done;
            keep_cursor_visible(p, rows);
            Vec::new()
        }
        Event::ListFailed {
            pane,
            ticket,
            message,
            not_a_folder,
        } => {
            let p = &mut state.panes[pane];
            if p.listing.ticket != ticket {
                return Vec::new();
            }
            if let Some(from) = p.goto_from.take() {
                return crate::shared::relist::goto_failed(
                    state,
                    pane,
                    from,
                    message,
                    not_a_folder,
                );
            }
            p.listing.loading = false;
            p.listing.error = Some(message);
            Vec::new()
        }
        Event::SignInNeeded => sign_in::needed(&mut state.common),
        Event::SignInCode {
            user_code,
            verification_uri,
            expires_at,
        } => {
            sign_in::code(&mut state.common, user_code, verification_uri, expires_at);
            Vec::new()
        }
        Event::SignInBrowser(url) => {
            sign_in::browser_page(&mut state.common, url);
            Vec::new()
        }
        Event::SignInTrouble(trouble) => {
            sign_in::trouble(&mut state.common, trouble);
            Vec::new()
        }
        Event::SignInFailed(message) => {
            state.sign_in = SignIn::Failed(message);
            Vec::new()
        }
        Event::SignedIn(account) => sign_in::signed_in(&mut state.common, account),
        Event::Account(account) => {
            state.account = Some(account);
            Vec::new()
        }
        Event::Message(text) => {
            state.message = Some(text);
            Vec::new()
        }
        Event::Terminate => {
            state.quit = true;
            vec![Effect::Quit]
        }
    }
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('z')
        && key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL)
    {
        return vec![Effect::Suspend];
    }
    if state.help {
        // Up/Down and the page keys scroll a help longer than the screen.
        let page = state.size.1.saturating_sub(4).max(1) as usize;
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => state.help_scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => {
                state.help_scroll = state.help_scroll.saturating_sub(1)
            }
            KeyCode::PageDown | KeyCode::Char(' ') => state.help_scroll += page,
            KeyCode::PageUp => state.help_scroll = state.help_scroll.saturating_sub(page),
            _ => {
                state.help = false;
                state.help_scroll = 0;
            }
        }
        return Vec::new();
    }
    if state.details.is_some() {
        state.details = None;
        return Vec::new();
    }
    match state.dialog_focus() {
        Some(DialogFocus::Transfers) => {
            return transfers::on_key(&mut state.common, &mut state.transfers, key);
        }
        Some(DialogFocus::Files) => return files::on_key(&mut state.common, &mut state.files, key),
        Some(DialogFocus::Sharing) => {
            return sharing::on_key(&state.common, &mut state.sharing, key);
        }
        Some(DialogFocus::Compare) => {
            return compare::on_key(&mut state.common, &mut state.compare, key);
        }
        Some(DialogFocus::Drives) => {
            return drives::on_key(&mut state.common, &mut state.drive_picker, key);
        }
        Some(DialogFocus::GoTo) => return goto::on_key(&mut state.common, &mut state.goto, key),
        Some(DialogFocus::Find) => return find::on_key(&mut state.common, &mut state.find, key),
        Some(DialogFocus::Hotlist) => {
            return hotlist::on_key(&mut state.common, &mut state.hotlist, key);
        }
        Some(DialogFocus::EditConflict) => {
            return editor::on_conflict_key(&mut state.common, &mut state.editing, key);
        }
        None => {}
    }
    if state.viewer.is_some() {
        return viewer::on_key(&mut state.common, &mut state.viewer, key);
    }
    if let Some(effects) = transfers::on_panel_key(&mut state.common, &mut state.transfers, key) {
        return effects;
    }
    let rows = state.pane_rows();
    let common = &mut state.common;
    let pane = &mut common.panes[common.active];
    if pane.filter_editing {
        let input = pane.filter.get_or_insert_with(Default::default);
        match key.code {
            KeyCode::Enter => pane.filter_editing = false,
            KeyCode::Esc => {
                pane.filter = None;
                pane.filter_editing = false;
            }
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
            }
        }
        pane.refresh_view();
        keep_cursor_visible(pane, rows);
        return Vec::new();
    }
    let Some(action) = common.keymap.action(&key) else {
        if key.code == KeyCode::Esc && pane.filter.is_some() {
            pane.filter = None;
            pane.refresh_view();
            keep_cursor_visible(pane, rows);
        } else if key.code != KeyCode::Esc
            && let Some(pressed) = crate::shared::keymap::Key::from_event(&key)
        {
            // Say so, rather than do nothing: the person may expect another binding.
            let help = common
                .keymap
                .first(Action::Help)
                .map(|k| k.to_string())
                .unwrap_or_else(|| "help".into());
            common.message = Some(format!(
                "{pressed} does nothing here; {help} lists the keys"
            ));
        }
        return Vec::new();
    };
    on_action(state, action)
}

/// How long a status message stays, in seconds.
pub const MESSAGE_SECS: i64 = 5;

/// Status messages go away by themselves: timed from the first tick that sees them
/// (events carry no clock), so each shows at least [`MESSAGE_SECS`].
fn expire_message(state: &mut State, now: i64) {
    let Some(text) = &state.message else {
        state.message_seen = None;
        return;
    };
    match &state.message_seen {
        Some((seen, since)) if seen == text => {
            if now - since >= MESSAGE_SECS {
                state.message = None;
                state.message_seen = None;
            }
        }
        _ => state.message_seen = Some((text.clone(), now)),
    }
}

fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(effects) = sign_in::on_action(&mut state.common, action) {
        return effects;
    }
    if let Some(effects) = transfers::on_action(&mut state.common, &mut state.transfers, action) {
        return effects;
    }
    if let Some(effects) = files::on_action(&mut state.common, &mut state.files, action) {
        return effects;
    }
    let rows = state.pane_rows().max(1);
    let active = state.active;
    let pane = &mut state.panes[active];
    let last = pane.visible.len().saturating_sub(1);
    if matches!(
        action,
        Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown
            | Action::Select
    ) {
        pane.user_moved = true;
    }
    match action {
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Action::Help => state.help = true,
        Action::SwitchPane => state.active = 1 - state.active,
        Action::Up => pane.cursor = pane.cursor.saturating_sub(1),
        Action::Down => pane.cursor = (pane.cursor + 1).min(last),
        Action::Top => pane.cursor = 0,
        Action::Bottom => pane.cursor = last,
        Action::PageUp => pane.cursor = pane.cursor.saturating_sub(rows),
        Action::PageDown => pane.cursor = (pane.cursor + rows).min(last),
        Action::Select => {
            if let Some(name) = pane.current().map(|e| e.name.clone())
                && !pane.marked.remove(&name)
            {
                pane.marked.insert(name);
            }
            pane.cursor = (pane.cursor + 1).min(last);
        }
        Action::InvertSelection => {
            let names: Vec<String> = pane.visible_entries().map(|e| e.name.clone()).collect();
            for name in names {
                if !pane.marked.remove(&name) {
                    pane.marked.insert(name);
                }
            }
        }
        Action::Filter => {
            pane.filter.get_or_insert_with(Default::default);
            pane.filter_editing = true;
        }
        Action::Sort => {
            pane.sort = pane.sort.next();
            pane.resort();
            state.message = Some(format!("Sorted by {}", pane.sort.label()));
        }
        Action::ToggleHidden => {
            pane.show_hidden = !pane.show_hidden;
            pane.refresh_view();
        }
        Action::Refresh => {
            pane.want_cursor = pane.current().map(|e| e.name.clone());
            if let Some(query) = pane.found.clone() {
                return crate::shared::relist::start_find(state, active, query);
            }
            return list(state, active);
        }
        Action::PickDrive => return drives::open(&mut state.common, &mut state.drive_picker),
        Action::ToggleSource => {
            std::mem::swap(&mut pane.source, &mut pane.other_source);
            pane.filter = None;
            pane.want_cursor = None;
            return list(state, active);
        }
        Action::Open => return open(state),
        Action::View => return viewer::open(&mut state.common, &mut state.viewer),
        Action::Edit => return editor::open(&mut state.common, &mut state.editing),
        Action::Parent => return parent(state),
        Action::Details => {
            if let Some(entry) = pane.current().cloned() {
                state.details = Some(Details {
                    path: pane.location_of(&entry.name).to_string(),
                    entry,
                });
            }
            return Vec::new();
        }
        Action::OpenBrowser => {
            // Signed in, `o` opens a local file with the desktop's application.
            if let (Location::Local(dir), Some(entry)) = (&pane.source, pane.current())
                && !entry.is_dir
            {
                return vec![Effect::OpenLocal(dir.join(&entry.name))];
            }
        }
        Action::GoTo => {
            goto::open(&state.common, &mut state.goto);
            return Vec::new();
        }
        Action::Find => {
            find::open(&mut state.common, &mut state.find);
            return Vec::new();
        }
        Action::ShareLink => return sharing::open(&mut state.common, &mut state.sharing),
        Action::Compare => return compare::open(&mut state.common, &mut state.compare),
        Action::Hotlist => {
            hotlist::open(&mut state.hotlist);
            return Vec::new();
        }
        Action::SwapPanes => {
            state.panes.swap(0, 1);
            // A listing in flight was for the other index: ask again.
            let mut effects = Vec::new();
            for index in 0..2 {
                if state.panes[index].listing.loading {
                    state.panes[index].want_cursor =
                        state.panes[index].current().map(|e| e.name.clone());
                    effects.extend(list(state, index));
                }
            }
            return effects;
        }
        Action::SameFolder => {
            let here = pane.source.clone();
            let other = &mut state.panes[1 - active];
            if other.source != here {
                if other.source.is_remote() != here.is_remote() {
                    other.other_source = other.source.clone();
                }
                other.source = here;
                other.filter = None;
                other.want_cursor = None;
                return list(state, 1 - active);
            }
            return Vec::new();
        }
        Action::Copy
        | Action::Move
        | Action::Rename
        | Action::Mkdir
        | Action::Delete
        | Action::Transfers => {}
        // The other contexts' actions never come from the panes' keymap.
        _ => {}
    }
    let pane = &mut state.panes[active];
    keep_cursor_visible(pane, rows);
    Vec::new()
}

fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    let areas = state.areas();
    let rows = areas.entry_rows();
    let pane_index = areas.pane_at(mouse.column);
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            state.active = pane_index;
            state.help = false;
            let pane = &mut state.panes[pane_index];
            if let Some(row) = areas.entry_row_at(pane_index, mouse.row) {
                let index = pane.scroll + row;
                if index < pane.visible.len() {
                    pane.cursor = index;
                    pane.user_moved = true;
                }
            }
        }
        MouseEventKind::ScrollDown => {
            let pane = &mut state.panes[pane_index];
            pane.user_moved = true;
            pane.cursor = (pane.cursor + 3).min(pane.visible.len().saturating_sub(1));
            keep_cursor_visible(pane, rows);
        }
        MouseEventKind::ScrollUp => {
            let pane = &mut state.panes[pane_index];
            pane.user_moved = true;
            pane.cursor = pane.cursor.saturating_sub(3);
            keep_cursor_visible(pane, rows);
        }
        _ => {}
    }
    Vec::new()
}

/// A new state for the given starting points.
pub fn initial_state(
    config: &odc_core::config::Config,
    keymap: std::sync::Arc<crate::shared::keymap::Keymap>,
    local_dir: PathBuf,
    remote_path: RemotePath,
    size: (u16, u16),
    no_color: bool,
) -> State {
    let show_hidden = config.ui.show_hidden;
    let left = Pane::new(
        Location::Local(local_dir.clone()),
        Location::Remote(RemotePath::root()),
        show_hidden,
    );
    let right = Pane::new(
        Location::Remote(remote_path),
        Location::Local(local_dir),
        show_hidden,
    );
    State {
        common: crate::state::Common {
            panes: [left, right],
            active: 0,
            sign_in: SignIn::Checking,
            account: None,
            drives: Default::default(),
            message: None,
            message_seen: None,
            home: None,
            panel_open: false,
            size,
            keymap,
            theme: if no_color || config.ui.theme == odc_core::config::ThemeSetting::None {
                crate::state::Theme::Plain
            } else {
                crate::state::Theme::Colour
            },
            now: 0,
            utc_offset_secs: 0,
            spinner: 0,
            next_ticket: 0,
            quit: false,
        },
        sharing: None,
        help: false,
        help_scroll: 0,
        details: None,
        viewer: None,
        editing: None,
        hotlist: Default::default(),
        goto: None,
        files: None,
        find: None,
        transfers: Default::default(),
        drive_picker: None,
        compare: crate::features::compare::Compare::new(odc_engine::compare::sync::DeleteLimits {
            max_delete: config.sync.max_delete,
            big_percent: config.sync.big_delete_percent,
            big_min: config.sync.big_delete_min,
            force: false,
        }),
    }
}
