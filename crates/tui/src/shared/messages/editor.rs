//! The editor's messages: the private copy being edited, how it goes back, and
//! what happened when it did.

use std::path::PathBuf;

/// A OneDrive file's private copy, ready for the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Copy {
    pub file: PathBuf,
    /// The version downloaded: the upload replaces only this one.
    pub etag: Option<String>,
    /// QuickXorHash of the copy as downloaded: unchanged means nothing to upload.
    pub hash: String,
}

/// How an edit goes back.
#[derive(Debug, Clone, PartialEq)]
pub enum Upload {
    /// Only over the version downloaded (its eTag).
    IfUnchanged(Option<String>),
    /// Over whatever is there now.
    Overwrite,
    /// Beside it, under a name OneDrive picks ("notes 1.txt").
    KeepBoth,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The editor saved nothing new.
    Unchanged,
    /// Uploaded under this name.
    Uploaded(String),
    /// Someone changed the file on OneDrive since it was downloaded.
    Changed,
}
