//! Runs the effects `update` asks for: the only place UI work is spawned. Tasks
//! never touch the state; they send events back.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::features::archive::io::{self as archive, ArchiveIo};
use crate::features::compare::io::CompareIo;
use crate::features::drives::io as drives;
use crate::features::editor::io::EditorIo;
use crate::features::files::io as files;
use crate::features::find::io as find;
use crate::features::goto::io as goto;
use crate::features::history::io as history;
use crate::features::hotlist::io::HotlistIo;
use crate::features::panes::io as panes;
use crate::features::preview::io::PreviewIo;
use crate::features::sharing::io as sharing;
use crate::features::sign_in::io::{self as sign_in, SignInIo};
use crate::features::transfers::io::{self as transfers, TransfersIo};
use crate::features::viewer::io::ViewerIo;
use crate::shared::messages::{Effect, Event};
use crate::shared::services::Services;
use odc_core::config::Config;
use odc_engine::transfer::Engine;
use odc_graph::graphs::Graphs;
use odc_graph::tokens::TokenStore;

/// What the loop itself must do.
pub enum LoopControl {
    Continue,
    Suspend,
    /// Put text on the terminal's clipboard (an escape sequence the surface writes).
    Clipboard(String),
    /// Give the terminal to the editor for `path`, then report `EditorExited`.
    Edit {
        ticket: u64,
        path: PathBuf,
    },
    Quit,
}

pub struct Runner {
    services: Services,
    listings: [Option<CancellationToken>; 2],
    sign_in: SignInIo,
    transfers: TransfersIo,
    viewer: ViewerIo,
    editor: EditorIo,
    hotlist: HotlistIo,
    compare: CompareIo,
    archive: ArchiveIo,
    preview: PreviewIo,
}

impl Runner {
    /// How pictures are drawn from now on (chosen once the terminal is set up).
    pub fn set_picker(&mut self, picker: ratatui_image::picker::Picker) {
        self.services.picker = picker;
    }

    pub fn new(
        tx: UnboundedSender<Event>,
        config: Arc<Config>,
        store: TokenStore,
        places: crate::Places,
    ) -> Self {
        let (engine_tx, engine_rx) = tokio::sync::mpsc::unbounded_channel();
        let engine = Engine::new(&config.transfer, engine_tx);
        let graphs = Arc::new(Graphs::new(config.clone(), store.clone()));
        engine.set_graphs(graphs.clone());
        if let Some(resume) = places.resume {
            engine.set_resume_store(Arc::new(resume));
        }
        let runner = Self {
            services: Services {
                tx,
                config,
                graphs,
                store,
                engine,
                picker: ratatui_image::picker::Picker::halfblocks(),
            },
            listings: [None, None],
            sign_in: SignInIo::default(),
            transfers: TransfersIo::default(),
            viewer: ViewerIo::default(),
            archive: ArchiveIo::default(),
            preview: PreviewIo::default(),
            editor: EditorIo {
                edits: places.edits,
            },
            hotlist: HotlistIo {
                path: places.hotlist,
            },
            compare: CompareIo {
                cache: places.cache,
                running: None,
            },
        };
        runner
            .transfers
            .forward_engine_events(&runner.services, engine_rx);
        runner
    }

    /// A pane's next listing or find: the one before it stops.
    fn new_listing(&mut self, pane: usize) -> CancellationToken {
        if let Some(old) = self.listings[pane].take() {
            old.cancel();
        }
        let token = CancellationToken::new();
        self.listings[pane] = Some(token.clone());
        token
    }

    pub fn run(&mut self, effect: Effect) -> LoopControl {
        match effect {
            Effect::List {
                pane,
                ticket,
                source,
            } => {
                let cancel = self.new_listing(pane);
                panes::list(&self.services, cancel, pane, ticket, source)
            }
            Effect::Find {
                pane,
                ticket,
                base,
                query,
                filter,
            } => {
                let cancel = self.new_listing(pane);
                find::find(&self.services, cancel, (pane, ticket), base, query, &filter)
            }
            Effect::CheckSession => sign_in::check_session(&self.services),
            Effect::StartSignIn => self.sign_in.start(&self.services, false),
            Effect::StartBrowserSignIn => self.sign_in.start(&self.services, true),
            Effect::OpenBrowser(url) => self.open(url, "the sign-in page"),
            Effect::OpenLocal(path) => self.open(path.to_string_lossy().into_owned(), "files"),
            Effect::FetchAccount => sign_in::fetch_account(&self.services),
            Effect::Submit { request, filter } => self.submit(request, &filter),
            Effect::AnswerConflict { question, answer } => {
                self.transfers.answer_conflict(question, answer)
            }
            Effect::AnswerError { question, answer } => {
                self.transfers.answer_error(question, answer)
            }
            Effect::CancelTask(id) => self.services.engine.cancel(id),
            Effect::PauseTask(id) => self.services.engine.toggle_pause(id),
            Effect::RetryTask(id) => self.services.engine.retry(id),
            Effect::ClearFinished => self.services.engine.clear_finished(),
            Effect::CheckInterrupted => transfers::check_interrupted(&self.services),
            Effect::ResumeInterrupted => self.services.engine.resume_interrupted(),
            Effect::DiscardInterrupted => self.services.engine.discard_interrupted(),
            Effect::SampleTransfers => transfers::sample(&self.services),
            Effect::Mkdir { dir, name } => files::mkdir(&self.services, dir, name),
            Effect::Rename { dir, from, to } => files::rename(&self.services, dir, from, to),
            Effect::Delete { dir, names, local } => {
                files::delete(&self.services, dir, names, local)
            }
            Effect::ViewRead {
                ticket,
                source,
                index,
            } => self.viewer.read(&self.services, ticket, source, index),
            Effect::ViewSearch {
                ticket,
                source,
                request,
            } => self.viewer.search(&self.services, ticket, source, request),
            Effect::CancelViewSearch => self.viewer.cancel_search(),
            Effect::FetchForEdit { ticket, id, drive } => {
                self.editor.fetch(&self.services, ticket, id, drive)
            }
            Effect::RunEditor { ticket, path } => return LoopControl::Edit { ticket, path },
            Effect::FolderSizes {
                pane,
                ticket,
                dir,
                names,
            } => panes::folder_sizes(&self.services, pane, ticket, dir, names),
            Effect::CompleteFolders { ticket, folder } => {
                goto::complete_folders(&self.services, ticket, folder)
            }
            Effect::CreateLink {
                ticket,
                id,
                kind,
                drive,
            } => sharing::create_link(&self.services, ticket, id, kind, drive),
            Effect::Preview {
                ticket,
                target,
                cells,
            } => self
                .preview
                .preview(&self.services, &self.services.picker, ticket, target, cells),
            Effect::ReadArchive { ticket, archive } => {
                archive::read(&self.services, ticket, archive)
            }
            Effect::ExtractArchive {
                ticket,
                archive,
                entry,
                to,
            } => self
                .archive
                .extract(&self.services, ticket, archive, entry, to),
            Effect::ListVersions { ticket, id, drive } => {
                history::list_versions(&self.services, ticket, id, drive)
            }
            Effect::RestoreVersion {
                ticket,
                id,
                version,
                drive,
            } => history::restore_version(&self.services, ticket, id, version, drive),
            Effect::CopyVersion {
                ticket,
                id,
                version,
                drive,
                target,
            } => history::copy_version(&self.services, ticket, id, version, drive, target),
            Effect::ListBin { ticket, drive } => history::list_bin(&self.services, ticket, drive),
            Effect::RestoreFromBin {
                ticket,
                entry,
                drive,
            } => history::restore_from_bin(&self.services, ticket, entry, drive),
            Effect::PurgeFromBin {
                ticket,
                entry,
                drive,
            } => history::purge_from_bin(&self.services, ticket, entry, drive),
            Effect::Clipboard(text) => return LoopControl::Clipboard(text),
            Effect::Compare {
                ticket,
                left,
                right,
                quick,
                filter,
            } => self
                .compare
                .compare(&self.services, ticket, left, right, quick, &filter),
            Effect::CancelCompare => self.compare.cancel(),
            Effect::SetBandwidth(limit) => odc_graph::bandwidth::set(limit),
            Effect::Sync {
                making_room,
                deletes,
                requests,
            } => self
                .compare
                .sync(&self.services, making_room, deletes, requests),
            Effect::FetchDriveInfo { drive } => drives::fetch_drive_info(&self.services, drive),
            Effect::LoadPlaces { ticket } => drives::load_places(&self.services, ticket),
            Effect::SearchSites { ticket, text } => {
                drives::search_sites(&self.services, ticket, text)
            }
            Effect::LoadHotlist => self.hotlist.load(&self.services),
            Effect::SaveHotlist(folders) => self.hotlist.save(&self.services, folders),
            Effect::UploadEdit {
                ticket,
                copy,
                remote,
                how,
            } => self
                .editor
                .upload(&self.services, ticket, copy, remote, how),
            Effect::DiscardEdit { file } => self.editor.discard(file),
            Effect::Suspend => return LoopControl::Suspend,
            Effect::Quit => {
                for token in self.listings.iter().flatten() {
                    token.cancel();
                }
                self.sign_in.stop();
                return LoopControl::Quit;
            }
        }
        LoopControl::Continue
    }

    /// A copy or move, with the copy dialog's filter when it has one.
    fn submit(&self, request: odc_engine::transfer::Request, filter: &str) {
        match self.services.filter(filter) {
            Some(filter) => self.services.engine.submit_filtered(request, filter),
            None => self.services.engine.submit(request),
        }
    }

    fn open(&self, target: String, what: &str) {
        if odc_core::desktop::graphical_session() {
            if let Err(err) = open::that_detached(&target) {
                let _ = self
                    .services
                    .tx
                    .send(Event::Message(format!("Cannot open {what}: {err}")));
            }
        } else {
            let _ = self.services.tx.send(Event::Message(format!(
                "No graphical session here: cannot open {what}"
            )));
        }
    }
}
