//! Remote names are untrusted: before they reach a terminal, control characters
//! (ESC sequences included) are made visible instead of being interpreted.

/// Replaces control characters with visible escapes (`\x1b`, `\n`, `\u{9b}`).
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_control;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(escape_control("a\x1b[31mred"), "a\\x1b[31mred");
        assert_eq!(escape_control("line\nbreak\u{9b}"), "line\\nbreak\\u{9b}");
        assert_eq!(escape_control("Ünïcødé 😀"), "Ünïcødé 😀");
    }
}
