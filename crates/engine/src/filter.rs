//! Include and exclude rules in rclone's syntax, so that a filter file written for
//! rclone means the same here: globs matched against the path below the top of
//! the transfer (`/` anchors a glob there, `*` stays within a name, `**` crosses
//! folders, `?`, `[abc]`, `{a,b}`, `{{regexp}}`), `+ `/`- ` lines, `!` to clear,
//! comments with `#` or `;`. The first rule that matches a path decides; a path
//! no rule matches is included. `--include` adds `- **` at the end.
//!
//! As in rclone, every rule is a file rule, a folder rule or both: a glob ending
//! in `/` is about folders (excluding `dir/` excludes `dir/**`), one with `**` is
//! about both, and an include of files implies including the folders they can be
//! in, so that a walk skips only folders nothing inside can match.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

/// What a command line or the config asks for, before the files are read. Flags of
/// one kind apply together, in rclone's order: includes, excludes, then `--filter`
/// rules and files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterOptions {
    pub include: Vec<String>,
    pub include_from: Vec<PathBuf>,
    pub exclude: Vec<String>,
    pub exclude_from: Vec<PathBuf>,
    /// `+ glob` / `- glob` / `!` rules.
    pub filter: Vec<String>,
    pub filter_from: Vec<PathBuf>,
}

impl FilterOptions {
    pub fn is_empty(&self) -> bool {
        *self == FilterOptions::default()
    }
}

#[derive(Debug, Clone)]
struct Rule {
    include: bool,
    regex: Regex,
}

/// Rules in order; the first match decides.
#[derive(Debug, Clone, Default)]
struct Rules(Vec<Rule>);

impl Rules {
    fn add(&mut self, include: bool, regex: Regex) {
        let same = |r: &Rule| r.include == include && r.regex.as_str() == regex.as_str();
        if !self.0.iter().any(same) {
            self.0.push(Rule { include, regex });
        }
    }

    fn includes(&self, path: &str) -> bool {
        self.0
            .iter()
            .find(|rule| rule.regex.is_match(path))
            .is_none_or(|rule| rule.include)
    }

    fn dump(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|r| format!("{} {}", if r.include { '+' } else { '-' }, r.regex.as_str()))
            .collect()
    }
}

/// A set of include and exclude rules for files and for folders.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    files: Rules,
    folders: Rules,
}

impl Filter {
    /// The filter the options describe, reading the files they name (`-` is
    /// standard input). The error names the rule or the file that is wrong.
    pub fn new(options: &FilterOptions) -> Result<Filter, String> {
        let mut filter = Filter::default();
        let mut implied_exclude = false;
        for glob in &options.include {
            filter.add(true, glob)?;
            implied_exclude = true;
        }
        for file in &options.include_from {
            for line in rule_lines(file)? {
                filter.add(true, &line)?;
            }
            implied_exclude = true;
        }
        for glob in &options.exclude {
            filter.add(false, glob)?;
        }
        for file in &options.exclude_from {
            for line in rule_lines(file)? {
                filter.add(false, &line)?;
            }
        }
        for rule in &options.filter {
            filter.add_rule(rule)?;
        }
        for file in &options.filter_from {
            for line in rule_lines(file)? {
                filter
                    .add_rule(&line)
                    .map_err(|e| format!("{}: {e}", odc_core::display::escape_path(file)))?;
            }
        }
        if implied_exclude {
            filter.add(false, "/**")?;
        }
        Ok(filter)
    }

    /// Rules written on one line, separated by `;` (the UI's filter field):
    /// `- *.tmp; - .git/`. Empty text is no filter.
    pub fn from_line(text: &str) -> Result<Option<Filter>, String> {
        let mut filter = Filter::default();
        for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            filter.add_rule(rule)?;
        }
        Ok((!filter.is_empty()).then_some(filter))
    }

    /// No rule: everything is included.
    pub fn is_empty(&self) -> bool {
        self.files.0.is_empty() && self.folders.0.is_empty()
    }

    /// Adds a glob as rclone's `Filter.Add` does: a file rule, a folder rule or both.
    pub fn add(&mut self, include: bool, glob: &str) -> Result<(), String> {
        let mut glob = glob.to_string();
        let mut folder_rule = glob.ends_with('/');
        let mut file_rule = !folder_rule;
        if folder_rule && !include {
            glob.push_str("**"); // excluding "dir/" excludes everything in it
        }
        if glob.contains("**") {
            (folder_rule, file_rule) = (true, true);
        }
        let regex = glob_to_regex(&glob)?;
        if file_rule {
            self.files.add(include, regex.clone());
            // An include needs the folders its files can be in; an exclude cannot
            // rule a folder out, unless it is `*`, which matches everything.
            if include || glob == "*" {
                for folder in folder_globs(&glob) {
                    if folder != "/" {
                        self.folders.add(include, glob_to_regex(&folder)?);
                    }
                }
            }
        }
        if folder_rule {
            self.folders.add(include, regex);
        }
        Ok(())
    }

    /// Adds one line of a filter file: `+ glob`, `- glob`, or `!` to clear.
    pub fn add_rule(&mut self, rule: &str) -> Result<(), String> {
        if rule == "!" {
            *self = Filter::default();
            Ok(())
        } else if let Some(glob) = rule.strip_prefix("+ ") {
            self.add(true, glob)
        } else if let Some(glob) = rule.strip_prefix("- ") {
            self.add(false, glob)
        } else {
            Err(format!(
                "{:?} is not a rule: a rule starts with \"+ \" or \"- \"",
                odc_core::display::escape_control(rule)
            ))
        }
    }

    /// Whether a file is included: `path` is relative to the top, `/`-separated.
    pub fn includes_file(&self, path: &str) -> bool {
        self.files.includes(path.trim_start_matches('/'))
    }

    /// Whether a folder is worth walking (something in it may be included).
    pub fn includes_folder(&self, path: &str) -> bool {
        let path = path.trim_matches('/');
        if path.is_empty() {
            return true;
        }
        self.folders.includes(&format!("{path}/"))
    }

    /// The rules as regular expressions, as `rclone --dump filters` prints them.
    pub fn dump(&self) -> String {
        let mut lines = vec!["--- File filter rules ---".to_string()];
        lines.extend(self.files.dump());
        lines.push("--- Directory filter rules ---".into());
        lines.extend(self.folders.dump());
        lines.join("\n")
    }
}

/// The rules of a file (one per line; blank lines and `#` or `;` comments left
/// out), or of standard input for `-`.
fn rule_lines(file: &Path) -> Result<Vec<String>, String> {
    use std::io::Read;
    let mut text = String::new();
    let read = if file == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_string(&mut text).map(|_| ()))
    };
    read.map_err(|e| format!("{}: {e}", odc_core::display::escape_path(file)))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with(';'))
        .map(str::to_string)
        .collect())
}

/// An rclone path glob as an anchored regular expression: `/` at the start anchors
/// it at the top, else it matches at the top or after any `/`.
pub fn glob_to_regex(glob: &str) -> Result<Regex, String> {
    let mut re = String::new();
    let body = match glob.strip_prefix('/') {
        Some(rest) => {
            re.push('^');
            rest
        }
        None => {
            re.push_str("(^|/)");
            glob
        }
    };
    let bad = |why: &str| format!("{glob:?} is not a pattern: {why}");
    let mut stars = 0;
    let flush = |re: &mut String, stars: &mut usize| -> Result<(), String> {
        match *stars {
            0 => {}
            1 => re.push_str("[^/]*"),
            2 => re.push_str(".*"),
            _ => return Err(bad("too many stars")),
        }
        *stars = 0;
        Ok(())
    };
    let (mut braces, mut brackets) = (0usize, 0usize);
    let (mut escaped, mut in_regex, mut regex_end) = (false, false, false);
    let mut last = '\0';
    for c in body.chars() {
        let previous = last;
        last = c;
        if escaped {
            re.push(c);
            escaped = false;
            continue;
        }
        if regex_end {
            if c == '}' {
                // `}}}`: the longest run of closing braces ends the regexp.
                re.pop();
                re.push_str("})");
                continue;
            }
            regex_end = false;
        }
        if in_regex {
            if c == '}' && previous == '}' {
                in_regex = false;
                regex_end = true;
                re.pop();
                re.push(')');
            } else {
                re.push(c);
            }
            continue;
        }
        if c != '*' {
            flush(&mut re, &mut stars)?;
        }
        if brackets > 0 {
            re.push(c);
            match c {
                '[' => brackets += 1,
                ']' => brackets -= 1,
                _ => {}
            }
            continue;
        }
        match c {
            '\\' => {
                re.push(c);
                escaped = true;
            }
            '*' => stars += 1,
            '?' => re.push_str("[^/]"),
            '[' => {
                re.push(c);
                brackets += 1;
            }
            ']' => return Err(bad("a ']' without its '['")),
            '{' if braces > 0 && previous == '{' => {
                // `{{` starts a regular expression; the '(' of the first '{' wraps it.
                in_regex = true;
                braces -= 1;
            }
            '{' => {
                braces += 1;
                re.push('(');
            }
            '}' if braces == 0 => return Err(bad("a '}' without its '{'")),
            '}' => {
                re.push(')');
                braces -= 1;
            }
            ',' if braces > 0 => re.push('|'),
            '.' | '+' | '(' | ')' | '|' | '^' | '$' => {
                re.push('\\');
                re.push(c);
            }
            _ => re.push(c),
        }
    }
    flush(&mut re, &mut stars)?;
    if brackets > 0 {
        return Err(bad("a '[' without its ']'"));
    }
    if braces > 0 {
        return Err(bad("a '{' without its '}'"));
    }
    if in_regex {
        return Err(bad("a '{{' without its '}}'"));
    }
    re.push('$');
    Regex::new(&re).map_err(|e| bad(&e.to_string()))
}

/// The folder globs a file glob needs walked, deepest first: for `a/b/*.txt`,
/// `a/b/` and `a/`; `/**` (every folder) when the glob says nothing about them.
fn folder_globs(glob: &str) -> Vec<String> {
    // Braces holding `/` or `**`, a regexp, or nested braces: any folder may match.
    static TOO_HARD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\{[^{}]*(\*\*|/)[^{}]*\})|\{\{|\}\}|\{[^{}]*\{").expect("valid")
    });
    static SLASHES: LazyLock<Regex> = LazyLock::new(|| Regex::new("/{2,}").expect("valid"));
    if TOO_HARD.is_match(glob) {
        return vec!["/**".into()];
    }
    let mut glob = SLASHES.replace_all(glob, "/").into_owned();
    let mut out: Vec<String> = Vec::new();
    loop {
        let slash = glob.rfind('/');
        let stars = glob.rfind("**");
        let (at, what) = match (slash, stars) {
            (s, Some(j)) if s.is_none_or(|i| j > i) => (Some(j), "**"),
            (s, _) => (s, ""),
        };
        let Some(at) = at else {
            if out.is_empty() {
                out.push("/**".into());
            }
            break;
        };
        glob.truncate(at);
        let folder = format!("{glob}{what}/");
        if out.last() != Some(&folder) {
            out.push(folder);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_globs_as_rclone_derives_them() {
        assert_eq!(folder_globs("*.jpg"), ["/**"]);
        assert_eq!(folder_globs("a/b/c/d"), ["a/b/c/", "a/b/", "a/"]);
        assert_eq!(folder_globs("/a/*.jpg"), ["/a/", "/"]);
        assert_eq!(folder_globs("dir/**"), ["dir/**/", "dir/"]);
        assert_eq!(folder_globs("{a,b/c}"), ["/**"]);
    }
}
