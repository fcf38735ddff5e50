//! What a driveItem is, as odc reads it: the item and its facets (file, folder,
//! package, remoteItem, specialFolder, malware…), the `$select` that asks for
//! them, the user and drive records, how an item is addressed, conflict
//! behaviours, and the name checks made before anything is sent.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::error::{Error, Result};
use super::names::{self, NameContext};
use super::path::RemotePath;

/// Fields asked for in listings: what the UI and transfers need, always including
/// the facets that tell files, folders, packages and remote items apart.
pub const LIST_SELECT: &str = "id,name,size,createdDateTime,lastModifiedDateTime,eTag,cTag,webUrl,file,folder,package,remoteItem,root,parentReference,fileSystemInfo,specialFolder,malware";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DriveItem {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub size: u64,
    pub created_date_time: Option<DateTime<Utc>>,
    pub last_modified_date_time: Option<DateTime<Utc>>,
    pub e_tag: Option<String>,
    pub c_tag: Option<String>,
    pub parent_reference: Option<ItemReference>,
    pub file: Option<FileFacet>,
    pub folder: Option<FolderFacet>,
    pub package: Option<serde_json::Value>,
    /// Set on shortcuts and shared items: the item lives in another drive.
    pub remote_item: Option<Box<RemoteItem>>,
    pub root: Option<serde_json::Value>,
    pub file_system_info: Option<FileSystemInfo>,
    /// `{"name": "vault"}` on the Personal Vault, `documents` and so on on the
    /// special folders.
    pub special_folder: Option<SpecialFolder>,
    /// Set on files the service found malware in.
    pub malware: Option<serde_json::Value>,
    /// Set on items a delta reports deleted.
    pub deleted: Option<serde_json::Value>,
    #[serde(rename = "@microsoft.graph.downloadUrl")]
    pub download_url: Option<String>,
    /// The item's page on the web.
    pub web_url: Option<String>,
    /// Set when this stands for an earlier version of the file (its id): its
    /// bytes are then read through `/versions/{id}/content`.
    #[serde(skip)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ItemReference {
    pub drive_id: Option<String>,
    pub drive_type: Option<String>,
    pub id: Option<String>,
    pub path: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileFacet {
    pub mime_type: Option<String>,
    pub hashes: Option<Hashes>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Hashes {
    pub quick_xor_hash: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SpecialFolder {
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FolderFacet {
    pub child_count: Option<u64>,
}

/// The `remoteItem` facet: the item in the drive it lives in.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RemoteItem {
    pub id: Option<String>,
    pub name: Option<String>,
    pub size: Option<u64>,
    pub parent_reference: Option<ItemReference>,
    pub folder: Option<FolderFacet>,
    pub file: Option<FileFacet>,
    pub shared: Option<SharedFacet>,
    pub web_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SharedFacet {
    pub owner: Option<IdentitySet>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IdentitySet {
    pub user: Option<Identity>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileSystemInfo {
    pub created_date_time: Option<DateTime<Utc>>,
    pub last_modified_date_time: Option<DateTime<Utc>>,
}

impl DriveItem {
    pub fn is_folder(&self) -> bool {
        self.folder.is_some() || self.root.is_some()
    }

    pub fn is_file(&self) -> bool {
        self.file.is_some()
    }

    /// The Personal Vault: locked after a while, when its items look deleted.
    /// Recursive work never enters it.
    pub fn is_vault(&self) -> bool {
        self.special_folder
            .as_ref()
            .and_then(|s| s.name.as_deref())
            .is_some_and(|name| name.eq_ignore_ascii_case("vault"))
    }

    pub fn quick_xor_hash(&self) -> Option<&str> {
        self.file
            .as_ref()?
            .hashes
            .as_ref()?
            .quick_xor_hash
            .as_deref()
    }

    /// The modified time the user knows: the client-set one, else the service's.
    pub fn modified(&self) -> Option<DateTime<Utc>> {
        self.file_system_info
            .as_ref()
            .and_then(|f| f.last_modified_date_time)
            .or(self.last_modified_date_time)
    }

    pub fn kind(&self) -> &'static str {
        match self.unusual() {
            None if self.is_folder() => "folder",
            None => "file",
            Some(Unusual::Vault) => "vault",
            Some(Unusual::Shortcut) => "shared",
            Some(Unusual::Notebook) => "notebook",
            Some(Unusual::Package) if self.package.is_some() => "package",
            Some(Unusual::Package) => "item",
        }
    }

    /// Set when the service found malware in the file: its content is refused.
    pub fn is_malware(&self) -> bool {
        self.malware.is_some()
    }

    /// A OneNote notebook: a `package` of type `oneNote`, neither file nor folder.
    pub fn is_notebook(&self) -> bool {
        self.package
            .as_ref()
            .and_then(|p| p.get("type"))
            .and_then(|t| t.as_str())
            .is_some_and(|t| t.eq_ignore_ascii_case("oneNote"))
    }

    /// What this item is when it is not a plain file or folder of this drive:
    /// recursive work (copies, compares, syncs) shows it and leaves it alone.
    pub fn unusual(&self) -> Option<Unusual> {
        if self.is_vault() {
            Some(Unusual::Vault)
        } else if self.remote_item.is_some() {
            Some(Unusual::Shortcut)
        } else if self.is_folder() || self.is_file() {
            None
        } else if self.is_notebook() {
            Some(Unusual::Notebook)
        } else {
            Some(Unusual::Package)
        }
    }

    /// Why a recursive copy leaves this item alone, if it does: what odc does not
    /// copy is said and kept, never written as an empty file or walked into.
    pub fn left_alone_because(&self) -> Option<&'static str> {
        self.unusual().map(Unusual::describe)
    }
}

/// An item that is neither a plain file nor a plain folder of this drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusual {
    /// The Personal Vault (`specialFolder.name == "vault"`).
    Vault,
    /// A shortcut or shared item: it lives in another drive (`remoteItem`).
    Shortcut,
    /// A OneNote notebook (`package.type == "oneNote"`).
    Notebook,
    /// Another package, or a kind odc does not know.
    Package,
}

impl Unusual {
    pub fn describe(self) -> &'static str {
        match self {
            Unusual::Vault => {
                "the Personal Vault is not copied as a folder (unlock it and copy its files)"
            }
            Unusual::Shortcut => "a shortcut to an item in another drive",
            Unusual::Notebook => "a OneNote notebook (open it in OneNote or on the web)",
            Unusual::Package => "a package, neither a file nor a folder",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
    pub mail: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Drive {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub drive_type: Option<String>,
    pub quota: Option<Quota>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    pub total: Option<u64>,
    pub used: Option<u64>,
    pub remaining: Option<u64>,
    pub deleted: Option<u64>,
    pub state: Option<String>,
}

/// How an item is addressed.
#[derive(Debug, Clone)]
pub enum ItemAddress {
    Path(RemotePath),
    Id(String),
}

/// conflictBehavior.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Fail,
    Replace,
    Rename,
}

impl Conflict {
    pub fn as_str(self) -> &'static str {
        match self {
            Conflict::Fail => "fail",
            Conflict::Replace => "replace",
            Conflict::Rename => "rename",
        }
    }
}

/// Checks a name before it is sent, with the reason in the message.
pub fn check_name(name: &str, is_folder: bool) -> Result<()> {
    names::check_name(
        name,
        NameContext {
            is_folder,
            ..Default::default()
        },
    )
    .map_err(|problem| {
        Error::InvalidName(format!(
            "{}: {problem}",
            odc_core::display::escape_control(name)
        ))
    })
}

/// Checks a full remote path: every name, and the 400-character limit.
pub fn check_path(path: &RemotePath, is_folder: bool) -> Result<()> {
    let count = path.segments().len();
    for (i, segment) in path.segments().iter().enumerate() {
        check_name(segment, is_folder || i + 1 < count)?;
    }
    names::check_path_length(&path.to_string()).map_err(|n| {
        Error::InvalidName(format!(
            "{path}: the path is {n} characters; OneDrive allows {}",
            names::MAX_PATH_CHARS
        ))
    })
}
