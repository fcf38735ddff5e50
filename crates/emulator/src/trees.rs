//! Whole trees of a drive: copying a folder with everything below it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::content::Content;
use super::error::ApiResult;
use super::store::{Drive, Item, ItemKind, fold};

impl Drive {
    /// Copies `source` (recursively) into `dest_parent` as `name`.
    pub fn copy_tree(
        &mut self,
        source: &str,
        dest_parent: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> ApiResult<String> {
        let item = self.get(source)?;
        let kind = match &item.kind {
            ItemKind::File { content, hash } => ItemKind::File {
                content: content.clone(),
                hash: hash.clone(),
            },
            ItemKind::Folder { .. } => ItemKind::Folder {
                children: BTreeMap::new(),
            },
        };
        if let ItemKind::File { content, .. } = &kind {
            self.check_space(content.len(), 0)?;
        }
        let children: Vec<(String, String)> = match &item.kind {
            ItemKind::Folder { children } => children
                .values()
                .filter_map(|id| self.items.get(id))
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect(),
            ItemKind::File { .. } => Vec::new(),
        };
        // The copy gets new times; the service does not keep the source's.
        let id = self.insert_item(dest_parent, name, kind, now, None);
        for (child, child_name) in children {
            self.copy_tree(&child, &id, &child_name, now)?;
        }
        Ok(id)
    }

    /// Inserts an item without any name check, to model a hostile or buggy service
    /// in tests (names like `..`, `a/b`, control characters).
    pub fn insert_unchecked(
        &mut self,
        parent: &str,
        name: &str,
        content: Option<Content>,
        now: DateTime<Utc>,
    ) -> String {
        let kind = match content {
            Some(content) => {
                let hash = match &content {
                    Content::Inline(bytes) => Some(odc_core::quickxor::quickxor_base64(bytes)),
                    _ => None,
                };
                ItemKind::File { content, hash }
            }
            None => ItemKind::Folder {
                children: BTreeMap::new(),
            },
        };
        // Hostile names may fold to an existing key; suffix the key, not the name,
        // so both stay listed.
        let id = self.insert_item(parent, name, kind, now, None);
        if let Some(Item {
            kind: ItemKind::Folder { children },
            ..
        }) = self.items.get_mut(parent)
            && children.get(&fold(name)) != Some(&id)
        {
            children.insert(format!("{}\u{0}{id}", fold(name)), id.clone());
        }
        id
    }
}
