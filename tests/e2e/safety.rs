//! What must never happen, run as a user would: writing outside a sync's target,
//! deleting on doubt (something left out, unreadable or refused), emptying a
//! destination by mistake, missing an edit that kept its size and time, a panic
//! on a closed pipe, a place written one way but not another.

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use odc_emulator::Seed;

use super::cli::{Home, stderr};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl Home {
    async fn signed_in(seed: Seed) -> Home {
        let home = Home::new(seed).await;
        home.ok(&["login", "--no-browser", "--no-qr"]).await;
        home
    }
}

/// A server whose listings hold `..` and `../../x` makes a sync write nothing
/// outside its target: such names are left out and reported, the run deletes
/// nothing and says it was incomplete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_from_a_hostile_server_writes_only_inside_the_target() {
    let home = Home::signed_in(Seed::Empty).await;
    let now = chrono::Utc::now();
    home.emu.mkdir_p("/S/e");
    home.emu.put_file("/S/e/fine.txt", b"fine");
    home.emu.with_drive(|drive| {
        let e = drive.id_at("/S/e").expect("made above");
        let inline = |text: &'static [u8]| {
            Some(odc_emulator::content::Content::Inline(
                bytes::Bytes::from_static(text),
            ))
        };
        drive.insert_unchecked(&e, "../../x", inline(b"escaped"), now);
        let dots = drive.insert_unchecked(&e, "..", None, now);
        drive.insert_unchecked(&dots, "y", inline(b"escaped too"), now);
    });
    let dst = home.path("work/dst");
    std::fs::create_dir_all(&dst).unwrap();
    std::fs::write(home.path("work/x"), b"keep me").unwrap();
    std::fs::write(dst.join("keep.txt"), b"only here").unwrap();

    let run = home
        .odc(&["sync", "--delete", "OneDrive:/S", "work/dst"])
        .await;
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "an incomplete run: {err}");
    assert!(
        err.contains("left out: a name that cannot be a path"),
        "{err}"
    );
    assert!(err.contains("nothing is deleted"), "{err}");
    assert_eq!(std::fs::read(home.path("work/x")).unwrap(), b"keep me");
    assert!(!home.path("y").exists() && !home.path("work/y").exists());
    assert_eq!(std::fs::read(dst.join("e/fine.txt")).unwrap(), b"fine");
    assert!(dst.join("keep.txt").exists(), "nothing deleted on doubt");
    let mut written: Vec<String> = walk(&dst);
    written.sort();
    assert_eq!(written, ["e", "e/fine.txt", "keep.txt"]);
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
            out.push(rel);
        }
    }
    out
}

/// Links are left out by rule; what stands at their names on OneDrive is not
/// "only there" and is never deleted. A local name OneDrive refuses cannot be
/// copied, so the run is incomplete and deletes nothing: the renamed file's only
/// copy (`ab.txt` on OneDrive) survives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipped_is_not_absent() {
    let home = Home::signed_in(Seed::Empty).await;
    let src = home.path("src");
    std::fs::create_dir_all(src.join("real")).unwrap();
    std::fs::write(src.join("real/r.txt"), b"real").unwrap();
    std::fs::write(home.path("outside.txt"), b"outside").unwrap();
    std::os::unix::fs::symlink(home.path("real-cache"), src.join("cache")).unwrap();
    std::os::unix::fs::symlink(home.path("outside.txt"), src.join("notes.txt")).unwrap();
    home.emu.put_file("/t/cache/a.tmp", b"cached");
    home.emu.put_file("/t/notes.txt", b"notes");
    home.emu.put_file("/t/stale.txt", b"stale");
    home.emu.put_file("/t/real/r.txt", b"real");

    let run = home.odc(&["sync", "--delete", "src", "OneDrive:/t"]).await;
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    assert!(err.contains("left out: 2 × a symbolic link"), "{err}");
    assert!(home.emu.exists("/t/cache/a.tmp"), "{err}");
    assert!(home.emu.exists("/t/notes.txt"), "{err}");
    assert!(
        !home.emu.exists("/t/stale.txt"),
        "a real difference is deleted"
    );

    // `check` names them as left out, not as only in DST.
    let check = home.odc(&["check", "src", "OneDrive:/t"]).await;
    assert_eq!(
        stdout(&check),
        "! cache\n! notes.txt\n",
        "{}",
        stderr(&check)
    );

    // A name OneDrive refuses: reported, and nothing is deleted.
    std::fs::write(src.join("ab.txt"), b"precious").unwrap();
    home.ok(&["sync", "src", "OneDrive:/t"]).await;
    std::fs::rename(src.join("ab.txt"), src.join("a:b.txt")).unwrap();
    let run = home.odc(&["sync", "--delete", "src", "OneDrive:/t"]).await;
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a:b.txt: left out: a name OneDrive refuses"),
        "{err}"
    );
    assert!(err.contains("nothing is deleted"), "{err}");
    assert!(home.emu.exists("/t/ab.txt"), "the only copy stays: {err}");
}

/// An empty (or wrong) source must not empty the destination: the run stops
/// before deleting and says why; `--force` goes ahead; `--max-delete` is a hard
/// limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_that_would_empty_the_destination_asks_first() {
    let home = Home::signed_in(Seed::Empty).await;
    for n in 0..20 {
        home.emu.put_file(&format!("/d/f{n:02}.txt"), b"data");
    }
    std::fs::create_dir_all(home.path("empty")).unwrap();

    let run = home
        .odc(&["sync", "--delete", "empty", "OneDrive:/d"])
        .await;
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("nothing deleted: it would delete every item"),
        "{err}"
    );
    assert!((0..20).all(|n| home.emu.exists(&format!("/d/f{n:02}.txt"))));

    // Half of them plus one: over the 50 % share.
    std::fs::create_dir_all(home.path("some")).unwrap();
    for n in 0..9 {
        std::fs::write(home.path(&format!("some/f{n:02}.txt")), b"data").unwrap();
    }
    let run = home.odc(&["sync", "--delete", "some", "OneDrive:/d"]).await;
    assert!(
        stderr(&run).contains("11 of the destination's 20 items"),
        "{}",
        stderr(&run)
    );
    assert!(home.emu.exists("/d/f19.txt"));

    let capped = home
        .odc(&[
            "sync",
            "--delete",
            "--force",
            "--max-delete",
            "5",
            "some",
            "OneDrive:/d",
        ])
        .await;
    assert_eq!(capped.status.code(), Some(1));
    assert!(
        stderr(&capped).contains("more than the limit of 5"),
        "{}",
        stderr(&capped)
    );
    assert!(home.emu.exists("/d/f19.txt"));

    let forced = home
        .odc(&["sync", "--delete", "--force", "some", "OneDrive:/d"])
        .await;
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(!home.emu.exists("/d/f19.txt") && home.emu.exists("/d/f08.txt"));
}

/// An edit that puts size and modified time back (`cp -p`, `rsync -t`) is seen
/// by sync: the hash cache knows the file changed (its change time moved).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_that_keeps_size_and_time_is_synced() {
    let home = Home::signed_in(Seed::Empty).await;
    let src = home.path("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("f.txt"), b"version 1").unwrap();
    home.emu.mkdir_p("/e");
    home.ok(&["sync", "src", "OneDrive:/e"]).await;
    home.ok(&["check", "src", "OneDrive:/e"]).await;

    let before = std::fs::metadata(src.join("f.txt")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(src.join("f.txt"), b"version 2").unwrap();
    std::fs::File::options()
        .write(true)
        .open(src.join("f.txt"))
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    let check = home.odc(&["check", "src", "OneDrive:/e"]).await;
    assert_eq!(stdout(&check), "* f.txt\n", "{}", stderr(&check));
    home.ok(&["sync", "src", "OneDrive:/e"]).await;
    assert_eq!(home.ok(&["cat", "/e/f.txt"]).await, "version 2");
}

/// `odc … | head -1`: the reader goes away; odc ends quietly with 141 (as a
/// command killed by SIGPIPE), never a panic. A closed stderr is no crash either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_pipes_end_commands_quietly() {
    let home = Home::signed_in(Seed::Demo).await;
    for args in [
        &["config", "show"][..],
        &["man"],
        &["completions", "bash"],
        &["accounts"],
        &["whoami"],
        &["ls", "-l", "/"],
        &["rm", "--dry-run", "-r", "/Documents", "/Pictures"],
        &["drives"],
        &["link", "/notes.txt"],
    ] {
        // A pipe whose reader is gone before odc starts: its first write fails,
        // whatever the pipe's buffer would have held.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut command = home.command(args);
        command.stdout(writer).stderr(Stdio::piped());
        let output = tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap();
        let err = stderr(&output);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(output.status.code(), Some(141), "{args:?}: {err}");
    }
    // stderr closed: the errors cannot be said, but nothing aborts.
    for (args, status) in [
        (&["ls", "/nope"][..], 3),
        (&["rm", "/nope"], 1),
        (&["get", "/nope", "x"], 4),
        (&["link", "/nope"], 4),
        (&["sync", "/nope", "OneDrive:/x"], 3),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut command = home.command(args);
        command.stdout(Stdio::piped()).stderr(writer);
        let output = tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap();
        assert_eq!(output.status.code(), Some(status), "{args:?}");
    }
}

/// Every command takes a place in every form odc prints it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_takes_every_spelling_of_a_place() {
    let home = Home::signed_in(Seed::Empty).await;
    home.emu.put_file("/Docs/a.txt", b"alpha");
    assert_eq!(home.ok(&["ls", "OneDrive:/Docs"]).await, "a.txt\n");
    assert_eq!(home.ok(&["ls", "ada:/Docs"]).await, "a.txt\n");
    assert_eq!(home.ok(&["cat", "OneDrive:/Docs/a.txt"]).await, "alpha");
    home.ok(&["mkdir", "OneDrive:/Docs/New"]).await;
    home.ok(&["get", "OneDrive:/Docs/a.txt", "got.txt"]).await;
    assert_eq!(std::fs::read(home.path("got.txt")).unwrap(), b"alpha");
    home.ok(&["put", "got.txt", "OneDrive:/Docs/New/"]).await;
    home.ok(&["mv", "OneDrive:/Docs/New/got.txt", "OneDrive:/Docs/b.txt"])
        .await;
    home.ok(&["rm", "OneDrive:/Docs/b.txt"]).await;
    assert_eq!(home.ok(&["ls", "/Docs"]).await, "a.txt\nNew/\n");
    let drive_id = home.emu.with_drive(|drive| drive.id.clone());
    let with_drive = format!("ada@{drive_id}:/Docs");
    assert_eq!(home.ok(&["ls", &with_drive]).await, "a.txt\nNew/\n");
    let mixed = home.odc(&["mv", "work:/Docs/a.txt", "OneDrive:/x"]).await;
    assert_eq!(mixed.status.code(), Some(2), "{}", stderr(&mixed));

    // `/Docs` in check is a local path: no such folder, and how to write the other.
    let check = home.odc(&["check", "/Docs", "OneDrive:/Docs"]).await;
    assert_eq!(check.status.code(), Some(3), "{}", stderr(&check));
    assert_eq!(
        stderr(&check),
        "odc: no local folder /Docs (for the OneDrive folder write OneDrive:/Docs)\n"
    );
}

/// Downloads land with the mode `cp` gives a new file: 0666 less the umask.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_get_the_mode_cp_gives() {
    let home = Home::signed_in(Seed::Empty).await;
    home.emu.put_file("/m/a.txt", b"alpha");
    home.emu.put_file("/m/sub/b.txt", b"bravo");
    for (umask, mode) in [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)] {
        let target = home.path(&format!("m{umask:o}"));
        let mut command = home.command(&["get", "/m", target.to_str().unwrap()]);
        // SAFETY: umask is async-signal-safe; nothing else runs in the child.
        unsafe {
            use std::os::unix::process::CommandExt;
            command.pre_exec(move || {
                libc::umask(umask);
                Ok(())
            });
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        for file in ["a.txt", "sub/b.txt"] {
            let got = std::fs::metadata(target.join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(got & 0o777, mode, "{file} with umask {umask:o}");
        }
    }
}

/// A rename that changes only case is a rename of the item itself; onto a
/// different existing item it is still refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_by_case_renames() {
    let home = Home::signed_in(Seed::Empty).await;
    home.emu.put_file("/m/a.txt", b"alpha");
    home.emu.put_file("/m/b.txt", b"bravo");
    home.ok(&["mv", "/m/a.txt", "/m/A.txt"]).await;
    assert_eq!(home.ok(&["ls", "/m"]).await, "A.txt\nb.txt\n");
    let clash = home.odc(&["mv", "/m/A.txt", "/m/B.TXT"]).await;
    assert_eq!(clash.status.code(), Some(1));
    assert!(
        stderr(&clash).contains("exists already"),
        "{}",
        stderr(&clash)
    );
    assert_eq!(home.ok(&["cat", "/m/b.txt"]).await, "bravo");
}

/// A second `put` of an unchanged tree sends nothing (rclone's `copy`): files whose
/// size and modified time match are looked up and skipped, the summary says how
/// many and why; an edit that kept size and time is still sent; `--ignore-times`
/// sends everything. `get` does the same the other way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_put_or_get_of_an_unchanged_tree_sends_nothing() {
    let home = Home::signed_in(Seed::Empty).await;
    let tree = home.path("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    for n in 0..6 {
        let dir = if n % 2 == 0 { "" } else { "sub/" };
        std::fs::write(tree.join(format!("{dir}f{n}.txt")), format!("file {n}")).unwrap();
    }
    home.ok(&["put", "tree", "/T/"]).await;
    home.emu.clear_requests();
    let again = home.odc(&["put", "tree", "/T/"]).await;
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("skipped 6 file(s): unchanged"),
        "{}",
        stderr(&again)
    );
    let sent = home
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" || r.path.contains("createUploadSession"))
        .count();
    assert_eq!(sent, 0, "no content sent");

    // Same size and time, other bytes: sent.
    let f0 = tree.join("f0.txt");
    let before = std::fs::metadata(&f0).unwrap();
    std::fs::write(&f0, b"FILE 0").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&f0)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    let edited = home.odc(&["put", "tree", "/T/"]).await;
    assert!(
        stderr(&edited).contains("skipped 5 file(s)"),
        "{}",
        stderr(&edited)
    );
    assert_eq!(home.ok(&["cat", "/T/tree/f0.txt"]).await, "FILE 0");

    let all = home.odc(&["put", "--ignore-times", "tree", "/T/"]).await;
    assert!(all.status.success());
    assert!(!stderr(&all).contains("skipped"), "{}", stderr(&all));

    // get: the first run writes, the second skips them all.
    home.ok(&["get", "/T/tree", "back/"]).await;
    let again = home.odc(&["get", "/T/tree", "back/"]).await;
    assert!(
        stderr(&again).contains("skipped 6 file(s): unchanged"),
        "{}",
        stderr(&again)
    );
}

/// Small things a new user meets on the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_a_new_user_meets() {
    let home = Home::signed_in(Seed::Empty).await;
    let typo = home.odc(&["gett"]).await;
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("did you mean `odc get`?"),
        "{}",
        stderr(&typo)
    );
    let nope = home.odc(&["link", "/nope"]).await;
    assert_eq!(nope.status.code(), Some(4), "{}", stderr(&nope));
    assert!(stderr(&nope).contains("/nope"), "{}", stderr(&nope));
    let root = home.odc(&["link", "/"]).await;
    assert_eq!(root.status.code(), Some(1));
    assert!(stderr(&root).contains("whole drive"), "{}", stderr(&root));
    assert!(root.stdout.is_empty());
    let nobody = home.odc(&["--account", "nobody", "ls"]).await;
    let err = stderr(&nobody);
    assert!(
        err.contains("no account is named \"nobody\"") && !err.contains("signed out"),
        "{err}"
    );
    // The log folder and files are this user's alone.
    let state = home.path("home/.local/state/odc");
    let mode = std::fs::metadata(&state).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    for entry in std::fs::read_dir(&state).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with("odc.") {
            let mode = entry.metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{:?}", entry.file_name());
        }
    }
}

/// What sync replaces is recoverable: a local file that is newer than the
/// OneDrive copy is named in the summary; `--update` keeps it; replaced (and
/// deleted) local files go to `--backup-dir` (or the trash), never nowhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_sync_replaces_is_recoverable() {
    let home = Home::signed_in(Seed::Empty).await;
    home.emu.put_file("/t/f.txt", b"old on OneDrive");
    home.emu.put_file("/t/g.txt", b"same");
    let local = home.path("local");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(local.join("g.txt"), b"same").unwrap();
    // Written after the upload: newer here.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(local.join("f.txt"), b"new work, here only").unwrap();
    std::fs::write(local.join("extra.txt"), b"only here").unwrap();

    let kept = home
        .odc(&["sync", "--update", "OneDrive:/t", "local"])
        .await;
    let err = stderr(&kept);
    assert!(kept.status.success(), "{err}");
    assert!(
        err.contains("1 file(s) newer in DST than in SRC: kept"),
        "{err}"
    );
    assert!(err.contains("newer in DST: f.txt"), "{err}");
    assert_eq!(
        std::fs::read(local.join("f.txt")).unwrap(),
        b"new work, here only"
    );

    let backup = home.path("backup");
    let run = home
        .odc(&[
            "sync",
            "--delete",
            "--force",
            "--backup-dir",
            backup.to_str().unwrap(),
            "OneDrive:/t",
            "local",
        ])
        .await;
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    assert!(err.contains("replaced all the same"), "{err}");
    assert_eq!(
        std::fs::read(local.join("f.txt")).unwrap(),
        b"old on OneDrive"
    );
    assert_eq!(
        std::fs::read(backup.join("f.txt")).unwrap(),
        b"new work, here only",
        "the replaced file is kept"
    );
    assert!(!local.join("extra.txt").exists());
    assert_eq!(
        std::fs::read(backup.join("extra.txt")).unwrap(),
        b"only here"
    );
}

/// `odc demo --config F` reads F (and says what is wrong with it), like every
/// other command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_honours_its_config_file() {
    let home = Home::new(Seed::Empty).await;
    let file = home.path("demo.toml");
    std::fs::write(&file, "[ui]\nthemes = \"none\"\n").unwrap();
    let output = home
        .odc(&["demo", "--config", file.to_str().unwrap()])
        .await;
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("demo.toml") && err.contains("unknown key `ui.themes`"),
        "{err}"
    );
}

/// OneNote notebooks and the Personal Vault are shown for what they are, never
/// downloaded as empty files or walked as folders, reported as skipped, and never
/// deleted by a sync whose source lacks them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notebooks_and_the_vault_survive_every_recursive_operation() {
    let home = Home::signed_in(Seed::Empty).await;
    home.emu.put_file("/Docs/a.txt", b"alpha");
    home.emu
        .put_file("/Docs/Notes/Section.one", b"onenote section");
    home.emu.make_package("/Docs/Notes", "oneNote");
    home.emu.put_file("/Personal Vault/passport.pdf", b"secret");
    home.emu.make_special_folder("/Personal Vault", "vault");

    let long = home.ok(&["ls", "-l", "/Docs"]).await;
    assert!(
        long.lines()
            .any(|l| l.starts_with("n ") && l.ends_with(" Notes")),
        "{long}"
    );
    let root = home.ok(&["ls", "-l", "/"]).await;
    assert!(
        root.lines()
            .any(|l| l.starts_with("v ") && l.contains("Personal Vault")),
        "{root}"
    );
    let json = home.ok(&["ls", "--json", "/Docs"]).await;
    assert!(json.contains("\"kind\":\"notebook\""), "{json}");

    let get = home.odc(&["get", "/Docs", "got/"]).await;
    let err = stderr(&get);
    assert_eq!(get.status.code(), Some(1), "{err}");
    assert!(
        err.contains("/Docs/Notes: skipped: a OneNote notebook"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(home.path("got/Docs/a.txt")).unwrap(),
        b"alpha"
    );
    assert!(
        !home.path("got/Docs/Notes").exists(),
        "neither file nor folder"
    );
    let vault = home.odc(&["get", "/Personal Vault", "got/"]).await;
    assert!(
        stderr(&vault).contains("Personal Vault is not copied"),
        "{}",
        stderr(&vault)
    );
    assert!(!home.path("got/Personal Vault").exists());

    // A local copy of /Docs without the notebook, synced back with --delete.
    let local = home.path("mirror");
    std::fs::create_dir_all(local.join("Docs")).unwrap();
    std::fs::write(local.join("Docs/a.txt"), b"alpha").unwrap();
    let sync = home
        .odc(&["sync", "--delete", "--force", "mirror", "OneDrive:/"])
        .await;
    let err = stderr(&sync);
    assert!(sync.status.success(), "{err}");
    assert!(err.contains("a OneNote notebook or package"), "{err}");
    assert!(home.emu.exists("/Docs/Notes/Section.one"), "{err}");
    assert!(home.emu.exists("/Personal Vault/passport.pdf"), "{err}");
    let check = home.odc(&["check", "mirror", "OneDrive:/"]).await;
    assert_eq!(
        stdout(&check),
        "! Docs/Notes\n! Personal Vault\n",
        "{}",
        stderr(&check)
    );
}

/// A file larger than OneDrive takes (250 GiB) is refused before any request is
/// sent, with a clear message (a sparse file: nothing is written to disk).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_over_the_size_limit_is_refused_before_any_request() {
    let home = Home::signed_in(Seed::Empty).await;
    let big = home.path("huge.img");
    std::fs::File::create(&big)
        .unwrap()
        .set_len((250u64 << 30) + 1)
        .unwrap();
    home.emu.clear_requests();
    let put = home.odc(&["put", "huge.img", "/"]).await;
    let err = stderr(&put);
    assert_eq!(put.status.code(), Some(1), "{err}");
    assert!(
        err.contains("larger than the 250 GiB OneDrive takes"),
        "{err}"
    );
    let writes = home
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "nothing was sent");
}

/// A file the service flagged as malware is reported as such, not as an
/// unexplained 403, and never written (rclone#7934 wrote the 65-byte error page
/// as the file); the other files of the folder still come.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malware_flagged_file_is_reported_as_such() {
    let home = Home::signed_in(Seed::Empty).await;
    home.emu
        .put_file("/In/eicar.com", b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR");
    home.emu.put_file("/In/fine.txt", b"fine");
    home.emu.flag_malware("/In/eicar.com", "EICAR test file");
    let get = home.odc(&["get", "/In", "got/"]).await;
    let err = stderr(&get);
    assert_eq!(get.status.code(), Some(1), "{err}");
    assert!(
        err.contains("eicar.com: OneDrive found malware in it"),
        "{err}"
    );
    assert!(!home.path("got/In/eicar.com").exists());
    assert!(!home.path("got/In/eicar.com.odc-partial").exists());
    assert_eq!(
        std::fs::read(home.path("got/In/fine.txt")).unwrap(),
        b"fine"
    );
    // Without the facet in hand (cat reads the content at once): the service's 403
    // says malwareDetected, and that is final.
    let cat = home.odc(&["cat", "/In/eicar.com"]).await;
    assert_eq!(cat.status.code(), Some(1));
    assert!(
        stderr(&cat).contains("Malware detected"),
        "{}",
        stderr(&cat)
    );
    assert!(cat.stdout.is_empty());
}

/// A file OneDrive lists without a hash downloads, checked by its size, and the
/// line says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_without_a_hash_downloads_checked_by_size() {
    let home = Home::signed_in(Seed::Empty).await;
    home.emu.put_file("/h/plain.bin", b"no hash for me");
    home.emu.drop_hash("/h/plain.bin");
    let get = home.odc(&["get", "/h/plain.bin", "plain.bin"]).await;
    let err = stderr(&get);
    assert!(get.status.success(), "{err}");
    assert!(
        err.contains("OneDrive gave no hash: checked by size only"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(home.path("plain.bin")).unwrap(),
        b"no hash for me"
    );
}
