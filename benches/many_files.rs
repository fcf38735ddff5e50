//! A job of 100,000 small files through the whole UI: the real event loop (`tui::app::
//! drive`), the real effects runner and engine, drawn into a 120×40 test backend with
//! the transfers panel open, against the emulator in a separate process (so the
//! memory measured is odc's alone).
//!
//!     cargo bench --bench many_files            # 100,000 files
//!     ODC_BENCH_FILES=20000 cargo bench --bench many_files
//!
//! It copies a local folder of 100 folders × 1,000 files of 100 bytes to OneDrive by
//! pressing F5 and Enter, pressing `]`/`[` in the panel every 40 ms meanwhile, and
//! prints: the time from Enter to the first file shown running, the time to finish,
//! keypress-to-frame latency (p50, p99, max) and the process's peak RSS.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::StreamExt;
use odc_core::config::Config;
use odc_emulator::{Emulator, EmulatorOptions};
use odc_graph::RemotePath;
use odc_graph::auth::Tokens;
use odc_graph::tokens::{Account, TokenStore};
use odc_tui::features::transfers::TransferDialog;
use odc_tui::shared::keymap::Keymap;
use odc_tui::shell::app::{Surface, drive};
use odc_tui::shell::runner::Runner;
use odc_tui::shell::state::State;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const FOLDERS: usize = 100;
const FILE_BYTES: usize = 100;

fn main() {
    if std::env::var_os("ODC_BENCH_EMULATOR").is_some() {
        return serve_emulator();
    }
    let files: usize = std::env::var("ODC_BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(run(files));
}

/// The child process: an emulator, its address and a signed-in user's tokens on
/// stdout, then serve until stdin closes.
fn serve_emulator() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
        let tokens = emu.issue_tokens(&["Files.ReadWrite.All", "User.Read", "offline_access"]);
        let hello = serde_json::json!({
            "authority": emu.authority_url(),
            "graph": emu.graph_url(),
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
        });
        println!("{hello}");
        std::io::stdout().flush().unwrap();
        // Runs until the parent closes our stdin.
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            while std::io::stdin()
                .read_line(&mut line)
                .map(|n| n > 0)
                .unwrap_or(false)
            {}
        })
        .await
        .unwrap();
        drop(emu);
    });
}

#[derive(Default)]
struct Observed {
    signed_in: bool,
    cursor_on: Option<String>,
    copy_dialog: bool,
    /// When a frame first showed a file running (or already finished).
    started: Option<Instant>,
    settled: usize,
    failed: usize,
    /// When a key the loop took from the input was generated, until a frame shows it.
    handled: Vec<Instant>,
    latencies: Vec<Duration>,
}

struct Probe {
    terminal: Terminal<TestBackend>,
    observed: Arc<Mutex<Observed>>,
}

impl Surface for Probe {
    fn draw(&mut self, state: &State) -> std::io::Result<()> {
        self.terminal
            .draw(|frame| odc_tui::shell::frame::render(state, frame))
            .map_err(std::io::Error::other)?;
        let drawn = Instant::now();
        let mut o = self.observed.lock().unwrap();
        for sent in std::mem::take(&mut o.handled) {
            o.latencies.push(drawn - sent);
        }
        o.signed_in = state.signed_in()
            && state.panes[1].listing.ticket > 0
            && !state.panes[1].listing.loading;
        o.cursor_on = state.panes[0].current().map(|e| e.name.clone());
        o.copy_dialog = matches!(
            state.transfers.dialog,
            Some(TransferDialog::CopyMove { .. })
        );
        let counts = state.transfers.counts();
        if o.started.is_none() && counts.running + counts.finished + counts.failed > 0 {
            o.started = Some(drawn);
        }
        o.settled = counts.finished + counts.failed;
        o.failed = counts.failed;
        Ok(())
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn make_tree(root: &Path, files: usize) {
    let data = vec![b'x'; FILE_BYTES];
    let per_folder = files.div_ceil(FOLDERS);
    for i in 0..files {
        let folder = root.join(format!("d{:03}", i / per_folder));
        if i % per_folder == 0 {
            std::fs::create_dir_all(&folder).unwrap();
        }
        std::fs::write(folder.join(format!("f{i:06}.txt")), &data).unwrap();
    }
}

async fn run(files: usize) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let made = Instant::now();
    make_tree(&dir.path().join("src/many"), files);
    println!("made {files} files in {:.1?}", made.elapsed());

    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .env("ODC_BENCH_EMULATOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut hello = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut hello)
        .unwrap();
    let hello: serde_json::Value = serde_json::from_str(&hello).unwrap();

    let mut config = Config::defaults();
    config.account.client_id = "bench".into();
    config.endpoints.authority_url = hello["authority"].as_str().unwrap().into();
    config.endpoints.graph_url = hello["graph"].as_str().unwrap().into();
    let config = Arc::new(config);
    let store = TokenStore::new(dir.path().join("tokens.json"));
    let tokens = Tokens {
        access_token: hello["access_token"].as_str().unwrap().into(),
        refresh_token: hello["refresh_token"].as_str().map(str::to_string),
        expires_at: chrono::Utc::now().timestamp() + hello["expires_in"].as_i64().unwrap(),
    };
    store
        .save(&Account::new(
            &config,
            "bench@example.com".into(),
            "Bench".into(),
            tokens,
        ))
        .unwrap();

    let keymap = Arc::new(Keymap::from_config(&config.keys).unwrap());
    let mut state = odc_tui::shell::state::initial_state(
        &config,
        keymap,
        dir.path().join("src"),
        RemotePath::root(),
        (120, 40),
        true,
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(
        tx,
        config.clone(),
        store,
        odc_tui::Places {
            resume: None,
            edits: None,
            hotlist: None,
            cache: None,
        },
    );
    let observed = Arc::new(Mutex::new(Observed::default()));
    let mut surface = Probe {
        terminal: Terminal::new(TestBackend::new(120, 40)).unwrap(),
        observed: observed.clone(),
    };
    let (keys, key_rx) = tokio::sync::mpsc::unbounded_channel::<(Instant, KeyCode)>();
    let handled = observed.clone();
    let mut input = odc_tui::shell::app::StreamInput(Box::pin(tokio_stream_from(key_rx).map(
        move |(sent, code)| {
            handled.lock().unwrap().handled.push(sent);
            Ok(TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)))
        },
    )));
    let (stop, stop_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let terminate = tokio_stream_from(stop_rx);

    let script = tokio::spawn(script(observed.clone(), keys, stop, files));
    drive(
        &mut state,
        &mut runner,
        &mut rx,
        &mut surface,
        &mut input,
        terminate,
    )
    .await
    .unwrap();
    let (first, total) = script.await.unwrap();
    drop(child.stdin.take());
    let _ = child.wait();

    let o = observed.lock().unwrap();
    let mut latencies = o.latencies.clone();
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    println!("files: {files} ({} failed)", o.failed);
    println!("first file running after Enter: {first:.1?}");
    println!(
        "all settled after {total:.1?} ({:.0} files/s)",
        files as f64 / total.as_secs_f64()
    );
    println!(
        "keypress to frame over {} keys: p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        latencies.len(),
        at(0.5),
        at(0.99),
        latencies.last().unwrap()
    );
    println!("peak RSS: {} MiB", peak_rss_kib() / 1024);
}

/// Presses the keys a person would: wait for the sign-in, open the panel, put the
/// cursor on the folder, F5, Enter; then `]`/`[` every 40 ms until all is settled.
async fn script(
    observed: Arc<Mutex<Observed>>,
    keys: tokio::sync::mpsc::UnboundedSender<(Instant, KeyCode)>,
    stop: tokio::sync::mpsc::UnboundedSender<()>,
    files: usize,
) -> (Duration, Duration) {
    let press = |code| keys.send((Instant::now(), code)).unwrap();
    let wait = |f: &dyn Fn(&Observed) -> bool| f(&observed.lock().unwrap());
    while !wait(&|o| o.signed_in) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    press(KeyCode::Char('t'));
    while !wait(&|o| o.cursor_on.as_deref() == Some("many")) {
        press(KeyCode::Down);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    press(KeyCode::F(5));
    while !wait(&|o| o.copy_dialog) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Only what happens after Enter counts.
    tokio::time::sleep(Duration::from_millis(100)).await;
    observed.lock().unwrap().latencies.clear();
    let enter = Instant::now();
    press(KeyCode::Enter);
    let mut flip = false;
    loop {
        tokio::time::sleep(Duration::from_millis(40)).await;
        if observed.lock().unwrap().settled >= files {
            break;
        }
        flip = !flip;
        press(if flip {
            KeyCode::Char(']')
        } else {
            KeyCode::Char('[')
        });
    }
    let total = enter.elapsed();
    // Let the last keys reach a frame, then end the loop as a SIGTERM would.
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let first = observed.lock().unwrap().started.expect("a file started") - enter;
    (first, total)
}

fn tokio_stream_from<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<T>,
) -> impl futures::Stream<Item = T> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// VmHWM: the most resident memory this process had at once.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
