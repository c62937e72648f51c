use super::*;

#[test]
fn slugs_like_alembic() {
    assert_eq!(
        slug("Add RPC endpoint to chains table"),
        "add_rpc_endpoint_to_chains_table"
    );
    assert_eq!(slug("  ünïcode & symbols!! "), "n_code_symbols");
    assert!(slug(&"word ".repeat(30)).len() <= 40);
}

#[test]
fn a_migration_that_must_run_alone_says_so_in_its_header() {
    let dir = tempfile::tempdir().expect("dir");
    let new = NewRevision {
        message: "Use a new mood".into(),
        rev_id: Some("ab12cd34ef56".into()),
        body: Some("-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 2;\n".into()),
        outside_transaction: true,
        base: true,
        ..NewRevision::default()
    };
    let path = create(dir.path(), &new).expect("create");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("\n-- Transaction: none\n"), "{text}");
    let scanned = scan::scan(dir.path()).expect("the file parses");
    assert!(!scanned.files[0].parsed.header.transactional);
}

/// A directory holding one base revision `cec3a80e61a4` labelled `core`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    let new = NewRevision {
        message: "Initial".into(),
        rev_id: Some("cec3a80e61a4".into()),
        branch_labels: vec!["core".into()],
        body: Some("-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\n".into()),
        base: true,
        ..NewRevision::default()
    };
    create(dir.path(), &new).expect("first revision");
    dir
}

fn files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn refused(dir: &Path, new: NewRevision) -> String {
    let before = files(dir);
    let error = said(create(dir, &new).expect_err("refused"));
    assert_eq!(files(dir), before, "a refusal writes nothing: {error}");
    error
}

/// The message and its hint, as a program without flags says them.
fn said(error: crate::Error) -> String {
    match error.hint() {
        Some(hint) => format!("{error}; {hint}"),
        None => error.to_string(),
    }
}

#[test]
fn messages_that_cannot_be_a_header_line_are_refused() {
    let dir = project();
    for (message, expected) in [
        ("", "the message is empty"),
        ("   ", "the message is empty"),
        ("two\nlines", "has 2 lines"),
        ("one\n\nthree", "has 3 lines"),
    ] {
        let error = refused(
            dir.path(),
            NewRevision {
                message: message.into(),
                ..NewRevision::default()
            },
        );
        assert!(error.contains(expected), "{message:?}: {error}");
    }
}

#[test]
fn ids_that_collide_or_make_a_prefix_ambiguous_are_refused() {
    let dir = project();
    for (id, expected) in [
        ("cec3a80e61a4", "already the id"),
        ("CEC3A80E61A4", "differs only in case"),
        ("cec3a8", "is a prefix of"),
        ("cec3a80e61a4ff", "starts with the id"),
        ("Core", "differs only in case"),
        ("heads", "target keyword"),
        ("bad-id", "invalid revision id"),
    ] {
        let error = refused(
            dir.path(),
            NewRevision {
                message: "Next".into(),
                rev_id: Some(id.into()),
                ..NewRevision::default()
            },
        );
        assert!(error.contains(expected), "{id}: {error}");
    }
}

#[test]
fn labels_that_are_keywords_or_collide_are_refused() {
    let dir = project();
    for (label, expected) in [
        ("head", "target keyword"),
        ("BASE", "target keyword"),
        ("current", "target keyword"),
        ("core", "already a branch label"),
        ("cec3a80e61a4", "already the id"),
        ("cec3", "is a prefix of"),
        ("a@b", "`@` cannot be part of an id"),
        (".a", "not starting with a dot"),
    ] {
        let error = refused(
            dir.path(),
            NewRevision {
                message: "Next".into(),
                branch_labels: vec![label.into()],
                ..NewRevision::default()
            },
        );
        assert!(error.contains(expected), "{label}: {error}");
    }
}

#[test]
fn an_empty_directory_starts_a_history_only_when_asked() {
    let dir = tempfile::tempdir().expect("dir");
    let new = NewRevision {
        message: "First".into(),
        ..NewRevision::default()
    };
    let error = said(create(dir.path(), &new).expect_err("refused"));
    assert!(
        error.contains("holds no migrations") && error.contains("pass a new base"),
        "{error}"
    );
    assert_eq!(files(dir.path()), 0);
    create(dir.path(), &NewRevision { base: true, ..new }).expect("with --base");
}

#[test]
fn a_new_history_outside_a_project_needs_base() {
    let parent = tempfile::tempdir().expect("dir");
    let missing = parent.path().join("migrations");
    let new = NewRevision {
        message: "First".into(),
        ..NewRevision::default()
    };
    let error = said(create(&missing, &new).expect_err("refused"));
    assert!(error.contains("pass a new base"), "{error}");
    assert!(!missing.exists(), "nothing was created");
    let path = create(&missing, &NewRevision { base: true, ..new }).expect("with --base");
    assert!(path.starts_with(&missing));
}

#[test]
fn a_merge_of_a_revision_with_its_ancestor_is_refused() {
    let dir = project();
    let child = NewRevision {
        message: "Child".into(),
        rev_id: Some("ab12cd34ef56".into()),
        body: Some("-- migrate:upgrade\nSELECT 2;\n\n-- migrate:downgrade\n".into()),
        ..NewRevision::default()
    };
    create(dir.path(), &child).expect("child");
    let before = files(dir.path());
    let revisions = ["cec3a80e61a4".to_string(), "ab12cd34ef56".to_string()];
    let error = merge(dir.path(), &revisions, "join", None)
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("cec3a80e61a4 is an ancestor of ab12cd34ef56"),
        "{error}"
    );
    let error = merge(dir.path(), &revisions, "", None)
        .expect_err("refused")
        .to_string();
    assert!(error.contains("message is empty"), "{error}");
    assert_eq!(files(dir.path()), before);
}
