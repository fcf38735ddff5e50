//! Who is in the emulated world and which drives they can open: users (a personal
//! Microsoft account first, work accounts after it), each with a OneDrive, and
//! SharePoint sites with their document libraries (Graph reference §10.7).
//!
//! Every Graph request is answered in a [`Scoped`] view: the shared state plus the
//! one drive its path addresses, so the handlers stay written for one drive.

use std::ops::Deref;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use super::Shared;
use super::store::{Drive, Profile};

pub type DriveRef = Arc<Mutex<Drive>>;

/// The consumer tenant personal accounts' tokens come from (Graph reference §1.2).
pub const CONSUMER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";
/// The emulated organisation's tenant id.
pub const WORK_TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

pub struct User {
    pub id: String,
    pub upn: String,
    pub display_name: String,
    pub drive: DriveRef,
    /// More drives `/me/drives` lists (by name), reachable as `/drives/{id}`.
    pub other_drives: Vec<(String, DriveRef)>,
}

impl User {
    pub fn business(&self) -> bool {
        self.drive.lock().unwrap().business()
    }
}

pub struct Site {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub web_url: String,
    /// Listed by `/me/followedSites`.
    pub followed: bool,
    /// Document libraries, the first being "Documents" (the site's default drive).
    pub libraries: Vec<(String, DriveRef)>,
}

#[derive(Default)]
pub struct Directory {
    pub users: Vec<User>,
    pub sites: Vec<Site>,
    /// Items users have shared with each other.
    pub shares: Vec<Share>,
}

impl Directory {
    /// A drive by id, when `user` may open it: their own, or (for a work account) a
    /// library of one of the organisation's sites. Personal drive ids come in both
    /// cases (Graph reference §2).
    pub fn drive_for(&self, user: usize, id: &str) -> Option<DriveRef> {
        let me = self.users.get(user)?;
        if me.drive.lock().unwrap().id.eq_ignore_ascii_case(id) {
            return Some(me.drive.clone());
        }
        if let Some((_, drive)) = me
            .other_drives
            .iter()
            .find(|(_, d)| d.lock().unwrap().id.eq_ignore_ascii_case(id))
        {
            return Some(drive.clone());
        }
        if !me.business() {
            return None;
        }
        self.sites
            .iter()
            .flat_map(|site| site.libraries.iter())
            .map(|(_, drive)| drive)
            .find(|drive| drive.lock().unwrap().id == id)
            .cloned()
    }

    /// A drive by id with what `user` may do in it: their own (or their
    /// organisation's) drives wholly, another user's only where it was shared.
    pub fn open_drive(&self, user: usize, id: &str) -> Option<(DriveRef, Access)> {
        if let Some(drive) = self.drive_for(user, id) {
            return Some((drive, Access::Owner));
        }
        let drive = self.any_drive(id)?;
        let real_id = drive.lock().unwrap().id.clone();
        let roots = self.shared_roots(user, &real_id);
        (!roots.is_empty()).then_some((drive, Access::Shared(roots)))
    }

    /// Any drive by id (pre-authenticated download URLs carry it). Personal ids
    /// are matched as the service matches them (either case, leading zeros or not).
    pub fn any_drive(&self, id: &str) -> Option<DriveRef> {
        self.users
            .iter()
            .flat_map(|u| std::iter::once(&u.drive).chain(u.other_drives.iter().map(|(_, d)| d)))
            .chain(
                self.sites
                    .iter()
                    .flat_map(|s| s.libraries.iter().map(|(_, d)| d)),
            )
            .find(|drive| same_drive_id(&drive.lock().unwrap().id, id))
            .cloned()
    }

    /// Users who may sign in through `tenant` (Graph reference §1.2): `consumers`
    /// personal accounts, `organizations` or a tenant id/domain work accounts,
    /// `common` everyone. Pairs of index and sign-in name.
    pub fn accounts_for_tenant(&self, tenant: &str) -> Vec<(usize, String)> {
        self.users
            .iter()
            .enumerate()
            .filter(|(_, user)| match tenant {
                "common" => true,
                "consumers" => !user.business(),
                _ => user.business(),
            })
            .map(|(index, user)| (index, user.upn.clone()))
            .collect()
    }

    pub fn add_user(&mut self, upn: &str, display_name: &str, drive: Drive) -> usize {
        let id = drive.owner_id.clone();
        self.users.push(User {
            id,
            upn: upn.to_string(),
            display_name: display_name.to_string(),
            drive: Arc::new(Mutex::new(drive)),
            other_drives: Vec::new(),
        });
        self.users.len() - 1
    }

    /// Adds a site with one document library per name (the first is its default).
    pub fn add_site(
        &mut self,
        name: &str,
        display_name: &str,
        origin: &str,
        libraries: &[&str],
        now: DateTime<Utc>,
    ) -> String {
        let id = format!(
            "contoso.sharepoint.com,{},{}",
            odc_core::ids::uuid_v4(),
            odc_core::ids::uuid_v4()
        );
        let libraries = libraries
            .iter()
            .map(|library| {
                let mut drive = Drive::new(Profile::Business, 25 << 40, now);
                drive.owner_name = display_name.to_string();
                drive.site_id = Some(id.clone());
                (library.to_string(), Arc::new(Mutex::new(drive)))
            })
            .collect();
        self.sites.push(Site {
            id: id.clone(),
            name: name.to_string(),
            display_name: display_name.to_string(),
            web_url: format!("{origin}/sites/{name}"),
            followed: true,
            libraries,
        });
        id
    }
}

/// A request's view of the emulator: the shared state and the drive its path
/// addresses (for upload and download URLs, the drive they were made for).
pub(crate) struct Scoped {
    pub shared: Arc<Shared>,
    pub drive: DriveRef,
    pub drive_id: String,
    /// The signed-in user making the request (none for pre-authenticated URLs).
    pub user: Option<usize>,
    /// The request asked for shortcuts (`Prefer: Include-Feature=AddToOneDrive`),
    /// which business drives list only then.
    pub include_shortcuts: bool,
}

impl Scoped {
    pub(crate) fn new(shared: &Arc<Shared>, drive: DriveRef) -> Self {
        let drive_id = drive.lock().unwrap().id.clone();
        Scoped {
            shared: shared.clone(),
            drive,
            drive_id,
            user: None,
            include_shortcuts: false,
        }
    }
}

impl Deref for Scoped {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
    }
}

/// One item of `drive_id` opened to `user`.
#[derive(Debug, Clone)]
pub struct Share {
    pub drive_id: String,
    pub item_id: String,
    pub user: usize,
    pub write: bool,
}

/// What a request may do in the drive it addresses.
#[derive(Debug, Clone, Default)]
pub enum Access {
    /// The user's own drive, or a library of their organisation.
    #[default]
    Owner,
    /// Another user's drive: only the shared items and what is below them; the
    /// flag says whether the share lets them write.
    Shared(Vec<(String, bool)>),
}

impl Directory {
    /// The items of drive `drive_id` shared with `user`.
    pub fn shared_roots(&self, user: usize, drive_id: &str) -> Vec<(String, bool)> {
        self.shares
            .iter()
            .filter(|s| s.user == user && same_drive_id(&s.drive_id, drive_id))
            .map(|s| (s.item_id.clone(), s.write))
            .collect()
    }
}

/// Drive ids as the service compares them: personal ids in either case and with
/// or without the leading zeros it sometimes drops (onedrive-api-docs#1890).
pub fn same_drive_id(a: &str, b: &str) -> bool {
    let hex = |id: &str| id.len() <= 16 && id.chars().all(|c| c.is_ascii_hexdigit());
    if hex(a) && hex(b) {
        a.trim_start_matches('0')
            .eq_ignore_ascii_case(b.trim_start_matches('0'))
    } else {
        a == b
    }
}
