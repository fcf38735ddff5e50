//! End to end: the real binary in a pseudo-terminal, its screen read through a
//! terminal parser (vt100). `odc demo` signs in by device code against its embedded
//! emulator, then we browse, enter the 5,000-file folder, filter and quit.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

fn nz(n: u16) -> std::num::NonZero<u16> {
    std::num::NonZero::new(n).unwrap()
}

struct Screen {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

struct Pty {
    screen: Arc<Mutex<Screen>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    _dir: tempfile::TempDir,
}

impl Pty {
    fn demo(cols: u16, rows: u16) -> Pty {
        Self::demo_with(cols, rows, &[])
    }

    fn demo_with(cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("local-file.txt"), b"hello").unwrap();
        std::fs::create_dir(dir.path().join("local-folder")).unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_odc"));
        command.arg("demo");
        command.cwd(dir.path());
        command.env("HOME", dir.path());
        command.env("XDG_STATE_HOME", dir.path().join("state"));
        command.env("XDG_CONFIG_HOME", dir.path().join("config"));
        command.env("XDG_DATA_HOME", dir.path().join("data"));
        // The harness's terminal answers no queries: pictures in half blocks.
        command.env("ODC_GRAPHICS", "halfblocks");
        for (key, value) in env {
            command.env(key, value);
        }
        Self::spawn(cols, rows, command, dir)
    }

    /// Runs `command` in a fresh pseudo-terminal of `cols` × `rows`.
    fn spawn(cols: u16, rows: u16, mut command: CommandBuilder, dir: tempfile::TempDir) -> Pty {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        command.env("TERM", "xterm-256color");
        command.env_remove("DISPLAY");
        command.env_remove("WAYLAND_DISPLAY");
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(Screen {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            raw: Vec::new(),
        }));
        let sink = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut screen = sink.lock().unwrap();
                screen.parser.process(&buf[..n]);
                screen.raw.extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            screen,
            writer,
            child,
            master: pty.master,
            _dir: dir,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().parser.screen().contents()
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let contents = self.contents();
            if contents.contains(text) {
                return contents;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; screen:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_until(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let contents = self.contents();
            if check(&contents) {
                return contents;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "odc did not exit; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn raw(&self) -> Vec<u8> {
        self.screen.lock().unwrap().raw.clone()
    }

    fn assert_restored(&self) {
        let raw = self.raw();
        let text = String::from_utf8_lossy(&raw);
        let entered = text
            .rfind("\u{1b}[?1049h")
            .expect("entered the alternate screen");
        let left = text
            .rfind("\u{1b}[?1049l")
            .expect("left the alternate screen");
        assert!(left > entered, "the alternate screen was left last");
        assert!(
            text[left..].contains("\u{1b}[?25h")
                || text[..left]
                    .rfind("\u{1b}[?25h")
                    .is_some_and(|i| i > entered),
            "cursor shown again"
        );
        assert!(text.contains("\u{1b}[?1000l"), "mouse capture turned off");
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A panic in any background task gives the terminal back, prints the message and
/// ends the process with a failure status: never a UI that silently stops drawing.
#[test]
fn a_panic_in_a_background_task_restores_the_terminal_and_exits() {
    let mut pty = Pty::demo_with(80, 24, &[("ODC_DEBUG_PANIC_IN_TASK", "1")]);
    let status = pty.wait_exit();
    assert!(!status.success(), "{status:?}");
    assert_eq!(status.exit_code(), 101);
    pty.assert_restored();
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    let left = raw.rfind("\u{1b}[?1049l").unwrap();
    assert!(
        raw[left..].contains("ODC_DEBUG_PANIC_IN_TASK"),
        "the message comes after the terminal is restored"
    );
}

#[test]
fn demo_sign_in_browse_filter_and_quit() {
    let mut pty = Pty::demo(100, 30);
    // The sign-in flow is shown, with a code, while the local pane already works.
    let screen = pty.wait_for("and enter the code");
    assert!(screen.contains("/devicelogin"), "{screen}");
    assert!(
        screen.contains("local-file.txt"),
        "the local pane works while signed out:\n{screen}"
    );
    // The emulator approves the code after a few polls: then both panes.
    let screen = pty.wait_for("Many files/");
    assert!(
        screen.contains("Documents/") && screen.contains("Ünïcødé 😀.txt"),
        "{screen}"
    );
    pty.wait_for("ada@example.com");

    // Into the 5,000-file folder.
    pty.send(b"\t");
    pty.send(b"jj");
    pty.send(b"\r");
    let screen = pty.wait_for("file-00001.txt");
    assert!(screen.contains("OneDrive:/Many files"), "{screen}");
    pty.wait_until("all 5,000 to load", |s| !s.contains("loading"));
    pty.send(b"G");
    pty.wait_for("file-05000.txt");

    // Filter as you type.
    // One condition for the whole frame: the list and the prompt may arrive in
    // two writes, and a screen read between them is not the answer.
    pty.send(b"/4242");
    pty.wait_until("the filter to apply, with its prompt", |s| {
        s.contains("file-04242.txt") && !s.contains("file-05000.txt") && s.contains("/4242")
    });
    pty.send(b"\r");
    pty.send(b"\x1b");
    // The filter is gone and the cursor stays on the file it was on.
    pty.wait_until("the neighbours of file-04242.txt", |s| {
        s.contains("file-04241.txt") && s.contains("file-04242.txt")
    });

    // Back to the parent: the cursor lands on the folder we left.
    pty.send(&[0x7f]);
    pty.wait_for("Photos/");

    // Help, then quit.
    pty.send(b"?");
    pty.wait_for("(Up/Down scroll, other keys close)");
    pty.send(b"x");
    pty.send(b"q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
}

#[test]
fn resize_to_tiny_and_back_then_sigterm_restores_the_terminal() {
    let mut pty = Pty::demo(80, 24);
    pty.wait_for("local-file.txt");
    // The screen model takes the new size first: odc redraws once on the resize and
    // never while idle, so a redraw parsed at the old size would never be repaired.
    pty.screen
        .lock()
        .unwrap()
        .parser
        .screen_mut()
        .set_size(nz(10), nz(30));
    pty.master
        .resize(PtySize {
            rows: 10,
            cols: 30,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    pty.wait_for("Terminal too small");
    pty.screen
        .lock()
        .unwrap()
        .parser
        .screen_mut()
        .set_size(nz(24), nz(80));
    pty.master
        .resize(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    pty.wait_for("local-file.txt");
    let pid = pty.child.process_id().unwrap() as i32;
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    pty.wait_exit();
    pty.assert_restored();
}

#[test]
fn sighup_from_a_dropped_ssh_session_restores_the_terminal() {
    let mut pty = Pty::demo(80, 24);
    pty.wait_for("local-file.txt");
    let pid = pty.child.process_id().unwrap() as i32;
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(pid, libc::SIGHUP);
    }
    pty.wait_exit();
    pty.assert_restored();
}

#[test]
fn copy_a_file_each_way_with_f5_and_with_c() {
    let mut pty = Pty::demo(110, 32);
    std::fs::write(pty._dir.path().join("second.txt"), b"second file").unwrap();
    pty.wait_for("Many files/");
    pty.send(b"\x12"); // Ctrl-R: reload the local pane to see second.txt
    pty.wait_for("second.txt");
    const F5: &[u8] = b"\x1b[15~";

    // Local -> OneDrive with F5.
    pty.send(b"/local-file\r");
    pty.send(F5);
    pty.wait_for("Copy local-file.txt to:");
    pty.send(b"\r");
    pty.wait_until("the upload to appear in the OneDrive pane", |s| {
        s.lines()
            .any(|l| l.contains("notes.txt") && l.contains("││"))
            && s.matches("local-file.txt").count() >= 2
    });
    pty.send(b"\x1b"); // closes the transfers panel
    pty.send(b"\x1b"); // clears the filter

    // Local -> OneDrive with c.
    pty.send(b"/second\r");
    pty.send(b"c");
    pty.wait_for("Copy second.txt to:");
    pty.send(b"\r");
    pty.wait_until("second.txt on both sides", |s| {
        s.matches("second.txt").count() >= 2
    });
    pty.send(b"\x1b");
    pty.send(b"\x1b");

    // OneDrive -> local with F5 (notes.txt of the demo drive).
    pty.send(b"\t/notes\r");
    pty.send(F5);
    pty.wait_for("Copy notes.txt to:");
    pty.send(b"\r");
    let notes = pty._dir.path().join("notes.txt");
    wait_file(&notes, b"Remember: F1 shows every key.\n");
    pty.send(b"\x1b");
    pty.send(b"\x1b");

    // OneDrive -> local with c: the target exists, keep both.
    pty.send(b"/local-file\r");
    pty.send(b"c");
    pty.wait_for("Copy local-file.txt to:");
    pty.send(b"\r");
    pty.wait_for("The target exists");
    pty.send(b"k");
    wait_file(&pty._dir.path().join("local-file (1).txt"), b"hello");
    // In the pane's listing (the transfers panel names it too, as the copy's new name).
    let screen = pty.wait_until("local-file (1).txt listed", |s| {
        s.contains("│ local-file (1).txt")
    });
    assert!(!screen.contains(".odc-partial"), "{screen}");

    pty.send(b"q");
    pty.wait_exit();
    pty.assert_restored();
}

fn wait_file(path: &std::path::Path, expected: &[u8]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if std::fs::read(path).ok().as_deref() == Some(expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} never got the expected bytes",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `odc put` of a folder in a 60-column terminal: the progress is a total line and
/// a line per file in flight, each cut to the width, redrawn in place: no wrapped
/// or repeated progress lines, and the finished files listed once each.
#[test]
fn cli_progress_fits_a_narrow_terminal() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime
        .block_on(odc_emulator::Emulator::start(
            odc_emulator::EmulatorOptions {
                settings: odc_emulator::Settings {
                    poll_interval_secs: 0,
                    approve_after_polls: 1,
                    bandwidth_bytes_per_sec: 600_000,
                    ..Default::default()
                },
                ..Default::default()
            },
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let up = dir
        .path()
        .join("a-folder-with-a-rather-long-name-for-a-narrow-terminal");
    std::fs::create_dir(&up).unwrap();
    for (i, size) in [700_000usize, 900_000, 1_100_000].iter().enumerate() {
        std::fs::write(
            up.join(format!(
                "file-{i}-with-a-long-name-that-does-not-fit-in-sixty-columns.bin"
            )),
            vec![i as u8; *size],
        )
        .unwrap();
    }
    let env = |command: &mut CommandBuilder| {
        command.cwd(dir.path());
        command.env("HOME", dir.path());
        command.env("XDG_STATE_HOME", dir.path().join("state"));
        command.env("XDG_CONFIG_HOME", dir.path().join("config"));
        command.env("XDG_DATA_HOME", dir.path().join("data"));
        command.env("ODC_CLIENT_ID", "pty-test");
        command.env("ODC_AUTHORITY_URL", emu.authority_url());
        command.env("ODC_GRAPH_URL", emu.graph_url());
        command.env("ODC_GRAPHICS", "halfblocks");
    };
    let config = dir.path().join("config/odc");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[transfer]\nupload_fragment_bytes = 327680\nsimple_upload_max_bytes = 327680\n",
    )
    .unwrap();
    let mut login = CommandBuilder::new(env!("CARGO_BIN_EXE_odc"));
    login.args(["login", "--no-browser", "--no-qr"]);
    env(&mut login);
    let mut pty = Pty::spawn(60, 20, login, tempfile::tempdir().unwrap());
    assert!(pty.wait_exit().success(), "{}", pty.contents());

    let mut put = CommandBuilder::new(env!("CARGO_BIN_EXE_odc"));
    put.args(["put", up.to_str().unwrap(), "/"]);
    env(&mut put);
    let mut pty = Pty::spawn(60, 20, put, tempfile::tempdir().unwrap());
    let mut saw_progress = false;
    let deadline = Instant::now() + Duration::from_secs(30);
    while pty.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "{}", pty.contents());
        let screen = pty.contents();
        let progress_rows = screen.lines().filter(|l| l.contains('%')).count();
        assert!(
            progress_rows <= 1,
            "one total line, not repeated:\n{screen}"
        );
        let size_rows = screen
            .lines()
            .filter(|l| l.contains("/") && l.contains("B"))
            .count();
        assert!(size_rows <= 8, "{screen}");
        saw_progress |= progress_rows == 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(pty.wait_exit().success(), "{}", pty.contents());
    assert!(saw_progress, "a progress line was shown");
    let screen = pty.contents();
    for i in 0..3 {
        let name = format!("file-{i}-with");
        assert_eq!(
            screen
                .lines()
                .filter(|l| l.contains("uploaded") && l.contains(&name))
                .count(),
            1,
            "{screen}"
        );
    }
    assert!(
        !screen.lines().any(|l| l.contains('%')),
        "bars cleared at the end:\n{screen}"
    );
    runtime.block_on(async {
        assert_eq!(
            emu.read_file("/a-folder-with-a-rather-long-name-for-a-narrow-terminal/file-2-with-a-long-name-that-does-not-fit-in-sixty-columns.bin")
                .await
                .unwrap()
                .len(),
            1_100_000
        );
    });
}

/// F3 on the demo's 2 GiB OneDrive file shows it at once (hex: it is binary) and End
/// jumps to its tail; F4 on a OneDrive text file runs `$EDITOR` (a script here) on
/// a private copy and uploads the change, which F3 then shows.
#[test]
fn view_a_large_remote_file_and_edit_a_remote_file() {
    let dir = tempfile::tempdir().unwrap();
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'edited in the test\\n' >> \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let editor = editor.to_string_lossy().into_owned();
    let mut pty = Pty::demo_with(100, 30, &[("EDITOR", &editor), ("VISUAL", "")]);
    pty.wait_for("Many files/");
    const F3: &[u8] = b"\x1bOR";
    const F4: &[u8] = b"\x1bOS";

    pty.send(b"\t/Large\r\r");
    pty.wait_for("disk-image-2GiB.img");
    pty.send(b"\x1b/disk\r");
    let opened = Instant::now();
    pty.send(F3);
    let screen = pty.wait_for("0000000000  ");
    assert!(
        opened.elapsed() < Duration::from_secs(5),
        "a 2 GiB file opens at once"
    );
    assert!(screen.contains("2 GiB  hex"), "{screen}");
    pty.send(b"G");
    let screen = pty.wait_for("100%");
    assert!(screen.contains("007ffffff0  "), "the last row:\n{screen}");
    pty.send(b"q");
    pty.wait_for("disk-image-2GiB.img");
    pty.send(b"\x1b"); // clear the filter
    pty.send(&[0x7f]); // back to the root
    pty.wait_for("Photos/");

    pty.send(b"/notes\r");
    pty.send(F4);
    pty.wait_for("Uploaded notes.txt");
    pty.send(F3);
    let screen = pty.wait_for("edited in the test");
    assert!(screen.contains("Remember: F1 shows every key."), "{screen}");
    pty.send(b"q");

    // A sharing link, copied with OSC 52 (what works over SSH and in tmux).
    pty.send(b"L");
    pty.wait_for("view-only link");
    pty.send(b"v");
    let screen = pty.wait_for("Copied to the clipboard");
    let url = screen
        .lines()
        .find_map(|l| l.split_whitespace().find(|w| w.contains("/s/")))
        .map(|w| w.trim_matches('│').to_string())
        .unwrap_or_else(|| panic!("no link shown:\n{screen}"));
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    let encoded = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(url.as_bytes())
    };
    assert!(
        raw.contains(&format!("\x1b]52;c;{encoded}\x07")),
        "OSC 52 with {url}"
    );
    pty.send(b"\x1b");
    pty.send(b"q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
    drop(dir);
}

/// In the demo: a local copy of /Documents with one file changed and one extra;
/// Ctrl-X d marks exactly those (and what only OneDrive has), `>` previews the sync,
/// Enter runs it, and comparing again reads only the changes and finds the
/// changed and extra files settled.
#[test]
fn compare_the_panes_and_sync_one_way() {
    let mut pty = Pty::demo(110, 34);
    let docs = pty._dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(
        docs.join("README.md"),
        b"# Welcome to the odc demo drive\n\nEverything here lives in odc's built-in Graph emulator.\nCopy files between the panes with F5 or c.\n",
    )
    .unwrap();
    std::fs::write(
        docs.join("Meeting notes.txt"),
        b"Agenda:\n- ship odc\n- CELEBRATE\n",
    )
    .unwrap();
    std::fs::write(docs.join("extra.txt"), b"only here").unwrap();
    pty.wait_for("Many files/");
    pty.send(b"\x12"); // Ctrl-R: the local pane sees docs/
    pty.send(b"/docs\r\r");
    pty.wait_for("extra.txt");
    pty.send(b"\t:/Documents\r");
    pty.wait_for("Quarterly report.docx");

    pty.send(b"\x18"); // Ctrl-X
    pty.wait_for("Compare the folders");
    pty.send(b"d");
    let screen = pty.wait_for("The differing items are marked");
    assert!(screen.contains("read whole"), "{screen}");
    // Marked on the left: the changed file and the extra one, not README.md.
    assert!(
        screen.contains("*Meeting notes.txt") && screen.contains("*extra.txt"),
        "{screen}"
    );
    assert!(!screen.contains("*README.md"), "{screen}");
    pty.send(b">");
    let screen = pty.wait_for("Sync one way");
    assert!(
        screen.contains("+ extra.txt") && screen.contains("* Meeting notes.txt"),
        "{screen}"
    );
    pty.send(b"\r");
    pty.wait_until("the sync to finish", |s| {
        s.contains("Transfers: 0 running, 0 queued")
    });
    pty.send(b"\x1b"); // close the panel

    pty.send(b"\x18d");
    let screen = pty.wait_for("changes since the last check");
    assert!(
        !screen.contains("*Meeting notes.txt") && !screen.contains("*extra.txt"),
        "{screen}"
    );
    pty.send(b"\x1b");
    pty.send(b"q");
    pty.wait_exit();
    pty.assert_restored();
}

#[test]
fn two_accounts_side_by_side_copy_between_them_and_a_sharepoint_library() {
    let mut pty = Pty::demo(120, 32);
    pty.wait_for("Many files/");
    const F2: &[u8] = b"\x1bOQ";
    const F5: &[u8] = b"\x1b[15~";

    // F2 in the (local) left pane: the accounts and the work account's libraries.
    pty.send(F2);
    let screen = pty.wait_for("Marketing › Campaigns");
    for place in [
        "Local files",
        "OneDrive · Ada Example (ada@example.com)",
        "OneDrive · Ada Lovelace (Contoso) (ada@contoso.com)",
        "Marketing › Documents",
    ] {
        assert!(screen.contains(place), "{place}:\n{screen}");
    }
    // The work account's OneDrive in the left pane, the personal one on the right.
    pty.send(b"jj\r");
    let screen = pty.wait_for("Welcome to work.txt");
    assert!(
        screen.contains("work:/") && screen.contains("Projects/"),
        "{screen}"
    );
    pty.wait_until("each pane's account and quota in the status bar", |s| {
        s.contains(" work 82 B of 1 TiB │ ada@example.com 3.12 GiB of 1 TiB ")
    });

    // Copy notes.txt from the personal OneDrive to the work one.
    pty.send(b"\t/notes\r");
    pty.send(F5);
    let screen = pty.wait_for("Copy notes.txt to:");
    assert!(screen.contains("work:/"), "{screen}");
    pty.send(b"\r");
    pty.wait_until("notes.txt in the work pane", |s| {
        s.lines()
            .any(|l| l.contains("notes.txt") && l.contains("Projects"))
            || s.lines().filter(|l| l.contains("notes.txt")).count() >= 2
    });
    pty.send(b"\x1b");
    pty.send(b"\x1b");

    // A SharePoint library in the left pane.
    pty.send(b"\t");
    pty.send(F2);
    pty.wait_for("Marketing › Campaigns");
    pty.send(b"jjjj\r");
    let screen = pty.wait_for("2027/");
    assert!(
        screen.contains("work · Marketing › Campaigns:/"),
        "{screen}"
    );

    pty.send(b"q");
    pty.wait_exit();
    pty.assert_restored();
}

/// The quick view in the whole binary: the demo's picture on OneDrive is
/// previewed from its thumbnail, drawn in half blocks (`ODC_GRAPHICS`), and a
/// text file by its first lines.
#[test]
fn quick_view_previews_a_onedrive_picture_and_a_text() {
    let mut pty = Pty::demo(100, 30);
    pty.wait_for("Many files/");
    pty.send(b"\t");
    pty.send(b"/Photos\r");
    pty.send(b"\r");
    pty.wait_for("IMG_0001.jpg");
    pty.send(b"/odc sun\r");
    pty.send(b"Q");
    // The thumbnail is asked for in the pane's size: 48 cells of 10 pixels.
    let screen = pty.wait_for("Quick view: odc sunset.png · 480×300");
    assert!(screen.contains('▄') || screen.contains('▀'), "{screen}");
    // A text file: its first lines.
    pty.send(b"\x1b");
    pty.send(&[0x7f]);
    pty.send(b"/Documents\r");
    pty.send(b"\r");
    pty.wait_for("README.md");
    pty.send(b"/README\r");
    pty.wait_for("Welcome to the odc demo drive");
    pty.send(b"Q");
    pty.wait_until("the quick view to close", |s| !s.contains("Quick view"));
    pty.send(b"q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status:?}");
    pty.assert_restored();
}
