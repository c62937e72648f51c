//! The README and the user's guide cannot rot: their library sections are the example service's
//! code, word for word, the list of stable error codes (docs/src/commands/index.md) holds every
//! code the sources emit, and the table of import reasons (docs/src/coming-from/import-report.md)
//! every reason the importer reports.

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_library_sections_show_the_example_services_code() {
    for page in ["README.md", "docs/src/library.md"] {
        shows_the_example_services_code(page);
    }
}

fn shows_the_example_services_code(page: &str) {
    let readme = read(page);
    let build = read("examples/service/build.rs");
    assert!(
        readme.contains(&format!("// build.rs\n{build}")),
        "{page} lacks examples/service/build.rs"
    );
    let main = read("examples/service/src/main.rs");
    let start = main
        .find("async fn migrate(")
        .expect("the example's migrate");
    let end = start + main[start..].find("\n}\n").expect("its end") + 3;
    let migrate = &main[start..end];
    assert!(
        readme.contains(migrate),
        "{page} lacks the example's migrate():\n{migrate}"
    );
    assert!(
        readme.contains("aurora_migrate::include_migrations!();"),
        "{page} lacks include_migrations!"
    );
    assert!(main.contains("aurora_migrate::include_migrations!();"));
    let lines = build.lines().count() + 1 + migrate.lines().count();
    assert!(lines < 12, "{lines} lines: the README promises ten");
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

/// The string literal that starts `text` (after blanks), if it is a code: lowercase words.
fn code_literal(text: &str) -> Option<&str> {
    let rest = text.trim_start().strip_prefix('"')?;
    let code = &rest[..rest.find('"')?];
    let is_code = !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    is_code.then_some(code)
}

/// Every error code the sources can emit: the arms of the engine's `Error::code`, and in the
/// command line each `Failure::new(CODE`, `Failure::usage(CODE`, `code: CODE`, `"code": CODE`
/// and `ERROR => CODE` of `failure_from!` (a failure made with a code that is not a literal
/// fails the scan, so none hides from it).
fn emitted_codes() -> std::collections::BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut codes = std::collections::BTreeSet::new();
    let error = read("crates/engine/src/error/about.rs");
    let start = error.find("pub fn code(&self)").expect("Error::code");
    let body = &error[start..start + error[start..].find("\n    }\n").expect("its end")];
    for arm in body.split("=>").skip(1) {
        if let Some(code) = code_literal(arm) {
            codes.insert(code.to_string());
        }
    }
    let mut files = Vec::new();
    sources(&root.join("crates/cli/src"), &mut files);
    for file in files.iter().filter(|f| !f.ends_with("failure.rs")) {
        let text = std::fs::read_to_string(file).expect("source");
        for marker in ["Failure::new(", "Failure::usage(", "code: ", "\"code\": "] {
            for (at, _) in text.match_indices(marker) {
                match code_literal(&text[at + marker.len()..]) {
                    Some(code) => {
                        codes.insert(code.to_string());
                    }
                    // A failure made here must name its code, so that this scan sees it.
                    None if marker.starts_with("Failure::") => {
                        panic!("{}: a {marker} without a literal code", file.display())
                    }
                    None => {}
                }
            }
        }
    }
    let failure = read("crates/cli/src/failure.rs");
    let start = failure.find("failure_from!(\n").expect("failure_from!");
    let block = &failure[start..start + failure[start..].find(");").expect("its end")];
    for arm in block.split("=>").skip(1) {
        if let Some(code) = code_literal(arm) {
            codes.insert(code.to_string());
        }
    }
    codes
}

#[test]
fn every_error_code_the_code_can_emit_is_in_the_stable_list() {
    let codes = emitted_codes();
    // The scan finds the codes of each kind of source, so it cannot pass by finding none.
    for known in [
        "tls",
        "usage",
        "targets",
        "io",
        "invalid_setting",
        "migration",
    ] {
        assert!(codes.contains(known), "the scan missed {known}: {codes:?}");
    }
    let readme = read("docs/src/commands/index.md");
    let start = readme
        .find("The codes are stable: ")
        .expect("the stable list");
    let list = &readme[start..start + readme[start..].find("\n\n").expect("its end")];
    let listed: std::collections::BTreeSet<&str> = list.split('`').skip(1).step_by(2).collect();
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !listed.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "the stable list in docs/src/commands/index.md lacks {missing:?}"
    );
}

/// Every reason `import alembic` reports a line left to do under, the static converter's and
/// the fallbacks of Alembic's offline mode, has its row in the import report's table.
#[test]
fn every_reason_import_reports_is_in_the_reports_table() {
    let readme = read("docs/src/coming-from/import-report.md");
    for reason in aurora_migrate::authoring::alembic::Reason::ALL {
        let row = format!("\n| `{}` | ", reason.code());
        assert!(
            readme.contains(&row),
            "the import report's table lacks the reason {row:?}"
        );
    }
}
