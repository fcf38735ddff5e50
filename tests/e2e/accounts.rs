//! Browser sign-in, several accounts and drives beyond "My files", as a user meets
//! them on the command line: `odc login --browser` with a scripted `BROWSER` (a
//! shell script driving curl) against the emulator's consent page.

use std::path::PathBuf;

use odc_emulator::{Profile, Seed};

use crate::cli::{Home, count, stderr};

/// Writes a browser script: `$1` is the sign-in address. `approve` picks the link
/// with this id on the consent page (`approve-0`, `approve-1`, `decline`); with
/// `forge` the state in the redirect is replaced before the browser follows it;
/// with `approve = None` it never comes back. Every address it was given is
/// appended to `urls.txt`.
fn browser(home: &Home, approve: Option<&str>, forge: bool) -> PathBuf {
    let dir = home.dir.path();
    let script = dir.join(format!("browser-{}-{forge}", approve.unwrap_or("none")));
    let choose = match approve {
        None => "exit 0".to_string(),
        Some(id) => format!(
            r#"page=$(curl -sS "$1")
link=$(printf '%s' "$page" | grep -o 'id={id} href="[^"]*"' | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
[ -n "$link" ] || exit 3
next=$(curl -sS -o /dev/null -w '%{{redirect_url}}' "${{1%%/authorize*}}/$link")
{forge}
curl -sS "$next" > "{dir}/landing.html""#,
            forge = if forge {
                r#"next=$(printf '%s' "$next" | sed 's/state=[^&]*/state=forged/')"#
            } else {
                ""
            },
            dir = dir.display()
        ),
    };
    // The sign-in address comes as a private page (file://…) that forwards to it:
    // read the address from there, as a browser would, and keep what the command
    // line showed (urls.txt) apart from what the page held (pages.txt).
    let text = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"{dir}/urls.txt\"\ncase \"$1\" in *logout*) curl -sS \"$1\" > /dev/null; exit 0;; esac\ncase \"$1\" in file://*) set -- \"$(grep -o 'href=\"[^\"]*\"' \"${{1#file://}}\" | head -1 | sed 's/^href=\"//; s/\"$//; s/&amp;/\\&/g')\"; printf '%s\\n' \"$1\" >> \"{dir}/pages.txt\";; esac\n{choose}\n",
        dir = dir.display()
    );
    std::fs::write(&script, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn landing(home: &Home) -> String {
    std::fs::read_to_string(home.dir.path().join("landing.html")).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_sign_in_adds_accounts_that_commands_choose_between() {
    let home = Home::new(Seed::Demo).await;
    let (_, work_drive) = home
        .emu
        .add_user("ada@contoso.com", "Ada Contoso", Profile::Business);
    let (_, libraries) =
        home.emu
            .add_site("reports", "Quarterly Reports", &["Documents", "Archive"]);

    // The first account: the browser approves as the personal account.
    home.set_env(
        "BROWSER",
        browser(&home, Some("approve-0"), false).to_str().unwrap(),
    );
    let first = home.ok(&["login", "--browser"]).await;
    assert!(
        first.contains("Opened the sign-in page in your browser"),
        "{first}"
    );
    assert!(
        first.contains(r#"Signed in as Ada Example (ada@example.com), account "ada" (personal)."#),
        "{first}"
    );
    assert!(
        landing(&home).contains("You can close this tab"),
        "{}",
        landing(&home)
    );
    // The launcher's command line (readable by every local user in /proc) holds
    // only a private page; the address with its state is inside it.
    let urls = std::fs::read_to_string(home.dir.path().join("urls.txt")).unwrap();
    assert!(
        urls.starts_with("file://") && !urls.contains("state="),
        "{urls}"
    );
    let urls = std::fs::read_to_string(home.dir.path().join("pages.txt")).unwrap();
    assert!(
        urls.contains("/common/oauth2/v2.0/authorize?")
            && urls.contains("code_challenge_method=S256")
            && urls.contains("redirect_uri=http%3A%2F%2Flocalhost%3A")
            && !urls.contains("prompt=select_account"),
        "{urls}"
    );
    // The code was redeemed once, with the verifier.
    assert_eq!(count(&home, "POST", "/common/oauth2/v2.0/token"), 1);

    // A second account, named, chosen on the consent page; the first stays default.
    home.set_env(
        "BROWSER",
        browser(&home, Some("approve-1"), false).to_str().unwrap(),
    );
    let second = home.ok(&["login", "--browser", "--name", "work"]).await;
    assert!(
        second.contains(r#"as Ada Contoso (ada@contoso.com), account "work" (business)."#),
        "{second}"
    );
    assert!(
        second.contains("Use it with --account work or work:/path"),
        "{second}"
    );
    let urls = std::fs::read_to_string(home.dir.path().join("pages.txt")).unwrap();
    assert!(urls.contains("prompt=select_account"), "{urls}");

    let accounts = home.ok(&["accounts"]).await;
    assert!(
        accounts.contains("* ada   personal  ada@example.com  (Ada Example, tenant common)")
            && accounts.contains("  work  business  ada@contoso.com  (Ada Contoso, tenant common)"),
        "{accounts}"
    );

    // Commands choose the account with --account or a path's NAME:.
    std::fs::write(home.path("note.txt"), b"for work").unwrap();
    home.ok(&["put", "note.txt", "work:/note.txt"]).await;
    assert_eq!(
        home.emu
            .read_file_on(&work_drive, "/note.txt")
            .await
            .as_deref(),
        Some(&b"for work"[..])
    );
    assert!(home.ok(&["ls", "work:/"]).await.contains("note.txt"));
    // A business quota has no recycle-bin figure: none is made up.
    let whoami = home.ok(&["--account", "work", "whoami"]).await;
    assert!(
        whoami.contains("drive: business, 8 B used of 1 TiB") && !whoami.contains("recycle bin"),
        "{whoami}"
    );
    assert!(!home.ok(&["ls", "/"]).await.contains("note.txt"));
    assert_eq!(
        home.ok(&["--account", "work", "cat", "/note.txt"]).await,
        "for work"
    );
    let clash = home.odc(&["--account", "ada", "ls", "work:/"]).await;
    assert_eq!(clash.status.code(), Some(2));
    assert!(
        stderr(&clash).contains("one command works in one account"),
        "{}",
        stderr(&clash)
    );
    let unknown = home.odc(&["--account", "nobody", "ls", "/"]).await;
    assert!(
        stderr(&unknown).contains("no account is named \"nobody\""),
        "{}",
        stderr(&unknown)
    );

    // check and sync work across two accounts (each side through its own).
    home.ok(&["mkdir", "work:/Docs"]).await;
    home.ok(&["sync", "OneDrive:/Documents", "work:/Docs"])
        .await;
    let same = home
        .ok(&["check", "OneDrive:/Documents", "work:/Docs"])
        .await;
    assert_eq!(same, "", "identical after the sync");
    assert!(home.ok(&["ls", "-R", "work:/Docs"]).await.lines().count() > 1);

    // The work account opens the site's libraries; the personal one has no sites.
    let drives = home.ok(&["--account", "work", "drives"]).await;
    assert!(
        drives.contains(&format!("{work_drive}\tOneDrive\tbusiness\tmy drives")),
        "{drives}"
    );
    assert!(
        drives.contains(&format!(
            "{}\tArchive\tdocumentLibrary\tQuarterly Reports",
            libraries[1]
        )),
        "{drives}"
    );
    home.ok(&[
        "--account",
        "work",
        "--drive",
        &libraries[1],
        "put",
        "note.txt",
        "/filed.txt",
    ])
    .await;
    assert_eq!(
        home.emu
            .read_file_on(&libraries[1], "/filed.txt")
            .await
            .as_deref(),
        Some(&b"for work"[..])
    );
    let personal = home.ok(&["drives"]).await;
    assert_eq!(personal.lines().count(), 1, "{personal}");

    // Make work the default; sign out of it everywhere: the browser is sent to the
    // sign-out page for that account, and ada becomes the default again.
    home.ok(&["accounts", "--set-default", "work"]).await;
    assert!(home.ok(&["accounts"]).await.contains("* work"));
    let out = home.ok(&["logout", "--everywhere"]).await;
    assert!(out.starts_with("Signed out ada@contoso.com"), "{out}");
    // The browser runs on its own after odc has finished.
    for _ in 0..100 {
        if count(&home, "GET", "/common/oauth2/v2.0/logout") > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let urls = std::fs::read_to_string(home.dir.path().join("urls.txt")).unwrap();
    assert!(
        urls.contains("/common/oauth2/v2.0/logout?logout_hint=ada%40contoso.com"),
        "{urls}"
    );
    assert_eq!(count(&home, "GET", "/common/oauth2/v2.0/logout"), 1);
    assert!(home.ok(&["accounts"]).await.starts_with("* ada "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_forged_or_abandoned_browser_sign_in_saves_nothing() {
    let home = Home::new(Seed::Empty).await;
    home.config("[account]\nbrowser_timeout_secs = 2\n");
    let cases = [
        (
            Some("decline"),
            false,
            "sign-in was declined in the browser",
        ),
        // A reply with another state is refused with a page; the sign-in goes
        // on waiting for its own, and ends when the time is up.
        (
            Some("approve-0"),
            true,
            "the browser did not come back within 2 s",
        ),
        (
            None,
            false,
            "the browser did not come back within 2 s; start again, or sign in with --device-code",
        ),
    ];
    for (choice, forge, expected) in cases {
        home.set_env("BROWSER", browser(&home, choice, forge).to_str().unwrap());
        let output = home.odc(&["login", "--browser"]).await;
        assert_eq!(output.status.code(), Some(1), "{choice:?}");
        assert!(
            stderr(&output).contains(expected),
            "{choice:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(count(&home, "POST", "/oauth2/v2.0/token"), 0);
    assert!(home.ok(&["accounts"]).await.starts_with("No accounts"));
    let forged_page = landing(&home);
    assert!(
        forged_page.contains("does not belong to the sign-in odc started"),
        "{forged_page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyring_store_says_clearly_when_this_machine_has_none() {
    let home = Home::new(Seed::Empty).await;
    home.config("[account]\ntoken_store = \"keyring\"\n");
    // No D-Bus session here (as on a headless server): no Secret Service.
    home.set_env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/odc-test-bus",
    );
    let output = home.odc(&["accounts"]).await;
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("the system keyring is not available")
            && text.contains("account.token_store = \"file\""),
        "{text}"
    );
    // Nothing was written in place of the keyring.
    assert!(!home.path("home/.local/share/odc/tokens.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rm_of_many_paths_takes_a_few_requests() {
    let home = Home::new(Seed::Empty).await;
    home.ok(&["login", "--device-code", "--no-qr"]).await;
    home.emu.mkdir_p("/old/folder");
    let mut args = vec!["rm".to_string()];
    for i in 0..30 {
        home.emu.put_file(&format!("/old/f{i:02}.txt"), b"x");
        args.push(format!("/old/f{i:02}.txt"));
    }
    args.extend(["/old/folder".into(), "/old/missing.txt".into(), "/".into()]);
    home.emu.clear_requests();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = home.odc(&args).await;
    assert_eq!(output.status.code(), Some(1));
    // Reports go to stderr; stdout stays for data.
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    let out = stderr(&output);
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("deleted /old/f"))
            .count(),
        30
    );
    let err = stderr(&output);
    assert!(err.contains("/old/folder: is a folder; use -r"), "{err}");
    assert!(err.contains("/old/missing.txt"), "{err}");
    assert!(err.contains("the root folder cannot be deleted"), "{err}");
    assert!(home.emu.read_file("/old/f29.txt").await.is_none());
    // 32 lookups and 30 deletions in batches of twenty: four requests, and the
    // folder left alone.
    assert_eq!(count(&home, "POST", "/$batch"), 4);
    assert_eq!(count(&home, "DELETE", "/items/"), 30);
    assert!(home.ok(&["ls", "/old"]).await.contains("folder"));
}
