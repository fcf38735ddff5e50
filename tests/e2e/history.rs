//! Versions and the recycle bin from the command line: `odc versions`,
//! `odc cat --version`, `odc restore [--version]`, `odc bin`, `odc purge`.

use odc_emulator::{Profile, Seed};

use super::cli::{Home, stderr};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_are_listed_read_and_restored() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let local = home.path("notes.txt");
    for text in ["first", "second!", "third!!!"] {
        std::fs::write(&local, text).unwrap();
        home.ok(&["put", local.to_str().unwrap(), "OneDrive:/notes.txt"])
            .await;
    }
    let listed = home
        .ok(&["versions", "--json", "OneDrive:/notes.txt"])
        .await;
    let versions: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let versions = versions.as_array().unwrap();
    let sizes: Vec<u64> = versions
        .iter()
        .map(|v| v["size"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [8, 7, 5], "newest first");
    assert_eq!(versions[0]["current"], true);
    let first = versions[2]["id"].as_str().unwrap().to_string();
    let human = home.ok(&["versions", "/notes.txt"]).await;
    assert_eq!(human.lines().count(), 3, "{human}");
    assert!(
        human.lines().next().unwrap().contains("(current)"),
        "{human}"
    );
    assert!(human.contains(&first), "{human}");

    // An earlier version is read without changing anything.
    let old = home.ok(&["cat", "--version", &first, "/notes.txt"]).await;
    assert_eq!(old, "first");
    let output = home.odc(&["cat", "--version", "NOPE", "/notes.txt"]).await;
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("has no version NOPE"),
        "{}",
        stderr(&output)
    );

    // Restoring it keeps what was current as a version.
    let output = home
        .odc(&["restore", "--version", &first, "OneDrive:/notes.txt"])
        .await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with("restored /notes.txt"),
        "{}",
        stderr(&output)
    );
    assert_eq!(home.emu.read_file("/notes.txt").await.unwrap(), b"first");
    assert_eq!(home.emu.versions_of("/notes.txt"), 4);
    let output = home.odc(&["versions", "/"]).await;
    assert!(
        stderr(&output).contains("only files have versions"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_odc_deleted_is_listed_in_the_bin_restored_and_purged() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    home.emu.put_file("/Docs/a.txt", b"aaa");
    home.emu.put_file("/Docs/sub/b.txt", b"bb");
    home.emu.put_file("/Other/c.txt", b"c");
    home.ok(&["rm", "/Docs/a.txt", "OneDrive:/Other/c.txt"])
        .await;
    home.ok(&["rm", "-r", "/Docs/sub"]).await;
    assert!(!home.emu.exists("/Docs/sub"));

    let listed = home.ok(&["bin", "--json"]).await;
    let entries: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let paths: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["/Docs/sub", "/Other/c.txt", "/Docs/a.txt"],
        "newest first: {listed}"
    );
    let within = home.ok(&["bin", "OneDrive:/Other"]).await;
    assert_eq!(within.lines().count(), 1, "{within}");
    assert!(within.ends_with(" /Other/c.txt\n"), "{within}");

    // A folder comes back with everything in it.
    let output = home.odc(&["restore", "OneDrive:/Docs/sub"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(home.emu.read_file("/Docs/sub/b.txt").await.unwrap(), b"bb");
    let listed = home.ok(&["bin"]).await;
    assert_eq!(
        listed.lines().count(),
        2,
        "restored items leave the list: {listed}"
    );
    let output = home.odc(&["restore", "/Docs/sub"]).await;
    assert!(
        stderr(&output).contains("is not in the recycle bin"),
        "{}",
        stderr(&output)
    );

    // Purging asks; without a terminal it wants --yes, and nothing happens.
    let output = home.odc(&["purge", "/Docs/a.txt"]).await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("add --yes"), "{}", stderr(&output));
    assert_eq!(home.ok(&["bin"]).await.lines().count(), 2);
    let output = home.odc(&["purge", "--yes", "/Docs/a.txt"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        home.emu
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with("/permanentDelete"))
    );
    let output = home.odc(&["restore", "/Docs/a.txt"]).await;
    assert!(
        stderr(&output).contains("is not in the recycle bin"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_work_accounts_bin_is_listed_but_restored_on_the_web() {
    let home = Home::on(Seed::Empty, Profile::Business).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    home.emu.put_file("/a.txt", b"a");
    home.emu.put_file("/Reports/web.txt", b"deleted on the web");
    home.ok(&["rm", "/a.txt"]).await;
    // Deleted elsewhere (the web, another client): the service lists it too.
    home.emu.delete_path("/Reports/web.txt");
    let output = home.odc(&["bin", "--json"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{listed}");
    assert!(
        paths.contains(&"/a.txt") && paths.contains(&"/Reports/web.txt"),
        "{listed}"
    );
    assert!(stderr(&output).contains("restore from it or empty it on the web"));
    let output = home.odc(&["purge", "--yes", "/a.txt"]).await;
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("emptied on the web"),
        "{}",
        stderr(&output)
    );
    let output = home.odc(&["restore", "/a.txt"]).await;
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("on the web"),
        "{}",
        stderr(&output)
    );
    assert!(!home.emu.exists("/a.txt"), "nothing was sent");
}
