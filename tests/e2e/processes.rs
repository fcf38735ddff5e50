//! Several odc processes sharing one sign-in.

use odc_emulator::Settings;
use odc_testkit::Env;

/// Two real processes refresh at the same moment: both succeed and the sign-in
/// stays (the loser of the race reads the winner's token under the lock).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_refreshing_at_once_both_stay_signed_in() {
    let env = Env::new(Settings::default()).await;
    env.sign_in();
    env.emu.expire_access_tokens();
    let home = env.dir.path().to_path_buf();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_odc"))
            .arg("whoami")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("xdg-data"))
            .env("XDG_STATE_HOME", home.join("xdg-state"))
            .env("XDG_CONFIG_HOME", home.join("xdg-config"))
            .env("ODC_CLIENT_ID", &env.config.account.client_id)
            .env("ODC_AUTHORITY_URL", env.emu.authority_url())
            .env("ODC_GRAPH_URL", env.emu.graph_url())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // The processes read $XDG_DATA_HOME/odc/tokens.json.
    let store_dir = home.join("xdg-data/odc");
    std::fs::create_dir_all(&store_dir).unwrap();
    std::fs::copy(env.store.path(), store_dir.join("tokens.json")).unwrap();
    let (a, b) = (spawn(), spawn());
    let outputs = tokio::task::spawn_blocking(move || {
        [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()]
    })
    .await
    .unwrap();
    for output in &outputs {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let store = odc_graph::tokens::TokenStore::new(store_dir.join("tokens.json"));
    assert!(
        store.current(&env.config).unwrap().is_some(),
        "still signed in"
    );
    let refreshes = env
        .log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.contains("/token"))
        .count();
    assert_eq!(
        refreshes, 1,
        "one refresh; the other process used its result"
    );
}
