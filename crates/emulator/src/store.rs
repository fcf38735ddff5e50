//! The drive: a tree of items with ids, case-insensitive and case-preserving names,
//! a recycle bin, and quota computed from content.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::content::Content;
use super::error::{ApiError, ApiResult};
use super::rules::{self, NewName};

pub use super::item::{Conflict, Item, ItemKind, OldVersion, Profile, RemoteRef, Resolved, fold};

pub struct Drive {
    pub id: String,
    pub profile: Profile,
    pub owner_id: String,
    pub owner_name: String,
    pub quota_total: u64,
    pub root_id: String,
    pub items: HashMap<String, Item>,
    pub(super) next_id: u64,
    pub(super) live_bytes: u64,
    pub(super) live_files: u64,
    pub(super) deleted_bytes: u64,
    /// The bytes of earlier versions of files, which count in `quota.used`.
    pub(super) version_bytes: u64,
    /// What DELETE sent to the recycle bin, in the order it went there: the item
    /// deleted (everything below a folder went with it and comes back with it).
    pub bin: Vec<BinEntry>,
    /// The SharePoint site a business drive belongs to (its own "my site" for a
    /// user's OneDrive): its recycle bin is the site's.
    pub site_id: Option<String>,
    /// Counts changes; each item remembers the count of its last one (delta).
    pub change_seq: u64,
}

/// An item in the recycle bin: where it was and when it went.
#[derive(Debug, Clone)]
pub struct BinEntry {
    pub id: String,
    pub parent: String,
    pub name: String,
    pub deleted_at: DateTime<Utc>,
}

pub struct Quota {
    pub total: u64,
    pub used: u64,
    pub remaining: u64,
    pub deleted: u64,
    pub file_count: u64,
    pub state: &'static str,
}

impl Drive {
    pub fn new(profile: Profile, quota_total: u64, now: DateTime<Utc>) -> Self {
        let id = match profile {
            // A leading zero, as many personal drive ids have: the service then
            // shows them 15 digits long in places (onedrive-api-docs#1890).
            Profile::Personal => format!("0{:015x}", odc_core::ids::random_u64() >> 4),
            Profile::Business => format!(
                "b!{}",
                odc_core::ids::random_string(64, odc_core::ids::TOKEN_ALPHABET)
            ),
        };
        let mut drive = Drive {
            owner_id: id.clone(),
            id,
            profile,
            owner_name: "Ada Example".into(),
            quota_total,
            root_id: String::new(),
            items: HashMap::new(),
            next_id: 101,
            live_bytes: 0,
            live_files: 0,
            deleted_bytes: 0,
            version_bytes: 0,
            bin: Vec::new(),
            site_id: match profile {
                Profile::Personal => None,
                Profile::Business => Some(format!(
                    "contoso-my.sharepoint.com,{},{}",
                    odc_core::ids::uuid_v4(),
                    odc_core::ids::uuid_v4()
                )),
            },
            change_seq: 0,
        };
        let root_id = drive.new_id();
        drive.items.insert(
            root_id.clone(),
            Item {
                id: root_id.clone(),
                name: "root".into(),
                parent: None,
                created: now,
                modified: now,
                fs_created: now,
                fs_modified: now,
                version: 1,
                content_version: 1,
                changed_at: 0,
                deleted: false,
                kind: ItemKind::Folder {
                    children: BTreeMap::new(),
                },
                package: None,
                special_folder: None,
                malware: None,
                remote: None,
                history: Vec::new(),
                served: None,
            },
        );
        drive.root_id = root_id;
        drive
    }

    pub(super) fn new_id(&mut self) -> String {
        let n = self.next_id;
        self.next_id += 1;
        match self.profile {
            Profile::Personal => format!("{}!{n}", self.id.to_uppercase()),
            Profile::Business => format!("01{:032X}", (n as u128) * 0x9E37_79B9_7F4A_7C15),
        }
    }

    pub fn business(&self) -> bool {
        self.profile == Profile::Business
    }

    /// A live (not deleted) item.
    pub fn get(&self, id: &str) -> ApiResult<&Item> {
        match self.items.get(id) {
            Some(item) if !item.deleted => Ok(item),
            _ => Err(ApiError::not_found()),
        }
    }

    pub(super) fn get_mut(&mut self, id: &str) -> ApiResult<&mut Item> {
        match self.items.get_mut(id) {
            Some(item) if !item.deleted => Ok(item),
            _ => Err(ApiError::not_found()),
        }
    }

    pub fn child(&self, folder: &str, name: &str) -> Option<&Item> {
        match &self.items.get(folder)?.kind {
            ItemKind::Folder { children } => {
                children.get(&fold(name)).and_then(|id| self.items.get(id))
            }
            ItemKind::File { .. } => None,
        }
    }

    /// Resolves decoded path segments below `base`.
    pub fn resolve(&self, base: &str, segments: &[String]) -> ApiResult<Resolved> {
        let mut current = self.get(base)?.id.clone();
        for (i, segment) in segments.iter().enumerate() {
            let item = self.get(&current)?;
            // Paths do not pass through a shortcut: its target is in another
            // drive, addressed as `/drives/{d}/items/{i}:/…:`.
            if !item.holds_children() {
                return Err(ApiError::not_found());
            }
            match self.child(&current, segment) {
                Some(child) => current = child.id.clone(),
                None if i + 1 == segments.len() => {
                    return Ok(Resolved::Missing {
                        parent: current,
                        name: segment.clone(),
                    });
                }
                None => return Err(ApiError::not_found()),
            }
        }
        Ok(Resolved::Existing(current))
    }

    /// Decoded path from the root, e.g. `/Documents/a.txt`; the root is `/`.
    /// The id of the item at a `/`-separated path from the root, if there is one
    /// (for the test API; requests resolve their own paths).
    pub fn id_at(&self, path: &str) -> Option<String> {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        match self.resolve(&self.root_id, &segments).ok()? {
            Resolved::Existing(id) => Some(id),
            Resolved::Missing { .. } => None,
        }
    }

    pub fn path_of(&self, id: &str) -> String {
        let mut parts = Vec::new();
        let mut cursor = self.items.get(id);
        while let Some(item) = cursor {
            let Some(parent) = &item.parent else { break };
            parts.push(item.name.as_str());
            cursor = self.items.get(parent);
        }
        parts.reverse();
        format!("/{}", parts.join("/"))
    }

    pub fn is_ancestor(&self, ancestor: &str, id: &str) -> bool {
        let mut cursor = Some(id.to_string());
        while let Some(current) = cursor {
            if current == ancestor {
                return true;
            }
            cursor = self.items.get(&current).and_then(|i| i.parent.clone());
        }
        false
    }

    pub fn quota(&self) -> Quota {
        let used = self.live_bytes + self.deleted_bytes + self.version_bytes;
        let remaining = self.quota_total.saturating_sub(used);
        let state = if used >= self.quota_total {
            "exceeded"
        } else if remaining * 100 < self.quota_total {
            "critical"
        } else if remaining * 10 < self.quota_total {
            "nearing"
        } else {
            "normal"
        };
        Quota {
            total: self.quota_total,
            used,
            remaining,
            deleted: self.deleted_bytes,
            file_count: self.live_files,
            state,
        }
    }

    /// Checks a new name for `parent` against the naming rules and the path limit.
    pub fn check_new_name(&self, parent: &str, name: &str, is_folder: bool) -> ApiResult<()> {
        let place = NewName {
            is_folder,
            business: self.business(),
            at_library_root: parent == self.root_id,
        };
        if let Some(reason) = rules::refusal(name, place) {
            return Err(ApiError::invalid_path(format!(
                "The provided name is not valid: {reason}"
            )));
        }
        let parent_path = self.path_of(parent);
        let full = format!("{}/{}", parent_path.trim_end_matches('/'), name);
        let chars = rules::path_chars(&full);
        if chars > rules::PATH_MAX_CHARS {
            return Err(ApiError::bad_request(format!(
                "The path is {chars} characters; at most {} are allowed",
                rules::PATH_MAX_CHARS
            ))
            .inner("pathIsTooLong"));
        }
        Ok(())
    }

    /// A free name for `rename` conflict behaviour: `name 1.ext`, `name 2.ext`, …
    pub fn free_name(&self, parent: &str, name: &str) -> String {
        let (stem, ext) = match name.rfind('.') {
            Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
            _ => (name, ""),
        };
        (1..)
            .map(|n| format!("{stem} {n}{ext}"))
            .find(|candidate| self.child(parent, candidate).is_none())
            .expect("some number is free")
    }

    pub(super) fn attach(&mut self, parent: &str, id: &str, name: &str) {
        if let Some(Item {
            kind: ItemKind::Folder { children },
            ..
        }) = self.items.get_mut(parent)
        {
            children.insert(fold(name), id.to_string());
        }
        self.touch_folder(parent);
    }

    pub(super) fn detach(&mut self, parent: &str, name: &str) {
        if let Some(Item {
            kind: ItemKind::Folder { children },
            ..
        }) = self.items.get_mut(parent)
        {
            children.remove(&fold(name));
        }
        self.touch_folder(parent);
    }

    /// A folder's cTag changes when anything below it changes (and delta lists it).
    pub(super) fn touch_folder(&mut self, folder: &str) {
        let mut cursor = Some(folder.to_string());
        while let Some(id) = cursor {
            self.change_seq += 1;
            let seq = self.change_seq;
            let Some(item) = self.items.get_mut(&id) else {
                break;
            };
            item.content_version += 1;
            item.changed_at = seq;
            cursor = item.parent.clone();
        }
    }

    /// Records a change of `id` for delta.
    pub(super) fn bump(&mut self, id: &str) {
        self.change_seq += 1;
        let seq = self.change_seq;
        if let Some(item) = self.items.get_mut(id) {
            item.changed_at = seq;
        }
    }

    pub(super) fn insert_item(
        &mut self,
        parent: &str,
        name: &str,
        kind: ItemKind,
        now: DateTime<Utc>,
        fs_modified: Option<DateTime<Utc>>,
    ) -> String {
        let id = self.new_id();
        if let ItemKind::File { content, .. } = &kind {
            self.live_bytes += content.len();
            self.live_files += 1;
        }
        self.items.insert(
            id.clone(),
            Item {
                id: id.clone(),
                name: name.to_string(),
                parent: Some(parent.to_string()),
                created: now,
                modified: now,
                fs_created: now,
                fs_modified: fs_modified.unwrap_or(now),
                version: 1,
                content_version: 1,
                changed_at: 0,
                deleted: false,
                kind,
                package: None,
                special_folder: None,
                malware: None,
                remote: None,
                history: Vec::new(),
                served: None,
            },
        );
        self.bump(&id);
        self.attach(parent, &id, name);
        id
    }

    /// The service's own change of a file it just stored (SharePoint adding its
    /// properties to an Office file): new content, no new version.
    pub fn rewrite_content(&mut self, id: &str, content: Content, hash: String) -> ApiResult<()> {
        let old_len = match &self.get(id)?.kind {
            ItemKind::File { content, .. } => content.len(),
            ItemKind::Folder { .. } => return Err(ApiError::bad_request("not a file")),
        };
        self.live_bytes = self.live_bytes - old_len + content.len();
        let item = self.get_mut(id)?;
        item.kind = ItemKind::File {
            content,
            hash: Some(hash),
        };
        item.version += 1;
        item.content_version += 1;
        self.bump(id);
        Ok(())
    }

    /// Adds a shortcut to `target` (in another drive) named `name` in `parent`.
    pub fn add_shortcut(
        &mut self,
        parent: &str,
        name: &str,
        target: RemoteRef,
        now: DateTime<Utc>,
    ) -> String {
        let id = self.insert_item(
            parent,
            name,
            ItemKind::Folder {
                children: BTreeMap::new(),
            },
            now,
            None,
        );
        self.items.get_mut(&id).expect("just made").remote = Some(target);
        id
    }

    /// Resolves a name conflict in `parent`. Returns the name to use and, for
    /// `replace`, the existing item to replace.
    fn settle_conflict(
        &self,
        parent: &str,
        name: &str,
        conflict: Conflict,
    ) -> ApiResult<(String, Option<String>)> {
        match self.child(parent, name) {
            None => Ok((name.to_string(), None)),
            Some(existing) => match conflict {
                Conflict::Fail => Err(ApiError::name_exists(name)),
                Conflict::Rename => Ok((self.free_name(parent, name), None)),
                Conflict::Replace => Ok((name.to_string(), Some(existing.id.clone()))),
            },
        }
    }

    /// Creates a folder. `replace` on an existing folder returns it unchanged
    /// (`false` = not created), as the service does.
    pub fn create_folder(
        &mut self,
        parent: &str,
        name: &str,
        conflict: Conflict,
        now: DateTime<Utc>,
    ) -> ApiResult<(String, bool)> {
        if !self.get(parent)?.holds_children() {
            return Err(ApiError::bad_request("The parent is not a folder"));
        }
        self.check_new_name(parent, name, true)?;
        let (name, replace) = self.settle_conflict(parent, name, conflict)?;
        if let Some(existing) = replace {
            if self.get(&existing)?.is_folder() {
                return Ok((existing, false));
            }
            self.remove_permanently(&existing);
        }
        let id = self.insert_item(
            parent,
            &name,
            ItemKind::Folder {
                children: BTreeMap::new(),
            },
            now,
            None,
        );
        Ok((id, true))
    }

    /// Writes a file by name. Returns the id and whether it was created (201) or
    /// replaced (200).
    pub fn write_file(
        &mut self,
        parent: &str,
        name: &str,
        (content, hash): (Content, Option<String>),
        conflict: Conflict,
        fs_modified: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> ApiResult<(String, bool)> {
        if !self.get(parent)?.holds_children() {
            return Err(ApiError::bad_request("The parent is not a folder"));
        }
        self.check_new_name(parent, name, false)?;
        let (name, replace) = self.settle_conflict(parent, name, conflict)?;
        if let Some(existing) = replace {
            if self.get(&existing)?.is_folder() {
                return Err(ApiError::name_exists(&name));
            }
            self.replace_content(&existing, content, hash, fs_modified, now)?;
            return Ok((existing, false));
        }
        self.check_space(content.len(), 0)?;
        let id = self.insert_item(
            parent,
            &name,
            ItemKind::File { content, hash },
            now,
            fs_modified,
        );
        Ok((id, true))
    }

    /// Fails with 507 when `incoming` bytes (replacing `outgoing`) would not fit.
    pub fn check_space(&self, incoming: u64, outgoing: u64) -> ApiResult<()> {
        let quota = self.quota();
        if incoming > quota.remaining + outgoing {
            return Err(ApiError::quota());
        }
        Ok(())
    }

    pub fn replace_content(
        &mut self,
        id: &str,
        content: Content,
        hash: Option<String>,
        fs_modified: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> ApiResult<()> {
        let old_len = match &self.get(id)?.kind {
            ItemKind::File { content, .. } => content.len(),
            ItemKind::Folder { .. } => {
                return Err(ApiError::bad_request("Cannot write content to a folder"));
            }
        };
        // The bytes replaced stay as a version, and versions count against the
        // quota (Graph reference §10.8): the new bytes need room of their own.
        self.check_space(content.len(), 0)?;
        self.live_bytes = self.live_bytes - old_len + content.len();
        self.keep_version(id)?;
        let item = self.get_mut(id)?;
        item.kind = ItemKind::File { content, hash };
        item.modified = now;
        item.fs_modified = fs_modified.unwrap_or(now);
        item.version += 1;
        item.content_version += 1;
        let parent = item.parent.clone();
        self.bump(id);
        if let Some(parent) = parent {
            self.touch_folder(&parent);
        }
        Ok(())
    }

    /// PATCH: rename and/or move, and set file-system times.
    pub fn update(
        &mut self,
        id: &str,
        new_name: Option<&str>,
        new_parent: Option<&str>,
        fs_created: Option<DateTime<Utc>>,
        fs_modified: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> ApiResult<()> {
        let item = self.get(id)?;
        let Some(old_parent) = item.parent.clone() else {
            return Err(ApiError::bad_request(
                "The root folder cannot be renamed or moved",
            ));
        };
        let old_name = item.name.clone();
        let is_folder = item.is_folder();
        let parent = new_parent.unwrap_or(&old_parent).to_string();
        let name = new_name.unwrap_or(&old_name).to_string();
        if parent != old_parent || name != old_name {
            let target = self.get(&parent)?;
            if !target.holds_children() {
                return Err(ApiError::bad_request("The destination is not a folder"));
            }
            if self.is_ancestor(id, &parent) {
                return Err(ApiError::bad_request(
                    "An item cannot be moved into itself or one of its descendants",
                ));
            }
            self.check_new_name(&parent, &name, is_folder)?;
            if let Some(existing) = self.child(&parent, &name)
                && existing.id != id
            {
                return Err(ApiError::name_exists(&name));
            }
            self.detach(&old_parent, &old_name);
            self.attach(&parent, id, &name);
        }
        let item = self.get_mut(id)?;
        item.name = name;
        item.parent = Some(parent);
        if let Some(t) = fs_created {
            item.fs_created = t;
        }
        if let Some(t) = fs_modified {
            item.fs_modified = t;
        }
        item.modified = now;
        item.version += 1;
        self.bump(id);
        Ok(())
    }

    /// Removes an item outright (used when `replace` swaps a file for a folder).
    pub(super) fn remove_permanently(&mut self, id: &str) {
        let Some(item) = self.items.get(id) else {
            return;
        };
        let (parent, name) = (item.parent.clone(), item.name.clone());
        let (bytes, files) = self.mark_deleted(id);
        self.live_bytes -= bytes;
        self.live_files -= files;
        if let Some(parent) = parent {
            self.detach(&parent, &name);
        }
    }

    pub(super) fn mark_deleted(&mut self, id: &str) -> (u64, u64) {
        self.set_deleted(id, true)
    }

    /// Marks `id` and everything below it deleted (or not, when restored);
    /// returns the bytes and the files that changed sides.
    pub(super) fn set_deleted(&mut self, id: &str, deleted: bool) -> (u64, u64) {
        self.bump(id);
        let Some(item) = self.items.get_mut(id) else {
            return (0, 0);
        };
        item.deleted = deleted;
        match &item.kind {
            ItemKind::File { content, .. } => (content.len(), 1),
            ItemKind::Folder { children } => {
                let ids: Vec<String> = children.values().cloned().collect();
                ids.iter().fold((0, 0), |(b, f), child| {
                    let (cb, cf) = self.set_deleted(child, deleted);
                    (b + cb, f + cf)
                })
            }
        }
    }
}

impl Item {
    /// A file's length, or everything under a folder: folder sizes need the drive.
    pub fn size(&self, drive: &Drive) -> u64 {
        match &self.kind {
            ItemKind::File { content, .. } => content.len(),
            ItemKind::Folder { children } => children
                .values()
                .filter_map(|id| drive.items.get(id))
                .map(|child| child.size(drive))
                .sum(),
        }
    }
}
