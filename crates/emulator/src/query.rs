//! Reading the drive in bulk: a folder's children in a requested order, and search.

use super::error::{ApiError, ApiResult};
use super::item::{Item, ItemKind};
use super::store::Drive;

impl Drive {
    /// Children of a folder in the requested order.
    pub fn children_sorted(&self, folder: &str, order: SortOrder) -> ApiResult<Vec<&Item>> {
        let ItemKind::Folder { children } = &self.get(folder)?.kind else {
            return Err(ApiError::bad_request("The item is not a folder"));
        };
        let mut items: Vec<&Item> = children
            .values()
            .filter_map(|id| self.items.get(id))
            .collect();
        match order.key {
            SortKey::Name => {} // BTreeMap order is by folded name already.
            SortKey::Size => items.sort_by_key(|i| i.size(self)),
            SortKey::Modified => items.sort_by_key(|i| i.modified),
        }
        if order.descending {
            items.reverse();
        }
        Ok(items)
    }

    /// Items whose name contains `query` (case-insensitive), in path order.
    pub fn search(&self, query: &str) -> Vec<&Item> {
        let needle = query.to_lowercase();
        let mut found: Vec<&Item> = self
            .items
            .values()
            .filter(|i| !i.deleted && i.parent.is_some())
            .filter(|i| {
                needle.is_empty() || needle == "*" || i.name.to_lowercase().contains(&needle)
            })
            .collect();
        found.sort_by_cached_key(|i| self.path_of(&i.id).to_lowercase());
        found
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Size,
    Modified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SortOrder {
    pub key: SortKey,
    pub descending: bool,
}
