//! Everything a key can do, per context (the panes, the transfers panel, each kind
//! of question), in one table: the name in `[keys]`, what help and hint lines say.

/// Where a key is pressed. Each context has its own bindings, so `x` can cancel a
/// transfer in the panel and mean nothing in the panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    Panes,
    Panel,
    Conflict,
    Error,
    /// Yes/no questions: delete.
    Confirm,
    /// Quit while transfers run.
    Quit,
    /// Transfers an earlier run left unfinished.
    Resume,
    /// The file viewer.
    Viewer,
    /// A OneDrive file changed while it was being edited.
    EditConflict,
    /// The hotlist of bookmarked folders.
    Hotlist,
    /// Sharing a OneDrive item by link.
    Share,
    /// Comparing the panes' folders.
    Compare,
    /// A one-way sync, previewed.
    Sync,
    /// Choosing what a pane shows: local files, an account, a drive.
    Drives,
    /// A OneDrive file's versions.
    Versions,
    /// The recycle bin.
    Bin,
    /// Inside a zip archive.
    Archive,
}

impl Context {
    pub const ALL: [Context; 17] = [
        Context::Panes,
        Context::Panel,
        Context::Conflict,
        Context::Error,
        Context::Confirm,
        Context::Quit,
        Context::Resume,
        Context::Viewer,
        Context::EditConflict,
        Context::Hotlist,
        Context::Share,
        Context::Compare,
        Context::Sync,
        Context::Drives,
        Context::Versions,
        Context::Bin,
        Context::Archive,
    ];

    /// The heading in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Panes => "Panes",
            Context::Panel => "Panel",
            Context::Conflict => "Exists",
            Context::Error => "Failed",
            Context::Confirm => "Delete",
            Context::Quit => "Quit",
            Context::Resume => "Resume",
            Context::Viewer => "Viewer",
            Context::EditConflict => "Edited",
            Context::Hotlist => "Hotlist",
            Context::Share => "Share",
            Context::Compare => "Compare",
            Context::Sync => "Sync",
            Context::Drives => "Drives",
            Context::Versions => "Versions",
            Context::Bin => "Recycle bin",
            Context::Archive => "Archive",
        }
    }
}

macro_rules! actions {
    ($($action:ident: $context:ident, $name:literal, $description:literal;)*) => {
        /// Everything a key can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Action {
            $($action,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$action,)*];

            pub fn context(self) -> Context {
                match self {
                    $(Action::$action => Context::$context,)*
                }
            }

            /// The name used in the `[keys]` config section.
            pub fn config_name(self) -> &'static str {
                match self {
                    $(Action::$action => $name,)*
                }
            }

            /// What help and hint lines say it does.
            pub fn description(self) -> &'static str {
                match self {
                    $(Action::$action => $description,)*
                }
            }
        }
    };
}

actions! {
    SwitchPane: Panes, "switch_pane", "switch pane";
    Up: Panes, "up", "cursor up";
    Down: Panes, "down", "cursor down";
    Open: Panes, "open", "open / details";
    Details: Panes, "details", "details / versions";
    Parent: Panes, "parent", "parent folder";
    Top: Panes, "top", "first row";
    Bottom: Panes, "bottom", "last row";
    PageUp: Panes, "page_up", "page up";
    PageDown: Panes, "page_down", "page down";
    Select: Panes, "select", "mark row";
    InvertSelection: Panes, "invert_selection", "invert marks";
    SelectGlob: Panes, "select_glob", "mark by pattern";
    UnselectGlob: Panes, "unselect_glob", "unmark by pattern";
    Filter: Panes, "filter", "filter as you type";
    Sort: Panes, "sort", "cycle sort order";
    FolderSizes: Panes, "folder_sizes", "folder sizes";
    ToggleHidden: Panes, "toggle_hidden", "show/hide dot files";
    Refresh: Panes, "refresh", "reload pane";
    PickDrive: Panes, "pick_drive", "choose account / drive";
    ToggleSource: Panes, "toggle_source", "local <-> OneDrive";
    SwapPanes: Panes, "swap_panes", "swap the panes";
    GoTo: Panes, "go_to", "go to a path";
    Find: Panes, "find", "find files below";
    ShareLink: Panes, "share_link", "share link";
    Compare: Panes, "compare", "compare the panes";
    CopyCode: Panes, "copy_code", "copy sign-in code";
    BrowserSignIn: Panes, "browser_sign_in", "sign in in the browser";
    Hotlist: Panes, "hotlist", "hotlist (bookmarks)";
    SameFolder: Panes, "same_folder", "same folder opposite";
    OpenBrowser: Panes, "open_browser", "open in app/browser";
    View: Panes, "view", "view file";
    Edit: Panes, "edit", "edit file";
    Copy: Panes, "copy", "copy to other pane";
    Move: Panes, "move", "move to other pane";
    Rename: Panes, "rename", "rename";
    Mkdir: Panes, "mkdir", "new folder";
    Delete: Panes, "delete", "delete (recycle bin)";
    RecycleBin: Panes, "recycle_bin", "recycle bin";
    QuickView: Panes, "quick_view", "quick view (preview)";
    Transfers: Panes, "transfers", "transfers panel";
    Help: Panes, "help", "help";
    Quit: Panes, "quit", "quit";

    PanelCancel: Panel, "panel_cancel", "cancel";
    PanelPause: Panel, "panel_pause", "pause/resume";
    PanelRetry: Panel, "panel_retry", "retry failed";
    PanelClear: Panel, "panel_clear", "clear done";
    PanelFilter: Panel, "panel_filter", "filter";
    PanelNext: Panel, "panel_next", "next";
    PanelPrevious: Panel, "panel_previous", "previous";
    PanelClose: Panel, "panel_close", "close";
    PanelBandwidth: Panel, "panel_bandwidth", "bandwidth limit";

    ConflictOverwrite: Conflict, "conflict_overwrite", "overwrite";
    ConflictSkip: Conflict, "conflict_skip", "skip";
    ConflictRename: Conflict, "conflict_rename", "keep both";
    ConflictIfOlder: Conflict, "conflict_if_older", "overwrite if older";
    ConflictOverwriteAll: Conflict, "conflict_overwrite_all", "overwrite all";
    ConflictSkipAll: Conflict, "conflict_skip_all", "skip all";
    ConflictRenameAll: Conflict, "conflict_rename_all", "keep both, all";
    ConflictIfOlderAll: Conflict, "conflict_if_older_all", "if older, all";
    ConflictAbort: Conflict, "conflict_abort", "abort";

    ErrorRetry: Error, "error_retry", "retry";
    ErrorSkip: Error, "error_skip", "skip";
    ErrorSkipAll: Error, "error_skip_all", "skip all";
    ErrorAbort: Error, "error_abort", "abort";

    ConfirmYes: Confirm, "confirm_yes", "delete";
    ConfirmForGood: Confirm, "confirm_for_good", "delete for good (local)";
    ConfirmNo: Confirm, "confirm_no", "keep";

    QuitYes: Quit, "quit_yes", "quit";
    QuitNo: Quit, "quit_no", "stay";

    ResumeYes: Resume, "resume_yes", "resume";
    ResumeDiscard: Resume, "resume_discard", "discard";
    ResumeLater: Resume, "resume_later", "ask next time";

    VersionsView: Versions, "versions_view", "view";
    VersionsCopy: Versions, "versions_copy", "copy to the other pane";
    VersionsRestore: Versions, "versions_restore", "make it current";
    VersionsUp: Versions, "versions_up", "up";
    VersionsDown: Versions, "versions_down", "down";
    VersionsClose: Versions, "versions_close", "close";

    BinRestore: Bin, "bin_restore", "restore";
    BinPurge: Bin, "bin_purge", "delete for good";
    BinUp: Bin, "bin_up", "up";
    BinDown: Bin, "bin_down", "down";
    BinClose: Bin, "bin_close", "close";

    ArchiveOpen: Archive, "archive_open", "open folder / view";
    ArchiveParent: Archive, "archive_parent", "up a folder (leaves at the top)";
    ArchiveView: Archive, "archive_view", "view";
    ArchiveCopy: Archive, "archive_copy", "copy out to the other pane";
    ArchiveUp: Archive, "archive_up", "up";
    ArchiveDown: Archive, "archive_down", "down";
    ArchiveClose: Archive, "archive_close", "close";

    ViewerClose: Viewer, "viewer_close", "close";
    ViewerUp: Viewer, "viewer_up", "up";
    ViewerDown: Viewer, "viewer_down", "down";
    ViewerPageUp: Viewer, "viewer_page_up", "page up";
    ViewerPageDown: Viewer, "viewer_page_down", "page down";
    ViewerTop: Viewer, "viewer_top", "start";
    ViewerBottom: Viewer, "viewer_bottom", "end";
    ViewerLeft: Viewer, "viewer_left", "scroll left";
    ViewerRight: Viewer, "viewer_right", "scroll right";
    ViewerWrap: Viewer, "viewer_wrap", "wrap";
    ViewerHex: Viewer, "viewer_hex", "hex/text";
    ViewerNumbers: Viewer, "viewer_numbers", "line numbers";
    ViewerSearch: Viewer, "viewer_search", "search";
    ViewerNext: Viewer, "viewer_next", "next match";
    ViewerPrevious: Viewer, "viewer_previous", "previous match";

    EditOverwrite: EditConflict, "edit_overwrite", "upload over it";
    EditKeepBoth: EditConflict, "edit_keep_both", "keep both";
    EditDiscard: EditConflict, "edit_discard", "discard my edit";
    EditLater: EditConflict, "edit_later", "keep my copy for later";

    HotlistGo: Hotlist, "hotlist_go", "go there";
    HotlistAdd: Hotlist, "hotlist_add", "add this folder";
    HotlistRemove: Hotlist, "hotlist_remove", "remove";
    HotlistUp: Hotlist, "hotlist_up", "up";
    HotlistDown: Hotlist, "hotlist_down", "down";
    HotlistClose: Hotlist, "hotlist_close", "close";

    ShareView: Share, "share_view", "view-only link";
    ShareEdit: Share, "share_edit", "editable link";
    ShareClose: Share, "share_close", "close";

    CompareContent: Compare, "compare_content", "by content";
    CompareQuick: Compare, "compare_quick", "quick (size, time)";
    CompareToRight: Compare, "compare_to_right", "sync left -> right";
    CompareToLeft: Compare, "compare_to_left", "sync right -> left";
    CompareClose: Compare, "compare_close", "close";
    CompareFilter: Compare, "compare_filter", "filter";

    SyncRun: Sync, "sync_run", "run";
    SyncDelete: Sync, "sync_delete", "delete too / not";
    SyncCancel: Sync, "sync_cancel", "cancel";

    DrivesGo: Drives, "drives_go", "show it in the pane";
    DrivesUp: Drives, "drives_up", "up";
    DrivesDown: Drives, "drives_down", "down";
    DrivesSearch: Drives, "drives_search", "search SharePoint sites";
    DrivesClose: Drives, "drives_close", "close";
}

impl Action {
    /// The short label in the command bar, for the actions shown there.
    pub fn bar_label(self) -> Option<&'static str> {
        match self {
            Action::Help => Some("Help"),
            Action::Copy => Some("Copy"),
            Action::Move => Some("Move"),
            Action::Mkdir => Some("Mkdir"),
            Action::Delete => Some("Delete"),
            Action::Transfers => Some("Jobs"),
            Action::View => Some("View"),
            Action::Edit => Some("Edit"),
            Action::PickDrive => Some("Drive"),
            Action::Filter => Some("Filter"),
            Action::Quit => Some("Quit"),
            _ => None,
        }
    }

    pub fn from_config_name(name: &str) -> Option<Action> {
        Action::ALL
            .iter()
            .copied()
            .find(|a| a.config_name() == name)
    }

    /// The actions of one context, in table order.
    pub fn of(context: Context) -> impl Iterator<Item = Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(move |a| a.context() == context)
    }
}
