//! What other people shared, run as a user would: `odc shared`, a shortcut's path
//! used like any folder, copies out of a shared folder and into one that may be
//! changed, and a clear refusal where it may only be read.

use odc_emulator::{Profile, Seed};

use super::cli::{Home, stderr};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Ada (the signed-in user) and Bob, who shares `/Photos` with her to read (she
/// added it to her files as `Shared Photos`) and `/Team` to change.
struct Sharing {
    home: Home,
    bob_drive: String,
}

async fn sharing() -> Sharing {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--no-browser", "--no-qr"]).await;
    let (bob, bob_drive) = home
        .emu
        .add_user("bob@example.com", "Bob Example", Profile::Personal);
    home.emu
        .put_file_on(&bob_drive, "/Photos/2024/beach.jpg", b"sand and sea");
    home.emu
        .put_file_on(&bob_drive, "/Photos/cover.jpg", b"cover");
    home.emu
        .put_file_on(&bob_drive, "/Team/plan.txt", b"the plan");
    home.emu
        .put_file_on(&bob_drive, "/Private/diary.txt", b"mine");
    home.emu.share(bob, "/Photos", 0, false);
    home.emu.share(bob, "/Team", 0, true);
    home.emu.add_shortcut(0, "Shared Photos", bob, "/Photos");
    home.emu.put_file("/own.txt", b"ada's");
    Sharing { home, bob_drive }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shortcut_is_a_folder_to_list_and_copy_from_but_not_to_write_when_shared_to_read() {
    let Sharing { home, bob_drive } = sharing().await;

    let root = home.ok(&["ls", "-l", "/"]).await;
    let shortcut = root
        .lines()
        .find(|l| l.contains("Shared Photos"))
        .unwrap_or_else(|| panic!("the shortcut is listed: {root}"));
    assert!(shortcut.starts_with('s'), "marked shared: {shortcut}");

    assert_eq!(
        home.ok(&["ls", "/Shared Photos"]).await,
        "2024/\ncover.jpg\n"
    );
    assert_eq!(
        home.ok(&["ls", "OneDrive:/Shared Photos/2024"]).await,
        "beach.jpg\n"
    );
    assert_eq!(
        home.ok(&["cat", "/Shared Photos/2024/beach.jpg"]).await,
        "sand and sea"
    );
    let local = home.path("work/got");
    std::fs::create_dir_all(&local).unwrap();
    home.ok(&["get", "-q", "/Shared Photos", local.to_str().unwrap()])
        .await;
    assert_eq!(
        std::fs::read(local.join("Shared Photos/2024/beach.jpg")).unwrap(),
        b"sand and sea"
    );

    // Writing where Bob shared only to read: refused, said plainly, nothing written.
    let note = home.path("work/note.txt");
    std::fs::write(&note, b"hello").unwrap();
    let put = home
        .odc(&["put", note.to_str().unwrap(), "/Shared Photos/"])
        .await;
    let err = stderr(&put);
    assert_eq!(put.status.code(), Some(1), "{err}");
    assert!(err.contains("may not change it"), "{err}");
    let mkdir = home.odc(&["mkdir", "/Shared Photos/new"]).await;
    assert_eq!(mkdir.status.code(), Some(1), "{}", stderr(&mkdir));
    assert!(
        home.emu
            .read_file_on(&bob_drive, "/Photos/note.txt")
            .await
            .is_none()
    );
    assert!(!home.emu.exists("/Shared Photos/note.txt") && !home.emu.exists("/note.txt"));
    assert!(!home.emu.exists("/new"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_lists_what_others_shared_and_each_place_works_in_every_command() {
    let Sharing { home, bob_drive } = sharing().await;

    let listed = home.ok(&["shared"]).await;
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "each shared item once: {listed}");
    // The shortcut's name: what Ada calls the folder in her files.
    assert!(
        lines[0].starts_with("Shared Photos\tfolder\tBob Example\tOneDrive@"),
        "{listed}"
    );
    assert!(
        lines[1].starts_with("Team\tfolder\tBob Example\tOneDrive@"),
        "{listed}"
    );
    assert!(!listed.contains("Private"), "{listed}");
    let team = lines[1].rsplit('\t').next().unwrap().to_string();
    // The drive id as odc writes it: lower case, 16 digits, though the service
    // showed it upper case and without its leading zero.
    assert!(
        team.contains(&format!("@{}~", bob_drive.to_lowercase())),
        "{team}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&home.ok(&["shared", "--json"]).await).unwrap();
    assert_eq!(json[0]["name"], "Shared Photos");
    assert_eq!(json[0]["kind"], "folder");
    assert_eq!(json[1]["place"], team.as_str());

    assert_eq!(home.ok(&["ls", &team]).await, "plan.txt\n");
    std::fs::create_dir_all(home.path("work")).unwrap();
    let note = home.path("work/note.txt");
    std::fs::write(&note, b"from ada").unwrap();
    let into = format!("{team}notes/");
    home.ok(&["mkdir", &format!("{team}notes")]).await;
    home.ok(&["put", "-q", note.to_str().unwrap(), &into]).await;
    assert_eq!(
        home.emu
            .read_file_on(&bob_drive, "/Team/notes/note.txt")
            .await
            .unwrap(),
        b"from ada"
    );
    assert!(
        !home.emu.exists("/notes"),
        "nothing written in Ada's own drive"
    );
    assert_eq!(
        home.ok(&["cat", &format!("{team}plan.txt")]).await,
        "the plan"
    );

    // A place outside what was shared is not there at all.
    let photos = lines[0].rsplit('\t').next().unwrap();
    let private = photos.replace(
        photos.split('~').nth(1).unwrap().trim_end_matches(":/"),
        "nonsense!1",
    );
    let out = home.odc(&["ls", &private]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}
