//! Files a business drive changes, run as a user would: SharePoint rewrites
//! Office and PDF files after upload (onedrive-api-docs#935). The upload verifies
//! once, a compare says "changed by the server", a second put or a sync sends
//! nothing, and no upload leaves two versions behind (rclone#1716).

use odc::emulator::{Profile, Seed};

use super::cli::{Home, stderr};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn sends_content(home: &Home) -> usize {
    home.emu
        .requests()
        .iter()
        .filter(|r| {
            // Requests inside a batch are logged one by one too.
            (r.method == "PUT" && (r.path.contains("/content") || r.path.starts_with("/up/")))
                || r.path.contains("createUploadSession")
                || r.method == "PATCH"
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_file_the_library_rewrites_verifies_once_and_compares_as_changed_by_the_server() {
    let home = Home::on(Seed::Empty, Profile::Business).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let docs = home.path("work/docs");
    std::fs::create_dir_all(&docs).unwrap();
    let report: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(docs.join("report.docx"), &report).unwrap();
    std::fs::write(docs.join("notes.txt"), b"plain text is left alone").unwrap();
    let docs = docs.to_str().unwrap();

    let put = home.odc(&["put", docs, "OneDrive:/"]).await;
    assert_eq!(put.status.code(), Some(0), "accepted: {}", stderr(&put));
    let stored = home.emu.read_file("/docs/report.docx").await.unwrap();
    assert!(
        stored.len() > report.len() && stored.starts_with(&report),
        "rewritten"
    );
    assert_eq!(
        home.emu.read_file("/docs/notes.txt").await.unwrap(),
        b"plain text is left alone"
    );
    // One version each: the modified time went with the upload, not in a PATCH.
    assert_eq!(home.emu.versions_of("/docs/report.docx"), 1);
    assert_eq!(home.emu.versions_of("/docs/notes.txt"), 1);

    for quick in [false, true] {
        let mut args = vec!["check", "--same", docs, "OneDrive:/docs"];
        if quick {
            args.insert(1, "--quick");
        }
        let check = home.odc(&args).await;
        assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
        assert!(
            stdout(&check).contains("~ report.docx"),
            "{}",
            stdout(&check)
        );
        assert!(stdout(&check).contains("= notes.txt"), "{}", stdout(&check));
        assert!(
            stderr(&check).contains("(1 changed by the server after upload)"),
            "{}",
            stderr(&check)
        );
    }

    // Never a loop: nothing is sent again, by put or by sync.
    home.emu.clear_requests();
    home.ok(&["put", "-q", docs, "OneDrive:/"]).await;
    let sync = home.odc(&["sync", docs, "OneDrive:/docs"]).await;
    assert_eq!(sync.status.code(), Some(0), "{}", stderr(&sync));
    assert!(stderr(&sync).contains("to copy: 0"), "{}", stderr(&sync));
    assert!(stderr(&sync).contains("to replace: 0"), "{}", stderr(&sync));
    assert_eq!(sends_content(&home), 0, "{:?}", home.emu.requests());
    assert_eq!(home.emu.versions_of("/docs/report.docx"), 1);

    // A real change is still a change.
    let mut edited = report.clone();
    edited[0] ^= 1;
    std::fs::write(std::path::Path::new(docs).join("report.docx"), &edited).unwrap();
    let check = home.odc(&["check", docs, "OneDrive:/docs"]).await;
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("* report.docx"),
        "{}",
        stdout(&check)
    );
}
