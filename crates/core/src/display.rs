//! Remote names are untrusted: before they reach a terminal, control characters
//! (ESC sequences included) are made visible instead of being interpreted. The
//! one escaping function for every string from a server or a file name: the
//! command line, the UI and the logs all use it.

/// Invisible format characters that reorder or hide text: bidirectional
/// embeddings, overrides and isolates (U+202A–E, U+2066–9, the "Trojan Source"
/// characters), zero-width spaces and marks, word joiners, the BOM and
/// interlinear annotations. ZWNJ/ZWJ (U+200C/D) are left: scripts and emoji
/// sequences need them and they cannot reorder anything.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x061C
            | 0x180E
            | 0x200B
            | 0x200E
            | 0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            // Line and paragraph separators: a line break to some terminals.
            | 0x2028
            | 0x2029
            // Hangul fillers: blank, yet letters (a name that looks empty).
            | 0x115F
            | 0x1160
            | 0x3164
            | 0xFFA0
            // Tag characters: invisible text that can carry hidden words.
            | 0xE0000..=0xE007F
    )
}

/// [`escape_control`] for a local path (names in it are as hostile as remote ones).
pub fn escape_path(path: &std::path::Path) -> String {
    escape_control(&path.display().to_string())
}

/// Replaces control characters with visible escapes (`\x1b`, `\n`, `\u{9b}`),
/// invisible format characters with `\u{202e}`-style escapes, and `\` with `\\`
/// (so every escape reads one way).
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // The escape's own mark: `a\nb` must not read as an escaped line feed.
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (0x80..0xa0).contains(&(c as u32)) || is_invisible_format(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for an HTML page (the sign-in pages): `& < > "` as entities.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::escape_control;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(escape_control("a\x1b[31mred"), "a\\x1b[31mred");
        assert_eq!(escape_control("line\nbreak\u{9b}"), "line\\nbreak\\u{9b}");
        assert_eq!(escape_control("Ünïcødé 😀"), "Ünïcødé 😀");
        assert_eq!(escape_control("a\\nb"), "a\\\\nb", "a backslash is escaped");
        assert_eq!(
            escape_control("p\u{2028}q\u{2029}r"),
            "p\\u{2028}q\\u{2029}r"
        );
        assert_eq!(
            escape_control("\u{3164}\u{115f}x\u{e0041}\u{e007f}"),
            "\\u{3164}\\u{115f}x\\u{e0041}\\u{e007f}"
        );
        assert_eq!(
            escape_control("invoice\u{202e}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        assert_eq!(
            escape_control("a\u{2066}b\u{200b}c\u{feff}"),
            "a\\u{2066}b\\u{200b}c\\u{feff}"
        );
        assert_eq!(escape_control("👨\u{200d}👩"), "👨\u{200d}👩", "ZWJ kept");
    }
}
