//! The user's guide holds together: every relative link of the book (`docs/src/**/*.md`), of
//! README.md and of the crates' READMEs points to a file that exists, and every `#anchor` to a
//! heading of its page; and every test the Guarantees page names exists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.md` file under `dir`.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// `text` without its fenced code blocks and inline code spans, where brackets are not links.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            let spans: Vec<&str> = line.split('`').step_by(2).collect();
            out.push_str(&spans.join(" "));
            out.push('\n');
        }
    }
    out
}

/// The targets of the inline links `[text](target)` in `text`'s prose.
fn links(text: &str) -> Vec<String> {
    let prose = prose(text);
    prose
        .match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &prose[at + 2..];
            rest.find(')').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// mdBook's id for a heading: lowercase, spaces to `-`, other punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_ascii_lowercase()),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// The anchors of `text`'s headings, a repeated one numbered as mdBook numbers it (`-1`, ...).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        let heading = line.trim_start_matches('#');
        if fenced || heading.len() == line.len() || !heading.starts_with(' ') {
            continue;
        }
        let id = anchor(heading);
        let mut unique = id.clone();
        let mut n = 0;
        while found.contains(&unique) {
            n += 1;
            unique = format!("{id}-{n}");
        }
        found.insert(unique);
    }
    found
}

/// What is wrong with each relative link of `file`: a missing file or a missing anchor.
fn broken_links(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("a page");
    let mut broken = Vec::new();
    for link in links(&text) {
        if link.contains("://") || link.starts_with("mailto:") {
            continue;
        }
        let (path, fragment) = match link.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (link.as_str(), None),
        };
        let target = if path.is_empty() {
            file.to_path_buf()
        } else {
            file.parent().expect("a directory").join(path)
        };
        if !target.exists() {
            broken.push(format!("{}: {link}: no such file", file.display()));
            continue;
        }
        if let Some(fragment) = fragment {
            let page = std::fs::read_to_string(&target).unwrap_or_default();
            if !anchors(&page).contains(fragment) {
                broken.push(format!("{}: {link}: no such heading", file.display()));
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_of_the_book_and_the_readmes_points_to_a_file_and_a_heading() {
    let mut files = Vec::new();
    markdown_files(&root().join("docs/src"), &mut files);
    let pages = files.len();
    files.push(root().join("README.md"));
    for krate in ["core", "build", "engine", "cli"] {
        files.push(root().join("crates").join(krate).join("README.md"));
    }
    let broken: Vec<String> = files.iter().flat_map(|f| broken_links(f)).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(pages > 20, "the book has {pages} pages");
}

#[test]
fn the_link_check_finds_a_missing_file_and_a_missing_heading() {
    let dir = tempfile::tempdir().expect("a directory");
    let page = dir.path().join("page.md");
    std::fs::write(
        &page,
        "# The lease lock: behind PgBouncer\n\n## Status\n\n## Status\n\n[ok](#the-lease-lock-behind-pgbouncer) \
         [ok](#status-1) [ok](page.md#status) `[code](nowhere.md)`\n[bad](nowhere.md) [bad](#nowhere)\n",
    )
    .expect("write");
    let broken = broken_links(&page);
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(
        broken[0].ends_with("nowhere.md: no such file"),
        "{broken:?}"
    );
    assert!(
        broken[1].ends_with("#nowhere: no such heading"),
        "{broken:?}"
    );
}

/// The names in the last column of each row of the Guarantees table (a setting such as
/// `AURORA_TEST_PRIVATE_SERVERS=1`, which says how a test runs, is not a name).
fn named_tests() -> Vec<String> {
    let page = std::fs::read_to_string(root().join("docs/src/guarantees.md")).expect("guarantees");
    let mut names = Vec::new();
    for row in page.lines().filter(|l| l.starts_with("| ")).skip(2) {
        let cell = row.trim_end().trim_end_matches('|');
        let cell = cell.rsplit(" | ").next().expect("a cell");
        let quoted = cell.split('`').skip(1).step_by(2);
        names.extend(quoted.filter(|n| !n.contains('=')).map(str::to_string));
    }
    names
}

/// The `.rs` files of `module` under `dir`: `module.rs` and everything in `module/`.
fn module_files(dir: &Path, module: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let file = dir.join(format!("{module}.rs"));
    if file.is_file() {
        files.push(file);
    }
    let folder = dir.join(module);
    if folder.is_dir() {
        let mut found = Vec::new();
        rust_files(&folder, &mut found);
        files.extend(found);
    }
    files
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether one of `files` defines the test `name` (any test when `name` is `*`).
fn defines(files: &[PathBuf], name: &str) -> bool {
    files.iter().any(|file| {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        if name == "*" {
            text.contains("#[test]") || text.contains("#[tokio::test")
        } else {
            text.contains(&format!("fn {name}("))
        }
    })
}

/// Whether the test that `name` names exists: a file (`servers.rs`, `.ci/run`), an integration
/// test of `tests/it/` (`module::*`, `module::test_name`), or a unit test of a crate
/// (`path::tests::*`, `path::tests::test_name`, `path` being the module's folder in any crate).
fn exists(name: &str) -> bool {
    if !name.contains("::") {
        return root().join(name).is_file() || root().join("tests/it").join(name).is_file();
    }
    let parts: Vec<&str> = name.split("::").collect();
    let (test, modules) = parts.split_last().expect("a name");
    match modules.iter().position(|m| *m == "tests") {
        None => {
            let mut dir = root().join("tests/it");
            for module in &modules[..modules.len() - 1] {
                dir = dir.join(module);
            }
            defines(&module_files(&dir, modules[modules.len() - 1]), test)
        }
        Some(at) => ["core", "build", "engine", "cli"].iter().any(|krate| {
            let mut sources = Vec::new();
            rust_files(&root().join("crates").join(krate).join("src"), &mut sources);
            let folder: PathBuf = modules[..at].iter().collect();
            let files: Vec<PathBuf> = sources
                .into_iter()
                .filter(|file| {
                    file.parent().is_some_and(|dir| {
                        dir.ends_with(&folder) || dir.ends_with(folder.join("tests"))
                    }) && (file.ends_with("tests.rs")
                        || file.parent().is_some_and(|d| d.ends_with("tests")))
                })
                .collect();
            defines(&files, test)
        }),
    }
}

#[test]
fn every_test_the_guarantees_name_exists() {
    let names = named_tests();
    assert!(names.len() > 60, "the table names {} tests", names.len());
    let missing: Vec<&String> = names.iter().filter(|n| !exists(n)).collect();
    assert!(
        missing.is_empty(),
        "the Guarantees page names tests that do not exist: {missing:?}"
    );
}

#[test]
fn a_test_that_does_not_exist_is_found_missing() {
    for name in [
        "faults::no_such_test",
        "no_such_module::*",
        "migration::author::tests::*",
        "authoring::tests::no_such_test",
        "no_such_file.rs",
    ] {
        assert!(!exists(name), "{name} was taken for a test");
    }
    for name in [
        "faults::kill_9_at_random_moments_leaves_a_consistent_database",
        "lease::*",
        "authoring::tests::*",
        "url::tests::an_empty_sqlite_path_is_refused_not_taken_for_memory",
        "servers.rs",
        ".ci/run",
    ] {
        assert!(exists(name), "{name} was not found");
    }
}
