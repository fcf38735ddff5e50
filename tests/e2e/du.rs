//! `odc du`: what uses the space, on OneDrive (folder totals from one listing) and
//! locally (walked), biggest first, in human sizes, bytes or JSON.

use odc_emulator::Seed;

use crate::cli::{Home, stderr};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn du_lists_each_subfolders_total_biggest_first() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    home.emu.put_file("/Space/Photos/2024/a.jpg", &[1u8; 3000]);
    home.emu.put_file("/Space/Photos/b.jpg", &[1u8; 2000]);
    home.emu.put_file("/Space/Docs/c.txt", &[1u8; 100]);
    home.emu.put_file("/Space/loose.bin", &[1u8; 7]);

    let out = home.ok(&["du", "--bytes", "OneDrive:/Space"]).await;
    assert_eq!(
        out,
        "        5000  Photos/\n         100  Docs/\n           7  (files here)\n        5107  total\n"
    );
    // Without a prefix a path is local, as everywhere: this one does not exist.
    let run = home.odc(&["du", "/Space"]).await;
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));

    let out = home.ok(&["du", "--json", "OneDrive:/Space"]).await;
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["total"], 5107);
    assert_eq!(doc["folders"][0]["name"], "Photos");
    assert_eq!(doc["folders"][0]["size"], 5000);

    // A local folder, walked; human sizes.
    let tree = home.path("local");
    std::fs::create_dir_all(tree.join("big/deeper")).unwrap();
    std::fs::create_dir_all(tree.join("small")).unwrap();
    std::fs::write(tree.join("big/deeper/x.bin"), vec![0u8; 2 << 20]).unwrap();
    std::fs::write(tree.join("small/y.bin"), vec![0u8; 10]).unwrap();
    std::os::unix::fs::symlink("/", tree.join("link-to-root")).unwrap();
    let out = home.ok(&["du", "local"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0].trim(), "2 MiB  big/", "{out}");
    assert_eq!(lines[1].trim(), "10 B  small/", "{out}");
    assert!(lines[3].ends_with("total"), "{out}");
    assert!(!out.contains("link-to-root"), "a link is not walked: {out}");
}
