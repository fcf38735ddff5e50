//! The arrows point one way. Between crates: each crate may depend only on the odc
//! crates its row in [`CRATES`] names (README "Code layout"); the compiler refuses
//! the cycles, this refuses an arrow up a layer (the emulator using the client, the
//! engine using the UI). Inside a crate: no two files may reach each other through
//! `crate::…`, `super::…` or a child's name, directly or round a circle; the one
//! test here lists every circle it finds with the files that close it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each crate, lowest first, with the odc crates it may use.
const CRATES: &[(&str, &str, &[&str])] = &[
    ("odc-core", "crates/core", &[]),
    ("odc-emulator", "crates/emulator", &["odc-core"]),
    ("odc-graph", "crates/graph", &["odc-core"]),
    ("odc-engine", "crates/engine", &["odc-core", "odc-graph"]),
    (
        "odc-tui",
        "crates/tui",
        &["odc-core", "odc-graph", "odc-engine"],
    ),
    (
        "odc",
        ".",
        &[
            "odc-core",
            "odc-graph",
            "odc-engine",
            "odc-tui",
            "odc-emulator",
        ],
    ),
    (
        "odc-testkit",
        "crates/testkit",
        &["odc-core", "odc-graph", "odc-emulator"],
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The odc crates a manifest's `[dependencies]` names (not its dev-dependencies:
/// tests may use the emulator).
fn odc_dependencies(manifest: &str) -> Vec<String> {
    let Some(section) = manifest.split("\n[dependencies]\n").nth(1) else {
        return Vec::new();
    };
    let section = section.split("\n[").next().unwrap_or("");
    section
        .lines()
        .filter_map(|line| line.split(['.', '=', ' ']).next())
        .filter(|name| name.starts_with("odc-"))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_crate_uses_only_the_layers_below_it() {
    let mut problems = Vec::new();
    let mut listed = BTreeSet::new();
    for (name, dir, allowed) in CRATES {
        listed.insert(dir.to_string());
        let manifest = std::fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
        for used in odc_dependencies(&manifest) {
            if !allowed.contains(&used.as_str()) {
                problems.push(format!("{name} depends on {used}: an arrow up a layer"));
            }
        }
    }
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = format!("crates/{}", entry.unwrap().file_name().to_string_lossy());
        if !listed.contains(&dir) {
            problems.push(format!("{dir} has no row in tests/layers.rs"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Each crate's `lib.rs` opens with its map entry: name, its one job, what it may use.
#[test]
fn every_crate_says_its_job_and_what_it_may_use() {
    let mut problems = Vec::new();
    for (name, dir, _) in CRATES {
        let text = std::fs::read_to_string(root().join(dir).join("src/lib.rs")).unwrap();
        let head: Vec<&str> = text.lines().take(3).collect();
        let says = head.len() == 3
            && head[0].starts_with(&format!("//! {name}: "))
            && head[1].starts_with("//! Its one job: ")
            && head[2].starts_with("//! May use: ");
        if !says {
            problems.push(format!("{dir}/src/lib.rs: {head:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_dependency_up_a_layer_is_caught() {
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nodc-core.workspace = true\nodc-tui = { workspace = true }\ntokio.workspace = true\n\n[dev-dependencies]\nodc-emulator.workspace = true\n";
    assert_eq!(odc_dependencies(manifest), ["odc-core", "odc-tui"]);
}

// ---- Modules inside a crate ----

/// A crate's files as modules: `ui/dialogs.rs` is `ui::dialogs`, `state/mod.rs` is
/// `state`, `lib.rs` is the root (the empty path).
struct Crate {
    files: BTreeMap<String, PathBuf>,
    texts: BTreeMap<String, String>,
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

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut paths = Vec::new();
        rust_files(src, &mut paths);
        let mut files = BTreeMap::new();
        let mut texts = BTreeMap::new();
        for path in paths {
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            let module = parts.join("::");
            texts.insert(module.clone(), std::fs::read_to_string(&path).unwrap());
            files.insert(module, path);
        }
        Crate { files, texts }
    }

    fn child(parent: &str, name: &str) -> String {
        if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}::{name}")
        }
    }

    fn parent(module: &str) -> &str {
        module.rsplit_once("::").map_or("", |(p, _)| p)
    }

    /// The module a path from `start` ends in: it walks down child modules and
    /// follows a `pub use child::Name` re-export; the rest names an item there.
    fn resolve(&self, start: &str, segments: &[String]) -> String {
        let mut at = start.to_string();
        for segment in segments {
            let child = Crate::child(&at, segment);
            if self.files.contains_key(&child) {
                at = child;
                continue;
            }
            if let Some(target) = self.reexport(&at, segment) {
                return target;
            }
            break;
        }
        at
    }

    /// Where `module` re-exports `name` from (`pub use child::{name, …}`), if it does.
    fn reexport(&self, module: &str, name: &str) -> Option<String> {
        let text = self.texts.get(module)?;
        for (_, tree, _) in reexports(text) {
            for path in flatten_use_tree(tree.trim()) {
                let (last, alias) = match path.last() {
                    Some(last) => match last.split_once(" as ") {
                        Some((last, alias)) => (last.trim(), Some(alias.trim())),
                        None => (last.as_str(), None),
                    },
                    None => continue,
                };
                if last != name && alias != Some(name) {
                    continue;
                }
                let segments = &path[..path.len() - 1];
                let (base, rest) = match segments.first().map(String::as_str) {
                    Some("crate") => (String::new(), &segments[1..]),
                    Some("self") => (module.to_string(), &segments[1..]),
                    Some(child) if self.files.contains_key(&Crate::child(module, child)) => {
                        (module.to_string(), segments)
                    }
                    // Another crate's item, or a re-export of our own parent's.
                    _ => continue,
                };
                let target = self.resolve(&base, rest);
                if target != module {
                    return Some(target);
                }
            }
        }
        None
    }

    /// Arrows between files: (from, to) → a line that draws it.
    fn arrows(&self) -> BTreeMap<(String, String), String> {
        let mut arrows = BTreeMap::new();
        for (module, text) in &self.texts {
            let code = code_drawing_arrows(text);
            for (base, path) in paths_in(&code, module, self) {
                let to = self.resolve(&base, &path);
                // Items of the crate root, and a file's own, are no arrow between files.
                let between_files = !to.is_empty() && !module.is_empty() && to != *module;
                if between_files {
                    arrows
                        .entry((module.clone(), to.clone()))
                        .or_insert_with(|| {
                            format!("{} → {}", self.files[module].display(), path.join("::"))
                        });
                }
            }
        }
        arrows
    }
}

/// Each `pub use TREE;` (or `pub(crate) use`) at the start of a line: where it
/// starts, its tree, where it ends.
fn reexports(text: &str) -> Vec<(usize, &str, usize)> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start();
        let tree_at = ["pub use ", "pub(crate) use "]
            .iter()
            .find(|p| body.starts_with(**p))
            .map(|p| line_start + indent + p.len());
        if let Some(tree_at) = tree_at
            && let Some(semicolon) = text[tree_at..].find(';')
        {
            found.push((
                line_start,
                &text[tree_at..tree_at + semicolon],
                tree_at + semicolon + 1,
            ));
        }
        line_start += line.len();
    }
    found
}

/// `a::{b, c::{d as e}}` → `[a, b]`, `[a, c, d as e]`.
fn flatten_use_tree(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let prefix: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut out = Vec::new();
        let mut depth = 0;
        let mut start = 0;
        let chars: Vec<char> = inner.chars().collect();
        let mut pieces = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    pieces.push(chars[start..i].iter().collect::<String>());
                    start = i + 1;
                }
                _ => {}
            }
        }
        pieces.push(chars[start..].iter().collect::<String>());
        for piece in pieces {
            if piece.trim().is_empty() {
                continue;
            }
            for rest in flatten_use_tree(&piece) {
                let mut path = prefix.clone();
                path.extend(rest);
                out.push(path);
            }
        }
        out
    } else {
        vec![tree.split("::").map(|s| s.trim().to_string()).collect()]
    }
}

/// The code that draws arrows: without `//` comments (doc links are for readers),
/// without re-exports (`pub use child::X` passes a name through; it is followed
/// where the name is used) and without the unit tests at the end of a file.
fn code_drawing_arrows(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut code = String::new();
    let mut from = 0;
    for (start, _, end) in reexports(text) {
        code.push_str(&text[from..start]);
        from = end;
    }
    code.push_str(&text[from..]);
    code.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path a file names that starts at `crate::`, `super::`, `self::` or at one of
/// its own child modules, as (module it starts from, segments).
fn paths_in(code: &str, module: &str, krate: &Crate) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0
            || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        if !boundary || !(chars[i].is_alphabetic() || chars[i] == '_') {
            i += 1;
            continue;
        }
        // Read a path (with a use tree where there is one).
        let mut end = i;
        let mut depth = 0;
        while end < chars.len() {
            let c = chars[end];
            if c.is_alphanumeric() || c == '_' || c == ':' {
                end += 1;
            } else if c == '{' && end >= 2 && chars[end - 1] == ':' && chars[end - 2] == ':' {
                depth += 1;
                end += 1;
            } else if depth > 0 {
                if c == '}' {
                    depth -= 1;
                }
                end += 1;
            } else {
                break;
            }
        }
        let text: String = chars[i..end].iter().collect();
        i = end.max(i + 1);
        if !text.contains("::") {
            continue;
        }
        for path in flatten_use_tree(&text) {
            let Some(first) = path.first() else { continue };
            let mut base = module.to_string();
            let mut rest = &path[..];
            match first.as_str() {
                "crate" => {
                    base = String::new();
                    rest = &path[1..];
                }
                "self" => rest = &path[1..],
                "super" => {
                    let mut segments = &path[..];
                    while segments.first().map(String::as_str) == Some("super") {
                        base = Crate::parent(&base).to_string();
                        segments = &segments[1..];
                    }
                    rest = segments;
                }
                name if krate.files.contains_key(&Crate::child(module, name)) => {}
                _ => continue,
            }
            let rest: Vec<String> = rest
                .iter()
                .map(|s| s.split(" as ").next().unwrap_or(s).trim().to_string())
                .filter(|s| !s.is_empty() && s != "*" && s != "self")
                .collect();
            found.push((base, rest));
        }
    }
    found
}

/// The circles: strongly connected groups of more than one file (Tarjan).
fn circles(arrows: &BTreeMap<(String, String), String>) -> Vec<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in arrows.keys() {
        next.entry(from).or_default().push(to);
        next.entry(to).or_default();
    }
    struct Walk<'a> {
        next: &'a BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        groups: Vec<Vec<String>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a str) {
        let n = walk.index.len();
        walk.index.insert(node, n);
        walk.low.insert(node, n);
        walk.stack.push(node);
        walk.on_stack.insert(node);
        for &to in &walk.next[node] {
            if !walk.index.contains_key(to) {
                visit(walk, to);
                let low = walk.low[node].min(walk.low[to]);
                walk.low.insert(node, low);
            } else if walk.on_stack.contains(to) {
                let low = walk.low[node].min(walk.index[to]);
                walk.low.insert(node, low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let mut group = Vec::new();
            while let Some(top) = walk.stack.pop() {
                walk.on_stack.remove(top);
                group.push(top.to_string());
                if top == node {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                walk.groups.push(group);
            }
        }
    }
    let mut walk = Walk {
        next: &next,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for &node in next.keys() {
        if !walk.index.contains_key(node) {
            visit(&mut walk, node);
        }
    }
    walk.groups.sort();
    walk.groups
}

fn describe(name: &str, krate: &Crate) -> Vec<String> {
    let arrows = krate.arrows();
    circles(&arrows)
        .into_iter()
        .map(|group| {
            let inside: Vec<&String> = arrows
                .iter()
                .filter(|((from, to), _)| group.contains(from) && group.contains(to))
                .map(|(_, line)| line)
                .collect();
            format!(
                "{name}: a circle of {}: {}\n    {}",
                group.len(),
                group.join(", "),
                inside
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("\n    ")
            )
        })
        .collect()
}

#[test]
fn no_circle_between_the_files_of_a_crate() {
    let mut found = Vec::new();
    for (name, dir, _) in CRATES {
        let src = root().join(dir).join("src");
        found.extend(describe(name, &Crate::read(&src)));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The guard itself fails on a planted back-arrow: an item file that reaches its
/// client through a re-export, and a grouped `use` that closes a circle of three.
#[test]
fn a_planted_circle_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("state")).unwrap();
    let write = |file: &str, text: &str| std::fs::write(src.join(file), text).unwrap();
    write(
        "lib.rs",
        "pub mod client;\npub mod items;\npub mod state;\npub use client::Graph;\n",
    );
    write("client.rs", "use crate::items::Item;\npub struct Graph;\n");
    write(
        "items.rs",
        "// crate::state is only named here\nfn f(_: &crate::Graph) {}\n",
    );
    write("state/mod.rs", "pub mod pane;\npub use pane::Pane;\n");
    write(
        "state/pane.rs",
        "use crate::{client::Graph, items};\npub struct Pane;\n",
    );
    let krate = Crate::read(src);
    let found = describe("planted", &krate);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("a circle of 2: client, items"),
        "{found:#?}"
    );
    // Close a second circle: items → state::pane (through the re-export) → items.
    write(
        "items.rs",
        "fn f(_: &crate::Graph, _: crate::state::Pane) {}\n",
    );
    write("client.rs", "pub struct Graph;\n");
    let found = describe("planted", &Crate::read(src));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("a circle of 2: items, state::pane"),
        "{found:#?}"
    );
}

// ---- The UI's features ----

/// The UI crate's rule between its folders: a feature (`features::NAME`) uses its
/// own files and `shared`; `shared` uses only itself. The shell above them (the
/// loop, the router, the effects runner, the frame) may use both.
fn feature_rule_breaks(krate: &Crate) -> Vec<String> {
    let mut breaks = Vec::new();
    for ((from, to), line) in krate.arrows() {
        let segments: Vec<&str> = from.split("::").collect();
        let allowed = match segments.as_slice() {
            ["shared", ..] => to == "shared" || to.starts_with("shared::"),
            ["features", name, ..] => {
                let own = format!("features::{name}");
                to == own
                    || to.starts_with(&format!("{own}::"))
                    || to == "shared"
                    || to.starts_with("shared::")
            }
            _ => true,
        };
        if !allowed {
            breaks.push(format!("{from} may not use {to}: {line}"));
        }
    }
    breaks
}

#[test]
fn a_ui_feature_uses_only_itself_and_what_features_share() {
    let src = root().join("crates/tui/src");
    let breaks = feature_rule_breaks(&Crate::read(&src));
    assert!(breaks.is_empty(), "{}", breaks.join("\n"));
}

/// The rule catches a feature that reaches into another, into the shell, and
/// shared code that reaches up into a feature.
#[test]
fn a_planted_arrow_out_of_a_feature_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    for folder in ["features/viewer", "features/editor", "shared"] {
        std::fs::create_dir_all(src.join(folder)).unwrap();
    }
    let write = |file: &str, text: &str| std::fs::write(src.join(file), text).unwrap();
    write(
        "lib.rs",
        "pub mod features;\npub mod shared;\npub mod state;\n",
    );
    write("state.rs", "pub struct State;\n");
    write("features/mod.rs", "pub mod editor;\npub mod viewer;\n");
    write(
        "features/viewer/mod.rs",
        "pub mod model;\npub mod update;\n",
    );
    write("features/viewer/model.rs", "pub struct Viewer;\n");
    write(
        "features/viewer/update.rs",
        "use crate::features::viewer::model::Viewer;\nuse crate::shared::common::Common;\n",
    );
    write("features/editor/mod.rs", "pub struct Editing;\n");
    write("shared/mod.rs", "pub mod common;\n");
    write("shared/common.rs", "pub struct Common;\n");
    assert_eq!(feature_rule_breaks(&Crate::read(src)), Vec::<String>::new());

    write(
        "features/viewer/update.rs",
        "use crate::features::editor::Editing;\nfn f(_: &crate::state::State) {}\n",
    );
    write(
        "shared/common.rs",
        "pub struct Common(crate::features::viewer::model::Viewer);\n",
    );
    let breaks = feature_rule_breaks(&Crate::read(src));
    assert_eq!(breaks.len(), 3, "{breaks:#?}");
    assert!(breaks[0].starts_with("features::viewer::update may not use features::editor"));
    assert!(breaks[1].starts_with("features::viewer::update may not use state"));
    assert!(breaks[2].starts_with("shared::common may not use features::viewer::model"));
}
