//! Items other people shared with the signed-in user, and shortcuts to them
//! (Graph reference §2 `remoteItem`, §6.5, §6.7). A shortcut ("Add shortcut to My
//! files") is an item of this drive whose `remoteItem` says where the folder really
//! is; paths do not pass through it, so a path with a shortcut on the way is
//! followed into the other drive here. `sharedWithMe` is deprecated and answers
//! next to nothing since November 2025 (msgraph-sdk-design#120, abraunegg#3728):
//! shared items are found by searching the drive, as the clients that still work do.

use std::collections::HashSet;

use futures::TryStreamExt;
use serde::Serialize;

use super::client::Graph;
use super::error::Result;
use super::item::{DriveItem, ItemAddress};
use super::path::{DriveSpec, RemotePath, normal_drive_id};

/// An item shared with the signed-in user, wherever it was found (a shortcut in
/// this drive or a search result).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedItem {
    /// The name it is shown by here (a shortcut may be renamed).
    pub name: String,
    /// The drive it lives in, as odc writes drive ids ([`normal_drive_id`]).
    pub drive_id: String,
    pub item_id: String,
    pub is_folder: bool,
    pub size: u64,
    /// The owner's display name, when the service says.
    pub owner: Option<String>,
    pub web_url: Option<String>,
}

impl SharedItem {
    /// Where its contents are for `account`: a folder is a place of its own;
    /// a file is reached through the folder holding it, so it has none.
    pub fn place(&self, account: Option<String>) -> Option<DriveSpec> {
        self.is_folder
            .then(|| DriveSpec::shared_folder(account, &self.drive_id, &self.item_id))
    }
}

impl DriveItem {
    /// What this shortcut or shared item points at; `None` for items of this drive
    /// and for a `remoteItem` without the ids to reach it.
    pub fn shared_target(&self) -> Option<SharedItem> {
        let remote = self.remote_item.as_deref()?;
        let drive_id = remote.parent_reference.as_ref()?.drive_id.as_deref()?;
        let item_id = remote.id.clone()?;
        Some(SharedItem {
            name: self.name.clone(),
            drive_id: normal_drive_id(drive_id),
            item_id,
            // Only the facet inside `remoteItem` says (onedrive-api-docs#284).
            is_folder: remote.folder.is_some(),
            size: remote.size.unwrap_or(self.size),
            owner: remote
                .shared
                .as_ref()
                .and_then(|s| s.owner.as_ref())
                .and_then(|o| o.user.as_ref())
                .and_then(|u| u.display_name.clone()),
            web_url: remote.web_url.clone(),
        })
    }
}

impl Graph {
    /// Everything shared with the signed-in user that a search of the drive finds,
    /// and the shortcuts at its root, each once (by drive and id), by name.
    pub async fn shared_with_me(&self) -> Result<Vec<SharedItem>> {
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        let mut keep = |item: &DriveItem| {
            if let Some(target) = item.shared_target()
                && seen.insert((target.drive_id.clone(), target.item_id.clone()))
            {
                found.push(target);
            }
        };
        let pages: Vec<Vec<DriveItem>> = self.search_drive("*").try_collect().await?;
        pages.iter().flatten().for_each(&mut keep);
        // Shortcuts may be missing from the search index for a while.
        let root = self
            .list_all(&ItemAddress::Path(RemotePath::root()))
            .await?;
        root.iter().for_each(&mut keep);
        found.sort_by_key(|item| (item.name.to_lowercase(), item.item_id.clone()));
        Ok(found)
    }

    /// Where `path` really is when a shortcut is on the way: the shortcut's target
    /// and the rest of the path below it. `None`: the path is in this drive (or
    /// does not exist). A path that names a shortcut itself resolves to its target
    /// with an empty rest.
    pub async fn through_shortcuts(
        &self,
        path: &RemotePath,
    ) -> Result<Option<(SharedItem, RemotePath)>> {
        if path.is_root() {
            return Ok(None);
        }
        if let Some(item) = self
            .item_if_exists(&ItemAddress::Path(path.clone()))
            .await?
        {
            return Ok(item
                .shared_target()
                .filter(|t| t.is_folder)
                .map(|t| (t, RemotePath::root())));
        }
        // The longest part of the path that exists says whether a shortcut stopped it.
        let segments = path.segments();
        for held in (1..segments.len()).rev() {
            let prefix = segments[..held]
                .iter()
                .fold(RemotePath::root(), |p, s| p.join(s));
            if let Some(item) = self.item_if_exists(&ItemAddress::Path(prefix)).await? {
                let rest = segments[held..]
                    .iter()
                    .fold(RemotePath::root(), |p, s| p.join(s));
                return Ok(item
                    .shared_target()
                    .filter(|t| t.is_folder)
                    .map(|t| (t, rest)));
            }
        }
        Ok(None)
    }
}

/// A place inside a folder shared from another drive: that drive, the folder's
/// item id, and the path below the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedPlace {
    pub drive_id: String,
    pub folder_id: String,
    pub rest: RemotePath,
}

impl SharedPlace {
    /// The same place as a path odc writes (`OneDrive@DRIVE~FOLDER:/rest`).
    pub fn path(&self, account: Option<String>) -> RemotePath {
        self.rest.clone().in_drive(DriveSpec::shared_folder(
            account,
            &self.drive_id,
            &self.folder_id,
        ))
    }
}

/// Shortcuts inside shared folders are followed too, this many deep at most.
const MAX_SHORTCUTS_ON_A_PATH: usize = 8;

impl Graph {
    /// Where `path` really is, when shortcuts are on the way. `into_last`: a path
    /// naming a shortcut means its target (listing it, copying into it); without
    /// it the shortcut itself is meant (removing or renaming it).
    pub async fn locate(&self, path: &RemotePath, into_last: bool) -> Result<Option<SharedPlace>> {
        let mut found: Option<SharedPlace> = None;
        let mut graph = self.same_drive();
        let mut path = path.clone();
        for _ in 0..MAX_SHORTCUTS_ON_A_PATH {
            let (probe, last) = if into_last {
                (path.clone(), None)
            } else {
                match (path.parent(), path.name()) {
                    (Some(parent), Some(name)) => (parent, Some(name.to_string())),
                    _ => break,
                }
            };
            let Some((target, rest)) = graph.through_shortcuts(&probe).await? else {
                break;
            };
            let rest = match last {
                Some(name) => rest.join(&name),
                None => rest,
            };
            graph = graph.on_folder(&target.drive_id, &target.item_id);
            path = rest.clone();
            found = Some(SharedPlace {
                drive_id: target.drive_id,
                folder_id: target.item_id,
                rest,
            });
        }
        Ok(found)
    }
}
