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

    proptest::proptest! {
        /// Whatever a server calls an item, a name accepted here stays one
        /// component inside the target folder.
        #[test]
        fn accepted_names_never_leave_the_target(name in "\\PC*|[./\\\\\\x00-\\x1f]{0,6}|.{0,8}\\.\\..{0,8}") {
            if unsafe_reason(&name).is_none() {
                let target = std::path::Path::new("/target/folder");
                let joined = target.join(&name);
                proptest::prop_assert_eq!(joined.parent(), Some(target));
                proptest::prop_assert!(joined.starts_with(target));
                proptest::prop_assert_eq!(joined.file_name().and_then(|n| n.to_str()), Some(name.as_str()));
            }
        }

        /// Whatever a name holds, its escaped form drives no terminal: no control
        /// characters and no invisible reordering characters reach the screen.
        #[test]
        fn escaped_names_print_no_control_characters(name in proptest::collection::vec(proptest::char::any(), 0..40)) {
            let name: String = name.into_iter().collect();
            let shown = odc_core::display::escape_control(&name);
            for c in shown.chars() {
                proptest::prop_assert!(!c.is_control(), "{:?} in {:?}", c, shown);
                proptest::prop_assert!(
                    !matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069 | 0x200B | 0x200E | 0x200F | 0xFEFF),
                    "{:?} in {:?}", c, shown
                );
            }
        }
    }
}
