//! OneDrive naming rules (Graph reference §8). The client checks names before it sends
//! anything, so the user learns why at once; the emulator enforces the same rules
//! the way the service does (400 invalidRequest).

use std::fmt;

/// Characters OneDrive refuses anywhere in a name.
pub const INVALID_CHARS: [char; 9] = ['"', '*', ':', '<', '>', '?', '/', '\\', '|'];
/// Longest decoded full path, file name included.
pub const MAX_PATH_CHARS: usize = 400;
/// Longest single name we allow (undocumented today; 255 is what guides quote).
pub const MAX_NAME_CHARS: usize = 255;

const RESERVED: [&str; 4] = [".lock", "CON", "PRN", "AUX"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    DotName,
    InvalidChar(char),
    LeadingSpace,
    TrailingSpace,
    FolderTrailingDot,
    Reserved(String),
    VtiPart,
    TildeDollar,
    TooLong(usize),
    FormsAtRoot,
    FolderLeadingTilde,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameProblem::Empty => write!(f, "the name is empty"),
            NameProblem::DotName => write!(f, "\".\" and \"..\" are not valid names"),
            NameProblem::InvalidChar(c) => write!(
                f,
                "OneDrive does not allow {c:?} in names (none of \" * : < > ? / \\ |)"
            ),
            NameProblem::LeadingSpace => write!(f, "OneDrive does not allow a leading space"),
            NameProblem::TrailingSpace => write!(f, "OneDrive does not allow a trailing space"),
            NameProblem::FolderTrailingDot => {
                write!(
                    f,
                    "OneDrive does not allow folder names that end with \".\""
                )
            }
            NameProblem::Reserved(name) => write!(f, "\"{name}\" is a reserved name on OneDrive"),
            NameProblem::VtiPart => write!(f, "OneDrive does not allow \"_vti_\" in names"),
            NameProblem::TildeDollar => {
                write!(f, "OneDrive does not allow names that start with \"~$\"")
            }
            NameProblem::TooLong(n) => {
                write!(
                    f,
                    "the name is {n} characters; at most {MAX_NAME_CHARS} are allowed"
                )
            }
            NameProblem::FormsAtRoot => write!(
                f,
                "\"forms\" is reserved at the root of a OneDrive for Business library"
            ),
            NameProblem::FolderLeadingTilde => write!(
                f,
                "OneDrive for Business does not allow folder names that start with \"~\""
            ),
        }
    }
}

/// Where a name is going, for the rules that depend on it.
#[derive(Debug, Clone, Copy, Default)]
pub struct NameContext {
    pub is_folder: bool,
    pub business: bool,
    pub at_root: bool,
}

pub fn check_name(name: &str, ctx: NameContext) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name == "." || name == ".." {
        return Err(NameProblem::DotName);
    }
    if let Some(c) = name.chars().find(|c| INVALID_CHARS.contains(c)) {
        return Err(NameProblem::InvalidChar(c));
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong(chars));
    }
    if name.starts_with(' ') {
        return Err(NameProblem::LeadingSpace);
    }
    if name.ends_with(' ') {
        return Err(NameProblem::TrailingSpace);
    }
    if ctx.is_folder && name.ends_with('.') {
        return Err(NameProblem::FolderTrailingDot);
    }
    if is_reserved(name) {
        return Err(NameProblem::Reserved(name.to_string()));
    }
    if name.to_ascii_lowercase().contains("_vti_") {
        return Err(NameProblem::VtiPart);
    }
    if name.starts_with("~$") {
        return Err(NameProblem::TildeDollar);
    }
    if ctx.business && ctx.at_root && ctx.is_folder && name.eq_ignore_ascii_case("forms") {
        return Err(NameProblem::FormsAtRoot);
    }
    if ctx.business && ctx.is_folder && name.starts_with('~') {
        return Err(NameProblem::FolderLeadingTilde);
    }
    Ok(())
}

fn is_reserved(name: &str) -> bool {
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name))
        || name.eq_ignore_ascii_case("NUL")
        || name.eq_ignore_ascii_case("desktop.ini")
    {
        return true;
    }
    // COM0-COM9 and LPT0-LPT9, whole name, any case.
    let upper = name.to_ascii_uppercase();
    (upper.len() == 4)
        && (upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.as_bytes()[3].is_ascii_digit()
}

/// Checks the decoded full path (e.g. `/Documents/a.txt`) against the 400-char limit.
pub fn check_path_length(full_path: &str) -> Result<(), usize> {
    let n = full_path.trim_start_matches('/').chars().count();
    if n > MAX_PATH_CHARS { Err(n) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> Result<(), NameProblem> {
        check_name(name, NameContext::default())
    }

    #[test]
    fn accepts_ordinary_and_unusual_names() {
        for name in [
            "report.pdf",
            "Ryan's Files",
            "100% done #1.txt",
            "Ünïcødé 😀.txt",
            "file.",
            "COM10",
            "console",
            "a~b",
        ] {
            assert_eq!(file(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn refuses_what_onedrive_refuses() {
        assert_eq!(file(""), Err(NameProblem::Empty));
        assert_eq!(file(".."), Err(NameProblem::DotName));
        for c in INVALID_CHARS {
            assert_eq!(file(&format!("a{c}b")), Err(NameProblem::InvalidChar(c)));
        }
        assert_eq!(file(" a"), Err(NameProblem::LeadingSpace));
        assert_eq!(file("a "), Err(NameProblem::TrailingSpace));
        for reserved in [
            "CON",
            "prn",
            "Aux",
            "nul",
            "COM0",
            "com9",
            "LPT1",
            ".lock",
            "Desktop.ini",
        ] {
            assert!(
                matches!(file(reserved), Err(NameProblem::Reserved(_))),
                "{reserved}"
            );
        }
        assert_eq!(file("x_vti_y"), Err(NameProblem::VtiPart));
        assert_eq!(file("~$doc.docx"), Err(NameProblem::TildeDollar));
        assert_eq!(file(&"a".repeat(256)), Err(NameProblem::TooLong(256)));
        let folder = NameContext {
            is_folder: true,
            ..Default::default()
        };
        assert_eq!(
            check_name("dir.", folder),
            Err(NameProblem::FolderTrailingDot)
        );
        let business_root = NameContext {
            is_folder: true,
            business: true,
            at_root: true,
        };
        assert_eq!(
            check_name("Forms", business_root),
            Err(NameProblem::FormsAtRoot)
        );
        assert_eq!(
            check_name("~tmp", business_root),
            Err(NameProblem::FolderLeadingTilde)
        );
        assert!(check_name("~tmp", folder).is_ok());
    }

    #[test]
    fn messages_say_why() {
        let message = file("a:b").unwrap_err().to_string();
        assert!(message.contains("':'"), "{message}");
    }

    #[test]
    fn path_length_counts_characters() {
        assert!(check_path_length(&format!("/{}", "é".repeat(400))).is_ok());
        assert_eq!(
            check_path_length(&format!("/{}", "a".repeat(401))),
            Err(401)
        );
    }
}
