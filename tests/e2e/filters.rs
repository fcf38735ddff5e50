//! Filters on the commands, as rclone users write them: `--include`, `--exclude`,
//! `--filter`, `--filter-from`, the `[filters]` default, the count of what was
//! left out, and a rule that is not one refused before anything is sent.

use odc_emulator::Seed;

use crate::cli::{Home, stderr};

/// A local tree: sources, build output, temporary files, a hidden folder.
fn tree(home: &Home) -> std::path::PathBuf {
    let tree = home.path("project");
    for (file, text) in [
        ("readme.md", "read me"),
        ("notes.tmp", "scratch"),
        ("src/main.rs", "fn main() {}"),
        ("src/old.tmp", "old"),
        ("build/out.bin", "binary"),
        ("build/deep/more.bin", "more"),
        (".git/config", "[core]"),
        ("docs/build/page.md", "a folder named build, not at the top"),
    ] {
        let path = tree.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    tree
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_and_get_leave_out_what_the_filters_exclude() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    tree(&home);

    // Excludes: a name anywhere, a folder at the top only, a hidden folder.
    let run = home
        .odc(&[
            "put",
            "project",
            "/",
            "--exclude",
            "*.tmp",
            "--exclude",
            "/build/",
            "--filter",
            "- .git/",
        ])
        .await;
    assert!(run.status.success(), "{}", stderr(&run));
    for kept in [
        "/project/readme.md",
        "/project/src/main.rs",
        "/project/docs/build/page.md",
    ] {
        assert!(home.emu.exists(kept), "{kept} was uploaded");
    }
    for left in [
        "/project/notes.tmp",
        "/project/src/old.tmp",
        "/project/build",
        "/project/.git",
    ] {
        assert!(!home.emu.exists(left), "{left} was left out");
    }
    // Two files, and two folders not entered.
    assert!(
        stderr(&run).contains("excluded 4 item(s) by the filters"),
        "{}",
        stderr(&run)
    );

    // --include keeps only what matches (and the folders it may be in); the
    // dry run plans the same and says so.
    let run = home
        .odc(&["get", "--dry-run", "--include", "*.md", "/project", "back/"])
        .await;
    assert!(run.status.success(), "{}", stderr(&run));
    let planned = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        planned.contains("readme.md") && planned.contains("page.md"),
        "{planned}"
    );
    assert!(!planned.contains("main.rs"), "{planned}");
    assert!(
        stderr(&run).contains("excluded 1 item(s)"),
        "{}",
        stderr(&run)
    );
    assert!(!home.path("back").exists(), "a dry run writes nothing");

    home.ok(&["get", "--include", "*.md", "/project", "back/"])
        .await;
    let back = home.path("back/project");
    assert_eq!(std::fs::read(back.join("readme.md")).unwrap(), b"read me");
    assert!(back.join("docs/build/page.md").is_file());
    assert!(!back.join("src/main.rs").exists());

    // A rules file, rclone's syntax: comments, `+` before `-`.
    let rules = home.path("rules.txt");
    std::fs::write(
        &rules,
        "# only the sources\n+ /src/**\n; and nothing else\n- **\n",
    )
    .unwrap();
    home.ok(&["get", "--filter-from", "rules.txt", "/project", "sources/"])
        .await;
    let sources = home.path("sources/project");
    assert!(sources.join("src/main.rs").is_file());
    assert!(!sources.join("readme.md").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_filters_come_first_and_a_bad_rule_sends_nothing() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    tree(&home);
    home.config("[filters]\nrules = [\"- *.tmp\", \"- .git/\"]\n");
    home.ok(&["put", "project", "/"]).await;
    assert!(home.emu.exists("/project/build/out.bin"));
    assert!(!home.emu.exists("/project/notes.tmp"));
    assert!(!home.emu.exists("/project/.git"));

    // A rule that is not one: a usage error, said plainly, before any request.
    let before = home.emu.requests().len();
    let run = home
        .odc(&["put", "project", "/again", "--filter", "*.tmp"])
        .await;
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("is not a rule: a rule starts with \"+ \" or \"- \""),
        "{}",
        stderr(&run)
    );
    assert_eq!(home.emu.requests().len(), before);
    let run = home
        .odc(&["put", "project", "/again", "--exclude-from", "missing.txt"])
        .await;
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("missing.txt"), "{}", stderr(&run));
    assert!(!home.emu.exists("/again"));
}

/// check and sync compare only what the filters keep: what they exclude is not a
/// difference, is not copied, and is never deleted, nor is a folder holding it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_and_sync_neither_copy_nor_delete_what_is_excluded() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let tree = tree(&home);
    home.ok(&["put", "project", "/"]).await;
    std::fs::write(tree.join("new.tmp"), b"local scratch").unwrap();
    home.emu.put_file("/project/remote.tmp", b"remote scratch");
    home.emu
        .put_file("/project/only-there/x.tmp", b"in a folder only in DST");

    let run = home
        .odc(&[
            "check",
            "project",
            "OneDrive:/project",
            "--exclude",
            "*.tmp",
        ])
        .await;
    assert!(
        run.status.success(),
        "the same once *.tmp is left out: {}",
        stderr(&run)
    );
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "- only-there/\n",
        "a folder only in DST is still said"
    );
    assert!(
        stderr(&run).contains("excluded by the filters"),
        "{}",
        stderr(&run)
    );
    // Without the filter they differ.
    let run = home.odc(&["check", "project", "OneDrive:/project"]).await;
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));

    let run = home
        .odc(&[
            "sync",
            "project",
            "OneDrive:/project",
            "--delete",
            "--exclude",
            "*.tmp",
        ])
        .await;
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("excluded by the filters (not copied, not deleted)"),
        "{}",
        stderr(&run)
    );
    assert!(!home.emu.exists("/project/new.tmp"), "not copied");
    assert!(home.emu.exists("/project/remote.tmp"), "not deleted");
    assert!(
        home.emu.exists("/project/only-there/x.tmp"),
        "the folder holding an excluded file is not deleted whole"
    );
    assert!(home.emu.exists("/project/readme.md"));
}

/// `ls -R` lists what the filters keep, and does not enter a folder they exclude.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_recursive_lists_what_the_filters_keep() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    tree(&home);
    home.ok(&["put", "project", "/"]).await;
    let run = home
        .odc(&[
            "ls",
            "-R",
            "/project",
            "--exclude",
            "/build/",
            "--exclude",
            "*.tmp",
        ])
        .await;
    assert!(run.status.success(), "{}", stderr(&run));
    let listed = String::from_utf8_lossy(&run.stdout).into_owned();
    let names: Vec<&str> = listed.lines().collect();
    for kept in [
        "readme.md",
        "src/",
        "src/main.rs",
        "docs/build/page.md",
        ".git/config",
    ] {
        assert!(names.contains(&kept), "{kept} in {listed}");
    }
    for left in ["build/", "build/out.bin", "notes.tmp", "src/old.tmp"] {
        assert!(!names.contains(&left), "{left} not in {listed}");
    }
    assert!(
        stderr(&run).contains("excluded 3 item(s)"),
        "{}",
        stderr(&run)
    );
}
