//! What `update` takes in (events: keys, listings, sign-in and transfer news) and
//! gives out (effects: the work the runner performs). Their own file, so that the
//! parts of `update` (`ops`) and the runner can name them without importing `update`.

use std::path::PathBuf;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::shared::common::AccountInfo;
use crate::shared::pane::{Entry, Location};

#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Spinner and countdown, only while busy.
    Tick {
        now: i64,
    },
    /// A page of a listing.
    Page {
        pane: usize,
        ticket: u64,
        entries: Vec<Entry>,
        done: bool,
    },
    ListFailed {
        pane: usize,
        ticket: u64,
        message: String,
        /// The place is a file, not a folder (a go-to then opens its folder).
        not_a_folder: bool,
    },
    /// No usable stored tokens: sign-in is needed.
    SignInNeeded,
    SignInCode {
        user_code: String,
        verification_uri: String,
        expires_at: i64,
    },
    SignInTrouble(Option<String>),
    /// The browser sign-in's page (opened, or to open by hand).
    SignInBrowser(String),
    SignInFailed(String),
    SignedIn(AccountInfo),
    Account(AccountInfo),
    Message(String),
    /// SIGTERM, SIGHUP, SIGINT.
    Terminate,
    TaskAdded(odc_engine::transfer::TaskInfo),
    TaskState {
        id: u64,
        state: odc_engine::transfer::TaskState,
    },
    /// Sampled transfer counters (id, done, total) at `now_ms`, and why transfers
    /// are waiting, if they are ("OneDrive asked to wait 4 s").
    Progress {
        now_ms: i64,
        samples: Vec<odc_engine::transfer::Sample>,
        waiting: Option<String>,
    },
    /// A transfer writes under another name ("keep both").
    TaskRenamed {
        id: u64,
        name: String,
    },
    /// A transfer asks what to do with a name that exists (the reply goes back
    /// with `Effect::AnswerConflict`).
    TransferConflict(crate::shared::messages::transfers::ConflictView),
    /// A transfer asks what to do about a failure (`Effect::AnswerError`).
    TransferError(crate::shared::messages::transfers::ErrorView),
    /// Transfers a crash or a signal interrupted, found at start: resume them?
    Interrupted {
        files: Vec<String>,
    },
    /// These folders changed: panes showing them reload.
    Changed(Vec<odc_engine::transfer::Location>),
    /// Local folders' totals for a pane's listing `ticket`.
    FolderSizes {
        pane: usize,
        ticket: u64,
        sizes: Vec<(String, u64)>,
    },
    /// Folder names for the go-to prompt's completion.
    Completions {
        ticket: u64,
        result: Result<Vec<String>, String>,
    },
    /// A drive's quota, for the status bar.
    DriveInfo {
        drive: odc_graph::path::DriveSpec,
        used: Option<u64>,
        total: Option<u64>,
    },
    /// Places for the drive picker (accounts, drives, libraries); `done` when the
    /// last of them has arrived.
    Places {
        ticket: u64,
        places: Vec<crate::shared::messages::drives::Place>,
        done: bool,
    },
    /// The hotlist file as read at start: folders, and how many lines were skipped.
    Hotlist(Result<(Vec<odc_engine::transfer::Location>, usize), String>),
    /// How far the compare is.
    CompareProgress {
        ticket: u64,
        text: String,
    },
    /// The panes' folders compared: the lines and notes, or why not.
    Compared {
        ticket: u64,
        result: Result<(Vec<odc_engine::compare::Difference>, Vec<String>), String>,
    },
    /// A file's versions, newest first, or why not.
    VersionsListed {
        ticket: u64,
        result: Result<Vec<odc_graph::history::Version>, String>,
    },
    /// A version was restored or copied out (or not); `relist`: read the
    /// versions again.
    VersionDone {
        ticket: u64,
        result: Result<String, String>,
        relist: bool,
    },
    /// The recycle bin's entries and whether they were checked, or why not.
    BinListed {
        ticket: u64,
        result: Result<(Vec<odc_graph::deleted::Deleted>, bool), String>,
    },
    /// An entry of the bin was restored or deleted for good (or not).
    BinDone {
        ticket: u64,
        id: String,
        result: Result<String, String>,
    },
    /// A preview asked for with this ticket.
    PreviewReady {
        ticket: u64,
        shown: crate::shared::messages::preview::Shown,
    },
    /// An archive's entries, or why it could not be read.
    ArchiveListed {
        ticket: u64,
        result: Result<Vec<odc_engine::archive::Entry>, String>,
    },
    /// Entries were copied out of an archive (or not), in words.
    ArchiveDone {
        ticket: u64,
        result: Result<String, String>,
    },
    /// Entries copied out to a private staging folder, to be uploaded into
    /// `dest` as a copy request.
    ArchiveStaged {
        ticket: u64,
        staged: odc_engine::transfer::Location,
        dest: odc_engine::transfer::Location,
    },
    /// A private copy of an archive's entry, to view.
    ArchiveViewReady {
        ticket: u64,
        entry: String,
        copy: PathBuf,
        size: u64,
    },
    /// A sharing link was made (or not).
    LinkMade {
        ticket: u64,
        result: Result<odc_graph::sharing::SharingLink, String>,
    },
    /// A copy or move request ended; `changed` starts with its destination.
    RequestFinished(Vec<odc_engine::transfer::Location>),
    /// A block of the viewed file, or why it could not be read.
    ViewBlock {
        ticket: u64,
        index: u64,
        result: Result<bytes::Bytes, String>,
    },
    /// A OneDrive file's private copy is ready for the editor (or could not be made).
    EditFetched {
        ticket: u64,
        result: Result<crate::shared::messages::editor::Copy, String>,
    },
    /// The editor ended.
    EditorExited {
        ticket: u64,
        result: Result<(), String>,
    },
    /// An edited copy went back to OneDrive, or not.
    EditUploaded {
        ticket: u64,
        result: Result<crate::shared::messages::editor::Outcome, String>,
    },
    /// The viewer's search ended: a match, none, or an error.
    ViewFound {
        ticket: u64,
        result: Result<Option<crate::shared::messages::viewer::Found>, String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// List a source for a pane; the runner cancels that pane's previous listing.
    List {
        pane: usize,
        ticket: u64,
        source: Location,
    },
    /// Look for stored tokens; answers SignedIn or SignInNeeded.
    CheckSession,
    StartSignIn,
    /// Sign in in the browser (authorization code with PKCE, loopback redirect).
    StartBrowserSignIn,
    OpenBrowser(String),
    OpenLocal(PathBuf),
    FetchAccount,
    Suspend,
    Quit,
    /// Plan and queue a copy or move, leaving out what `filter` excludes (rules
    /// separated by `;`, as the copy dialog's filter field holds them; empty: none).
    Submit {
        request: odc_engine::transfer::Request,
        filter: String,
    },
    Mkdir {
        dir: odc_engine::transfer::Location,
        name: String,
    },
    Rename {
        dir: odc_engine::transfer::Location,
        from: String,
        to: String,
    },
    Delete {
        dir: odc_engine::transfer::Location,
        names: Vec<String>,
        local: odc_engine::transfer::operations::LocalDelete,
    },
    AnswerConflict {
        question: u64,
        answer: odc_engine::transfer::ConflictAnswer,
    },
    AnswerError {
        question: u64,
        answer: odc_engine::transfer::ErrorAnswer,
    },
    CancelTask(u64),
    PauseTask(u64),
    RetryTask(u64),
    ClearFinished,
    /// Sample the transfer counters (sent while transfers run).
    SampleTransfers,
    /// Look for transfers an earlier run left unfinished.
    CheckInterrupted,
    ResumeInterrupted,
    DiscardInterrupted,
    /// Read one block of the viewed file.
    ViewRead {
        ticket: u64,
        source: crate::shared::messages::viewer::ViewSource,
        index: u64,
    },
    /// Search the viewed file (one search at a time; a new one replaces it).
    ViewSearch {
        ticket: u64,
        source: crate::shared::messages::viewer::ViewSource,
        request: crate::shared::messages::viewer::SearchRequest,
    },
    CancelViewSearch,
    /// Download a OneDrive file into a private copy to edit.
    FetchForEdit {
        ticket: u64,
        id: String,
        /// The drive the item is in.
        drive: odc_graph::path::DriveSpec,
    },
    /// Give the terminal to the editor for `path`.
    RunEditor {
        ticket: u64,
        path: PathBuf,
    },
    /// Upload an edited copy (if it changed, as `how` says).
    UploadEdit {
        ticket: u64,
        copy: crate::shared::messages::editor::Copy,
        remote: odc_graph::RemotePath,
        how: crate::shared::messages::editor::Upload,
    },
    /// Find `query` below `base` for a pane; results arrive as its pages.
    Find {
        pane: usize,
        ticket: u64,
        base: Location,
        query: String,
        /// Rules separated by `;` leaving results out (the session's filter).
        filter: String,
    },
    /// Walk these local folders for their total sizes (a pane showing folder sizes).
    FolderSizes {
        pane: usize,
        ticket: u64,
        dir: PathBuf,
        names: Vec<String>,
    },
    /// List the folder names in `folder` (Tab in the go-to prompt).
    CompleteFolders {
        ticket: u64,
        folder: odc_engine::transfer::Location,
    },
    LoadHotlist,
    /// Read a drive's quota (another account's, a library's).
    FetchDriveInfo {
        drive: odc_graph::path::DriveSpec,
    },
    /// Read the signed-in accounts and the drives each can open, for the picker.
    LoadPlaces {
        ticket: u64,
    },
    /// Search the work accounts' SharePoint sites; their libraries join the picker.
    SearchSites {
        ticket: u64,
        text: String,
    },
    /// Preview an item in `cells` (the quick view, or a picture in full).
    Preview {
        ticket: u64,
        target: crate::shared::messages::preview::PreviewTarget,
        cells: (u16, u16),
    },
    /// Read an archive's entries.
    ReadArchive {
        ticket: u64,
        archive: crate::shared::messages::archive::ArchiveRef,
    },
    /// Copy an entry (a folder with what is below it) of an archive into the
    /// folder `to` (a OneDrive one by way of a private staging copy, uploaded by
    /// the engine), or privately to view it when `to` is `None`.
    ExtractArchive {
        ticket: u64,
        archive: crate::shared::messages::archive::ArchiveRef,
        entry: String,
        to: Option<odc_engine::transfer::Location>,
    },
    /// Read the versions of the file `id`.
    ListVersions {
        ticket: u64,
        id: String,
        drive: odc_graph::path::DriveSpec,
    },
    /// Make version `version` of the file `id` the current one.
    RestoreVersion {
        ticket: u64,
        id: String,
        version: String,
        drive: odc_graph::path::DriveSpec,
    },
    /// Download a version of the file `id` (`None`: the current one) to `target`.
    CopyVersion {
        ticket: u64,
        id: String,
        version: Option<odc_graph::history::Version>,
        drive: odc_graph::path::DriveSpec,
        target: PathBuf,
    },
    /// Read the recycle bin of the account `drive` names.
    ListBin {
        ticket: u64,
        drive: odc_graph::path::DriveSpec,
    },
    RestoreFromBin {
        ticket: u64,
        entry: odc_graph::deleted::Deleted,
        drive: odc_graph::path::DriveSpec,
    },
    PurgeFromBin {
        ticket: u64,
        entry: odc_graph::deleted::Deleted,
        drive: odc_graph::path::DriveSpec,
    },
    /// Make a sharing link for the item `id`.
    CreateLink {
        ticket: u64,
        id: String,
        kind: odc_graph::sharing::LinkKind,
        /// The drive the item is in.
        drive: odc_graph::path::DriveSpec,
    },
    /// Compare two folders (the panes').
    Compare {
        ticket: u64,
        left: Location,
        right: Location,
        quick: bool,
        /// Rules separated by `;` that both sides leave out (empty: none).
        filter: String,
    },
    CancelCompare,
    /// The process's bandwidth limit from now on (every transfer, each way).
    SetBandwidth(odc_graph::bandwidth::Limit),
    /// A one-way sync: these deletions (recycle bin / trash) first, then the copies.
    /// A sync: first what must make room for a copy (a file where a folder goes),
    /// then the copies, then the deletions, and those only when every copy went
    /// through.
    Sync {
        making_room: Vec<Location>,
        deletes: Vec<Location>,
        requests: Vec<odc_engine::transfer::Request>,
    },
    /// Put text on the clipboard of the terminal (OSC 52: works over SSH and in tmux).
    Clipboard(String),
    SaveHotlist(Vec<odc_engine::transfer::Location>),
    /// Remove an edited copy and its private folder.
    DiscardEdit {
        file: PathBuf,
    },
}
pub mod archive;
pub mod drives;
pub mod editor;
pub mod preview;
pub mod transfers;
pub mod viewer;
