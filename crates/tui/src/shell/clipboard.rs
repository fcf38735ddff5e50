//! The clipboard of the terminal the person sits at, by OSC 52: the terminal
//! (xterm, kitty, WezTerm, iTerm2, Windows Terminal, foot…) sets its own clipboard,
//! so it works over SSH with no X server on the far side. Inside tmux the sequence
//! also goes out wrapped for passthrough, for a tmux without `set-clipboard on`.

use base64::Engine;

/// The escape sequences that put `text` on the clipboard.
pub fn osc52(text: &str, inside_tmux: bool) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let plain = format!("\x1b]52;c;{encoded}\x07");
    if inside_tmux {
        // DCS passthrough: every ESC inside is doubled.
        format!("{plain}\x1bPtmux;\x1b\x1b]52;c;{encoded}\x07\x1b\\")
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::osc52;

    #[test]
    fn encodes_and_wraps_for_tmux() {
        assert_eq!(osc52("hi", false), "\x1b]52;c;aGk=\x07");
        let wrapped = osc52("hi", true);
        assert!(wrapped.starts_with("\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07"));
        assert!(wrapped.ends_with("\x1b\\"));
        // Nothing from the text reaches the terminal unencoded.
        assert!(!osc52("\x1b]0;owned\x07", false)[7..].contains('\x1b'));
    }
}
