//! Bytes as the viewer shows them: UTF-8 characters, and everything else (a
//! control character, an invalid byte) as a visible escape, never raw on the
//! terminal; tabs stop every eight columns.

/// Columns between tab stops.
pub const TAB: usize = 8;

/// One piece of text as the viewer shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Char(char),
    /// A control character or invisible format character, shown escaped.
    Control(char),
    /// A byte that is not UTF-8, shown as `\xNN`.
    Invalid(u8),
    Newline,
}

impl Unit {
    /// Columns it takes at column `col`.
    pub fn width(self, col: usize) -> usize {
        use unicode_width::UnicodeWidthChar;
        match self {
            Unit::Char('\t') => TAB - col % TAB,
            Unit::Char(c) => c.width().unwrap_or(0),
            Unit::Control(c) => escape_unit(c).chars().count(),
            Unit::Invalid(_) => 4,
            Unit::Newline => 0,
        }
    }
}

/// How a control or format character is shown: `^[` for C0, `<U+202E>` otherwise.
pub fn escape_unit(c: char) -> String {
    let n = c as u32;
    if n < 0x20 {
        format!("^{}", (n as u8 + b'@') as char)
    } else if n == 0x7f {
        "^?".into()
    } else {
        format!("<U+{n:04X}>")
    }
}

fn is_shown_escaped(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && c != '\t')
        || (0x7f..0xa0).contains(&n)
        || odc_core::display::is_invisible_format(c)
}

/// Decodes one unit from the start of `bytes` (up to 4 bytes, fewer at the end
/// of the file): the unit and its length.
pub fn decode(bytes: &[u8]) -> (Unit, usize) {
    let first = bytes[0];
    if first == b'\n' {
        return (Unit::Newline, 1);
    }
    if first < 0x80 {
        let c = first as char;
        return if is_shown_escaped(c) {
            (Unit::Control(c), 1)
        } else {
            (Unit::Char(c), 1)
        };
    }
    let len = match first {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return (Unit::Invalid(first), 1),
    };
    if bytes.len() < len {
        return (Unit::Invalid(first), 1);
    }
    match std::str::from_utf8(&bytes[..len]) {
        Ok(text) => {
            let c = text.chars().next().expect("one char");
            if is_shown_escaped(c) {
                (Unit::Control(c), len)
            } else {
                (Unit::Char(c), len)
            }
        }
        Err(_) => (Unit::Invalid(first), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_text_escapes_and_invalid_bytes() {
        assert_eq!(decode(b"a"), (Unit::Char('a'), 1));
        assert_eq!(decode(b"\x1b[31m"), (Unit::Control('\x1b'), 1));
        assert_eq!(decode("é".as_bytes()), (Unit::Char('é'), 2));
        assert_eq!(decode(b"\xff"), (Unit::Invalid(0xff), 1));
        assert_eq!(decode(b"\xc3"), (Unit::Invalid(0xc3), 1), "cut sequence");
        assert_eq!(
            decode("\u{202e}".as_bytes()),
            (Unit::Control('\u{202e}'), 3)
        );
        assert_eq!(escape_unit('\x1b'), "^[");
        assert_eq!(escape_unit('\u{9b}'), "<U+009B>");
    }
}
