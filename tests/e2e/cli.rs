//! The `odc` command line as a user runs it: the real binary, a clean HOME, and the
//! emulator (in this process) named by ODC_* variables, exactly as README says.

use std::path::{Path, PathBuf};
use std::process::Output;

use odc_emulator::{Emulator, EmulatorOptions, Seed, Settings};

pub(crate) struct Home {
    pub(crate) emu: Emulator,
    pub(crate) dir: tempfile::TempDir,
    /// More environment for every run (`BROWSER`, `DISPLAY`).
    env: std::sync::Mutex<Vec<(String, String)>>,
}

impl Home {
    pub(crate) async fn new(seed: Seed) -> Home {
        Self::on(seed, odc_emulator::Profile::Personal).await
    }

    /// A home whose emulated user has a drive of this profile.
    pub(crate) async fn on(seed: Seed, profile: odc_emulator::Profile) -> Home {
        let emu = Emulator::start(EmulatorOptions {
            seed,
            profile,
            settings: Settings {
                poll_interval_secs: 0,
                approve_after_polls: 1,
                ..Settings::default()
            },
            ..Default::default()
        })
        .await
        .unwrap();
        Home {
            emu,
            dir: tempfile::tempdir().unwrap(),
            env: Default::default(),
        }
    }

    /// Sets an environment variable for every later run.
    pub(crate) fn set_env(&self, name: &str, value: &str) {
        self.env.lock().unwrap().push((name.into(), value.into()));
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `odc ARGS` with a clean environment: this HOME, the emulator, a test app id.
    pub(crate) fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_odc"));
        let home = self.path("home");
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_STATE_HOME", home.join(".local/state"))
            .env("ODC_CLIENT_ID", "cli-test")
            .env("ODC_AUTHORITY_URL", self.emu.authority_url())
            .env("ODC_GRAPH_URL", self.emu.graph_url());
        for (name, value) in self.env.lock().unwrap().iter() {
            command.env(name, value);
        }
        command
    }

    pub(crate) async fn odc(&self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    }

    pub(crate) async fn ok(&self, args: &[&str]) -> String {
        let output = self.odc(args).await;
        assert!(
            output.status.success(),
            "odc {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

impl Home {
    /// stdout of a run expected to end with `status`.
    pub(crate) async fn ok_or_status(&self, args: &[&str], status: i32) -> String {
        let output = self.odc(args).await;
        assert_eq!(
            output.status.code(),
            Some(status),
            "odc {args:?}: {}",
            stderr(&output)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_browse_and_move_files_from_a_clean_home() {
    let home = Home::new(Seed::Demo).await;

    let before = home.odc(&["whoami"]).await;
    assert_eq!(before.status.code(), Some(1));
    assert!(
        stderr(&before).contains("sign in again with `odc login`"),
        "{}",
        stderr(&before)
    );

    let login = home.ok(&["login", "--no-browser"]).await;
    assert!(login.contains("/devicelogin and enter the code"), "{login}");
    assert!(
        login.contains('▀') || login.contains('█'),
        "QR code drawn: {login}"
    );
    assert!(
        login.contains(r#"Signed in as Ada Example (ada@example.com), account "ada" (personal)."#),
        "{login}"
    );
    // Signing in with the same account again renews it; nothing is added.
    let no_qr = home.ok(&["login", "--device-code", "--no-qr"]).await;
    assert!(no_qr.contains("Signed in again as Ada Example"), "{no_qr}");
    assert!(!no_qr.contains('▀') && !no_qr.contains('█'));
    let tokens = home.path("home/.local/share/odc/tokens.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&tokens).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let whoami = home.ok(&["whoami"]).await;
    assert!(
        whoami.starts_with("Ada Example (ada@example.com)\ndrive: personal, "),
        "{whoami}"
    );

    let ls = home.ok(&["ls"]).await;
    assert!(ls.lines().any(|l| l == "Documents/"), "{ls}");
    let long = home.ok(&["ls", "-l", "/Documents"]).await;
    assert!(
        long.lines()
            .any(|l| l.starts_with("d ") && l.ends_with("Ryan's Files/")),
        "{long}"
    );
    // --jsonl: one object per line.
    let jsonl = home.ok(&["ls", "--jsonl", "Documents"]).await;
    let readme = jsonl
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["name"] == "README.md")
        .unwrap();
    assert_eq!(readme["kind"], "file");
    let many = home.ok(&["ls", "/Many files"]).await;
    assert_eq!(many.lines().count(), 5000);

    // get a file and a folder
    let got = home.ok(&["get", "/Documents/README.md", "."]).await;
    assert!(got.is_empty(), "data commands print nothing on stdout");
    let expected = home.emu.read_file("/Documents/README.md").await.unwrap();
    assert_eq!(std::fs::read(home.path("README.md")).unwrap(), expected);
    home.ok(&["get", "/Documents", "docs"]).await;
    assert_eq!(
        std::fs::read(home.path("docs/Ryan's Files/doc (1).docx")).unwrap(),
        home.emu
            .read_file("/Documents/Ryan's Files/doc (1).docx")
            .await
            .unwrap()
    );

    // put a folder into an existing folder (and a big file through a session)
    std::fs::create_dir_all(home.path("up/inner")).unwrap();
    std::fs::write(home.path("up/a.txt"), b"alpha").unwrap();
    // Empty files go by simple PUT, which Graph refuses without Content-Length: 0.
    std::fs::write(home.path("up/inner/empty.txt"), b"").unwrap();
    let big: Vec<u8> = (0..6_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(home.path("up/inner/big.bin"), &big).unwrap();
    home.ok(&["mkdir", "-p", "/Backups/2026"]).await;
    let put = home.odc(&["put", "up", "/Backups/2026"]).await;
    assert!(put.status.success(), "{}", stderr(&put));
    assert!(
        stderr(&put).contains("uploaded /Backups/2026/up/inner/big.bin"),
        "{}",
        stderr(&put)
    );
    assert_eq!(
        home.emu.read_file("/Backups/2026/up/a.txt").await.unwrap(),
        b"alpha"
    );
    assert_eq!(
        home.emu
            .read_file("/Backups/2026/up/inner/big.bin")
            .await
            .unwrap(),
        big
    );
    assert_eq!(
        home.emu
            .read_file("/Backups/2026/up/inner/empty.txt")
            .await
            .unwrap(),
        b""
    );
    home.ok(&["get", "/Backups/2026/up", "back"]).await;
    assert_eq!(
        std::fs::read(home.path("back/inner/empty.txt")).unwrap(),
        b""
    );
    assert_eq!(std::fs::read(home.path("back/a.txt")).unwrap(), b"alpha");
    // A path ending with / means "into"; a new name means "as".
    home.ok(&["put", "up/a.txt", "/Backups/"]).await;
    home.ok(&["put", "up/a.txt", "/Backups/renamed.txt"]).await;
    assert!(home.emu.read_file("/Backups/a.txt").await.is_some());
    assert!(home.emu.read_file("/Backups/renamed.txt").await.is_some());
    let clobber = home.odc(&["put", "-n", "up/a.txt", "/Backups/a.txt"]).await;
    assert_eq!(clobber.status.code(), Some(1));
    assert!(
        stderr(&clobber).contains("/Backups/a.txt: an item with that name already exists"),
        "{}",
        stderr(&clobber)
    );

    // mv and rm
    home.ok(&["mv", "/Backups/a.txt", "/Backups/2026/"]).await;
    home.ok(&["mv", "/Backups/2026/a.txt", "/Backups/2026/b.txt"])
        .await;
    assert!(home.emu.read_file("/Backups/2026/b.txt").await.is_some());
    let refused = home.odc(&["rm", "/Backups"]).await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("/Backups: is a folder; use -r"));
    let removed = home.odc(&["rm", "-r", "/Backups"]).await;
    assert!(removed.status.success());
    assert!(stderr(&removed).contains("moved to the recycle bin"));
    assert!(removed.stdout.is_empty(), "a report, not data");
    home.emu.put_file("/Quiet/a.txt", b"a");
    let quiet = home.odc(&["rm", "-q", "-r", "/Quiet"]).await;
    assert!(quiet.status.success() && quiet.stderr.is_empty() && quiet.stdout.is_empty());
    let missing = home.odc(&["rm", "/Backups"]).await;
    assert_eq!(
        stderr(&missing).trim(),
        "odc: /Backups: not found on OneDrive"
    );

    let bad = home.odc(&["put", "up/a.txt", "/what?.txt"]).await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("OneDrive does not allow '?'"),
        "{}",
        stderr(&bad)
    );
    let usage = home.odc(&["get"]).await;
    assert_eq!(usage.status.code(), Some(2), "bad usage");

    let logout = home.ok(&["logout"]).await;
    assert!(
        logout.starts_with("Signed out ada@example.com: removed its tokens from ")
            && logout.trim().ends_with("tokens.json."),
        "{logout}"
    );
    assert!(home.ok(&["logout"]).await.starts_with("Not signed in"));
    assert_eq!(home.odc(&["whoami"]).await.status.code(), Some(1));
}

/// Everything below `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push(
                path.strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recursive_get_of_hostile_names_writes_nothing_outside_the_target() {
    let home = Home::new(Seed::Empty).await;
    let now = chrono::Utc::now();
    home.emu.with_drive(|drive| {
        let root = drive.root_id.clone();
        let folder = drive.insert_unchecked(&root, "Evil", None, now);
        for name in [
            "..",
            "a/b",
            "a\\b",
            "../../escape.txt",
            "\u{1b}[2J\u{1b}]0;pwned\u{7}",
            "bell\u{7}",
        ] {
            let content = bytes::Bytes::from(format!("hostile {name:?}"));
            drive.insert_unchecked(
                &folder,
                name,
                Some(odc_emulator::content::Content::Inline(content)),
                now,
            );
        }
        let dots = drive.insert_unchecked(&folder, "..", None, now);
        drive.insert_unchecked(
            &dots,
            "deep.txt",
            Some(odc_emulator::content::Content::Inline(
                bytes::Bytes::from_static(b"x"),
            )),
            now,
        );
        drive.insert_unchecked(
            &folder,
            "fine.txt",
            Some(odc_emulator::content::Content::Inline(
                bytes::Bytes::from_static(b"fine"),
            )),
            now,
        );
    });
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    std::fs::create_dir_all(home.path("target")).unwrap();
    let before_home = tree(home.dir.path())
        .into_iter()
        .filter(|p| !p.starts_with("target"))
        .collect::<Vec<_>>();

    let output = home.odc(&["get", "/Evil", "target"]).await;
    assert_eq!(output.status.code(), Some(1), "skipped items are failures");
    let err = stderr(&output);
    assert!(err.contains("cannot be saved locally"), "{err}");
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{7}'),
        "no raw escapes reach the terminal: {err:?}"
    );
    assert!(err.contains("\\x1b[2J"), "{err}");

    assert_eq!(tree(&home.path("target")), ["Evil", "Evil/fine.txt"]);
    assert_eq!(
        std::fs::read(home.path("target/Evil/fine.txt")).unwrap(),
        b"fine"
    );
    let after_home = tree(home.dir.path())
        .into_iter()
        .filter(|p| !p.starts_with("target"))
        .collect::<Vec<_>>();
    let new: Vec<_> = after_home
        .iter()
        .filter(|p| !before_home.contains(p) && !p.starts_with("home/.local/state"))
        .collect();
    assert!(new.is_empty(), "written outside the target: {new:?}");

    // ls escapes control characters too.
    let ls = home.ok(&["ls", "/Evil"]).await;
    assert!(
        !ls.contains('\u{1b}') && ls.contains("\\x1b]0;pwned\\x07"),
        "{ls:?}"
    );
}

impl Home {
    /// Starts `odc ARGS` without waiting; the caller signals and waits.
    fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    pub(crate) fn config(&self, text: &str) {
        let dir = self.path("home/.config/odc");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), text).unwrap();
    }

    fn resume_records(&self) -> serde_json::Value {
        let path = self.path("home/.local/state/odc/resume.json");
        serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|_| b"{}".to_vec())).unwrap()
    }
}

/// Sends `signal` once the command has been running for `after`, and returns its
/// exit status, its stderr and how long it took to stop after the signal.
async fn interrupt(
    child: std::process::Child,
    signal: i32,
    after: std::time::Duration,
    twice: bool,
) -> (Option<i32>, String, std::time::Duration) {
    tokio::task::spawn_blocking(move || {
        std::thread::sleep(after);
        let pid = child.id() as i32;
        let sent = std::time::Instant::now();
        // SAFETY: kill only sends a signal to our own child process.
        unsafe { libc::kill(pid, signal) };
        if twice {
            std::thread::sleep(std::time::Duration::from_millis(20));
            unsafe { libc::kill(pid, signal) };
        }
        let output = child.wait_with_output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
            sent.elapsed(),
        )
    })
    .await
    .unwrap()
}

/// Ctrl-C, SIGTERM and SIGHUP stop a transfer within a couple of seconds, keep
/// what was sent, and the same command run again continues it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_transfers_stop_promptly_and_continue_when_run_again() {
    let home = Home::new(Seed::Empty).await;
    home.config("[transfer]\nupload_fragment_bytes = 327680\nsimple_upload_max_bytes = 327680\n");
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let data: Vec<u8> = (0..4_000_000u32).map(|i| (i * 7 % 253) as u8).collect();
    std::fs::write(home.path("big.bin"), &data).unwrap();
    home.emu
        .configure(|s| s.bandwidth_bytes_per_sec = 1_000_000);

    // Ctrl-C during `put`: exit 130, the session kept and recorded.
    let child = home.spawn(&["put", "big.bin", "/big.bin"]);
    let (code, err, took) = interrupt(
        child,
        libc::SIGINT,
        std::time::Duration::from_millis(1500),
        false,
    )
    .await;
    assert_eq!(code, Some(130), "{err}");
    assert!(took < std::time::Duration::from_secs(3), "{took:?}");
    assert!(err.contains("interrupted"), "{err}");
    let records = home.resume_records();
    let record = records
        .as_object()
        .unwrap()
        .values()
        .next()
        .expect("recorded");
    assert!(record["upload_url"].is_string(), "{records}");
    // Typed as `big.bin`, kept absolute: continued from any folder (the UI).
    assert_eq!(
        record["local"].as_str(),
        home.path("big.bin").to_str(),
        "{records}"
    );
    assert!(home.emu.read_file("/big.bin").await.is_none());

    // Run again: the same session goes on from nextExpectedRanges.
    home.emu.configure(|s| s.bandwidth_bytes_per_sec = 0);
    let puts_before = count(&home, "PUT", "/up/");
    let again = stderr(&home.odc(&["put", "big.bin", "/big.bin"]).await);
    assert!(
        again.contains("uploaded /big.bin (3.81 MiB, continued from "),
        "the rate counts only this run: {again}"
    );
    assert_eq!(home.emu.read_file("/big.bin").await.unwrap(), data);
    assert_eq!(
        count(&home, "POST", "createUploadSession"),
        1,
        "one session throughout"
    );
    let fragments = data.len().div_ceil(327_680);
    let sent_again = count(&home, "PUT", "/up/") - puts_before;
    assert!(
        sent_again < fragments,
        "{sent_again} of {fragments} fragments sent again"
    );
    assert!(home.resume_records().as_object().unwrap().is_empty());

    // SIGTERM and SIGHUP during `get`: 143 and 129, the partial kept, then resumed.
    for (signal, status) in [(libc::SIGTERM, 143), (libc::SIGHUP, 129)] {
        let _ = std::fs::remove_file(home.path("copy.bin"));
        home.emu
            .configure(|s| s.bandwidth_bytes_per_sec = 1_000_000);
        let child = home.spawn(&["get", "/big.bin", "copy.bin"]);
        let (code, err, took) =
            interrupt(child, signal, std::time::Duration::from_millis(1500), false).await;
        assert_eq!(code, Some(status), "{err}");
        assert!(took < std::time::Duration::from_secs(3), "{took:?}");
        assert!(!home.path("copy.bin").exists());
        let partial = std::fs::metadata(home.path("copy.bin.odc-partial")).unwrap();
        assert!(partial.len() > 0 && partial.len() < data.len() as u64);
        home.emu.configure(|s| s.bandwidth_bytes_per_sec = 0);
        let ranged = count(&home, "GET", "/dl/");
        let again = stderr(&home.odc(&["get", "/big.bin", "copy.bin"]).await);
        assert!(again.contains(", continued from "), "{again}");
        assert_eq!(std::fs::read(home.path("copy.bin")).unwrap(), data);
        assert!(count(&home, "GET", "/dl/") > ranged);
        assert!(
            home.emu
                .requests()
                .iter()
                .any(|r| r.path.contains("/dl/") && r.status == 206),
            "continued with a Range request"
        );
    }

    // A second Ctrl-C ends the command at once.
    home.emu.configure(|s| s.bandwidth_bytes_per_sec = 200_000);
    std::fs::write(home.path("big2.bin"), &data).unwrap();
    let child = home.spawn(&["put", "big2.bin", "/big2.bin"]);
    let (code, _, took) = interrupt(
        child,
        libc::SIGINT,
        std::time::Duration::from_millis(800),
        true,
    )
    .await;
    assert_eq!(code, Some(130));
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");
}

pub(crate) fn count(home: &Home, method: &str, path: &str) -> usize {
    home.emu
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path.contains(path))
        .count()
}

/// `mkdir` behaves like mkdir(1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mkdir_like_mkdir_1() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    home.ok(&["mkdir", "/A"]).await;
    let again = home.odc(&["mkdir", "/A"]).await;
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(stderr(&again).trim(), "odc: /A: exists");
    let missing = home.odc(&["mkdir", "/B/C"]).await;
    assert_eq!(missing.status.code(), Some(3), "a folder not found");
    assert!(
        stderr(&missing).contains("no folder /B (use -p"),
        "{}",
        stderr(&missing)
    );
    home.ok(&["mkdir", "-p", "/B/C"]).await;
    home.ok(&["mkdir", "-p", "/B/C"]).await;
    home.ok(&["mkdir", "--parents", "/A"]).await;
    home.emu.put_file("/file.txt", b"x");
    let under_file = home.odc(&["mkdir", "/file.txt/D"]).await;
    assert!(
        stderr(&under_file).contains("is a file"),
        "{}",
        stderr(&under_file)
    );
    let over_file = home.odc(&["mkdir", "-p", "/file.txt"]).await;
    assert_eq!(over_file.status.code(), Some(1));
    let ls = home.ok(&["ls", "/B"]).await;
    assert!(ls.contains("C/"), "{ls}");
}

/// `odc mv A B C FOLDER` moves several items like mv(1), in JSON batches: each
/// failure is reported for its item (exit 1) and the others still move.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mv_moves_several_items_into_a_folder_in_batches() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let mut args = vec!["mv".to_string()];
    for i in 0..25 {
        home.emu.put_file(&format!("/in/f{i:02}.txt"), b"x");
        args.push(format!("/in/f{i:02}.txt"));
    }
    home.emu.put_file("/out/f03.txt", b"already here");
    args.push("/in/missing.txt".into());
    args.push("/out".into());
    home.emu.clear_requests();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = home.odc(&argv).await;
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let errors = stderr(&run);
    assert!(errors.contains("/in/missing.txt: not found"), "{errors}");
    assert!(errors.contains("/in/f03.txt: "), "{errors}");
    assert_eq!(errors.lines().count(), 2, "{errors}");
    for i in (0..25).filter(|i| *i != 3) {
        assert!(
            home.emu
                .read_file(&format!("/out/f{i:02}.txt"))
                .await
                .is_some()
        );
        assert!(
            home.emu
                .read_file(&format!("/in/f{i:02}.txt"))
                .await
                .is_none()
        );
    }
    assert_eq!(
        home.emu.read_file("/out/f03.txt").await.unwrap(),
        b"already here",
        "nothing replaced"
    );
    let log = home.emu.requests();
    let alone = log
        .iter()
        .filter(|r| r.method == "PATCH" && !r.in_batch)
        .count();
    assert_eq!(alone, 0, "every move went in a batch");
    let batches = log.iter().filter(|r| r.path.ends_with("/$batch")).count();
    assert!(batches <= 4, "{batches} batches: 26 lookups and 24 moves");

    // Several sources need a folder at the end.
    home.emu.put_file("/x.txt", b"x");
    let not_folder = home
        .odc(&["mv", "/out/f00.txt", "/out/f01.txt", "/x.txt"])
        .await;
    assert_eq!(not_folder.status.code(), Some(1));
    assert!(
        stderr(&not_folder).contains("/x.txt: is not a folder"),
        "{}",
        stderr(&not_folder)
    );
}

/// `ls --json` is one JSON document (`odc ls --json / | jq length` works), with the
/// fields scripts need; `-R` recurses; `--bytes` gives exact sizes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_json_is_one_document_and_recursion_and_bytes() {
    let home = Home::new(Seed::Demo).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let text = home.ok(&["ls", "--json", "/"]).await;
    let doc: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
    let items = doc.as_array().unwrap();
    assert!(items.len() >= 3, "{text}");
    let documents = items.iter().find(|v| v["name"] == "Documents").unwrap();
    assert_eq!(documents["path"], "/Documents");
    assert_eq!(documents["kind"], "folder");
    for key in ["size", "modified", "id", "mimeType", "hashes"] {
        assert!(documents.get(key).is_some(), "{key} missing: {documents}");
    }
    let files: serde_json::Value =
        serde_json::from_str(&home.ok(&["ls", "--json", "/Documents"]).await).unwrap();
    let readme = files
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "README.md")
        .unwrap();
    assert_eq!(readme["path"], "/Documents/README.md");
    assert!(readme["hashes"]["quickXorHash"].is_string());
    assert!(readme["mimeType"].is_string());
    let bytes = home.emu.read_file("/Documents/README.md").await.unwrap();
    assert_eq!(readme["size"], bytes.len());

    // 5,000 items across five pages: still one document.
    let many: serde_json::Value =
        serde_json::from_str(&home.ok(&["ls", "--json", "/Many files"]).await).unwrap();
    assert_eq!(many.as_array().unwrap().len(), 5000);
    // An empty folder is an empty array.
    home.ok(&["mkdir", "/Empty"]).await;
    assert_eq!(home.ok(&["ls", "--json", "/Empty"]).await.trim(), "[]");

    let tree = home.ok(&["ls", "-R", "/Documents"]).await;
    assert!(
        tree.lines()
            .any(|l| l.starts_with("Ryan's Files/") && l.len() > 13),
        "{tree}"
    );
    let recursive_json: serde_json::Value =
        serde_json::from_str(&home.ok(&["ls", "-R", "--json", "/Documents"]).await).unwrap();
    assert!(recursive_json.as_array().unwrap().iter().any(|v| {
        v["path"]
            .as_str()
            .unwrap()
            .starts_with("/Documents/Ryan's Files/")
    }));
    let long = home.ok(&["ls", "-l", "--bytes", "/Documents"]).await;
    let line = long.lines().find(|l| l.ends_with("README.md")).unwrap();
    assert!(line.contains(&format!(" {} ", bytes.len())), "{line}");

    let who: serde_json::Value =
        serde_json::from_str(&home.ok(&["whoami", "--json"]).await).unwrap();
    assert!(
        who["account"].is_string() && who["quota"]["total"].is_u64(),
        "{who}"
    );
}

impl Home {
    /// Runs `odc ARGS` with `input` on stdin; returns the whole output.
    async fn odc_stdin(&self, args: &[&str], input: Vec<u8>) -> Output {
        let mut command = self.command(args);
        command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().unwrap();
            let mut stdin = child.stdin.take().unwrap();
            let writer = std::thread::spawn(move || {
                use std::io::Write;
                let _ = stdin.write_all(&input);
            });
            let output = child.wait_with_output().unwrap();
            writer.join().unwrap();
            output
        })
        .await
        .unwrap()
    }
}

/// `put -` reads stdin; `cat` and `get PATH -` write stdout: exact bytes both ways,
/// across a dropped connection too, and nothing is left on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_streams_round_trip_exact_bytes() {
    let home = Home::new(Seed::Empty).await;
    home.config("[transfer]\nupload_fragment_bytes = 327680\nsimple_upload_max_bytes = 327680\n");
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    for (name, data) in [
        ("empty.bin", Vec::new()),
        ("small.bin", b"hello\x00\xff\x1b[2J world\n".to_vec()),
        (
            "big.bin",
            (0..1_500_000u32).map(|i| (i * 31 % 251) as u8).collect(),
        ),
    ] {
        let remote = format!("/{name}");
        let put = home.odc_stdin(&["put", "-", &remote], data.clone()).await;
        assert!(put.status.success(), "{}", stderr(&put));
        assert_eq!(home.emu.read_file(&remote).await.unwrap(), data, "{name}");
        let cat = home.odc(&["cat", &remote]).await;
        assert!(cat.status.success(), "{}", stderr(&cat));
        assert_eq!(cat.stdout, data, "{name}");
        let get = home.odc(&["get", &remote, "-"]).await;
        assert_eq!(get.stdout, data, "{name}");
    }
    // A connection cut mid-body: the stream continues from where it was.
    home.emu.add_fault(odc_emulator::FaultRule::new(
        odc_emulator::Target::Download,
        odc_emulator::Fault::DropMidBody {
            after_bytes: 400_000,
        },
        1,
    ));
    let cat = home.odc(&["cat", "/big.bin"]).await;
    assert!(cat.status.success(), "{}", stderr(&cat));
    assert_eq!(cat.stdout, home.emu.read_file("/big.bin").await.unwrap());
    assert!(
        home.emu
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/dl/") && r.status == 206),
        "continued with a Range request"
    );
    // Nothing was written to the working directory.
    let left: Vec<_> = std::fs::read_dir(home.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "home")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // -n keeps an existing file; a folder target needs a file name.
    let kept = home
        .odc_stdin(&["put", "-n", "-", "/small.bin"], b"other".to_vec())
        .await;
    assert_eq!(kept.status.code(), Some(1));
    assert!(
        stderr(&kept).contains("already exists"),
        "{}",
        stderr(&kept)
    );
    let folder = home.odc_stdin(&["put", "-", "/"], b"x".to_vec()).await;
    assert!(
        stderr(&folder).contains("name the file"),
        "{}",
        stderr(&folder)
    );
    let missing = home.odc(&["cat", "/nope.txt"]).await;
    assert_eq!(missing.status.code(), Some(4), "a file not found");
}

/// Exit statuses a script can rely on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_a_script_can_use() {
    let home = Home::new(Seed::Demo).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let frob = home.odc(&["frob"]).await;
    assert_eq!(frob.status.code(), Some(2));
    assert!(
        stderr(&frob).contains("no command or folder named frob"),
        "{}",
        stderr(&frob)
    );
    // The UI without a terminal (the test's pipes) says so and points at the commands.
    let ui = home.odc(&[]).await;
    assert_eq!(ui.status.code(), Some(2));
    assert!(stderr(&ui).contains("needs a terminal"), "{}", stderr(&ui));
    assert_eq!(home.odc(&["get"]).await.status.code(), Some(2), "usage");
    assert_eq!(
        home.odc(&["ls", "/No such folder"]).await.status.code(),
        Some(3)
    );
    assert_eq!(
        home.odc(&["mkdir", "/No such/x"]).await.status.code(),
        Some(3)
    );
    assert_eq!(home.odc(&["cat", "/nope.txt"]).await.status.code(), Some(4));
    assert_eq!(
        home.odc(&["get", "/nope.txt", "x"]).await.status.code(),
        Some(4)
    );
    assert_eq!(
        home.odc(&["put", "missing.txt", "/"]).await.status.code(),
        Some(4)
    );
    let missing = home.odc(&["cat", "/nope.txt"]).await;
    assert_eq!(
        stderr(&missing).trim(),
        "odc: /nope.txt: not found on OneDrive"
    );
    let help = home.ok(&["--help"]).await;
    assert!(
        help.contains("3 a folder not found; 4 a file not found"),
        "{help}"
    );
}

/// Targets mean one thing: a trailing `/` is "into this folder" for `put` and
/// `get`, missing folders are made for a single file too, a file where a folder
/// is meant is named as such, `-n` keeps local files, and `--dry-run` writes
/// nothing anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_no_clobber_and_dry_runs() {
    let home = Home::new(Seed::Demo).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    std::fs::write(home.path("f.txt"), b"eff").unwrap();
    home.ok(&["put", "f.txt", "/NewDir/"]).await;
    assert_eq!(home.emu.read_file("/NewDir/f.txt").await.unwrap(), b"eff");
    home.ok(&["put", "f.txt", "/Deep/er/name.txt"]).await;
    assert_eq!(
        home.emu.read_file("/Deep/er/name.txt").await.unwrap(),
        b"eff"
    );
    let onto_file = home.odc(&["put", "f.txt", "/NewDir/f.txt/"]).await;
    assert_eq!(onto_file.status.code(), Some(1));
    assert!(
        stderr(&onto_file).contains("/NewDir/f.txt is a file"),
        "{}",
        stderr(&onto_file)
    );

    home.ok(&["get", "/Documents/README.md", "fresh/"]).await;
    let readme = home.emu.read_file("/Documents/README.md").await.unwrap();
    assert_eq!(std::fs::read(home.path("fresh/README.md")).unwrap(), readme);
    let folder_onto_file = home.odc(&["get", "/Documents", "f.txt"]).await;
    assert!(
        stderr(&folder_onto_file).contains("f.txt is a file"),
        "{}",
        stderr(&folder_onto_file)
    );
    assert_eq!(std::fs::read(home.path("f.txt")).unwrap(), b"eff");
    let kept = home
        .odc(&["get", "-n", "/NewDir/f.txt", "fresh/README.md"])
        .await;
    assert_eq!(kept.status.code(), Some(1));
    assert_eq!(
        std::fs::read(home.path("fresh/README.md")).unwrap(),
        readme,
        "kept"
    );

    // Dry runs: the plan is printed, no writing request is sent, nothing is written.
    home.emu.clear_requests();
    std::fs::create_dir_all(home.path("tree/sub")).unwrap();
    std::fs::write(home.path("tree/sub/x.bin"), vec![7u8; 5000]).unwrap();
    let put = home.ok(&["put", "--dry-run", "tree", "/Planned/"]).await;
    assert!(put.contains("would create folder /Planned"), "{put}");
    assert!(
        put.contains("would upload") && put.contains("tree/sub/x.bin"),
        "{put}"
    );
    let get = home
        .ok(&["get", "--dry-run", "/Documents", "planned-here/"])
        .await;
    assert!(
        get.contains("would download OneDrive:/Documents/README.md"),
        "{get}"
    );
    assert!(!home.path("planned-here").exists());
    let rm = home.ok(&["rm", "--dry-run", "-r", "/Documents"]).await;
    assert!(rm.contains("would delete /Documents"), "{rm}");
    let mv = home
        .ok(&["mv", "--dry-run", "/NewDir/f.txt", "/Deep/"])
        .await;
    assert!(
        mv.contains("would move /NewDir/f.txt to /Deep/f.txt"),
        "{mv}"
    );
    let writes: Vec<_> = home
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .filter(|r| !r.path.contains("/oauth2/"))
        // A batch of lookups is a POST; what it carries is logged on its own.
        .filter(|r| !r.path.ends_with("/$batch"))
        .collect();
    assert!(writes.is_empty(), "dry runs sent {writes:?}");
    assert!(home.emu.read_file("/Documents/README.md").await.is_some());
}

/// Settings are easy to find: path, effective values with their origin, the
/// commented defaults, an editor round trip that checks the result, a man page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_commands_and_the_man_page() {
    let home = Home::new(Seed::Empty).await;
    let path = home.ok(&["config", "path"]).await;
    let expected = home.path("home/.config/odc/config.toml");
    assert_eq!(path.trim(), expected.display().to_string());
    let defaults = home.ok(&["config", "defaults"]).await;
    assert_eq!(defaults, odc_core::config::DEFAULT_TOML);

    // An "editor" that appends a setting, as a person would type it.
    let editor = home.path("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '[transfer]\\nconcurrency = 3\\n' >> \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut command = home.command(&["config", "edit"]);
    command.env("EDITOR", &editor);
    let edit = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(edit.status.success(), "{}", stderr(&edit));
    let show = home.ok(&["config", "show"]).await;
    let line = show
        .lines()
        .find(|l| l.starts_with("transfer.concurrency"))
        .unwrap();
    assert!(
        line.contains("= 3") && line.contains(&expected.display().to_string()),
        "{line}"
    );
    let env_line = show
        .lines()
        .find(|l| l.starts_with("account.client_id"))
        .unwrap();
    assert!(env_line.contains("environment ODC_CLIENT_ID"), "{env_line}");
    let default_line = show
        .lines()
        .find(|l| l.starts_with("transfer.page_size"))
        .unwrap();
    assert!(default_line.ends_with("# default"), "{default_line}");

    // A broken file: line and column, and `config path` still works.
    std::fs::write(&expected, "[transfer\nconcurrency = 3\n").unwrap();
    let broken = home.odc(&["ls"]).await;
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains("line 1, column"),
        "{}",
        stderr(&broken)
    );
    assert!(home.odc(&["config", "path"]).await.status.success());
    std::fs::remove_file(&expected).unwrap();

    // No client id: the message says where to put it.
    let mut command = home.command(&["whoami"]);
    command.env_remove("ODC_CLIENT_ID");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(
        stderr(&output).contains(&expected.display().to_string()),
        "{}",
        stderr(&output)
    );

    let man = home.ok(&["man"]).await;
    assert!(man.contains(".TH odc"), "{man}");
    for command in ["login", "ls", "get", "put", "cat", "mkdir", "config"] {
        assert!(man.contains(command), "{command} missing from the man page");
    }
}

/// `-v`/`-vv` raise the log level for one run, `--log-file` puts the log where
/// asked; the default log rotates in the state directory; tokens never appear.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbosity_and_log_files() {
    let home = Home::new(Seed::Demo).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let log = home.path("debug.log");
    home.ok(&[
        "-vv",
        "--log-file",
        log.to_str().unwrap(),
        "ls",
        "/Documents",
    ])
    .await;
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("DEBUG") && text.contains("/children -> 200"),
        "{text}"
    );
    let tokens: serde_json::Value = serde_json::from_slice(
        &std::fs::read(home.path("home/.local/share/odc/tokens.json")).unwrap(),
    )
    .unwrap();
    let access = tokens["accounts"]["ada@example.com"]["access_token"]
        .as_str()
        .unwrap();
    assert!(!text.contains(access), "no token in the log");

    // Without -v, debug lines are not written.
    let quiet = home.path("quiet.log");
    home.ok(&["--log-file", quiet.to_str().unwrap(), "ls", "/Documents"])
        .await;
    assert!(!std::fs::read_to_string(&quiet).unwrap().contains("DEBUG"));

    // The default log: a dated file in the state directory.
    home.ok(&["-v", "ls"]).await;
    let state = home.path("home/.local/state/odc");
    let dated: Vec<String> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("odc.") && n.ends_with(".log"))
        .collect();
    assert!(!dated.is_empty(), "no rotating log in {state:?}");

    // ODC_LOG picks targets and levels; one it cannot read is said in the log, and
    // the run goes on at the default level.
    let chosen = home.path("chosen.log");
    let mut command = home.command(&["--log-file", chosen.to_str().unwrap(), "ls", "/Documents"]);
    command.env("ODC_LOG", "odc=debug");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(output.status.success());
    assert!(std::fs::read_to_string(&chosen).unwrap().contains("DEBUG"));
    let refused = home.path("refused.log");
    let mut command = home.command(&["--log-file", refused.to_str().unwrap(), "ls", "/Documents"]);
    command.env("ODC_LOG", "odc=loud");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(output.status.success());
    let text = std::fs::read_to_string(&refused).unwrap();
    assert!(
        text.contains("ODC_LOG=\"odc=loud\" is not a filter") && !text.contains("DEBUG"),
        "{text}"
    );
}

/// `odc link`: the link alone on stdout (for scripts), what it allows on stderr;
/// the same link again for the same kind; a missing item is status 4, as elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_prints_a_sharing_link() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    home.emu.put_file("/report.pdf", b"%PDF");
    let view = home.odc(&["link", "/report.pdf"]).await;
    assert!(view.status.success(), "{}", stderr(&view));
    let url = String::from_utf8(view.stdout.clone()).unwrap();
    assert!(
        url.starts_with("http") && url.ends_with('\n') && url.lines().count() == 1,
        "{url}"
    );
    assert!(
        stderr(&view).contains("a view link for anyone with the link"),
        "{}",
        stderr(&view)
    );
    assert_eq!(
        home.ok(&["link", "/report.pdf"]).await,
        url,
        "asked again: the same link"
    );
    let edit = home.ok(&["link", "/report.pdf", "--edit"]).await;
    assert_ne!(edit, url);
    let org = home
        .odc(&["link", "/report.pdf", "--scope", "organization"])
        .await;
    assert_eq!(
        org.status.code(),
        Some(1),
        "personal drives have no organization links"
    );
    assert!(
        stderr(&org).contains("only available in OneDrive for Business"),
        "{}",
        stderr(&org)
    );
    let missing = home.odc(&["link", "/nope.pdf"]).await;
    assert_eq!(
        missing.status.code(),
        Some(4),
        "as for other commands: not found"
    );
}

/// `odc check`: a local folder against its OneDrive copy, both ways round; every
/// kind of difference, a same-size change found by hash, names matched regardless
/// of case; exit 0 when identical and 1 when not; a second run reads no local file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_compares_a_local_folder_with_its_onedrive_copy() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let tree = home.path("tree");
    std::fs::create_dir_all(tree.join("sub/deeper")).unwrap();
    std::fs::write(tree.join("a.txt"), b"alpha").unwrap();
    std::fs::write(tree.join("sub/b.txt"), b"bravo").unwrap();
    std::fs::write(tree.join("sub/deeper/c.bin"), b"charlie").unwrap();
    std::fs::write(tree.join("empty"), b"").unwrap();
    home.ok(&["put", "tree", "/Backup"]).await;

    let same = home.odc(&["check", "tree", "OneDrive:/Backup"]).await;
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert_eq!(String::from_utf8_lossy(&same.stdout), "");
    assert!(stderr(&same).contains("\n4 same"), "{}", stderr(&same));
    assert!(
        stderr(&same).contains("OneDrive:/Backup: read whole"),
        "{}",
        stderr(&same)
    );

    // Same size, other bytes on OneDrive; one file only here, one only there; a
    // name that differs only in case is the same file.
    home.emu.put_file("/Backup/sub/b.txt", b"BRAVO");
    std::fs::write(tree.join("new.txt"), b"only local").unwrap();
    home.emu.put_file("/Backup/remote only.txt", b"x");
    std::fs::rename(tree.join("a.txt"), tree.join("A.TXT")).unwrap();
    let differ = home.odc(&["check", "tree", "OneDrive:/Backup"]).await;
    assert_eq!(differ.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&differ.stdout),
        "+ new.txt\n- remote only.txt\n* sub/b.txt\n"
    );
    let summary = stderr(&differ);
    assert!(
        summary.contains("1 different") && summary.contains("1 only in SRC"),
        "{summary}"
    );
    assert!(
        summary.contains("local hashes: 1 read, 2 from the cache"),
        "unchanged files come from the cache; the renamed one is read again: {summary}"
    );

    // The other way round, the markers swap; --quick reads nothing and still sees
    // the one-sided files.
    let reversed = home
        .ok_or_status(&["check", "OneDrive:/Backup", "tree"], 1)
        .await;
    assert!(
        reversed.contains("- new.txt") && reversed.contains("+ remote only.txt"),
        "{reversed}"
    );
    let quick = home
        .odc(&["check", "--quick", "tree", "OneDrive:/Backup"])
        .await;
    assert_eq!(quick.status.code(), Some(1));
    assert!(
        !stderr(&quick).contains("local hashes"),
        "{}",
        stderr(&quick)
    );
    let missing = home.odc(&["check", "tree", "OneDrive:/Nope"]).await;
    assert_eq!(missing.status.code(), Some(3), "{}", stderr(&missing));
}

/// `odc sync`: the preview lists what a run then does; afterwards `check` finds the
/// two sides the same; `--delete` sends OneDrive items to the recycle bin and local
/// files to the trash, never deleting for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_makes_the_destination_like_the_source() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let tree = home.path("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("a.txt"), b"alpha").unwrap();
    std::fs::write(tree.join("sub/b.txt"), b"bravo").unwrap();
    home.emu.put_file("/Mirror/a.txt", b"ALPHA"); // differs, same size
    home.emu.put_file("/Mirror/stale.txt", b"only there");

    let preview = home
        .ok(&["sync", "--dry-run", "--delete", "tree", "OneDrive:/Mirror"])
        .await;
    assert_eq!(preview, "- stale.txt\n+ sub\n* a.txt\n");
    let before = home.odc(&["check", "tree", "OneDrive:/Mirror"]).await;
    assert_eq!(before.status.code(), Some(1), "a dry run changes nothing");

    let run = home
        .odc(&["sync", "--delete", "tree", "OneDrive:/Mirror"])
        .await;
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("to copy: 1 (5 B), to replace: 1 (5 B), to delete: 1"),
        "{}",
        stderr(&run)
    );
    let after = home.odc(&["check", "tree", "OneDrive:/Mirror"]).await;
    assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
    assert_eq!(home.emu.read_file("/Mirror/a.txt").await.unwrap(), b"alpha");
    let quota = home.ok(&["whoami", "--json"]).await;
    let quota: serde_json::Value = serde_json::from_str(&quota).unwrap();
    assert!(
        quota["quota"]["deleted"].as_u64().unwrap() >= 10,
        "stale.txt is in the recycle bin"
    );

    // The other way: a local file only here goes to the trash, not away for good.
    std::fs::write(tree.join("local only.txt"), b"keep me somewhere").unwrap();
    let back = home
        .odc(&["sync", "--delete", "OneDrive:/Mirror", "tree"])
        .await;
    assert!(back.status.success(), "{}", stderr(&back));
    assert!(!tree.join("local only.txt").exists());
    let trashed = home.path("home/.local/share/Trash/files/local only.txt");
    assert_eq!(std::fs::read(&trashed).unwrap(), b"keep me somewhere");
}

/// `--checksum`, `--ignore-existing` and `--update` as rclone users know them: put
/// and get leave what is already there and say how many they skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_and_get_skip_what_is_already_there() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let tree = home.path("tree");
    std::fs::create_dir_all(&tree).unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        std::fs::write(tree.join(name), format!("content of {name}")).unwrap();
    }
    home.ok(&["put", "tree", "/"]).await; // makes /tree
    // Uploads that wrote something (a skipped file may still have met a 409 first).
    let uploads = |home: &Home| {
        home.emu
            .requests()
            .iter()
            .filter(|r| r.method == "PUT" && r.path.contains("/content") && r.status < 300)
            .count()
    };

    // Nothing changed: nothing is sent.
    let before = uploads(&home);
    let run = home.odc(&["put", "--checksum", "tree", "/"]).await;
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("skipped 3 file(s): same size and QuickXorHash"),
        "{}",
        stderr(&run)
    );
    assert_eq!(uploads(&home), before);

    // The same size, other bytes: only that one goes.
    std::fs::write(tree.join("b.txt"), b"CONTENT OF b.txt").unwrap();
    let run = home.odc(&["put", "--checksum", "tree", "/"]).await;
    assert!(
        stderr(&run).contains("skipped 2 file(s)"),
        "{}",
        stderr(&run)
    );
    assert_eq!(uploads(&home), before + 1);
    assert_eq!(
        home.emu.read_file("/tree/b.txt").await.unwrap(),
        b"CONTENT OF b.txt"
    );

    // --ignore-existing: only the new file goes; what exists is skipped, not failed.
    std::fs::write(tree.join("d.txt"), b"new").unwrap();
    let before = uploads(&home);
    let run = home.odc(&["put", "--ignore-existing", "tree", "/"]).await;
    assert!(
        run.status.success(),
        "skipped is not failed: {}",
        stderr(&run)
    );
    assert!(
        stderr(&run).contains("skipped 3 file(s): it exists already"),
        "{}",
        stderr(&run)
    );
    assert_eq!(uploads(&home), before + 1);

    // get --update: the local file is newer than OneDrive's, so it stays.
    let local = home.path("a.txt");
    std::fs::write(&local, b"edited here, later").unwrap();
    let run = home.odc(&["get", "--update", "/tree/a.txt", "a.txt"]).await;
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("as new or newer"), "{}", stderr(&run));
    assert_eq!(std::fs::read(&local).unwrap(), b"edited here, later");
    // get --checksum of a folder whose copy is already here: nothing downloaded.
    home.ok(&["get", "/tree", "copy/"]).await;
    let run = home.odc(&["get", "--checksum", "/tree", "copy/"]).await;
    assert!(
        stderr(&run).contains("skipped 4 file(s): same size and QuickXorHash"),
        "{}",
        stderr(&run)
    );
    // -n and --checksum do not go together.
    let both = home
        .odc(&["get", "-n", "--checksum", "/tree/a.txt", "a.txt"])
        .await;
    assert_eq!(both.status.code(), Some(2));
}
