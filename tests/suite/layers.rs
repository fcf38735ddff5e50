//! The arrows point one way: each top-level module of the `odc` crate sits on a
//! floor and may use only modules on floors below it (README "Code layout"), and
//! the emulator crate uses no client crate. A `use crate::…` (or any `crate::…`
//! path) that points up a floor, or a new top-level module that has no floor,
//! fails here with the file and the module it reached.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Floors, lowest first. A module may use what is on a lower floor only.
const FLOORS: &[&[&str]] = &[
    // Plain helpers: output, exit statuses, the desktop, QR codes. (Settings, file
    // locations and local file helpers are in odc-core, below this crate.)
    &["stdio", "exit", "desktop", "qr"],
    // The log.
    &["logging"],
    // Microsoft identity and Graph.
    &["onedrive"],
    // Places (local or OneDrive) and signals, in the Graph layer's terms.
    &["location", "signals"],
    // The transfer engine.
    &["transfer"],
    // Compare and sync, on the engine.
    &["compare"],
    // The UI.
    &["tui"],
    // The emulator and the demo as commands (they start the UI).
    &["emulator_cmd"],
    // The command line, over everything.
    &["cli"],
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|floor| floor.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/tui/ui/pane.rs` → `tui`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// Every `crate::NAME` a text names (comments included: a doc link up a floor is
/// an arrow the reader follows too).
fn modules_named(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `odc_crate::`, not `crate::`
        }
        let rest = &text[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.push(name);
        }
    }
    found
}

/// Arrows (from module, to module) with a file that draws each.
fn arrows(src: &Path) -> BTreeMap<(String, String), PathBuf> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut arrows = BTreeMap::new();
    for file in files {
        let Some(from) = module_of(src, &file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for to in modules_named(&text) {
            if to != from {
                arrows
                    .entry((from.clone(), to))
                    .or_insert_with(|| file.clone());
            }
        }
    }
    arrows
}

fn problems(src: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for ((from, to), file) in arrows(src) {
        match (floor_of(&from), floor_of(&to)) {
            (None, _) => problems.push(format!(
                "{}: module `{from}` has no floor in tests/suite/layers.rs",
                file.display()
            )),
            // `crate::NAME` of something that is not a module (a macro, an item
            // of lib.rs) is not an arrow between layers.
            (_, None) if !src.join(format!("{to}.rs")).exists() && !src.join(&to).is_dir() => {}
            (_, None) => problems.push(format!(
                "module `{to}` (used by {}) has no floor in tests/suite/layers.rs",
                file.display()
            )),
            (Some(a), Some(b)) if b >= a => problems.push(format!(
                "{}: `{from}` (floor {a}) uses `{to}` (floor {b}): an arrow up or sideways",
                file.display()
            )),
            _ => {}
        }
    }
    problems
}

#[test]
fn every_arrow_between_modules_points_down_a_floor() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = problems(&src);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_emulator_uses_no_client_crate() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/emulator/Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap();
    let dependencies = text
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    let odc: Vec<&str> = dependencies
        .lines()
        .filter(|l| l.trim_start().starts_with("odc"))
        .collect();
    assert_eq!(odc.len(), 1, "{odc:?}");
    assert!(odc[0].trim_start().starts_with("odc-core "), "{odc:?}");
}

/// The guard itself fails on a planted back-arrow: a Graph module that reaches up
/// into the UI, and a module with no floor.
#[test]
fn a_planted_back_arrow_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("onedrive")).unwrap();
    std::fs::create_dir_all(src.join("tui")).unwrap();
    std::fs::write(
        src.join("onedrive/items.rs"),
        "use odc_core::config::Config;\nfn f() { crate::tui::run(); }\n",
    )
    .unwrap();
    std::fs::write(src.join("tui/mod.rs"), "use crate::onedrive::Graph;\n").unwrap();
    std::fs::write(src.join("config.rs"), "").unwrap();
    std::fs::write(src.join("grabbag.rs"), "use crate::tui::State;\n").unwrap();
    let found = problems(src);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("`grabbag` has no floor"), "{found:#?}");
    assert!(
        found[1].contains("`onedrive` (floor 2) uses `tui` (floor 6)"),
        "{found:#?}"
    );
}
