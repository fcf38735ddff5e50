//! The desktop around odc: whether this session can show a window (a browser, a
//! viewer) rather than being a bare SSH session on a headless server, and opening a
//! web page in the user's browser.

pub fn graphical_session() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return std::env::var_os("SSH_CONNECTION").is_none();
    }
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}

/// Opens `url` in a browser: the command `$BROWSER` names when set (the first of a
/// `:`-separated list; `%s` stands for the address, otherwise it is the last
/// argument; no shell is involved), else the desktop's default handler.
pub fn open_url(url: &str) -> std::io::Result<()> {
    match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        Some(browser) => {
            let command = browser.split(':').next().unwrap_or_default();
            let mut words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
            if words.is_empty() {
                return Err(std::io::Error::other("BROWSER names no command"));
            }
            if words.iter().any(|w| w.contains("%s")) {
                for word in &mut words {
                    *word = word.replace("%s", url);
                }
            } else {
                words.push(url.to_string());
            }
            let mut child = std::process::Command::new(&words[0])
                .args(&words[1..])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()?;
            // Reaped in the background so no zombie is left while odc runs on.
            std::thread::spawn(move || child.wait());
            Ok(())
        }
        None => open::that_detached(url),
    }
}

/// A sign-in address opened without putting it on a command line: the browser is
/// given a page in a private folder (0700, the page 0600) that forwards to the
/// address. Another user of a shared host can read every process's arguments in
/// `/proc`; with the address (its `state` and listener port) they could answer the
/// listener with a sign-in of their own account. Keep the page until the sign-in
/// is over: the browser may read it late.
pub struct PrivatePage {
    dir: tempfile::TempDir,
}

impl PrivatePage {
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("sign-in.html")
    }
}

/// Opens `url` through a [`PrivatePage`], as [`open_url`] opens an address.
pub fn open_url_privately(url: &str) -> std::io::Result<PrivatePage> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("odc-sign-in-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()?;
    let page = PrivatePage { dir };
    let escaped = crate::display::escape_html(url);
    let html = format!(
        "<!doctype html><meta charset=utf-8><title>odc sign-in</title>\
<meta http-equiv=\"refresh\" content=\"0;url={escaped}\">\
<p>Taking you to the sign-in page: <a id=\"next\" href=\"{escaped}\">continue</a>.</p>\n"
    );
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(page.path())?;
    file.write_all(html.as_bytes())?;
    let address = url::Url::from_file_path(page.path())
        .map_err(|()| std::io::Error::other("the page's path is not absolute"))?;
    open_url(address.as_str())?;
    Ok(page)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sign_in_address_is_in_a_private_page_not_on_a_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let args = dir.path().join("args");
        let script = dir.path().join("browser");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s' \"$1\" > {}\n", args.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        // SAFETY: this test alone reads BROWSER; no other thread of it runs.
        unsafe { std::env::set_var("BROWSER", &script) };
        let url = "https://login.example/authorize?state=secret&code_challenge=x";
        let page = super::open_url_privately(url).unwrap();
        for _ in 0..100 {
            if args.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let given = std::fs::read_to_string(&args).unwrap();
        assert!(
            given.starts_with("file://") && !given.contains("secret"),
            "{given}"
        );
        let html = std::fs::read_to_string(page.path()).unwrap();
        assert!(html.contains("state=secret&amp;code_challenge=x"), "{html}");
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&page.path()), 0o600);
        assert_eq!(mode(page.path().parent().unwrap()), 0o700);
    }
}
