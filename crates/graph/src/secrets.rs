//! Where an account's tokens live when `account.token_store = "keyring"`: the
//! desktop's secret store (Secret Service on Linux — GNOME Keyring, KWallet —, the
//! Keychain on macOS, the Credential Manager on Windows) through the `keyring`
//! crate. The token file then keeps only who is signed in and where; the tokens
//! themselves are one secret per account.
//!
//! Headless servers usually have no Secret Service: odc says so and names the file
//! store instead of failing later.

use std::collections::HashMap;
use std::sync::Mutex;

use super::error::{Error, Result};

/// The service name secrets are filed under.
const SERVICE: &str = "odc";

/// A place for one secret per account.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    fn get(&self, account: &str) -> Result<Option<String>>;
    fn set(&self, account: &str, secret: &str) -> Result<()>;
    fn delete(&self, account: &str) -> Result<()>;
}

/// The platform's secret store.
#[derive(Debug)]
pub struct Keyring;

fn unavailable(err: keyring::Error) -> Error {
    Error::Other(format!(
        "the system keyring is not available ({err}); headless servers usually have none: set account.token_store = \"file\" (a 0600 file) instead"
    ))
}

impl Keyring {
    /// The platform store, if one answers here.
    pub fn open() -> Result<Keyring> {
        let probe = keyring::Entry::new(SERVICE, "odc-probe").map_err(unavailable)?;
        match probe.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(Keyring),
            Err(err) => Err(unavailable(err)),
        }
    }

    fn entry(account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, account).map_err(unavailable)
    }
}

impl SecretStore for Keyring {
    fn get(&self, account: &str) -> Result<Option<String>> {
        match Self::entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(unavailable(err)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        Self::entry(account)?
            .set_password(secret)
            .map_err(unavailable)
    }

    fn delete(&self, account: &str) -> Result<()> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(unavailable(err)),
        }
    }
}

/// Secrets in memory: a stand-in for the platform store in tests, and for
/// platforms whose store refuses to answer.
#[derive(Debug, Default)]
pub struct MemorySecrets {
    secrets: Mutex<HashMap<String, String>>,
}

impl MemorySecrets {
    /// What is stored for `account` (tests look).
    pub fn peek(&self, account: &str) -> Option<String> {
        self.secrets.lock().unwrap().get(account).cloned()
    }
}

impl SecretStore for MemorySecrets {
    fn get(&self, account: &str) -> Result<Option<String>> {
        Ok(self.peek(account))
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.secrets
            .lock()
            .unwrap()
            .insert(account.to_string(), secret.to_string());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.secrets.lock().unwrap().remove(account);
        Ok(())
    }
}
