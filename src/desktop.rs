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
