//! Files a business drive changes, run as a user would: SharePoint rewrites
//! Office and PDF files after upload (onedrive-api-docs#935). The upload verifies
//! once, a compare says "changed by the server", a second put or a sync sends
//! nothing, and no upload leaves two versions behind (rclone#1716).

use odc_emulator::{Profile, Seed};

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
            stderr(&check).contains("(1 changed by the server)"),
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

/// An iPhone photo is listed as its original and served as a smaller still
/// (onedrive-api-docs#1723): downloaded as served, not failed or retried for ever.
/// Any other file served short of what is listed is a clear failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_served_as_another_rendition_downloads_and_other_short_files_fail() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    home.emu.put_file("/IMG_0001.HEIC", &[7u8; 50_000]);
    home.emu
        .serve_instead("/IMG_0001.HEIC", b"a smaller still image");
    home.emu.put_file("/report.pdf", &[1u8; 50_000]);
    home.emu.serve_instead("/report.pdf", b"short");
    let local = home.path("work");
    std::fs::create_dir_all(&local).unwrap();

    home.ok(&["get", "-q", "/IMG_0001.HEIC", local.to_str().unwrap()])
        .await;
    assert_eq!(
        std::fs::read(local.join("IMG_0001.HEIC")).unwrap(),
        b"a smaller still image"
    );
    // Not a difference afterwards, and not fetched again.
    home.emu.clear_requests();
    home.ok(&["get", "-q", "/IMG_0001.HEIC", local.to_str().unwrap()])
        .await;
    assert!(
        !home
            .emu
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/dl/")),
        "{:?}",
        home.emu.requests()
    );
    std::fs::create_dir_all(home.path("photos")).unwrap();
    std::fs::copy(
        local.join("IMG_0001.HEIC"),
        home.path("photos/IMG_0001.HEIC"),
    )
    .unwrap();
    home.ok(&["mkdir", "/Photos"]).await;
    home.emu.put_file("/Photos/IMG_0001.HEIC", &[7u8; 50_000]);
    let check = home
        .odc(&[
            "check",
            home.path("photos").to_str().unwrap(),
            "OneDrive:/Photos",
        ])
        .await;
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("(1 changed by the server)"),
        "{}",
        stderr(&check)
    );

    let get = home
        .odc(&["get", "/report.pdf", local.to_str().unwrap()])
        .await;
    assert_eq!(get.status.code(), Some(1), "{}", stderr(&get));
    assert!(
        stderr(&get).contains("OneDrive lists 50000 bytes but sends 5"),
        "{}",
        stderr(&get)
    );
    assert!(!local.join("report.pdf").exists());
    let downloads = home
        .emu
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/dl/"))
        .count();
    assert!(downloads <= 3, "no retry loop: {downloads} downloads");
}
