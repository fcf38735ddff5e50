//! `update(&mut State, Event) -> Vec<Effect>`: every change to the UI's state, and
//! the work it asks for. No I/O, no clock: time arrives in events.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};

use crate::features::archive::update as archive;
use crate::features::compare::update as compare;
use crate::features::drives::update as drives;
use crate::features::editor::update as editor;
use crate::features::files::update as files;
use crate::features::find::update as find;
use crate::features::goto::update as goto;
use crate::features::history::update as history;
use crate::features::hotlist::update as hotlist;
use crate::features::panes::update as panes;
use crate::features::preview::update as preview;
use crate::features::sharing::update as sharing;
use crate::features::sign_in::update as sign_in;
use crate::features::transfers::TransferDialog;
use crate::features::transfers::update as transfers;
use crate::features::viewer::update as viewer;
use crate::shared::common::SignIn;
use crate::shared::keymap::Action;
pub use crate::shared::messages::{Effect, Event};
use crate::shared::relist::{list, reload};
use crate::shell::state::{DialogFocus, State};

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
    let mut effects = route(state, event);
    state.show_next_question();
    // The quick view follows the cursor, whatever moved it.
    effects.extend(preview::follow(&mut state.common, &mut state.previews));
    effects
}

/// Hands an event to the feature it is for.
fn route(state: &mut State, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => on_key(state, key),
        Event::Key(_) => Vec::new(),
        Event::Mouse(mouse) => {
            if matches!(mouse.kind, MouseEventKind::Down(MouseButton::Left)) {
                state.help = false;
            }
            panes::on_mouse(&mut state.common, mouse);
            Vec::new()
        }
        Event::Resize(w, h) => {
            state.size = (w, h);
            panes::resized(&mut state.common);
            let mut effects = viewer::resized(&mut state.common, &mut state.viewer);
            effects.extend(preview::resized(&mut state.common, &mut state.previews));
            effects
        }
        Event::PreviewReady { ticket, shown } => {
            preview::arrived(&mut state.previews, ticket, shown);
            Vec::new()
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
        Event::ArchiveListed { ticket, result } => {
            archive::listed(&mut state.archive, ticket, result);
            Vec::new()
        }
        Event::ArchiveDone { ticket, result } => {
            archive::done(&mut state.archive, ticket, result);
            Vec::new()
        }
        Event::ArchiveStaged {
            ticket,
            staged,
            dest,
        } => archive::staged(&mut state.archive, ticket, staged, dest),
        Event::ArchiveViewReady {
            ticket,
            entry,
            copy,
            size,
        } => match archive::view_request(&mut state.archive, ticket, &entry, copy, size) {
            Some((title, source, size)) => {
                viewer::open_source(&mut state.common, &mut state.viewer, title, source, size)
            }
            None => Vec::new(),
        },
        Event::VersionsListed { ticket, result } => {
            history::versions_listed(&mut state.versions, ticket, result);
            Vec::new()
        }
        Event::VersionDone {
            ticket,
            result,
            relist,
        } => history::version_done(&mut state.versions, ticket, result, relist),
        Event::BinListed { ticket, result } => {
            history::bin_listed(&mut state.bin, ticket, result);
            Vec::new()
        }
        Event::BinDone { ticket, id, result } => {
            history::bin_done(&mut state.bin, ticket, &id, result);
            Vec::new()
        }
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
        } => panes::page(&mut state.common, pane, ticket, entries, done),
        Event::FolderSizes {
            pane,
            ticket,
            sizes,
        } => {
            panes::folder_sizes(&mut state.common, pane, ticket, sizes);
            Vec::new()
        }
        Event::ListFailed {
            pane,
            ticket,
            message,
            not_a_folder,
        } => panes::list_failed(&mut state.common, pane, ticket, message, not_a_folder),
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
        Some(DialogFocus::Versions) => {
            let (mut effects, view) =
                history::versions_key(&mut state.common, &mut state.versions, key);
            if let Some((title, source, size)) = view {
                effects.extend(viewer::open_source(
                    &mut state.common,
                    &mut state.viewer,
                    title,
                    source,
                    size,
                ));
            }
            return effects;
        }
        Some(DialogFocus::Bin) => return history::bin_key(&state.common, &mut state.bin, key),
        Some(DialogFocus::Archive) => {
            return archive::on_key(&mut state.common, &mut state.archive, key);
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
    if state.previews.full.is_some() {
        if preview::full_key(&state.common, &mut state.previews, key) {
            return viewer::open(&mut state.common, &mut state.viewer);
        }
        return Vec::new();
    }
    if state.viewer.is_some() {
        return viewer::on_key(&mut state.common, &mut state.viewer, key);
    }
    if let Some(effects) = transfers::on_panel_key(&mut state.common, &mut state.transfers, key) {
        return effects;
    }
    match panes::key_action(&mut state.common, key) {
        Some(action) => on_action(state, action),
        None => Vec::new(),
    }
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
    // Enter on a zip opens it like a folder.
    if action == Action::Open
        && let Some(effects) = archive::open(&mut state.common, &mut state.archive)
    {
        return effects;
    }
    // `i` on a OneDrive file lists its versions (with its details).
    if action == Action::Details
        && let Some(effects) = history::open_versions(&mut state.common, &mut state.versions)
    {
        return effects;
    }
    if let Some(effects) = panes::on_action(&mut state.common, &mut state.details, action) {
        return effects;
    }
    match action {
        Action::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Action::Help => {
            state.help = true;
            Vec::new()
        }
        Action::PickDrive => drives::open(&mut state.common, &mut state.drive_picker),
        // A picture is shown in full; anything else in the text viewer.
        Action::View => match preview::open_full(&mut state.common, &mut state.previews) {
            Some(effects) => effects,
            None => viewer::open(&mut state.common, &mut state.viewer),
        },
        Action::QuickView => preview::toggle(&mut state.common, &mut state.previews),
        Action::Edit => editor::open(&mut state.common, &mut state.editing),
        Action::GoTo => {
            goto::open(&state.common, &mut state.goto);
            Vec::new()
        }
        Action::Find => {
            find::open(&mut state.common, &mut state.find);
            Vec::new()
        }
        Action::ShareLink => sharing::open(&mut state.common, &mut state.sharing),
        Action::RecycleBin => history::open_bin(&mut state.common, &mut state.bin),
        Action::Compare => compare::open(&mut state.common, &mut state.compare),
        Action::Hotlist => {
            hotlist::open(&mut state.hotlist);
            Vec::new()
        }
        // The other contexts' actions never come from the panes' keymap.
        _ => Vec::new(),
    }
}
