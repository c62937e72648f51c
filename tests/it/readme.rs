//! The README's library section is the example service's code, word for word: it cannot rot.

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_library_section_shows_the_example_services_code() {
    let readme = read("README.md");
    let build = read("examples/service/build.rs");
    assert!(
        readme.contains(&format!("// build.rs\n{build}")),
        "examples/service/build.rs"
    );
    let main = read("examples/service/src/main.rs");
    let start = main
        .find("async fn migrate(")
        .expect("the example's migrate");
    let end = start + main[start..].find("\n}\n").expect("its end") + 3;
    let migrate = &main[start..end];
    assert!(
        readme.contains(migrate),
        "README lacks the example's migrate():\n{migrate}"
    );
    assert!(readme.contains("aurora_migrate::include_migrations!();"));
    assert!(main.contains("aurora_migrate::include_migrations!();"));
    let lines = build.lines().count() + 1 + migrate.lines().count();
    assert!(lines < 12, "{lines} lines: the README promises a few");
}
