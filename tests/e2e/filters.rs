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
