//! Comparing the panes (Ctrl-X, then d or q, as mc's Ctrl-X d) and syncing one way
//! from the result: the compare runs off the UI task, the differences are marked
//! in both panes, a summary says what differs, and a preview shows what a sync
//! will do before Enter runs it.

pub mod io;
pub mod update;
pub mod widget;

use odc_engine::compare::sync::DeleteLimits;
use odc_engine::transfer::Location;

/// The compare feature's state: its dialog, and what a sync may delete.
#[derive(Debug, Clone)]
pub struct Compare {
    pub dialog: Option<CompareDialog>,
    /// The filter being edited (`f` in the dialog); its rules are the session's.
    pub filter_input: Option<tui_input::Input>,
    /// What a compare → sync may delete (`sync.*` settings).
    pub limits: DeleteLimits,
}

impl Compare {
    pub fn new(limits: DeleteLimits) -> Self {
        Compare {
            dialog: None,
            filter_input: None,
            limits,
        }
    }

    /// A compare is running (the spinner turns).
    pub fn running(&self) -> bool {
        matches!(
            &self.dialog,
            Some(CompareDialog::Compare(CompareView {
                stage: CompareStage::Running { .. },
                ..
            }))
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CompareDialog {
    /// Comparing the panes' folders: choose how, watch it run, read the result.
    Compare(CompareView),
    /// A one-way sync to run, as it will happen.
    SyncPreview(SyncView),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompareView {
    pub ticket: u64,
    pub left: Location,
    pub right: Location,
    pub stage: CompareStage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CompareStage {
    Choosing,
    Running {
        quick: bool,
        /// What it is doing now ("hashing local files: 250 of 10,000").
        progress: String,
    },
    Done {
        lines: std::sync::Arc<Vec<odc_engine::compare::Difference>>,
        notes: Vec<String>,
    },
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyncView {
    pub src: Location,
    pub dst: Location,
    pub lines: std::sync::Arc<Vec<odc_engine::compare::Difference>>,
    pub plan: odc_engine::compare::sync::SyncPlan,
    pub delete: bool,
    /// Why the deletions are big enough to need a second confirmation, once the
    /// person was told (a second Enter then runs them).
    pub big_delete: Option<String>,
}
