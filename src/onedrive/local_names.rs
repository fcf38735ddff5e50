//! Remote names are untrusted: a name from a listing becomes a local path component
//! only if it cannot escape the destination folder.

use std::path::{Component, Path};

/// Why a remote name cannot be used as a local file name.
pub fn unsafe_reason(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("the name is empty");
    }
    if name == "." || name == ".." {
        return Some("the name is a relative path component");
    }
    if name.contains('/') || name.contains('\\') {
        return Some("the name contains a path separator");
    }
    if name.contains('\0') {
        return Some("the name contains a NUL character");
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("the name contains control characters");
    }
    // Belt and braces: it must parse as exactly one normal component.
    let mut components = Path::new(name).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(_)), None) => None,
        _ => Some("the name is not a single path component"),
    }
}

#[cfg(test)]
mod tests {
    use super::unsafe_reason;

    #[test]
    fn hostile_names_are_refused() {
        for name in [
            "",
            ".",
            "..",
            "a/b",
            "a\\b",
            "../x",
            "/etc",
            "nul\0",
            "esc\x1b[2J",
            "new\nline",
            "c1\u{9b}",
        ] {
            assert!(unsafe_reason(name).is_some(), "{name:?}");
        }
        for name in ["a", "..a", "a..", "Ünïcødé 😀.txt", "100% #1"] {
            assert_eq!(unsafe_reason(name), None, "{name:?}");
        }
    }
}
