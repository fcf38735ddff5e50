//! Whether this session can show a window (a browser, a viewer): not over a bare
//! SSH session on a headless server, where `open` would fail or start a text browser.

pub fn graphical_session() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return std::env::var_os("SSH_CONNECTION").is_none();
    }
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}
