//! Filters mean what rclone's mean: the tables below are the examples and cases of
//! rclone's filtering documentation and of its filter tests (docs/content/
//! filtering.md, fs/filter/glob_test.go, fs/filter/filter_test.go), with what
//! rclone answers for each.

use odc_engine::filter::{Filter, FilterOptions, glob_to_regex};

/// A path glob as a regular expression, or the start of the error.
#[test]
fn globs_become_the_regular_expressions_rclone_makes() {
    let cases: &[(&str, Result<&str, &str>)] = &[
        ("", Ok(r"(^|/)$")),
        ("potato", Ok(r"(^|/)potato$")),
        ("potato,sausage", Ok(r"(^|/)potato,sausage$")),
        ("/potato", Ok(r"^potato$")),
        ("potato?sausage", Ok(r"(^|/)potato[^/]sausage$")),
        ("potat[oa]", Ok(r"(^|/)potat[oa]$")),
        ("potat[a-z]or", Ok(r"(^|/)potat[a-z]or$")),
        ("potat[[:alpha:]]or", Ok(r"(^|/)potat[[:alpha:]]or$")),
        (
            "'.' '+' '(' ')' '|' '^' '$'",
            Ok(r"(^|/)'\.' '\+' '\(' '\)' '\|' '\^' '\$'$"),
        ),
        ("*.jpg", Ok(r"(^|/)[^/]*\.jpg$")),
        ("a{b,c,d}e", Ok(r"(^|/)a(b|c|d)e$")),
        ("a{b,{c,d}}e", Ok(r"(^|/)a(b|(c|d))e$")),
        ("{a,b/{c,d}/**}", Ok(r"(^|/)(a|b/(c|d)/.*)$")),
        ("potato**", Ok(r"(^|/)potato.*$")),
        ("potato**sausage", Ok(r"(^|/)potato.*sausage$")),
        ("*.p[lm]", Ok(r"(^|/)[^/]*\.p[lm]$")),
        (r"[\[\]]", Ok(r"(^|/)[\[\]]$")),
        ("***potato", Err("too many stars")),
        ("***", Err("too many stars")),
        ("ab]c", Err("a ']' without")),
        ("ab[c", Err("a '[' without")),
        ("ab{x{cd", Err("a '{' without")),
        ("ab{}}cd", Err("a '}' without")),
        ("ab}c", Err("a '}' without")),
        ("ab{c", Err("a '{' without")),
        ("*.{jpg,png,gif}", Ok(r"(^|/)[^/]*\.(jpg|png|gif)$")),
        (r"a\*b", Ok(r"(^|/)a\*b$")),
        (r"a\\b", Ok(r"(^|/)a\\b$")),
        ("a{{.*}}b", Ok(r"(^|/)a(.*)b$")),
        ("a{{.*}", Err("a '{{' without")),
        ("{{regexp}}", Ok(r"(^|/)(regexp)$")),
        (r"\{{{regexp}}", Ok(r"(^|/)\{(regexp)$")),
        ("/{{regexp}}", Ok(r"^(regexp)$")),
        (r"/{{\d{8}}}", Ok(r"^(\d{8})$")),
        (r"/{{\}}}", Ok(r"^(\})$")),
    ];
    for (glob, want) in cases {
        match (glob_to_regex(glob), want) {
            (Ok(re), Ok(want)) => assert_eq!(re.as_str(), *want, "{glob}"),
            (Err(err), Err(want)) => assert!(err.contains(want), "{glob}: {err}"),
            (got, want) => panic!("{glob}: got {got:?}, want {want:?}"),
        }
    }
}

/// rclone's documentation: each pattern, a path it matches and one it does not.
#[test]
fn the_pattern_examples_of_rclones_documentation() {
    let table = [
        ("*.jpg", "/file.jpg", "/file.png"),
        ("*.jpg", "/dir/file.jpg", "/dir/file.png"),
        ("/*.jpg", "/file.jpg", "/file.png"),
        ("/*.jpg", "/file2.jpg", "/dir/file.jpg"),
        ("*.{jpg,png}", "/file.jpg", "/file.gif"),
        ("*.{jpg,png}", "/dir/file.png", "/dir/file.gif"),
        ("dir/**", "/dir/anyfile", "file.png"),
        (
            "dir/**",
            "/subdir/dir/subsubdir/anyfile",
            "/subdir/file.png",
        ),
        ("*.t?t", "/file.txt", "/file.qxt"),
        ("*.t?t", "/dir/file.tzt", "/dir/file.png"),
        ("*.[a-z]", "/file.a", "/file.0"),
        ("*.[a-z]", "/dir/file.b", "/dir/file.1"),
        (r"*.\?\?\?", "/file.???", "/file.abc"),
        (r"*.\?\?\?", "/dir/file.???", "/dir/file.def"),
        (r"*.\d\d\d", "/file.012", "/file.abc"),
        (r"*.\d\d\d", "/dir/file.345", "/dir/file.def"),
        ("*.{{jpe?g}}", "/file.jpeg", "/file.png"),
        ("*.{{jpe?g}}", "/dir/file.jpg", "/dir/file.jpeeg"),
        (r"/{{.*\.jpe?g}}", "/file.jpeg", "/file.png"),
        (r"/{{.*\.jpe?g}}", "/file.jpg", "/file.gif"),
    ];
    for (pattern, matches, other) in table {
        let filter = Filter::new(&FilterOptions {
            include: vec![pattern.into()],
            ..Default::default()
        })
        .unwrap();
        assert!(filter.includes_file(matches), "{pattern} matches {matches}");
        assert!(
            !filter.includes_file(other),
            "{pattern} does not match {other}"
        );
    }
    // The table says `/{{.*\.jpe?g}}` does not match `/dir/file.jpg`, but rclone
    // turns it into `^(.*\.jpe?g)$`, whose `.*` crosses the `/` (as the same page
    // warns): rclone's code includes it, and so does odc.
    let rooted_regexp = Filter::new(&FilterOptions {
        include: vec![r"/{{.*\.jpe?g}}".into()],
        ..Default::default()
    })
    .unwrap();
    assert!(rooted_regexp.includes_file("dir/file.jpg"));
}

/// An include of each glob, then `- *`: what rclone includes.
#[test]
fn matches_from_rclones_filter_tests() {
    let table = [
        ("file.jpg", true, "file.jpg"),
        ("file.jpg", true, "directory/file.jpg"),
        ("file.jpg", false, "afile.jpg"),
        ("file.jpg", false, "directory/afile.jpg"),
        ("/file.jpg", true, "file.jpg"),
        ("/file.jpg", false, "afile.jpg"),
        ("/file.jpg", false, "directory/file.jpg"),
        ("*.jpg", true, "file.jpg"),
        ("*.jpg", true, "directory/file.jpg"),
        ("*.jpg", false, "file.jpg/anotherfile.png"),
        ("dir/**", true, "dir/file.jpg"),
        ("dir/**", true, "dir/dir1/dir2/file.jpg"),
        ("dir/**", false, "directory/file.jpg"),
        ("dir/**", false, "adir/file.jpg"),
        ("l?ss", true, "less"),
        ("l?ss", true, "lass"),
        ("l?ss", false, "floss"),
        ("h[ae]llo", true, "hello"),
        ("h[ae]llo", true, "hallo"),
        ("h[ae]llo", false, "hullo"),
        ("{one,two}_potato", true, "one_potato"),
        ("{one,two}_potato", true, "two_potato"),
        ("{one,two}_potato", false, "three_potato"),
        ("{one,two}_potato", false, "_potato"),
        (r"\*.jpg", true, "*.jpg"),
        (r"\\.jpg", true, r"\.jpg"),
        (r"\[one\].jpg", true, "[one].jpg"),
        ("potato", true, "potato"),
        ("potato", false, "POTATO"),
    ];
    for (glob, included, file) in table {
        let mut filter = Filter::default();
        filter.add(true, glob).unwrap();
        filter.add(false, "*").unwrap();
        assert_eq!(filter.includes_file(file), included, "{glob} on {file}");
    }
}

/// A rule list with `!`, rooted globs and a final `- *`: files and folders.
#[test]
fn filter_rules_decide_files_and_folders_in_order() {
    let mut filter = Filter::default();
    for rule in [
        "+ cleared",
        "!",
        "- /file1.jpg",
        "+ /file2.png",
        "+ /*.jpg",
        "- /*.png",
        "- /potato",
        "+ /sausage1",
        "+ /sausage2*",
        "+ /sausage3**",
        "+ /a/*.jpg",
        "- *",
    ] {
        filter.add_rule(rule).unwrap();
    }
    let files = [
        ("cleared", false),
        ("file1.jpg", false),
        ("file2.png", true),
        ("FILE2.png", false),
        ("afile2.png", false),
        ("file3.jpg", true),
        ("file4.png", false),
        ("potato", false),
        ("sausage1", true),
        ("sausage1/potato", false),
        ("sausage2potato", true),
        ("sausage2/potato", false),
        ("sausage3/potato", true),
        ("a/one.jpg", true),
        ("a/one.png", false),
        ("unicorn", false),
    ];
    for (path, want) in files {
        assert_eq!(filter.includes_file(path), want, "file {path}");
    }
    let folders = [
        ("sausage1", false),
        ("sausage2", false),
        ("sausage2/sub", false),
        ("sausage2/sub/dir", false),
        ("sausage3", true),
        ("SAUSAGE3", false),
        ("sausage3/sub", true),
        ("sausage3/sub/dir", true),
        ("sausage4", false),
        ("a", true),
    ];
    for (path, want) in folders {
        assert_eq!(filter.includes_folder(path), want, "folder {path}");
    }
    assert!(filter.includes_folder(""), "the top is always walked");
    assert!(
        filter
            .add_rule("potato")
            .unwrap_err()
            .contains("not a rule")
    );
}

/// Which rules each glob makes, as `rclone --dump filters` prints them.
#[test]
fn a_glob_is_a_file_rule_a_folder_rule_or_both() {
    let table: &[(bool, &str, &[&str], &[&str])] = &[
        (false, "potato", &[r"- (^|/)potato$"], &[]),
        (true, "potato", &[r"+ (^|/)potato$"], &[r"+ ^.*$"]),
        (
            false,
            "potato/",
            &[r"- (^|/)potato/.*$"],
            &[r"- (^|/)potato/.*$"],
        ),
        (true, "potato/", &[], &[r"+ (^|/)potato/$"]),
        (false, "*", &[r"- (^|/)[^/]*$"], &[r"- ^.*$"]),
        (true, "*", &[r"+ (^|/)[^/]*$"], &[r"+ ^.*$"]),
        (
            false,
            ".*{,/**}",
            &[r"- (^|/)\.[^/]*(|/.*)$"],
            &[r"- (^|/)\.[^/]*(|/.*)$"],
        ),
        (
            true,
            "a/b/c/d",
            &[r"+ (^|/)a/b/c/d$"],
            &[r"+ (^|/)a/b/c/$", r"+ (^|/)a/b/$", r"+ (^|/)a/$"],
        ),
    ];
    for (include, glob, files, folders) in table {
        let mut filter = Filter::default();
        filter.add(*include, glob).unwrap();
        let mut want = vec!["--- File filter rules ---".to_string()];
        want.extend(files.iter().map(|s| s.to_string()));
        want.push("--- Directory filter rules ---".into());
        want.extend(folders.iter().map(|s| s.to_string()));
        assert_eq!(filter.dump(), want.join("\n"), "add({include}, {glob:?})");
    }
}

/// Every kind of flag and file together, in rclone's order, with the `- **`
/// an include implies at the end.
#[test]
fn flags_and_files_combine_in_rclones_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let options = FilterOptions {
        filter: vec!["- filter1".into(), "- filter1b".into()],
        filter_from: vec![file("f", "#comment\n+ filter2\n- filter3\n")],
        exclude: vec!["exclude1".into()],
        exclude_from: vec![file("e", "#comment\nexclude2\nexclude3\n")],
        include: vec!["include1".into()],
        include_from: vec![file(
            "i",
            "#comment\ninclude2\n; another comment\n\ninclude3\n",
        )],
    };
    let filter = Filter::new(&options).unwrap();
    let want = r"--- File filter rules ---
+ (^|/)include1$
+ (^|/)include2$
+ (^|/)include3$
- (^|/)exclude1$
- (^|/)exclude2$
- (^|/)exclude3$
- (^|/)filter1$
- (^|/)filter1b$
+ (^|/)filter2$
- (^|/)filter3$
- ^.*$
--- Directory filter rules ---
+ ^.*$
- ^.*$";
    assert_eq!(filter.dump(), want);
    assert!(filter.includes_file("include2") && !filter.includes_file("other"));

    let missing = FilterOptions {
        exclude_from: vec![dir.path().join("none")],
        ..Default::default()
    };
    assert!(Filter::new(&missing).unwrap_err().contains("none"));
    let bad = FilterOptions {
        filter_from: vec![file("bad", "+ ok\npotato\n")],
        ..Default::default()
    };
    assert!(Filter::new(&bad).unwrap_err().contains("not a rule"));
}
