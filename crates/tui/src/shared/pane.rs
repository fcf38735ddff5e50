//! One pane: where it points, what it lists, and the cursor, marks, sort and filter.
//! Plain data; every change goes through `update`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tui_input::Input;

pub use odc_engine::location::Location;

/// A row: a local directory entry or a OneDrive item.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub is_dir: bool,
    pub size: u64,
    pub modified: Option<DateTime<Utc>>,
    /// OneDrive details (None for local entries).
    pub remote: Option<RemoteDetails>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RemoteDetails {
    pub id: String,
    pub created: Option<DateTime<Utc>>,
    pub quick_xor_hash: Option<String>,
    pub kind: &'static str,
    /// For a shortcut or shared item: what it points at in another drive.
    pub shared: Option<odc_graph::shared::SharedItem>,
    /// The item's page on the web (a notebook opens there).
    pub web_url: Option<String>,
    /// What the item is, when odc leaves it alone in copies (a notebook, the
    /// vault, a shortcut).
    pub left_alone: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Size,
    Modified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    /// name ↑, name ↓, size ↓, size ↑, time ↓ (newest first), time ↑.
    pub fn next(self) -> Sort {
        let (key, descending) = match (self.key, self.descending) {
            (SortKey::Name, false) => (SortKey::Name, true),
            (SortKey::Name, true) => (SortKey::Size, true),
            (SortKey::Size, true) => (SortKey::Size, false),
            (SortKey::Size, false) => (SortKey::Modified, true),
            (SortKey::Modified, true) => (SortKey::Modified, false),
            (SortKey::Modified, false) => (SortKey::Name, false),
        };
        Sort { key, descending }
    }

    pub fn label(self) -> &'static str {
        match (self.key, self.descending) {
            (SortKey::Name, false) => "name",
            (SortKey::Name, true) => "name desc",
            (SortKey::Size, true) => "size",
            (SortKey::Size, false) => "size asc",
            (SortKey::Modified, true) => "time",
            (SortKey::Modified, false) => "time asc",
        }
    }

    /// Folders first, then the key; names break ties (case-insensitively).
    pub fn compare(self, a: &Entry, b: &Entry) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let folders = b.is_dir.cmp(&a.is_dir);
        if folders != Ordering::Equal {
            return folders;
        }
        // Lowercased char by char: no allocation per comparison (a pane of
        // 100,000 items compares millions of times as its pages land).
        let by_name = || {
            a.name
                .chars()
                .flat_map(char::to_lowercase)
                .cmp(b.name.chars().flat_map(char::to_lowercase))
                .then_with(|| a.name.cmp(&b.name))
        };
        let primary = match self.key {
            SortKey::Name => by_name(),
            SortKey::Size => a.size.cmp(&b.size).then_with(by_name),
            SortKey::Modified => a.modified.cmp(&b.modified).then_with(by_name),
        };
        if self.descending {
            primary.reverse()
        } else {
            primary
        }
    }
}

/// The listing in progress or done.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listing {
    /// Pages carrying another ticket are stale and dropped.
    pub ticket: u64,
    pub loading: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Pane {
    pub source: Location,
    /// Where the pane was on the other kind of source, to switch back to.
    pub other_source: Location,
    pub entries: Vec<Entry>,
    /// Indices into `entries` that are shown (hidden files and filter applied).
    pub visible: Vec<usize>,
    pub cursor: usize,
    pub scroll: usize,
    pub marked: BTreeSet<String>,
    pub listing: Listing,
    pub sort: Sort,
    pub show_hidden: bool,
    /// Folders show their total size (`z`) instead of `<dir>`: OneDrive's from the
    /// listing, local ones once walked.
    pub folder_sizes: bool,
    /// Local folders whose total has been walked (their `size` is it).
    pub sized: BTreeSet<String>,
    pub filter: Option<Input>,
    pub filter_editing: bool,
    /// Name to put the cursor on when it shows up (the folder we came out of).
    pub want_cursor: Option<String>,
    /// Where the pane was before a go-to, until the place gone to lists: a file
    /// opens its folder instead, a place that cannot be listed goes back here.
    pub goto_from: Option<odc_engine::transfer::Location>,
    /// Where the cursor goes when this folder is next reported changed: the folder
    /// just made, the new name of a renamed item, the row after deleted ones.
    pub cursor_after_change: Option<String>,
    /// The user moved the cursor since the listing began: follow its row by name
    /// as pages land. Until then the cursor stays on the first row.
    pub user_moved: bool,
    /// Showing the results of a find (this query) below `source` instead of its
    /// children: each entry's name is its path below `source`.
    pub found: Option<String>,
    /// Entered from a shortcut: the folder holding it and its name, where
    /// Backspace at the shared folder's top goes back to.
    pub entered_from: Option<(Location, String)>,
}

impl Pane {
    /// Scrolls so the cursor row is on screen.
    pub fn keep_cursor_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + rows {
            self.scroll = self.cursor + 1 - rows;
        }
        let max_scroll = self.visible.len().saturating_sub(rows);
        self.scroll = self.scroll.min(max_scroll);
    }

    pub fn new(source: Location, other_source: Location, show_hidden: bool) -> Self {
        Self {
            source,
            other_source,
            entries: Vec::new(),
            visible: Vec::new(),
            cursor: 0,
            scroll: 0,
            marked: BTreeSet::new(),
            listing: Listing::default(),
            sort: Sort::default(),
            show_hidden,
            folder_sizes: false,
            sized: BTreeSet::new(),
            filter: None,
            filter_editing: false,
            entered_from: None,
            want_cursor: None,
            goto_from: None,
            cursor_after_change: None,
            user_moved: false,
            found: None,
        }
    }

    pub fn current(&self) -> Option<&Entry> {
        self.visible.get(self.cursor).map(|&i| &self.entries[i])
    }

    pub fn visible_entries(&self) -> impl Iterator<Item = &Entry> {
        self.visible.iter().map(|&i| &self.entries[i])
    }

    fn shows(&self, entry: &Entry) -> bool {
        if !self.show_hidden && entry.name.starts_with('.') {
            return false;
        }
        match &self.filter {
            Some(input) if !input.value().is_empty() => entry
                .name
                .to_lowercase()
                .contains(&input.value().to_lowercase()),
            _ => true,
        }
    }

    /// Recomputes `visible`, keeping the cursor on the same name when it can.
    pub fn refresh_view(&mut self) {
        let keep = self.current().map(|e| e.name.clone());
        self.rebuild_view(keep);
    }

    /// Recomputes `visible` after `entries` changed; `keep` is the name the cursor
    /// was on before the change (looked up before, since indices moved).
    fn rebuild_view(&mut self, keep: Option<String>) {
        let keep = self.want_cursor.clone().or(keep);
        self.visible = (0..self.entries.len())
            .filter(|&i| self.shows(&self.entries[i]))
            .collect();
        if let Some(name) = keep
            && let Some(pos) = self
                .visible
                .iter()
                .position(|&i| self.entries[i].name == name)
        {
            self.cursor = pos;
            if self.want_cursor.as_deref() == Some(name.as_str()) {
                self.want_cursor = None;
            }
        }
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
    }

    /// Adds a page of entries in sort order (pages arrive in any order). The page
    /// is appended and the whole sorted again: the stable sort finds the sorted
    /// run already there and merges the page into it, in place, with a scratch
    /// buffer of at most half the entries instead of a second copy of them all
    /// (a pane of 100,000 items would otherwise peak at twice their memory).
    pub fn add_entries(&mut self, page: Vec<Entry>) {
        let keep = if self.user_moved {
            self.current().map(|e| e.name.clone())
        } else {
            None
        };
        let sort = self.sort;
        self.entries.extend(page);
        self.entries.sort_by(|a, b| sort.compare(a, b));
        self.rebuild_view(keep);
    }

    pub fn resort(&mut self) {
        let keep = self.current().map(|e| e.name.clone());
        let sort = self.sort;
        self.entries.sort_by(|a, b| sort.compare(a, b));
        self.rebuild_view(keep);
    }

    /// Starts a new listing of `source`: clears the rows, keeps nothing stale.
    pub fn begin_listing(&mut self, ticket: u64) {
        self.entries.clear();
        self.visible.clear();
        self.marked.clear();
        self.cursor = 0;
        self.scroll = 0;
        self.listing = Listing {
            ticket,
            loading: true,
            error: None,
        };
    }

    /// Where the entry called `name` is (a find result's name is a path below).
    pub fn location_of(&self, name: &str) -> Location {
        if self.found.is_none() {
            return self.source.join(name);
        }
        name.split('/')
            .filter(|s| !s.is_empty())
            .fold(self.source.clone(), |at, part| at.join(part))
    }

    pub fn local_path(&self) -> Option<&PathBuf> {
        match &self.source {
            Location::Local(p) => Some(p),
            Location::Remote(_) => None,
        }
    }
}

impl Pane {
    /// The first row after the cursor that is not among `leaving`, else the last one
    /// before it: where the cursor should land once `leaving` is gone.
    pub fn row_after(&self, leaving: &[String]) -> Option<String> {
        let names: Vec<&str> = self.visible_entries().map(|e| e.name.as_str()).collect();
        let stays = |name: &&&str| !leaving.iter().any(|l| l == **name);
        names
            .iter()
            .skip(self.cursor)
            .find(stays)
            .or_else(|| names.iter().take(self.cursor).rev().find(stays))
            .map(|name| name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, is_dir: bool, size: u64) -> Entry {
        Entry {
            name: name.into(),
            is_dir,
            size,
            modified: None,
            remote: None,
        }
    }

    fn names(pane: &Pane) -> Vec<&str> {
        pane.entries.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn pages_in_any_order_land_sorted_folders_first() {
        let root = Location::Local(PathBuf::from("/"));
        let mut pane = Pane::new(root.clone(), root, true);
        pane.add_entries(vec![entry("b", false, 1), entry("Zeta", true, 0)]);
        pane.add_entries(vec![entry("A", false, 3), entry("a", false, 2)]);
        pane.add_entries(vec![entry("Éclair", false, 1), entry("alpha", true, 0)]);
        assert_eq!(names(&pane), ["alpha", "Zeta", "A", "a", "b", "Éclair"]);
        assert_eq!(pane.visible.len(), 6);
        pane.sort = Sort {
            key: SortKey::Size,
            descending: false,
        };
        pane.resort();
        pane.add_entries(vec![entry("c", false, 0)]);
        assert_eq!(
            names(&pane),
            ["alpha", "Zeta", "c", "b", "Éclair", "a", "A"]
        );
    }
}
