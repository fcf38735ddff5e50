//! Sign-in, the token store and refresh.

use std::time::Duration;

use odc_emulator::{Fault, FaultRule, Settings, Target};
use odc_graph::Error;
use odc_graph::auth::{self, PollState};

use crate::support::Env;

fn fast(approve_after: u32) -> Settings {
    Settings {
        poll_interval_secs: 0,
        approve_after_polls: approve_after,
        ..Settings::default()
    }
}

#[tokio::test]
async fn device_code_sign_in_through_a_network_error() {
    let env = Env::new(fast(2)).await;
    // The first poll is cut: the same poll is repeated, not the flow restarted.
    env.emu
        .add_fault(FaultRule::new(Target::Identity, Fault::Drop, 1).path_contains("/token"));
    let http = auth::identity_http(&env.config).unwrap();
    let code = auth::start_device_flow(&env.config, &http).await.unwrap();
    assert_eq!(code.user_code.len(), 9);
    assert!(code.verification_uri.ends_with("/devicelogin"));
    assert!(code.message.as_deref().unwrap().contains(&code.user_code));
    assert_eq!(code.expires_in, Duration::from_secs(900));
    let (tx, rx) = tokio::sync::watch::channel(PollState::Waiting);
    let tokens = auth::finish_device_flow(&env.config, &http, &code, Some(tx))
        .await
        .unwrap();
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.expires_at > chrono::Utc::now().timestamp() + 3000);
    assert_eq!(
        *rx.borrow(),
        PollState::Waiting,
        "back to waiting after the trouble"
    );
    let devicecode_calls = env
        .log()
        .iter()
        .filter(|r| r.path.ends_with("/devicecode"))
        .count();
    assert_eq!(devicecode_calls, 1, "one flow");
    assert_eq!(env.count("POST", "/token", 200), 1);
}

#[tokio::test]
async fn declined_and_expired_codes_end_with_a_clear_message() {
    let env = Env::new(fast(0)).await;
    let http = auth::identity_http(&env.config).unwrap();
    let code = auth::start_device_flow(&env.config, &http).await.unwrap();
    assert!(env.emu.decline(&code.user_code));
    let err = auth::finish_device_flow(&env.config, &http, &code, None)
        .await
        .err()
        .unwrap();
    assert_eq!(err.to_string(), "sign-in was declined");

    let env = Env::new(Settings {
        device_code_lifetime_secs: 2,
        ..fast(0)
    })
    .await;
    let code = auth::start_device_flow(&env.config, &http).await.unwrap();
    let started = std::time::Instant::now();
    let err = auth::finish_device_flow(&env.config, &http, &code, None)
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_misconfigured_app_names_the_aadsts_code() {
    let env = Env::new(Settings {
        client_id: Some("someone-else".into()),
        ..fast(2)
    })
    .await;
    let http = auth::identity_http(&env.config).unwrap();
    let err = auth::start_device_flow(&env.config, &http)
        .await
        .err()
        .unwrap();
    let text = err.to_string();
    assert!(text.contains("AADSTS700016"), "{text}");
}

#[tokio::test]
async fn no_client_id_points_to_the_demo() {
    let env = Env::new(fast(2)).await;
    let mut config = (*env.config).clone();
    config.account.client_id.clear();
    let http = auth::identity_http(&config).unwrap();
    let err = auth::start_device_flow(&config, &http).await.err().unwrap();
    assert!(matches!(err, Error::NoClientId));
    assert!(err.to_string().contains("odc demo"));
    assert!(env.log().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn refreshes_before_expiry_and_saves_the_rotated_token() {
    // Tokens living 200 s are inside the 5-minute margin: every use refreshes.
    let env = Env::new(Settings {
        access_token_lifetime_secs: 200,
        ..Settings::default()
    })
    .await;
    let first = env.sign_in();
    let graph = env.graph();
    graph.me().await.unwrap();
    let saved = env.store.current(&env.config).unwrap().unwrap();
    assert_ne!(
        saved.refresh_token, first.refresh_token,
        "the rotated refresh token is saved"
    );
    assert_ne!(saved.access_token, first.access_token);
    assert_eq!(env.count("POST", "/token", 200), 1);
    let graph_log: Vec<_> = env
        .log()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1.0"))
        .collect();
    assert!(
        graph_log.iter().all(|r| r.status == 200),
        "refreshed before use, no 401"
    );
}

#[tokio::test]
async fn refreshes_once_on_401() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    graph.me().await.unwrap();
    env.emu.expire_access_tokens();
    let me = graph.me().await.unwrap();
    assert_eq!(me.display_name.as_deref(), Some("Ada Example"));
    assert_eq!(env.count("GET", "/v1.0/me", 401), 1);
    assert_eq!(env.count("POST", "/token", 200), 1);
    assert_eq!(env.count("GET", "/v1.0/me", 200), 2);
}

#[tokio::test]
async fn a_revoked_refresh_token_means_sign_in_again_without_a_loop() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    env.emu.revoke_refresh_tokens(700082);
    env.emu.expire_access_tokens();
    let err = graph.me().await.err().unwrap();
    assert!(matches!(err, Error::SignInRequired { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("odc login") && text.contains("AADSTS700082"),
        "{text}"
    );
    // The dead token is forgotten and never sent again.
    assert!(env.store.current(&env.config).unwrap().is_none());
    let err = graph.drive().await.err().unwrap();
    assert!(matches!(err, Error::SignInRequired { .. }));
    assert_eq!(
        env.log()
            .iter()
            .filter(|r| r.path.ends_with("/token"))
            .count(),
        1
    );
}

#[tokio::test]
async fn the_token_file_is_private_and_logs_hold_no_secrets() {
    let env = Env::new(Settings::default()).await;
    let account = env.sign_in();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.store.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let debug = format!("{account:?}");
    assert!(!debug.contains(&account.access_token));
}

/// Another odc process signed in again (or refreshed) while this one held an old,
/// now revoked token: this process picks up the stored token instead of failing,
/// and never forgets the account the other process saved.
#[tokio::test]
async fn a_token_stored_by_another_process_is_used_and_never_forgotten() {
    let env = Env::new(Settings::default()).await;
    env.sign_in();
    let old = env.graph();
    old.me().await.unwrap();
    env.emu.revoke_refresh_tokens(50173);
    env.emu.expire_access_tokens();
    // "odc login" in another terminal.
    let fresh = env.sign_in();
    old.me().await.expect("the other process's token is used");
    let stored = env
        .store
        .current(&env.config)
        .unwrap()
        .expect("still signed in");
    assert_eq!(stored.refresh_token, fresh.refresh_token);
    let dir = env.store.path().parent().unwrap().to_path_buf();
    assert!(
        dir.join("tokens.json.lock").exists(),
        "the store is locked while used"
    );
}

/// `odc logout` in another terminal while this process works: its next refresh
/// reads the store under the lock, finds the account gone and stops with "signed
/// out"; the account is not written back.
#[tokio::test]
async fn a_sign_out_elsewhere_ends_this_session_too() {
    let (env, graph) = Env::signed_in(Settings::default()).await;
    graph.me().await.unwrap();
    assert!(env.store.remove("ada@example.com").unwrap(), "odc logout");
    env.emu.expire_access_tokens();
    let err = graph.me().await.err().unwrap();
    assert!(matches!(err, Error::SignInRequired { .. }), "{err:?}");
    assert!(err.to_string().contains("signed out"), "{err}");
    assert!(env.store.current(&env.config).unwrap().is_none());
    let file = std::fs::read_to_string(env.store.path()).unwrap();
    assert!(
        !file.contains("ada@example.com"),
        "not written back: {file}"
    );
    assert_eq!(env.count("POST", "/token", 200), 0, "no refresh was sent");
}

/// `account.token_store = "keyring"`: the file names the account, the tokens live in
/// the secret store (here an in-memory stand-in for the platform's), a refresh
/// rotates them there, and signing out removes them.
#[tokio::test]
async fn with_the_keyring_store_no_token_touches_the_file() {
    use odc_graph::secrets::MemorySecrets;
    use odc_graph::tokens::TokenStore;
    let env = Env::new(Settings::default()).await;
    let secrets = std::sync::Arc::new(MemorySecrets::default());
    let store = TokenStore::with_secrets(env.store_path(), secrets.clone());
    let env = Env { store, ..env };
    env.sign_in();
    let file = std::fs::read_to_string(env.store_path()).unwrap();
    let first = secrets
        .peek("ada@example.com")
        .expect("the tokens are in the secret store");
    let tokens: serde_json::Value = serde_json::from_str(&first).unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    assert!(file.contains("ada@example.com"), "{file}");
    assert!(!file.contains(&refresh), "{file}");
    assert!(
        !file.contains(tokens["access_token"].as_str().unwrap()),
        "{file}"
    );

    let graph = env.graph();
    env.emu.expire_access_tokens();
    graph.me().await.unwrap();
    assert_eq!(env.count("POST", "/token", 200), 1);
    let rotated = secrets.peek("ada@example.com").unwrap();
    assert_ne!(rotated, first, "the refreshed tokens were saved");
    let file = std::fs::read_to_string(env.store_path()).unwrap();
    let rotated: serde_json::Value = serde_json::from_str(&rotated).unwrap();
    assert!(!file.contains(rotated["access_token"].as_str().unwrap()));

    assert!(env.store.remove("ada@example.com").unwrap());
    assert!(secrets.peek("ada@example.com").is_none());
}
