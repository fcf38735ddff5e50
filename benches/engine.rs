//! Transfer-engine benchmark: 1,000 files of 16 KiB uploaded through the job engine
//! to the emulator with 50 ms of latency per request, 8 at a time; compared with
//! the ideal of requests × latency / concurrency.
//!
//!     cargo bench --bench engine
//!
//! Prints wall time, requests sent per file, and the ratio to the ideals.

use std::sync::Arc;
use std::time::{Duration, Instant};

use odc_core::config::Config;
use odc_emulator::{Emulator, EmulatorOptions, Settings};
use odc_engine::transfer::{Engine, EngineEvent, Kind, Location, Request, TaskState};
use odc_graph::auth::Session;
use odc_graph::tokens::{Account, TokenStore};
use odc_graph::{Graph, RemotePath};

const FILES: usize = 1000;
const SIZE: usize = 16 * 1024;
const LATENCY_MS: u64 = 50;
const CONCURRENCY: u32 = 8;

#[tokio::main]
async fn main() {
    for keep_modified_time in [true, false] {
        run(keep_modified_time).await;
    }
}

async fn run(keep_modified_time: bool) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let emu = Emulator::start(EmulatorOptions {
        settings: Settings {
            latency_ms: LATENCY_MS,
            ..Settings::default()
        },
        ..Default::default()
    })
    .await
    .unwrap();
    let mut config = Config::defaults();
    config.account.client_id = "bench".into();
    config.endpoints.authority_url = emu.authority_url();
    config.endpoints.graph_url = emu.graph_url();
    config.transfer.concurrency = CONCURRENCY;
    config.transfer.keep_modified_time = keep_modified_time;
    let config = Arc::new(config);
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("small-files");
    std::fs::create_dir(&source).unwrap();
    for i in 0..FILES {
        let data: Vec<u8> = (0..SIZE).map(|j| (i * 31 + j) as u8).collect();
        std::fs::write(source.join(format!("f{i:04}.bin")), data).unwrap();
    }
    let store = TokenStore::new(dir.path().join("tokens.json"));
    let tokens = emu.issue_tokens(&["Files.ReadWrite.All", "User.Read", "offline_access"]);
    store
        .save(&Account::new(
            &config,
            "bench@example.com".into(),
            "Bench".into(),
            odc_graph::tokens::Tokens::issued(
                tokens.access_token,
                tokens.refresh_token,
                tokens.expires_in,
            ),
        ))
        .unwrap();
    let graph = Arc::new(
        Graph::new(
            config.clone(),
            Arc::new(Session::load(config.clone(), store).unwrap()),
        )
        .unwrap(),
    );
    graph
        .create_folders(&RemotePath::parse("/bench").unwrap())
        .await
        .unwrap();
    emu.clear_requests();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::new(&config.transfer, tx);
    engine.set_graph(graph);
    let started = Instant::now();
    engine.submit(Request {
        kind: Kind::Copy,
        sources: vec![Location::Local(source)],
        dest_dir: Location::Remote(RemotePath::parse("/bench").unwrap()),
        dest_name: None,
    });
    let mut done = 0;
    while let Some(event) = rx.recv().await {
        match event {
            EngineEvent::State {
                state: TaskState::Done,
                ..
            } => done += 1,
            EngineEvent::State {
                state: TaskState::Failed(reason),
                ..
            } => panic!("failed: {reason}"),
            EngineEvent::Finished { .. } => break,
            _ => {}
        }
    }
    let wall = started.elapsed();
    assert_eq!(done, FILES);
    let requests = emu.requests().len();
    let latency = Duration::from_millis(LATENCY_MS);
    let ideal_one = latency.mul_f64(FILES as f64 / CONCURRENCY as f64);
    let ideal_actual = latency.mul_f64(requests as f64 / CONCURRENCY as f64);
    println!(
        "engine benchmark: {FILES} files of {} KiB, {LATENCY_MS} ms latency, {CONCURRENCY} at a time, keep_modified_time = {keep_modified_time}",
        SIZE / 1024
    );
    println!("  wall time          {:.2} s", wall.as_secs_f64());
    println!(
        "  requests           {requests} ({:.2} per file)",
        requests as f64 / FILES as f64
    );
    println!(
        "  ideal, 1 request per file   {:.2} s -> {:.2}x",
        ideal_one.as_secs_f64(),
        wall.as_secs_f64() / ideal_one.as_secs_f64()
    );
    println!(
        "  ideal, requests sent        {:.2} s -> {:.2}x",
        ideal_actual.as_secs_f64(),
        wall.as_secs_f64() / ideal_actual.as_secs_f64()
    );
    let mut kinds = std::collections::BTreeMap::new();
    for request in emu.requests() {
        let what = if request.path.contains(":/content") {
            "PUT content"
        } else {
            request.method.as_str()
        };
        *kinds
            .entry(format!("{} {what}", request.method))
            .or_insert(0) += 1;
    }
    println!("  by kind            {kinds:?}");
}
