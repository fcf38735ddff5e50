//! `odc emulator` and (until the TUI lands) `odc demo`.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Args;

use odc_emulator::faults::{Fault, FaultRule, RetryAfter, Target};
use odc_emulator::{Emulator, EmulatorOptions, Profile, Seed, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileArg {
    Personal,
    Business,
}

#[derive(Args, Debug)]
pub struct EmulatorArgs {
    /// Address to listen on (a loopback address; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8765", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// Starting content of the drive.
    #[arg(long, value_enum, default_value = "demo")]
    pub seed: Seed,
    /// Behave like OneDrive personal or OneDrive for Business.
    #[arg(long, value_enum, default_value = "personal")]
    pub profile: ProfileArg,
    /// Drive size in bytes (quota.total).
    #[arg(long, default_value_t = 1u64 << 40, value_name = "BYTES")]
    pub quota: u64,
    /// Approve device codes after this many polls (0 = only on the /devicelogin page).
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub approve_after: u32,
    /// Polling interval handed out with device codes, in seconds.
    #[arg(long, default_value_t = 5, value_name = "SECS")]
    pub interval: u64,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 3599, value_name = "SECS")]
    pub token_lifetime: u64,
    /// Accept only this application (client) id; any id is accepted without it.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Per-connection bandwidth cap in bytes per second (0 = none).
    #[arg(long, default_value_t = 0, value_name = "BYTES")]
    pub bandwidth: u64,
    /// Serve whole files even when a Range is asked for.
    #[arg(long)]
    pub ignore_range: bool,
    /// Let requests to pre-authenticated download and upload URLs carry an
    /// Authorization header (refused with 401 by default, as Microsoft warns it
    /// may be); for benchmarking clients that send one, such as rclone < 1.65.
    #[arg(long)]
    pub accept_preauth_authorization: bool,
    /// Make every Nth listing page empty (still with a nextLink).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub empty_page_every: u32,
    /// Repeat the previous page's last item at the start of each listing page.
    #[arg(long)]
    pub duplicate_across_pages: bool,
    /// Inject a fault, repeatable. KIND[:TIMES[:ARG]][@TARGET], KIND one of
    /// 429, 429-date, 503, 500, 502, 504, 507 (ARG = Retry-After seconds for
    /// 429/503), drop, drop-body (ARG = bytes sent first), partial-upload
    /// (ARG = bytes accepted); TARGET one of graph, identity, upload, download,
    /// monitor, any. Example: --fault 429:3:2 --fault partial-upload:1:100000
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault_spec)]
    pub faults: Vec<FaultRule>,
}

/// Parses `KIND[:TIMES[:ARG]][@TARGET]`.
pub fn parse_fault_spec(spec: &str) -> Result<FaultRule, String> {
    let (body, target) = match spec.split_once('@') {
        Some((body, target)) => (body, Some(target)),
        None => (spec, None),
    };
    let mut parts = body.split(':');
    let kind = parts.next().unwrap_or_default();
    let number = |text: Option<&str>, what: &str| -> Result<Option<u64>, String> {
        text.map(|t| {
            t.parse::<u64>()
                .map_err(|_| format!("{what} must be a number: {t:?}"))
        })
        .transpose()
    };
    let times = number(parts.next(), "TIMES")?.unwrap_or(1) as u32;
    let arg = number(parts.next(), "ARG")?;
    let (fault, default_target) = match kind {
        "429" | "503" => (
            Fault::Status {
                status: kind.parse().expect("numeric"),
                retry_after: Some(RetryAfter::Seconds(arg.unwrap_or(1))),
            },
            Target::Graph,
        ),
        "429-date" => (
            Fault::Status {
                status: 429,
                retry_after: Some(RetryAfter::HttpDate(arg.unwrap_or(2))),
            },
            Target::Graph,
        ),
        "500" | "502" | "504" => (
            Fault::Status {
                status: kind.parse().expect("numeric"),
                retry_after: None,
            },
            Target::Graph,
        ),
        "507" => (
            Fault::Status {
                status: 507,
                retry_after: None,
            },
            Target::Upload,
        ),
        "drop" => (Fault::Drop, Target::Any),
        "drop-body" => (
            Fault::DropMidBody {
                after_bytes: arg.unwrap_or(65_536),
            },
            Target::Download,
        ),
        "partial-upload" => (
            Fault::PartialAccept {
                bytes: arg.unwrap_or(163_840),
            },
            Target::Upload,
        ),
        other => return Err(format!("unknown fault kind {other:?}")),
    };
    let target = match target {
        None => default_target,
        Some("graph") => Target::Graph,
        Some("identity") => Target::Identity,
        Some("upload") => Target::Upload,
        Some("download") => Target::Download,
        Some("monitor") => Target::Monitor,
        Some("any") => Target::Any,
        Some(other) => return Err(format!("unknown fault target {other:?}")),
    };
    Ok(FaultRule::new(target, fault, times))
}

impl EmulatorArgs {
    fn options(&self) -> EmulatorOptions {
        EmulatorOptions {
            seed: self.seed,
            profile: match self.profile {
                ProfileArg::Personal => Profile::Personal,
                ProfileArg::Business => Profile::Business,
            },
            quota_total: self.quota,
            settings: Settings {
                approve_after_polls: self.approve_after,
                poll_interval_secs: self.interval,
                access_token_lifetime_secs: self.token_lifetime,
                client_id: self.client_id.clone(),
                latency_ms: self.latency_ms,
                bandwidth_bytes_per_sec: self.bandwidth,
                ignore_range: self.ignore_range,
                accept_authorization_on_preauth_urls: self.accept_preauth_authorization,
                empty_page_every: self.empty_page_every,
                duplicate_across_pages: self.duplicate_across_pages,
                ..Settings::default()
            },
        }
    }
}

pub async fn run(args: EmulatorArgs) -> ExitCode {
    if !args.listen.ip().is_loopback() {
        errln!(
            "odc emulator: refusing to listen on {}: only loopback addresses are allowed",
            args.listen
        );
        return ExitCode::from(2);
    }
    let emulator = match Emulator::start_on(args.listen, args.options()).await {
        Ok(emulator) => emulator,
        Err(err) => {
            errln!("odc emulator: cannot listen on {}: {err}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    for rule in &args.faults {
        emulator.add_fault(rule.clone());
    }
    let approval = if args.approve_after == 0 {
        "approve codes on the sign-in page".to_string()
    } else {
        format!("codes are approved after {} polls", args.approve_after)
    };
    // The banner may go to a pipe that is already closed (`| head -1`): never panic.
    let banner = format!(
        "odc emulator listening on {origin}\n  export ODC_AUTHORITY_URL={origin}\n  export ODC_GRAPH_URL={graph}\n  export ODC_CLIENT_ID={client}\nsign-in page: {origin}/devicelogin ({approval})\nrequest log:  {origin}/_emulator/requests\nPress Ctrl-C to stop.\n",
        origin = emulator.authority_url(),
        graph = emulator.graph_url(),
        client = args.client_id.as_deref().unwrap_or("odc-emulator"),
    );
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes());
        let _ = out.flush();
    }
    wait_for_stop().await;
    emulator.stop().await;
    ExitCode::SUCCESS
}

/// `odc demo`: the UI on an embedded emulator with the demo drive and a throwaway
/// token store. The emulator approves the device code after a few polls, so the
/// sign-in flow is seen, then the panes.
/// `config_file` (`--config F`, else the user's file) gives every setting but the
/// account and the endpoints, which are the emulator's.
pub async fn demo(
    local_dir: Option<std::path::PathBuf>,
    config_file: Option<&std::path::Path>,
) -> ExitCode {
    let mut config = match odc_core::config::load(config_file) {
        Ok(config) => config,
        Err(err) => {
            errln!("odc demo: {err}");
            return ExitCode::from(2);
        }
    };
    let settings = Settings {
        approve_after_polls: 3,
        poll_interval_secs: 1,
        ..Settings::default()
    };
    let options = EmulatorOptions {
        seed: Seed::Demo,
        settings,
        ..EmulatorOptions::default()
    };
    let emulator = match Emulator::start(options).await {
        Ok(emulator) => emulator,
        Err(err) => {
            errln!("odc demo: cannot start the emulator: {err}");
            return ExitCode::FAILURE;
        }
    };
    let data = match tempfile::Builder::new().prefix("odc-demo-").tempdir() {
        Ok(dir) => dir,
        Err(err) => {
            errln!("odc demo: cannot make a temporary token store: {err}");
            return ExitCode::FAILURE;
        }
    };
    config.account.client_id = "odc-demo".into();
    config.account.token_store = "file".into();
    config.endpoints.authority_url = emulator.authority_url();
    config.endpoints.graph_url = emulator.graph_url();
    let store = odc_graph::tokens::TokenStore::new(data.path().join("tokens.json"));
    if let Err(err) = add_work_account(&emulator, &config, &store) {
        errln!("odc demo: cannot add the work account: {err}");
        return ExitCode::FAILURE;
    }
    let code = crate::ui_cmd::run_ui(
        std::sync::Arc::new(config),
        store,
        odc_tui::Places::under(data.path()),
        local_dir,
        None,
    )
    .await;
    emulator.stop().await;
    code
}

/// The demo's second account, signed in already: a work account ("work") with a
/// business OneDrive and a followed SharePoint site with two libraries, for trying
/// two accounts side by side (F2 in a pane) and copies between them.
fn add_work_account(
    emulator: &Emulator,
    config: &odc_core::config::Config,
    store: &odc_graph::tokens::TokenStore,
) -> odc_graph::Result<()> {
    let (user, drive) = emulator.add_user(
        "ada@contoso.com",
        "Ada Lovelace (Contoso)",
        Profile::Business,
    );
    emulator.put_file_on(
        &drive,
        "/Projects/Roadmap.md",
        b"# Roadmap\n\n- Q1: ship odc\n",
    );
    emulator.put_file_on(
        &drive,
        "/Projects/Budget.csv",
        b"item,amount\nlaptops,12000\n",
    );
    emulator.put_file_on(
        &drive,
        "/Welcome to work.txt",
        b"Files here belong to Contoso.\n",
    );
    let (_, libraries) = emulator.add_site("marketing", "Marketing", &["Documents", "Campaigns"]);
    emulator.put_file_on(&libraries[0], "/Brand guide.txt", b"Use the blue logo.\n");
    emulator.put_file_on(
        &libraries[1],
        "/2027/Launch plan.txt",
        b"Launch in March.\n",
    );
    let scopes: Vec<&str> = config.account.scopes.iter().map(String::as_str).collect();
    let issued = emulator.issue_tokens_for(user, &scopes);
    let tokens = odc_graph::tokens::Tokens::issued(
        issued.access_token,
        issued.refresh_token,
        issued.expires_in,
    );
    let mut account = odc_graph::tokens::Account::new(
        config,
        "ada@contoso.com".into(),
        "Ada Lovelace (Contoso)".into(),
        tokens,
    );
    account.name = "work".into();
    account.kind = "business".into();
    // Not the default: the demo still shows signing in to the personal account.
    store.save_not_default(&account)?;
    Ok(())
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).ok();
        let mut hup = signal(SignalKind::hangup()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
            _ = async { match hup.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_specs() {
        let rule = parse_fault_spec("429:3:2").unwrap();
        assert_eq!(rule.times, 3);
        assert_eq!(rule.target, Target::Graph);
        assert_eq!(
            rule.fault,
            Fault::Status {
                status: 429,
                retry_after: Some(RetryAfter::Seconds(2))
            }
        );
        let rule = parse_fault_spec("partial-upload:1:100000").unwrap();
        assert_eq!(rule.fault, Fault::PartialAccept { bytes: 100_000 });
        assert_eq!(rule.target, Target::Upload);
        let rule = parse_fault_spec("500:2@download").unwrap();
        assert_eq!(rule.target, Target::Download);
        assert!(parse_fault_spec("418").is_err());
        assert!(parse_fault_spec("429:x").is_err());
        assert!(parse_fault_spec("429@mars").is_err());
    }
}
