//! Going places (`:` / Ctrl-G): what a typed path means from the pane it is typed in,
//! and completing folder names with Tab. Pure: the runner lists the folders.
//!
//! In a local pane `/x` is a local path; in a OneDrive pane it is a OneDrive path.
//! `OneDrive:/x` is always OneDrive, `~` and `~/x` always the local home, and
//! anything else is relative to the pane's folder (`..` goes up).

use std::path::{Path, PathBuf};

use odc_engine::transfer::Location;
use odc_graph::RemotePath;
use odc_graph::path::REMOTE_PREFIX;

/// Where `text` leads from `here`.
pub fn target(text: &str, here: &Location, home: Option<&Path>) -> Result<Location, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type a folder to go to".into());
    }
    if let Some(rest) = text.strip_prefix(REMOTE_PREFIX) {
        return remote_from(&RemotePath::root(), rest);
    }
    if text == "~" || text.starts_with("~/") {
        let home = home.ok_or("No home folder is known here")?;
        return Ok(Location::Local(normalise(
            &home.join(text[1..].trim_start_matches('/')),
        )));
    }
    match here {
        Location::Local(dir) => Ok(Location::Local(normalise(&dir.join(text)))),
        Location::Remote(dir) => {
            if text.starts_with('/') {
                remote_from(&RemotePath::root(), text)
            } else {
                remote_from(dir, text)
            }
        }
    }
}

/// `rest` (segments, `..` allowed) from `base`.
fn remote_from(base: &RemotePath, rest: &str) -> Result<Location, String> {
    let mut path = base.clone();
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => path = path.parent().unwrap_or_default(),
            name => path = path.join(name),
        }
    }
    Ok(Location::Remote(path))
}

/// Removes `.` and resolves `..` without touching the disk (a symlink's `..` is
/// what the person typed, as in a shell's `cd`).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What Tab completes: the folder to list and the start of the name typed so far.
/// `None` when the text names no folder to look in.
pub fn completion_base(
    text: &str,
    here: &Location,
    home: Option<&Path>,
) -> Option<(Location, String)> {
    let (folder, prefix) = match text.rfind('/') {
        Some(slash) => (&text[..=slash], &text[slash + 1..]),
        None if text == "~" => return None,
        None => ("", text),
    };
    let folder = if folder.is_empty() {
        here.clone()
    } else {
        target(folder, here, home).ok()?
    };
    Some((folder, prefix.to_string()))
}

/// Applies the folder names found for `prefix`: the text extended by what all of
/// them share (and a `/` when only one is left), and the candidates to show.
pub fn complete(text: &str, prefix: &str, names: &[String]) -> (String, Vec<String>) {
    let lower = prefix.to_lowercase();
    let mut matching: Vec<String> = names
        .iter()
        .filter(|n| n.to_lowercase().starts_with(&lower))
        .cloned()
        .collect();
    matching.sort_by_key(|n| n.to_lowercase());
    let stem = &text[..text.len() - prefix.len()];
    match matching.as_slice() {
        [] => (text.to_string(), Vec::new()),
        [one] => (format!("{stem}{one}/"), Vec::new()),
        many => {
            let common = common_prefix(many);
            let extended = if common.chars().count() > prefix.chars().count() {
                format!("{stem}{common}")
            } else {
                text.to_string()
            };
            (extended, matching)
        }
    }
}

/// The longest start all names share (case-insensitively, spelled as the first).
fn common_prefix(names: &[String]) -> String {
    let first = &names[0];
    let mut end = first.len();
    for name in &names[1..] {
        let shared = first
            .char_indices()
            .zip(name.chars())
            .take_while(|((_, a), b)| a.to_lowercase().eq(b.to_lowercase()))
            .last()
            .map(|((i, a), _)| i + a.len_utf8())
            .unwrap_or(0);
        end = end.min(shared);
    }
    first[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(p: &str) -> Location {
        Location::Local(PathBuf::from(p))
    }

    fn remote(p: &str) -> Location {
        Location::Remote(RemotePath::parse(p).unwrap())
    }

    #[test]
    fn paths_mean_what_the_pane_side_says() {
        let home = Path::new("/home/ada");
        let here = local("/srv/data");
        assert_eq!(target("/etc", &here, Some(home)), Ok(local("/etc")));
        assert_eq!(
            target("logs/../in", &here, Some(home)),
            Ok(local("/srv/data/in"))
        );
        assert_eq!(target("~", &here, Some(home)), Ok(local("/home/ada")));
        assert_eq!(
            target("~/src", &here, Some(home)),
            Ok(local("/home/ada/src"))
        );
        assert_eq!(
            target("OneDrive:/Photos", &here, Some(home)),
            Ok(remote("/Photos"))
        );
        let here = remote("/Documents/Archive");
        assert_eq!(target("/Photos", &here, Some(home)), Ok(remote("/Photos")));
        assert_eq!(target("../..", &here, Some(home)), Ok(remote("/")));
        assert_eq!(
            target("2024", &here, Some(home)),
            Ok(remote("/Documents/Archive/2024"))
        );
        assert_eq!(target("~", &here, Some(home)), Ok(local("/home/ada")));
        assert!(target("  ", &here, Some(home)).is_err());
        assert!(target("~", &here, None).is_err());
    }

    #[test]
    fn tab_completes_shared_starts_then_whole_names() {
        let names: Vec<String> = ["Documents", "Downloads", "desktop", "Photos"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            complete("/home/ada/do", "do", &names),
            (
                "/home/ada/do".into(),
                vec!["Documents".to_string(), "Downloads".to_string()]
            )
        );
        assert_eq!(
            complete("/home/ada/docu", "docu", &names),
            ("/home/ada/Documents/".into(), vec![])
        );
        assert_eq!(complete("x/zz", "zz", &names), ("x/zz".into(), vec![]));
        let here = local("/srv");
        assert_eq!(
            completion_base("logs/ap", &here, None),
            Some((local("/srv/logs"), "ap".into()))
        );
        assert_eq!(
            completion_base("ap", &here, None),
            Some((here.clone(), "ap".into()))
        );
    }
}
