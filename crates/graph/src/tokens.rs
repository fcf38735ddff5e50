//! The token store: one JSON file in the XDG data directory, mode 0600, written
//! atomically (temp file, fsync, rename, fsync of the directory), keyed by account.
//!
//! An account remembers the endpoints and client id it was signed in with, so
//! tokens are only ever handed to the hosts that issued them: change
//! `ODC_GRAPH_URL` and odc behaves as signed out rather than send a real token to
//! another host.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::secrets::SecretStore;
use odc_core::config::Config;

/// A fresh set of tokens.
#[derive(Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: i64,
}

impl Tokens {
    /// Tokens as a token endpoint hands them out: the access token lives
    /// `expires_in` seconds from now.
    pub fn issued(access_token: String, refresh_token: Option<String>, expires_in: u64) -> Self {
        Tokens {
            access_token,
            refresh_token,
            expires_at: chrono::Utc::now().timestamp() + expires_in as i64,
        }
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Account {
    /// The sign-in name (userPrincipalName), the key of the account.
    pub username: String,
    pub display_name: String,
    /// The short name commands and paths use (`--account work`, `work:/Reports`).
    #[serde(default)]
    pub name: String,
    /// "personal" or "business" (the drive type seen at sign-in).
    #[serde(default)]
    pub kind: String,
    pub authority_url: String,
    pub tenant: String,
    pub client_id: String,
    pub graph_url: String,
    pub scopes: Vec<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Unix seconds when the access token expires.
    pub expires_at: i64,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("username", &self.username)
            .field("graph_url", &self.graph_url)
            .field("expires_at", &self.expires_at)
            .field("tokens", &"<redacted>")
            .finish()
    }
}

impl Account {
    /// A freshly signed-in account for the configured endpoints and app.
    pub fn new(config: &Config, username: String, display_name: String, tokens: Tokens) -> Self {
        Account {
            username,
            display_name,
            name: String::new(),
            kind: String::new(),
            authority_url: config.endpoints.authority_url.clone(),
            tenant: config.account.tenant.clone(),
            client_id: config.account.client_id.clone(),
            graph_url: config.endpoints.graph_url.clone(),
            scopes: config.account.scopes.clone(),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: tokens.expires_at,
        }
    }

    /// Whether `selector` names this account: its short name or its sign-in name.
    pub fn is_named(&self, selector: &str) -> bool {
        self.name.eq_ignore_ascii_case(selector) || self.username.eq_ignore_ascii_case(selector)
    }

    /// The short name, or the sign-in name for accounts saved before names existed.
    pub fn short_name(&self) -> &str {
        if self.name.is_empty() {
            &self.username
        } else {
            &self.name
        }
    }

    /// Whether this account belongs to the configured endpoints and app.
    pub fn matches(&self, config: &Config) -> bool {
        self.authority_url.trim_end_matches('/')
            == config.endpoints.authority_url.trim_end_matches('/')
            && self.graph_url.trim_end_matches('/')
                == config.endpoints.graph_url.trim_end_matches('/')
            && self.tenant == config.account.tenant
            && self.client_id == config.account.client_id
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StoreFile {
    version: u32,
    /// The account odc uses.
    default: Option<String>,
    accounts: BTreeMap<String, Account>,
}

/// The token store's cross-process lock; released when dropped.
pub struct StoreLock {
    _file: std::fs::File,
}

#[derive(Debug, Clone)]
pub struct TokenStore {
    path: PathBuf,
    /// Where the tokens go when not in the file (`account.token_store = "keyring"`).
    secrets: Option<std::sync::Arc<dyn SecretStore>>,
}

/// An account's tokens as one secret.
#[derive(Serialize, Deserialize)]
struct Secret {
    access_token: String,
    refresh_token: Option<String>,
}

impl TokenStore {
    /// Tokens in the file itself (0600).
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            secrets: None,
        }
    }

    /// The file keeps who is signed in; the tokens go to `secrets`.
    pub fn with_secrets(path: PathBuf, secrets: std::sync::Arc<dyn SecretStore>) -> Self {
        Self {
            path,
            secrets: Some(secrets),
        }
    }

    /// The store `account.token_store` asks for, at the default location.
    pub fn for_config(config: &Config) -> Result<Self> {
        let store = Self::default_location()?;
        match config.account.token_store.as_str() {
            "keyring" => Ok(Self::with_secrets(
                store.path,
                std::sync::Arc::new(super::secrets::Keyring::open()?),
            )),
            _ => Ok(store),
        }
    }

    /// `$XDG_DATA_HOME/odc/tokens.json`.
    pub fn default_location() -> Result<Self> {
        let dir = odc_core::paths::data_dir().ok_or_else(|| {
            Error::Other("cannot find a home directory for the token store".into())
        })?;
        Ok(Self::new(dir.join("tokens.json")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<StoreFile> {
        let mut file = self.read_file()?;
        if let Some(secrets) = &self.secrets {
            for account in file.accounts.values_mut() {
                // A missing secret leaves the account without tokens: sign in again.
                if let Some(text) = secrets.get(&account.username)?
                    && let Ok(secret) = serde_json::from_str::<Secret>(&text)
                {
                    account.access_token = secret.access_token;
                    account.refresh_token = secret.refresh_token;
                }
            }
        }
        Ok(file)
    }

    fn read_file(&self) -> Result<StoreFile> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::Other(format!(
                    "{}: the token store is damaged ({e}); delete it and sign in again",
                    self.path.display()
                ))
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(StoreFile {
                version: 1,
                ..Default::default()
            }),
            Err(err) => Err(Error::io(&self.path, err)),
        }
    }

    fn write(&self, file: &StoreFile) -> Result<()> {
        let mut file_copy;
        let file = match &self.secrets {
            None => file,
            Some(secrets) => {
                file_copy = StoreFile {
                    version: file.version,
                    default: file.default.clone(),
                    accounts: file.accounts.clone(),
                };
                for account in file_copy.accounts.values_mut() {
                    let secret = Secret {
                        access_token: std::mem::take(&mut account.access_token),
                        refresh_token: account.refresh_token.take(),
                    };
                    let text = serde_json::to_string(&secret).expect("secret serialises");
                    secrets.set(&account.username, &text)?;
                }
                &file_copy
            }
        };
        let json = serde_json::to_vec_pretty(file).expect("store serialises");
        odc_core::fsutil::write_private_atomically(&self.path, &json).map_err(Error::Local)
    }

    /// Holds the store's lock (shared by every odc process of the user) until
    /// dropped: read, refresh and write as one step.
    pub fn lock(&self) -> Result<StoreLock> {
        Ok(StoreLock {
            _file: odc_core::fsutil::lock_beside(&self.path).map_err(Error::Local)?,
        })
    }

    /// An account as stored now (another process may have refreshed it).
    pub fn account(&self, _held: &StoreLock, username: &str) -> Result<Option<Account>> {
        Ok(self.read()?.accounts.get(username).cloned())
    }

    /// [`TokenStore::save`] under a lock the caller holds.
    pub fn save_held(&self, _held: &StoreLock, account: &Account) -> Result<()> {
        let mut file = self.read()?;
        file.version = 1;
        let has_default = file
            .default
            .as_ref()
            .is_some_and(|name| file.accounts.contains_key(name));
        if !has_default {
            file.default = Some(account.username.clone());
        }
        file.accounts
            .insert(account.username.clone(), account.clone());
        self.write(&file)
    }

    /// [`TokenStore::remove`] under a lock the caller holds.
    pub fn remove_held(&self, _held: &StoreLock, username: &str) -> Result<bool> {
        let mut file = self.read()?;
        let removed = file.accounts.remove(username).is_some();
        if let Some(secrets) = &self.secrets {
            secrets.delete(username)?;
        }
        if file.default.as_deref() == Some(username) {
            file.default = file.accounts.keys().next().cloned();
        }
        self.write(&file)?;
        Ok(removed)
    }

    /// The default account, if it belongs to the configured endpoints.
    pub fn current(&self, config: &Config) -> Result<Option<Account>> {
        let file = self.read()?;
        Ok(file
            .default
            .as_ref()
            .and_then(|name| file.accounts.get(name))
            .filter(|account| account.matches(config))
            .cloned())
    }

    /// Saves an account (after sign-in or every refresh); the first one saved
    /// becomes the default.
    pub fn save(&self, account: &Account) -> Result<()> {
        let held = self.lock()?;
        self.save_held(&held, account)
    }

    /// Saves an account without making it the default, even when it is the only one.
    pub fn save_not_default(&self, account: &Account) -> Result<()> {
        let _held = self.lock()?;
        let mut file = self.read()?;
        file.version = 1;
        file.accounts
            .insert(account.username.clone(), account.clone());
        self.write(&file)
    }

    /// Makes the account with this sign-in name the one used when none is named.
    pub fn make_default(&self, username: &str) -> Result<()> {
        let _held = self.lock()?;
        let mut file = self.read()?;
        if !file.accounts.contains_key(username) {
            return Err(Error::Other(format!("no account {username}")));
        }
        file.default = Some(username.to_string());
        self.write(&file)
    }

    /// The accounts of the configured endpoints and app, and which is the default.
    pub fn list(&self, config: &Config) -> Result<(Vec<Account>, Option<String>)> {
        let file = self.read()?;
        let accounts = file
            .accounts
            .into_values()
            .filter(|account| account.matches(config))
            .collect();
        Ok((accounts, file.default))
    }

    /// The account `selector` names (short or sign-in name), or the default one.
    pub fn select(&self, config: &Config, selector: Option<&str>) -> Result<Option<Account>> {
        let Some(selector) = selector else {
            return self.current(config);
        };
        let (accounts, _) = self.list(config)?;
        match accounts.into_iter().find(|a| a.is_named(selector)) {
            Some(account) => Ok(Some(account)),
            // Not "signed out": nobody of that name ever signed in here.
            None => Err(Error::Other(format!(
                "no account is named {:?}; `odc accounts` lists them, `odc login --name {}` adds one",
                odc_core::display::escape_control(selector),
                odc_core::display::escape_control(selector)
            ))),
        }
    }

    /// A short name for a new account: the part of the sign-in name before `@`,
    /// with a number added when another account has it already.
    pub fn free_name(&self, username: &str) -> Result<String> {
        let file = self.read()?;
        let base: String = username
            .split('@')
            .next()
            .unwrap_or(username)
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect::<String>()
            .to_lowercase();
        let base = if base.is_empty() {
            "account".to_string()
        } else {
            base
        };
        let taken = |name: &str| {
            file.accounts
                .values()
                .any(|a| a.username != username && a.is_named(name))
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while taken(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        Ok(candidate)
    }

    /// Removes an account's tokens. Returns whether there was one.
    pub fn remove(&self, username: &str) -> Result<bool> {
        let held = self.lock()?;
        self.remove_held(&held, username)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, config: &Config) -> Account {
        Account {
            username: name.into(),
            display_name: "Ada".into(),
            name: String::new(),
            kind: "personal".into(),
            authority_url: config.endpoints.authority_url.clone(),
            tenant: config.account.tenant.clone(),
            client_id: config.account.client_id.clone(),
            graph_url: config.endpoints.graph_url.clone(),
            scopes: vec!["Files.ReadWrite.All".into()],
            access_token: "secret-access".into(),
            refresh_token: Some("secret-refresh".into()),
            expires_at: 1,
        }
    }

    #[test]
    fn saves_atomically_with_mode_0600_and_finds_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::new(dir.path().join("sub/tokens.json"));
        let config = Config::defaults();
        assert!(store.current(&config).unwrap().is_none());
        store.save(&account("a@example.com", &config)).unwrap();
        store.save(&account("b@example.com", &config)).unwrap();
        // The first account stays the default when another is added or refreshed.
        assert_eq!(
            store.current(&config).unwrap().unwrap().username,
            "a@example.com"
        );
        store.make_default("b@example.com").unwrap();
        store.save(&account("a@example.com", &config)).unwrap();
        assert_eq!(
            store.current(&config).unwrap().unwrap().username,
            "b@example.com"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temp files are left behind; the lock file stays for the next process.
        let mut names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["tokens.json", "tokens.json.lock"]);
        assert!(store.remove("b@example.com").unwrap());
        assert_eq!(
            store.current(&config).unwrap().unwrap().username,
            "a@example.com"
        );
        assert!(!store.remove("b@example.com").unwrap());
    }

    #[test]
    fn accounts_are_chosen_by_short_or_sign_in_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::new(dir.path().join("tokens.json"));
        let config = Config::defaults();
        let mut work = account("ada@contoso.com", &config);
        work.name = store.free_name(&work.username).unwrap();
        store.save(&work).unwrap();
        let mut home = account("ada@example.com", &config);
        home.name = store.free_name(&home.username).unwrap();
        store.save(&home).unwrap();
        assert_eq!((work.name.as_str(), home.name.as_str()), ("ada", "ada2"));
        let pick = |s: &str| store.select(&config, Some(s)).unwrap().unwrap().username;
        assert_eq!(pick("ADA2"), "ada@example.com");
        assert_eq!(pick("ada@contoso.com"), "ada@contoso.com");
        assert_eq!(
            store.select(&config, None).unwrap().unwrap().username,
            "ada@contoso.com"
        );
        let missing = store
            .select(&config, Some("nobody"))
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("no account is named \"nobody\""),
            "{missing}"
        );
        for bad in ["", "OneDrive", "a b", "x:y", "\u{1b}[2J"] {
            assert!(
                super::super::path::check_account_name(bad).is_err(),
                "{bad:?}"
            );
        }
        super::super::path::check_account_name("work-2.old_x").unwrap();
    }

    #[test]
    fn tokens_are_not_used_for_other_endpoints() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::new(dir.path().join("tokens.json"));
        let config = Config::defaults();
        store.save(&account("a@example.com", &config)).unwrap();
        let mut other = config.clone();
        other.endpoints.graph_url = "https://graph.example.net/v1.0".into();
        assert!(store.current(&other).unwrap().is_none());
    }

    #[test]
    fn debug_output_hides_tokens() {
        let text = format!("{:?}", account("a", &Config::defaults()));
        assert!(!text.contains("secret"), "{text}");
    }
}
