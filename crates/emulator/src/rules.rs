//! The service's rules the emulator enforces, written from the Graph reference and not
//! borrowed from the client: the emulator is the judge of the client, so a mistake in
//! the client's own checks (`onedrive::names`, `onedrive::limits`) must not be
//! repeated here. Suite tests hold the two against each other.

/// Graph reference §5.3: every fragment must be smaller than 60 MiB …
pub const FRAGMENT_MAX_EXCLUSIVE: u64 = 60 * 1024 * 1024;
/// … and every fragment but the last a multiple of 320 KiB.
pub const FRAGMENT_MULTIPLE: u64 = 320 * 1024;

/// Graph reference §8: the decoded full path, file name included, may be at most 400
/// characters.
pub const PATH_MAX_CHARS: usize = 400;

/// Graph reference §8: "keep names ≤255" (guides quote 255; the service's own limit is
/// not documented separately). The emulator holds names to it, as the strictest
/// documented reading.
pub const NAME_MAX_CHARS: usize = 255;

/// Graph reference §8, "invalid characters" (all services).
const FORBIDDEN_CHARACTERS: &str = "\"*:<>?/\\|";

/// Graph reference §8, "reserved names (whole name, any case)". COM0–COM9 and
/// LPT0–LPT9 are matched by pattern below.
const RESERVED_WHOLE_NAMES: [&str; 6] = [".lock", "con", "prn", "aux", "nul", "desktop.ini"];

/// Where a new name is going, for the rules that depend on it.
#[derive(Debug, Clone, Copy)]
pub struct NewName {
    pub is_folder: bool,
    pub business: bool,
    pub at_library_root: bool,
}

/// Why the service refuses `name`, in the words of its error message, or `None` when the
/// name is acceptable.
pub fn refusal(name: &str, place: NewName) -> Option<String> {
    let lower = name.to_lowercase();
    let reason = if name.is_empty() || name == "." || name == ".." {
        format!("'{name}' is not a name")
    } else if let Some(c) = name.chars().find(|c| FORBIDDEN_CHARACTERS.contains(*c)) {
        format!("the character '{c}' is not allowed")
    } else if name.chars().count() > NAME_MAX_CHARS {
        format!("names are limited to {NAME_MAX_CHARS} characters")
    } else if name.starts_with(' ') || name.ends_with(' ') {
        "leading and trailing spaces are not allowed".into()
    } else if RESERVED_WHOLE_NAMES.contains(&lower.as_str()) || is_device_name(&lower) {
        format!("'{name}' is a reserved name")
    } else if lower.contains("_vti_") {
        "'_vti_' is not allowed in a name".into()
    } else if name.starts_with("~$") {
        "names may not start with '~$'".into()
    } else if place.is_folder && name.ends_with('.') {
        "folder names may not end with '.'".into()
    } else if place.business && place.is_folder && name.starts_with('~') {
        "folder names may not start with '~' in this library".into()
    } else if place.business && place.is_folder && place.at_library_root && lower == "forms" {
        "'forms' is reserved at the root of a library".into()
    } else {
        return None;
    };
    Some(reason)
}

/// COM0–COM9 and LPT0–LPT9, already lower-cased.
fn is_device_name(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    bytes.len() == 4
        && (lower.starts_with("com") || lower.starts_with("lpt"))
        && bytes[3].is_ascii_digit()
}

/// Characters in a decoded full path such as `/Documents/a.txt`, as §8 counts them.
pub fn path_chars(full_path: &str) -> usize {
    full_path.trim_start_matches('/').chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: NewName = NewName {
        is_folder: false,
        business: false,
        at_library_root: false,
    };
    const BUSINESS_ROOT_FOLDER: NewName = NewName {
        is_folder: true,
        business: true,
        at_library_root: true,
    };

    #[test]
    fn the_reference_table_row_by_row() {
        for refused in [
            "",
            ".",
            "..",
            "a\"b",
            "a*b",
            "a:b",
            "a<b",
            "a>b",
            "a?b",
            "a/b",
            "a\\b",
            "a|b",
            " a",
            "a ",
            ".LOCK",
            "Con",
            "PRN",
            "aux",
            "NUL",
            "com0",
            "LPT9",
            "Desktop.INI",
            "x_VTI_y",
            "~$a.docx",
        ] {
            assert!(refusal(refused, FILE).is_some(), "{refused:?}");
        }
        for allowed in ["COM10", "com", "a.", "~a", "forms", "#1 100%.txt", "Ünï 😀"] {
            assert_eq!(refusal(allowed, FILE), None, "{allowed:?}");
        }
        assert!(refusal(&"n".repeat(256), FILE).is_some());
        assert_eq!(refusal(&"n".repeat(255), FILE), None);
        let folder = NewName {
            is_folder: true,
            ..FILE
        };
        assert!(refusal("dir.", folder).is_some());
        assert_eq!(refusal("~dir", folder), None, "personal drives allow it");
        assert!(refusal("~dir", BUSINESS_ROOT_FOLDER).is_some());
        assert!(refusal("Forms", BUSINESS_ROOT_FOLDER).is_some());
        let deeper = NewName {
            at_library_root: false,
            ..BUSINESS_ROOT_FOLDER
        };
        assert_eq!(refusal("Forms", deeper), None);
    }

    #[test]
    fn path_length_counts_characters_not_bytes() {
        assert_eq!(path_chars("/Documents/a.txt"), 15);
        assert_eq!(path_chars("/ü/😀"), 3);
    }

    #[test]
    fn the_largest_legal_fragment_is_191_units() {
        // Graph reference §5.3: 60 MiB is exactly 192 × 320 KiB.
        assert_eq!(FRAGMENT_MAX_EXCLUSIVE, 192 * FRAGMENT_MULTIPLE);
        assert_eq!(191 * FRAGMENT_MULTIPLE, 62_586_880);
    }
}
