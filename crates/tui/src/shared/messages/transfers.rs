//! The transfers' questions, as the engine asks them: a name that exists, a
//! failure; each answered by its number.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct ConflictView {
    pub question: u64,
    pub name: String,
    pub source_size: u64,
    pub source_modified: Option<DateTime<Utc>>,
    pub target_size: u64,
    pub target_modified: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorView {
    pub question: u64,
    pub name: String,
    pub message: String,
}
