//! odc-testkit: what the tests of odc's crates share (a dev-dependency only).
//! Its one job: the signed-in client against the emulator every suite starts from.
//! May use: odc-graph, odc-emulator, odc-core.
//!
//! An emulator on 127.0.0.1:0, a config pointing at it (fast backoff, small
//! fragments so multi-fragment paths run on small files) and a saved sign-in.

use std::path::PathBuf;
use std::sync::Arc;

use odc_core::config::Config;
use odc_emulator::{Emulator, EmulatorOptions, LoggedRequest, Settings};
use odc_graph::auth::Session;
use odc_graph::tokens::{Account, TokenStore};
use odc_graph::{Graph, Progress};
use tokio_util::sync::CancellationToken;

pub const UNIT: u64 = 327_680;

pub struct Env {
    pub emu: Emulator,
    pub config: Arc<Config>,
    pub store: TokenStore,
    pub dir: tempfile::TempDir,
}

pub fn config_for(emu: &Emulator) -> Config {
    let mut config = Config::defaults();
    config.account.client_id = "test-client".into();
    config.endpoints.authority_url = emu.authority_url();
    config.endpoints.graph_url = emu.graph_url();
    config.network.backoff_initial_ms = 10;
    config.network.backoff_max_secs = 1;
    config.network.max_attempts = 4;
    config.transfer.upload_fragment_bytes = 2 * UNIT;
    config.transfer.simple_upload_max_bytes = 100_000;
    config.transfer.page_size = 1000;
    config
}

impl Env {
    pub async fn new(settings: Settings) -> Env {
        Self::with(EmulatorOptions {
            settings,
            ..Default::default()
        })
        .await
    }

    pub async fn with(options: EmulatorOptions) -> Env {
        Self::tuned(options, |_| {}).await
    }

    /// An emulator started with `options` and the test config adjusted by `tune`.
    pub async fn tuned(options: EmulatorOptions, tune: impl FnOnce(&mut Config)) -> Env {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let emu = Emulator::start(options).await.unwrap();
        let mut config = config_for(&emu);
        tune(&mut config);
        let config = Arc::new(config);
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::new(dir.path().join("data").join("tokens.json"));
        Env {
            emu,
            config,
            store,
            dir,
        }
    }

    /// The configured scopes, as the emulator's token helpers take them.
    fn scopes(&self) -> Vec<&str> {
        self.config
            .account
            .scopes
            .iter()
            .map(String::as_str)
            .collect()
    }

    /// Signs in without the device flow (tests that are not about sign-in).
    pub fn sign_in(&self) -> Account {
        let scopes = self.scopes();
        let tokens = self.emu.issue_tokens(&scopes);
        let account = Account::new(
            &self.config,
            "ada@example.com".into(),
            "Ada Example".into(),
            held(tokens),
        );
        self.store.save(&account).unwrap();
        account
    }

    /// Adds a work account (ada@contoso.com, business drive) to the emulator and
    /// signs it in as "work"; returns its drive id.
    pub fn sign_in_work(&self) -> String {
        let (user, drive) = self.emu.add_user(
            "ada@contoso.com",
            "Ada Contoso",
            odc_emulator::Profile::Business,
        );
        let scopes = self.scopes();
        let tokens = self.emu.issue_tokens_for(user, &scopes);
        let mut account = Account::new(
            &self.config,
            "ada@contoso.com".into(),
            "Ada Contoso".into(),
            held(tokens),
        );
        account.name = "work".into();
        account.kind = "business".into();
        self.store.save(&account).unwrap();
        drive
    }

    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("data/tokens.json")
    }

    pub fn graph(&self) -> Graph {
        let session = Session::load(self.config.clone(), self.store.clone()).unwrap();
        Graph::new(self.config.clone(), Arc::new(session)).unwrap()
    }

    pub async fn signed_in(settings: Settings) -> (Env, Graph) {
        let env = Env::new(settings).await;
        env.sign_in();
        let graph = env.graph();
        (env, graph)
    }

    pub fn local(&self, name: &str) -> PathBuf {
        let dir = self.dir.path().join("local");
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    pub fn log(&self) -> Vec<LoggedRequest> {
        self.emu.requests()
    }

    pub fn count(&self, method: &str, path_contains: &str, status: u16) -> usize {
        self.log()
            .iter()
            .filter(|r| r.method == method && r.path.contains(path_contains) && r.status == status)
            .count()
    }
}

pub fn progress() -> Arc<Progress> {
    Arc::new(Progress::default())
}

pub fn never() -> CancellationToken {
    CancellationToken::new()
}

pub use odc_emulator::content::pattern;

/// The body of a GET, as a browser would read a page.
pub async fn page_text(http: &reqwest::Client, url: &str) -> String {
    http.get(url).send().await.unwrap().text().await.unwrap()
}

pub use odc_emulator::consent_link;

/// The tokens as the client holds them after a sign-in.
pub fn held(issued: odc_emulator::IssuedTokens) -> odc_graph::tokens::Tokens {
    odc_graph::tokens::Tokens::issued(issued.access_token, issued.refresh_token, issued.expires_in)
}
