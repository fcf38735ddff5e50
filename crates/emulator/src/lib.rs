//! odc-emulator: Microsoft Graph (OneDrive) and the identity platform, emulated.
//! Its one job: answer as the service does, for tests, the demo and benchmarks.
//! May use: odc-core only among odc's crates (its rules come from the reference).
//!
//! An emulator of Microsoft Graph (OneDrive) and the Microsoft identity platform,
//! held to the project's Graph reference (the shared `graph-api.md`; what we
//! looked up ourselves is in `docs/graph-notes.md`). odc is built, tested, demonstrated and
//! benchmarked against it, so it is strict where the service is strict: the client
//! that passes here should pass there.
//!
//! Layout of the URL space on one loopback origin:
//! - `/{tenant}/oauth2/v2.0/{devicecode,token}`: identity (authority = the origin)
//! - `/v1.0/...`: Graph
//! - `/up/{id}`, `/dl/{token}`, `/monitor/{id}`: pre-authenticated URLs that refuse
//!   any request carrying `Authorization`
//! - `/devicelogin`: the page a user "opens" to approve a device code
//! - `/_emulator/...`: control endpoints (faults, log, clock) for out-of-process use

mod authorize;
mod batch;
mod bin;
pub mod clock;
pub mod conn;
pub mod content;
mod control;
mod copy;
mod delta;
pub mod directory;
mod dispatch;
mod download;
pub mod error;
pub mod faults;
mod grants;
mod graph;
mod http;
mod identity;
mod item;
mod listing;
mod multipart;
mod query;
mod render;
mod rewrite;
mod route;
pub mod rules;
pub mod seed;
mod shares;
mod sharing;
mod sites;
pub mod store;
mod thumbnails;
mod trees;
mod upload;
mod versions;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use authorize::consent_link;
pub use faults::{Fault, FaultRule, LoggedRequest, RetryAfter, Target};
pub use grants::IssuedTokens;
pub use seed::Seed;
pub use store::Profile;

/// Behaviour settings; all can be changed while the emulator runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// A device code is approved after this many polls; 0 = never (approve or
    /// decline it explicitly).
    pub approve_after_polls: u32,
    /// `interval` returned with a device code, in seconds.
    pub poll_interval_secs: u64,
    /// `expires_in` of a device code, in seconds.
    pub device_code_lifetime_secs: u64,
    /// Lifetime of access tokens, in seconds.
    pub access_token_lifetime_secs: u64,
    /// Lifetime of pre-authenticated download URLs, in seconds.
    pub download_url_lifetime_secs: u64,
    /// Upload sessions expire this long after their last fragment, in seconds.
    pub upload_session_lifetime_secs: u64,
    /// Largest body a simple PUT accepts (current Graph docs: 250 MB).
    pub simple_upload_limit: u64,
    /// Accept only this client id (None = any client id).
    pub client_id: Option<String>,
    /// "Allow public client flows" in the app registration.
    pub public_client_flows: bool,
    /// Monitor polls a copy takes before it completes.
    pub copy_polls: u32,
    /// Added before every request is handled, in milliseconds.
    pub latency_ms: u64,
    /// Per-connection cap in bytes per second, each direction; 0 = unlimited.
    pub bandwidth_bytes_per_sec: u64,
    /// Download URLs answer 200 with the whole file even when a Range is asked.
    pub ignore_range: bool,
    /// Pre-authenticated download and upload URLs let a request that carries an
    /// `Authorization` header through instead of refusing it with 401. Microsoft
    /// says such a request "might" get a 401, so odc never sends one and the
    /// default refuses it; benchmarks turn this on for clients that do send it
    /// (rclone before 1.65: rclone#7405).
    pub accept_authorization_on_preauth_urls: bool,
    /// A delta token older than this gets 410 resyncRequired (about 30 days on
    /// personal drives: onedrive-api-docs#231).
    pub delta_token_lifetime_secs: u64,
    /// Redirect URIs of the app registration ("Mobile and desktop applications").
    pub redirect_uris: Vec<String>,
    /// Business drives: the tenant has switched anonymous sharing links off.
    pub anonymous_links_disabled: bool,
    /// Every Nth listing page comes back empty (with a nextLink); 0 = never.
    pub empty_page_every: u32,
    /// Each listing page after the first repeats the previous page's last item.
    pub duplicate_across_pages: bool,
    /// A broken server: the second page's nextLink is the link of that same page,
    /// so a client that follows links blindly never finishes.
    pub repeat_next_link: bool,
    /// Business drives change Office, PDF and HTML files after they are stored,
    /// so their size and hash differ from what was sent (onedrive-api-docs#935).
    pub rewrite_office_files: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            approve_after_polls: 2,
            poll_interval_secs: 5,
            device_code_lifetime_secs: 900,
            access_token_lifetime_secs: 3599,
            download_url_lifetime_secs: 3600,
            upload_session_lifetime_secs: 900,
            simple_upload_limit: 250_000_000,
            client_id: None,
            public_client_flows: true,
            copy_polls: 2,
            latency_ms: 0,
            bandwidth_bytes_per_sec: 0,
            ignore_range: false,
            accept_authorization_on_preauth_urls: false,
            anonymous_links_disabled: false,
            redirect_uris: vec!["http://localhost".into()],
            delta_token_lifetime_secs: 30 * 24 * 3600,
            empty_page_every: 0,
            duplicate_across_pages: false,
            repeat_next_link: false,
            rewrite_office_files: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    pub seed: Seed,
    pub profile: Profile,
    pub quota_total: u64,
    pub settings: Settings,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            seed: Seed::Empty,
            profile: Profile::Personal,
            quota_total: 1 << 40,
            settings: Settings::default(),
        }
    }
}

/// State shared by every request handler.
pub(crate) struct Shared {
    pub origin: String,
    pub clock: clock::Clock,
    pub settings: RwLock<Settings>,
    pub identity: Mutex<identity::IdentityState>,
    pub directory: RwLock<directory::Directory>,
    pub uploads: upload::Sessions,
    pub copies: Mutex<std::collections::HashMap<String, graph::CopyJob>>,
    pub links: sharing::Links,
    pub faults: faults::Faults,
    pub blobs: BlobDir,
    pub bandwidth: Arc<AtomicU64>,
    pub signer: std::hash::RandomState,
}

impl Shared {
    /// The user whose bearer token a Graph request carries, if the token is valid
    /// and holds a scope starting with `needs` (`Files.`, `Sites.`).
    pub(crate) fn bearer_user(
        &self,
        headers: &axum::http::HeaderMap,
        needs: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize, error::ApiError> {
        let authorization = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        self.identity
            .lock()
            .unwrap()
            .check_bearer(authorization, needs, now, &self.origin)
    }

    pub fn graph_base(&self) -> String {
        format!("{}/v1.0", self.origin)
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    /// Who may sign in through `tenant`: pairs of user index and sign-in name.
    pub fn accounts_for_tenant(&self, tenant: &str) -> Vec<(usize, String)> {
        self.directory.read().unwrap().accounts_for_tenant(tenant)
    }

    /// A keyed checksum for opaque tokens (skiptokens, download URLs): the client
    /// can't forge or edit them, so it must use them verbatim.
    pub fn sign(&self, data: &str) -> String {
        use std::hash::BuildHasher;
        format!("{:016x}", self.signer.hash_one(data))
    }
}

/// Where uploaded content is kept: a private temporary directory, removed when the
/// emulator is dropped.
pub(crate) struct BlobDir {
    dir: tempfile::TempDir,
    next: AtomicU64,
}

impl BlobDir {
    fn new() -> std::io::Result<Self> {
        Ok(Self {
            dir: tempfile::Builder::new().prefix("odc-emulator-").tempdir()?,
            next: AtomicU64::new(0),
        })
    }

    pub fn new_path(&self) -> PathBuf {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        self.dir.path().join(format!("blob-{n}"))
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with a free port.
    pub async fn start(options: EmulatorOptions) -> std::io::Result<Emulator> {
        Self::start_on("127.0.0.1:0".parse().expect("valid address"), options).await
    }

    pub async fn start_on(
        listen: SocketAddr,
        options: EmulatorOptions,
    ) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let origin = format!("http://{addr}");
        let clock = clock::Clock::default();
        let mut drive = store::Drive::new(options.profile, options.quota_total, clock.now());
        seed::apply(options.seed, &mut drive, clock.now());
        let mut directory = directory::Directory::default();
        let upn = match options.profile {
            Profile::Personal => "ada@example.com",
            Profile::Business => "ada@contoso.com",
        };
        directory.add_user(upn, "Ada Example", drive);
        let bandwidth = Arc::new(AtomicU64::new(options.settings.bandwidth_bytes_per_sec));
        let shared = Arc::new(Shared {
            origin,
            clock,
            settings: RwLock::new(options.settings),
            identity: Mutex::new(identity::IdentityState::default()),
            directory: RwLock::new(directory),
            uploads: upload::Sessions::default(),
            copies: Mutex::new(Default::default()),
            links: Default::default(),
            faults: faults::Faults::default(),
            blobs: BlobDir::new()?,
            bandwidth: bandwidth.clone(),
            signer: std::hash::RandomState::new(),
        });
        let router = axum::Router::new()
            .fallback(dispatch::dispatch)
            .with_state(shared.clone());
        let listener = conn::EmulatorListener {
            inner: listener,
            bandwidth,
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<conn::ConnHandle>();
            let server = axum::serve(listener, service).with_graceful_shutdown(async move {
                let _ = rx.await;
            });
            if let Err(err) = server.await {
                tracing::error!("emulator server stopped: {err}");
            }
        });
        Ok(Emulator {
            shared,
            addr,
            shutdown: Some(tx),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the authority URL (tenants live below it).
    pub fn authority_url(&self) -> String {
        self.shared.origin.clone()
    }

    /// `http://127.0.0.1:PORT/v1.0`: the Graph base URL.
    pub fn graph_url(&self) -> String {
        self.shared.graph_base()
    }

    /// Changes behaviour settings while running.
    pub fn configure(&self, change: impl FnOnce(&mut Settings)) {
        let mut settings = self.shared.settings.write().unwrap();
        change(&mut settings);
        self.shared
            .bandwidth
            .store(settings.bandwidth_bytes_per_sec, Ordering::Relaxed);
    }

    pub fn add_fault(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.faults.requests()
    }

    pub fn clear_requests(&self) {
        self.shared.faults.clear_log();
    }

    /// Moves the emulator's clock forward (expiry of codes, tokens, URLs, sessions).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Approves a pending device code, as the first user would on the sign-in page.
    pub fn approve(&self, user_code: &str) -> bool {
        self.approve_as(user_code, 0)
    }

    /// Approves a pending device code as the user with this index.
    pub fn approve_as(&self, user_code: &str, user: usize) -> bool {
        self.shared
            .identity
            .lock()
            .unwrap()
            .set_decision(user_code, true, user)
    }

    /// Declines a pending device code.
    pub fn decline(&self, user_code: &str) -> bool {
        self.shared
            .identity
            .lock()
            .unwrap()
            .set_decision(user_code, false, 0)
    }

    /// Makes every access token issued so far expired.
    pub fn expire_access_tokens(&self) {
        self.shared.identity.lock().unwrap().expire_access_tokens();
    }

    /// Revokes every refresh token issued so far with this AADSTS code
    /// (700082: expired through inactivity; 50173: grant revoked).
    pub fn revoke_refresh_tokens(&self, aadsts: u32) {
        self.shared
            .identity
            .lock()
            .unwrap()
            .revoke_refresh_tokens(aadsts);
    }

    /// Issues tokens directly, as if a device code had been approved; for tests
    /// that are not about sign-in.
    pub fn issue_tokens(&self, scopes: &[&str]) -> identity::IssuedTokens {
        self.issue_tokens_for(0, scopes)
    }

    /// Issues tokens for the user with this index (see [`Emulator::add_user`]).
    pub fn issue_tokens_for(&self, user: usize, scopes: &[&str]) -> identity::IssuedTokens {
        let settings = self.shared.settings();
        let now = self.shared.clock.now();
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        self.shared
            .identity
            .lock()
            .unwrap()
            .issue(&scopes, "common", user, now, &settings)
    }

    /// Runs `f` with the first user's drive locked (seeding, inspecting, hostile items).
    pub fn with_drive<R>(&self, f: impl FnOnce(&mut store::Drive) -> R) -> R {
        let drive = self.shared.directory.read().unwrap().users[0].drive.clone();
        f(&mut drive.lock().unwrap())
    }

    /// Runs `f` with the drive of this id locked: a user's OneDrive or a site's
    /// library. Panics when there is none (a test's mistake).
    pub fn with_drive_id<R>(&self, id: &str, f: impl FnOnce(&mut store::Drive) -> R) -> R {
        let drive = self
            .shared
            .directory
            .read()
            .unwrap()
            .any_drive(id)
            .unwrap_or_else(|| panic!("no drive {id}"));
        f(&mut drive.lock().unwrap())
    }

    /// Adds a user with their own OneDrive (a work account when `profile` is
    /// business); returns the user's index and drive id.
    pub fn add_user(&self, upn: &str, display_name: &str, profile: Profile) -> (usize, String) {
        let mut drive = store::Drive::new(profile, 1 << 40, self.shared.clock.now());
        drive.owner_name = display_name.to_string();
        let id = drive.id.clone();
        let index = self
            .shared
            .directory
            .write()
            .unwrap()
            .add_user(upn, display_name, drive);
        (index, id)
    }

    /// Gives the user with this index another drive (listed by `/me/drives` under
    /// `name`); returns its id.
    pub fn add_drive_for(&self, user: usize, name: &str) -> String {
        let mut directory = self.shared.directory.write().unwrap();
        let owner = &mut directory.users[user];
        let profile = owner.drive.lock().unwrap().profile;
        let mut drive = store::Drive::new(profile, 1 << 40, self.shared.clock.now());
        drive.owner_name = owner.display_name.clone();
        let id = drive.id.clone();
        owner
            .other_drives
            .push((name.to_string(), Arc::new(Mutex::new(drive))));
        id
    }

    /// Adds a SharePoint site of the organisation with these document libraries;
    /// returns the site id and the libraries' drive ids.
    pub fn add_site(
        &self,
        name: &str,
        display_name: &str,
        libraries: &[&str],
    ) -> (String, Vec<String>) {
        let mut directory = self.shared.directory.write().unwrap();
        let id = directory.add_site(
            name,
            display_name,
            &self.shared.origin,
            libraries,
            self.shared.clock.now(),
        );
        let site = directory.sites.last().expect("just added");
        let drives = site
            .libraries
            .iter()
            .map(|(_, d)| d.lock().unwrap().id.clone())
            .collect();
        (id, drives)
    }

    /// Writes a file at `path` (parents must exist), returning its id.
    pub fn put_file(&self, path: &str, data: &[u8]) -> String {
        let now = self.shared.clock.now();
        self.with_drive(|drive| seed::put_file(drive, path, data, now))
    }

    /// Adds a file of `size` generated bytes (no memory or disk used); returns its id.
    pub fn put_generated(&self, path: &str, size: u64) -> String {
        let now = self.shared.clock.now();
        self.with_drive(|drive| seed::put_generated(drive, path, size, now))
    }

    /// Adds a file whose bytes are the local file `blob`, which the emulator
    /// takes over (a sparse file of GiB costs no disk); it has no hash.
    pub fn put_blob(&self, path: &str, blob: std::path::PathBuf) -> String {
        let now = self.shared.clock.now();
        self.with_drive(|drive| seed::put_blob(drive, path, blob, now))
    }

    /// Writes a file in the drive of this id (a user's OneDrive or a library).
    pub fn put_file_on(&self, drive_id: &str, path: &str, data: &[u8]) -> String {
        let now = self.shared.clock.now();
        self.with_drive_id(drive_id, |drive| {
            if let Some((parent, _)) = path.rsplit_once('/')
                && !parent.is_empty()
            {
                seed::mkdir_p(drive, parent, now);
            }
            seed::put_file(drive, path, data, now)
        })
    }

    /// Makes the folder at `path` (with its parents) a package: `"oneNote"` for a
    /// OneNote notebook. Its contents stay (a notebook's sections are files).
    pub fn make_package(&self, path: &str, kind: &str) {
        self.mkdir_p(path);
        self.change_item(path, |item| item.package = Some(kind.to_string()));
    }

    /// Makes the folder at `path` a special folder (`"vault"`: the Personal Vault).
    pub fn make_special_folder(&self, path: &str, name: &str) {
        self.mkdir_p(path);
        self.change_item(path, |item| item.special_folder = Some(name.to_string()));
    }

    /// Takes the hash away from the file at `path`: business drives list some files
    /// without one (reference §2: "some Business files … have none").
    pub fn drop_hash(&self, path: &str) {
        self.change_item(path, |item| {
            if let store::ItemKind::File { hash, .. } = &mut item.kind {
                *hash = None;
            }
        });
    }

    /// Marks the file at `path` as holding malware (the service's scan found some).
    pub fn flag_malware(&self, path: &str, description: &str) {
        self.change_item(path, |item| item.malware = Some(description.to_string()));
    }

    /// Shares the item at `path` of user `owner`'s OneDrive with user `with`, to
    /// read or also to write; returns the owner's drive id and the item's id.
    pub fn share(&self, owner: usize, path: &str, with: usize, write: bool) -> (String, String) {
        let mut directory = self.shared.directory.write().unwrap();
        let drive = directory.users[owner].drive.clone();
        let drive = drive.lock().unwrap();
        let item_id = drive
            .id_at(path)
            .unwrap_or_else(|| panic!("nothing at {path}"));
        directory.shares.push(directory::Share {
            drive_id: drive.id.clone(),
            item_id: item_id.clone(),
            user: with,
            write,
        });
        (drive.id.clone(), item_id)
    }

    /// Adds a shortcut named `name` to the root of user `user`'s OneDrive, pointing
    /// at the item at `path` of user `owner`'s OneDrive ("Add shortcut to My
    /// files"; the item must be shared with `user`). Returns the shortcut's id.
    pub fn add_shortcut(&self, user: usize, name: &str, owner: usize, path: &str) -> String {
        let now = self.shared.clock.now();
        let directory = self.shared.directory.read().unwrap();
        let target = {
            let drive = directory.users[owner].drive.lock().unwrap();
            let id = drive
                .id_at(path)
                .unwrap_or_else(|| panic!("nothing at {path}"));
            shares::snapshot(&drive, drive.get(&id).expect("just found"))
        };
        let mut drive = directory.users[user].drive.lock().unwrap();
        let root = drive.root_id.clone();
        drive.add_shortcut(&root, name, target, now)
    }

    /// Makes downloads of the file at `path` send `served` instead of the content
    /// its listing describes (size and hash stay the original's), as the service
    /// does with iPhone HEIC photos.
    pub fn serve_instead(&self, path: &str, served: &[u8]) {
        let served = content::Content::Inline(bytes::Bytes::copy_from_slice(served));
        self.change_item(path, |item| item.served = Some(served));
    }

    /// How many versions the service keeps of the file at `path` of the first
    /// user's drive.
    pub fn versions_of(&self, path: &str) -> u32 {
        self.with_drive(|drive| {
            let id = drive
                .id_at(path)
                .unwrap_or_else(|| panic!("nothing at {path}"));
            drive.get(&id).map(store::Drive::version_count).unwrap_or(0)
        })
    }

    /// Whether the first user's drive has an item at `path`.
    pub fn exists(&self, path: &str) -> bool {
        self.with_drive(|drive| drive.id_at(path).is_some())
    }

    /// Changes the item at `path` of the first user's drive, if there is one.
    fn change_item(&self, path: &str, change: impl FnOnce(&mut store::Item)) {
        self.with_drive(|drive| {
            if let Some(item) = drive.id_at(path).and_then(|id| drive.items.get_mut(&id)) {
                change(item);
            }
        });
    }

    /// Deletes the item at `path` of the first user's drive as another client
    /// would (to the recycle bin).
    pub fn delete_path(&self, path: &str) {
        let now = self.shared.clock.now();
        self.with_drive(|drive| {
            let id = drive
                .id_at(path)
                .unwrap_or_else(|| panic!("nothing at {path}"));
            drive
                .delete(&id, now)
                .unwrap_or_else(|e| panic!("delete {path}: {}", e.message));
        });
    }

    /// Creates a folder and any missing parents, returning its id.
    pub fn mkdir_p(&self, path: &str) -> String {
        let now = self.shared.clock.now();
        self.with_drive(|drive| seed::mkdir_p(drive, path, now))
    }

    /// The bytes of the file at `path` in the first user's drive, if there is one.
    pub async fn read_file(&self, path: &str) -> Option<Vec<u8>> {
        let id = self.with_drive(|drive| drive.id.clone());
        self.read_file_on(&id, path).await
    }

    /// The bytes of the file at `path` in the drive of this id, if there is one.
    pub async fn read_file_on(&self, drive_id: &str, path: &str) -> Option<Vec<u8>> {
        let content = self.with_drive_id(drive_id, |drive| {
            match &drive.get(&drive.id_at(path)?).ok()?.kind {
                store::ItemKind::File { content, .. } => Some(content.clone()),
                store::ItemKind::Folder { .. } => None,
            }
        })?;
        use futures::TryStreamExt;
        let parts: Vec<bytes::Bytes> = content.stream(0, content.len()).try_collect().await.ok()?;
        Some(parts.concat())
    }

    /// Upload sessions not yet completed or cancelled.
    pub fn open_upload_sessions(&self) -> usize {
        self.shared.uploads.open_count()
    }

    /// Stops the server and waits until the port is released.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
