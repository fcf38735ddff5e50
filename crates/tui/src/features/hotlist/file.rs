//! The hotlist file: bookmarked folders, one per line in odc's written form
//! (`OneDrive:/Photos` or `/home/ada/src`), in the data directory. Written whole and
//! atomically, under a lock, so a UI in another terminal never reads half a list.

use std::path::Path;

use odc_engine::transfer::Location;

/// The folders in the file; a missing file is an empty list. Lines that do not
/// parse are skipped and counted, so a hand edit cannot lose the rest.
pub fn load(path: &Path) -> Result<(Vec<Location>, usize), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(err) => {
            return Err(format!("{}: {err}", odc_core::display::escape_path(path)));
        }
    };
    let mut folders = Vec::new();
    let mut bad = 0;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match Location::parse(line, None) {
            Ok(location) if !folders.contains(&location) => folders.push(location),
            Ok(_) => {}
            Err(_) => bad += 1,
        }
    }
    Ok((folders, bad))
}

pub fn save(path: &Path, folders: &[Location]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", odc_core::display::escape_path(path));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let _lock = odc_core::fsutil::lock_beside(path).map_err(fail)?;
    let mut text = String::new();
    for folder in folders {
        text.push_str(&folder.to_string());
        text.push('\n');
    }
    odc_core::fsutil::write_private_atomically(path, text.as_bytes()).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/hotlist.txt");
        assert_eq!(load(&path).unwrap(), (vec![], 0));
        let folders = vec![
            Location::parse("OneDrive:/Photos/Summer 2025", None).unwrap(),
            Location::parse("/home/ada/src", None).unwrap(),
        ];
        save(&path, &folders).unwrap();
        assert_eq!(load(&path).unwrap(), (folders.clone(), 0));
        std::fs::write(
            &path,
            "relative/path\n/home/ada/src\n\nOneDrive:/Photos/Summer 2025\n",
        )
        .unwrap();
        let (read, bad) = load(&path).unwrap();
        assert_eq!(bad, 1);
        assert_eq!(read.len(), 2);
    }
}
