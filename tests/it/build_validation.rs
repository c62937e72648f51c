//! The build step over fixture directories of broken migrations: the build stops and names
//! `path:line`. Runs `aurora_migrate_build::report`, which is what `embed` prints from the
//! build script.

use std::path::PathBuf;

use aurora_migrate_build::{BuildEnv, OUTPUT_FILE, report};

use crate::support::fixture;

/// Runs the build step over `dir` and returns (success, stdout, stderr, generated catalogue).
fn run_build(dir: &str) -> (bool, String, String, Option<String>) {
    let out_dir = tempfile::tempdir().expect("out dir");
    let env = BuildEnv {
        manifest_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        out_dir: out_dir.path().to_path_buf(),
        dir_override: Some(PathBuf::from(dir)),
    };
    let report = report("migrations", &env);
    let embedded = std::fs::read_to_string(out_dir.path().join(OUTPUT_FILE)).ok();
    (
        report.ok,
        report.stdout.join("\n"),
        report.stderr.join("\n"),
        embedded,
    )
}

fn assert_build_fails(fixture_name: &str, expected: &str) {
    let (ok, _, stderr, embedded) = run_build(&format!("tests/fixtures/{fixture_name}"));
    assert!(!ok, "{fixture_name} must fail the build");
    assert!(embedded.is_none(), "a failed build writes no catalogue");
    assert!(
        stderr.contains(expected),
        "{fixture_name}: expected `{expected}` in:\n{stderr}"
    );
}

#[test]
fn a_cycle_stops_the_build_at_its_revises_line() {
    assert_build_fails(
        "migrations_cycle",
        "tests/fixtures/migrations_cycle/x2_two.sql:4: revision cycle: x2 -> x1 -> x2",
    );
}

#[test]
fn a_missing_parent_stops_the_build() {
    assert_build_fails(
        "migrations_missing_parent",
        "tests/fixtures/migrations_missing_parent/y2_two.sql:4: `Revises` names `nope`, which no migration defines",
    );
}

#[test]
fn a_duplicate_id_stops_the_build() {
    assert_build_fails(
        "migrations_duplicate_id",
        "tests/fixtures/migrations_duplicate_id/d1_two.sql:3: duplicate revision id `d1`",
    );
}

#[test]
fn a_misspelt_header_key_stops_the_build() {
    assert_build_fails(
        "migrations_bad_header",
        "tests/fixtures/migrations_bad_header/h1_typo.sql:4: unknown header key `Revison`",
    );
}

#[test]
fn a_missing_section_stops_the_build() {
    assert_build_fails(
        "migrations_missing_section",
        "tests/fixtures/migrations_missing_section/s1_no_downgrade.sql:1: missing `-- migrate:downgrade` section",
    );
}

#[test]
fn a_valid_directory_is_embedded_with_rerun_triggers() {
    let (ok, stdout, stderr, embedded) = run_build("tests/fixtures/branched");
    assert!(ok, "{stderr}");
    let embedded = embedded.expect("catalogue written");
    assert_eq!(embedded.matches("Embedded {").count(), 6);
    assert!(
        embedded.contains(r#"id: ::std::borrow::Cow::Borrowed("m1")"#)
            && embedded.contains(r#"parents: ::std::borrow::Cow::Borrowed(&[::std::borrow::Cow::Borrowed("a2"), ::std::borrow::Cow::Borrowed("b2")])"#),
        "{embedded}"
    );
    assert!(stdout.contains("cargo::rerun-if-env-changed=AURORA_MIGRATIONS_DIR"));
    assert!(
        stdout.contains("a1_base.sql"),
        "every file is a rerun trigger"
    );
    assert!(!stdout.contains("cargo::warning"), "one head: no warning");
}

#[test]
fn several_heads_are_a_warning_not_an_error() {
    let dir = tempfile::tempdir().expect("dir");
    for name in ["a1_base.sql", "a2_main.sql", "b1_feature.sql"] {
        std::fs::copy(fixture("branched").join(name), dir.path().join(name)).expect("copy");
    }
    let (ok, stdout, _, _) = run_build(dir.path().to_str().expect("utf-8 path"));
    assert!(ok);
    assert!(
        stdout.contains("cargo::warning=the migrations have 2 heads (a2, b1)"),
        "{stdout}"
    );
}

#[test]
fn a_file_that_is_not_utf8_or_has_nothing_to_do_stops_the_build() {
    let dir = tempfile::tempdir().expect("dir");
    let header = "-- A migration\n--\n-- Revision ID: {id}\n-- Revises:\n\n";
    let mut latin1 = header.replace("{id}", "n1").into_bytes();
    latin1.extend_from_slice(b"-- migrate:upgrade\nSELECT 'caf\xe9';\n\n-- migrate:downgrade\n");
    std::fs::write(dir.path().join("n1_latin1.sql"), latin1).expect("write");
    let empty = header.replace("{id}", "e1") + "-- migrate:upgrade\n\n-- migrate:downgrade\n";
    std::fs::write(dir.path().join("e1_empty.sql"), empty).expect("write");
    let (ok, _, stderr, embedded) = run_build(dir.path().to_str().expect("utf-8 path"));
    assert!(!ok && embedded.is_none());
    assert!(
        stderr.contains("n1_latin1.sql:7: the file is not valid UTF-8; save it as UTF-8"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "e1_empty.sql:6: the upgrade section is empty; write its SQL, or delete the file"
        ),
        "{stderr}"
    );
}

#[test]
fn refinery_files_are_embedded_as_a_chain_in_version_order() {
    let (ok, _, stderr, embedded) = run_build("tests/fixtures/refinery");
    assert!(ok, "{stderr}");
    let embedded = embedded.expect("catalogue written");
    assert_eq!(embedded.matches("Embedded {").count(), 5);
    for (id, parent) in [
        ("v2", "v1"),
        ("v3", "v2"),
        ("v4", "v3"),
        ("b7c1d2e3f4a5", "v4"),
    ] {
        let entry = format!(r#"id: ::std::borrow::Cow::Borrowed("{id}"), message: "#);
        let at = embedded
            .find(&entry)
            .unwrap_or_else(|| panic!("{id} in {embedded}"));
        let parents = format!(
            r#"parents: ::std::borrow::Cow::Borrowed(&[::std::borrow::Cow::Borrowed("{parent}")])"#
        );
        assert!(
            embedded[at..]
                .split("Embedded {")
                .next()
                .unwrap()
                .contains(&parents),
            "{id} revises {parent}"
        );
    }
    assert!(embedded.contains("RustBody::Refinery("), "{embedded}");
}

#[test]
fn a_broken_refinery_file_stops_the_build_at_its_line() {
    assert_build_fails(
        "migrations_refinery_broken",
        "tests/fixtures/migrations_refinery_broken/V2__add_note.sql:2: unterminated ' quote",
    );
}

/// Writes `files` (name, text) into a new directory.
fn directory(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("migrations dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write migration");
    }
    dir
}

const SQL_BODY: &str =
    "\n-- migrate:upgrade\nCREATE TABLE t (id int);\n\n-- migrate:downgrade\nDROP TABLE t;\n";
const RUST_BODY: &str = "\npub fn upgrade(_: &mut aurora_migrate::ddl::Ddl) {}\npub fn downgrade(_: &mut aurora_migrate::ddl::Ddl) {}\n";

#[test]
fn dotted_ids_are_embedded_and_their_rust_modules_are_rust_names() {
    let dir = directory(&[
        (
            "v0.9.0.a_init.sql",
            &format!("-- Init\n-- Revision ID: v0.9.0.a\n-- Revises:\n{SQL_BODY}"),
        ),
        (
            "v1.2.0.a.rs",
            &format!("//! Pin\n//!\n//! Revision ID: v1.2.0.a\n//! Revises: v0.9.0.a\n{RUST_BODY}"),
        ),
        (
            "v1_2_0_a.rs",
            &format!(
                "//! Same name once dots are gone\n//!\n//! Revision ID: v1_2_0_a\n//! Revises: v1.2.0.a\n{RUST_BODY}"
            ),
        ),
    ]);
    let (ok, _, stderr, embedded) = run_build(dir.path().to_str().unwrap());
    assert!(ok, "{stderr}");
    let embedded = embedded.expect("catalogue written");
    assert!(
        embedded.contains(
            r#"parents: ::std::borrow::Cow::Borrowed(&[::std::borrow::Cow::Borrowed("v0.9.0.a")])"#
        ),
        "{embedded}"
    );
    let modules: Vec<&str> = embedded
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    assert_eq!(modules.len(), 2, "{embedded}");
    assert_ne!(modules[0], modules[1], "{embedded}");
    for module in &modules {
        assert!(
            module
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "`{module}` is not a Rust name"
        );
        assert!(
            embedded.contains(&format!("{module}::upgrade")),
            "{embedded}"
        );
    }
}

#[test]
fn a_hyphen_in_an_id_stops_the_build_with_its_reason() {
    let dir = directory(&[(
        "v0.9-a.sql",
        &format!("-- Init\n-- Revision ID: v0.9-a\n-- Revises:\n{SQL_BODY}"),
    )]);
    let (ok, _, stderr, embedded) = run_build(dir.path().to_str().unwrap());
    assert!(!ok && embedded.is_none(), "{stderr}");
    assert!(
        stderr.contains("v0.9-a.sql:2: invalid revision id `v0.9-a`: `-` cannot be part of an id"),
        "{stderr}"
    );
}
