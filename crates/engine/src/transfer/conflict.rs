//! Conflict and error answers, and the policy that remembers "for all" answers for
//! the rest of a request (Midnight Commander's dialogs are the model).

use chrono::{DateTime, Utc};

/// What to do when the target exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Overwrite,
    Skip,
    /// Keep both: the new one gets a free name, `name (1).ext`.
    Rename,
    /// Overwrite only when the target is older than the source.
    OverwriteIfOlder,
    /// Skip when the target has the same size and QuickXorHash, else overwrite
    /// (`--checksum`). The engine reads the hashes; `decide` never sees it.
    SkipIfSame,
    /// Skip when size and modified time (to the second) match, else overwrite:
    /// a second `put` or `get` of an unchanged tree sends nothing (rclone's
    /// default). An upload whose size and time match is also compared by content,
    /// as `cp -p` puts both back after an edit. Settled by the engine too.
    SkipIfUnchanged,
}

impl Resolution {
    /// The configured answer, or None to ask.
    pub fn from_setting(setting: odc_core::config::OnConflict) -> Option<Resolution> {
        use odc_core::config::OnConflict;
        match setting {
            OnConflict::Ask => None,
            OnConflict::Overwrite => Some(Resolution::Overwrite),
            OnConflict::Skip => Some(Resolution::Skip),
            OnConflict::Rename => Some(Resolution::Rename),
            OnConflict::OverwriteOlder => Some(Resolution::OverwriteIfOlder),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictAnswer {
    Once(Resolution),
    All(Resolution),
    Abort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorAnswer {
    Retry,
    Skip,
    SkipAll,
    Abort,
}

/// The decision for one conflict after "if older" is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Overwrite,
    Skip,
    Rename,
}

pub fn decide(
    resolution: Resolution,
    source_modified: Option<DateTime<Utc>>,
    target_modified: Option<DateTime<Utc>>,
) -> Decision {
    match resolution {
        Resolution::Overwrite => Decision::Overwrite,
        Resolution::Skip => Decision::Skip,
        Resolution::Rename => Decision::Rename,
        // Settled by the engine before it gets here (it needs the hashes).
        Resolution::SkipIfSame | Resolution::SkipIfUnchanged => Decision::Overwrite,
        Resolution::OverwriteIfOlder => match (source_modified, target_modified) {
            // Whole seconds: OneDrive keeps no more precision than that.
            (Some(s), Some(t)) if t.timestamp() < s.timestamp() => Decision::Overwrite,
            _ => Decision::Skip,
        },
    }
}

/// `name (1).ext`, `name (2).ext`, … for the `n`th try.
pub fn numbered_name(name: &str, n: u32) -> String {
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    }
}

/// Remembers the answers that hold for the rest of a request.
#[derive(Debug, Default)]
pub struct Policy {
    conflicts: Option<Resolution>,
    skip_errors: bool,
}

impl Policy {
    /// A policy whose default conflict answer comes from config ("ask" = none).
    pub fn with_default(default: Option<Resolution>) -> Self {
        Self {
            conflicts: default,
            skip_errors: false,
        }
    }

    /// The remembered resolution, if a question is not needed.
    pub fn conflict(&self) -> Option<Resolution> {
        self.conflicts
    }

    /// Records an answer; returns the resolution for this conflict, or None to abort.
    pub fn answer_conflict(&mut self, answer: ConflictAnswer) -> Option<Resolution> {
        match answer {
            ConflictAnswer::Once(r) => Some(r),
            ConflictAnswer::All(r) => {
                self.conflicts = Some(r);
                Some(r)
            }
            ConflictAnswer::Abort => None,
        }
    }

    pub fn skips_errors(&self) -> bool {
        self.skip_errors
    }

    pub fn answer_error(&mut self, answer: ErrorAnswer) {
        if answer == ErrorAnswer::SkipAll {
            self.skip_errors = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn all_answers_are_remembered_once_answers_are_not() {
        let mut policy = Policy::default();
        assert_eq!(policy.conflict(), None);
        assert_eq!(
            policy.answer_conflict(ConflictAnswer::Once(Resolution::Skip)),
            Some(Resolution::Skip)
        );
        assert_eq!(policy.conflict(), None);
        assert_eq!(
            policy.answer_conflict(ConflictAnswer::All(Resolution::Rename)),
            Some(Resolution::Rename)
        );
        assert_eq!(policy.conflict(), Some(Resolution::Rename));
        assert_eq!(policy.answer_conflict(ConflictAnswer::Abort), None);
        assert!(!policy.skips_errors());
        policy.answer_error(ErrorAnswer::Skip);
        assert!(!policy.skips_errors());
        policy.answer_error(ErrorAnswer::SkipAll);
        assert!(policy.skips_errors());
        assert_eq!(
            Policy::with_default(Some(Resolution::Overwrite)).conflict(),
            Some(Resolution::Overwrite)
        );
    }

    #[test]
    fn overwrite_if_older_compares_whole_seconds() {
        let at = |s: i64| Some(Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap());
        assert_eq!(
            decide(Resolution::OverwriteIfOlder, at(10), at(5)),
            Decision::Overwrite
        );
        assert_eq!(
            decide(Resolution::OverwriteIfOlder, at(5), at(10)),
            Decision::Skip
        );
        assert_eq!(
            decide(Resolution::OverwriteIfOlder, at(5), at(5)),
            Decision::Skip
        );
        assert_eq!(
            decide(Resolution::OverwriteIfOlder, None, at(5)),
            Decision::Skip
        );
        assert_eq!(
            decide(Resolution::Overwrite, None, None),
            Decision::Overwrite
        );
    }

    #[test]
    fn numbered_names_keep_the_extension() {
        assert_eq!(numbered_name("report.pdf", 1), "report (1).pdf");
        assert_eq!(numbered_name("archive.tar.gz", 2), "archive.tar (2).gz");
        assert_eq!(numbered_name("Makefile", 3), "Makefile (3)");
        assert_eq!(numbered_name(".env", 1), ".env (1)");
    }
}
