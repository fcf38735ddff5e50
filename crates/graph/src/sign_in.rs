//! The end of every sign-in (device code or browser): who signed in and on which
//! kind of drive, asked of Graph with the new tokens, and the account saved.

use std::sync::Arc;
use std::time::Duration;

use super::auth::Session;
use super::client::Graph;
use super::error::{Error, Result};
use super::tokens::{Account, TokenStore, Tokens};
use odc_core::config::Config;

/// Turns fresh tokens into a saved account: asks Graph who signed in and on which
/// kind of drive, names the account (`name`, the name it had, or one made from the
/// sign-in name), saves it (the first account becomes the default), and returns a
/// Graph client for it.
pub async fn complete_sign_in(
    config: &Arc<Config>,
    store: &TokenStore,
    tokens: Tokens,
    name: Option<&str>,
) -> Result<(Account, Graph)> {
    let mut account = Account::new(config, String::new(), String::new(), tokens);
    let probe = Graph::new(
        config.clone(),
        Arc::new(Session::new(
            config.clone(),
            store.clone(),
            account.clone(),
        )?),
    )?;
    let me = tokio::time::timeout(Duration::from_secs(120), probe.me())
        .await
        .map_err(|_| Error::Network("Graph did not answer /me".into()))??;
    account.display_name = me.display_name.unwrap_or_default();
    account.username = me.user_principal_name.or(me.mail).unwrap_or(me.id);
    let drive = tokio::time::timeout(Duration::from_secs(120), probe.drive())
        .await
        .map_err(|_| Error::Network("Graph did not answer /me/drive".into()))??;
    account.kind = drive.drive_type.unwrap_or_else(|| "unknown".into());
    let (known, _) = store.list(config)?;
    let previous = known.iter().find(|a| a.username == account.username);
    account.name = match (name, previous) {
        (Some(name), _) => {
            if let Some(other) = known
                .iter()
                .find(|a| a.username != account.username && a.is_named(name))
            {
                return Err(Error::Other(format!(
                    "the name {} is taken by {}; choose another with --name",
                    odc_core::display::escape_control(name),
                    odc_core::display::escape_control(&other.username)
                )));
            }
            name.to_string()
        }
        (None, Some(previous)) if !previous.name.is_empty() => previous.name.clone(),
        _ => store.free_name(&account.username)?,
    };
    store.save(&account)?;
    let session = Arc::new(Session::new(
        config.clone(),
        store.clone(),
        account.clone(),
    )?);
    Ok((account, Graph::new(config.clone(), session)?))
}
