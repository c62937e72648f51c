use super::*;
use crate::database::Database;

/// A SQL file with the usual header and one statement per direction; `extra` goes after
/// `Revises`, and the body after the header.
fn sql(revises: &str, extra: &str, body: &str) -> String {
    format!("-- Add chains\n-- Revision ID: ae1027a6acf\n-- Revises: {revises}\n{extra}{body}")
}

const BODY: &str = "\n-- migrate:upgrade\nCREATE TABLE chains (id int);\n\n-- migrate:downgrade\nDROP TABLE chains;\n";

fn ok(file_name: &str, text: &str) -> Parsed {
    parse(file_name, text).unwrap_or_else(|e| panic!("{file_name} should parse: {e}"))
}

fn err(file_name: &str, text: &str) -> ParseError {
    match parse(file_name, text) {
        Ok(parsed) => panic!("{file_name} should fail, parsed {parsed:?}"),
        Err(e) => e,
    }
}

fn assert_err(text: &str, line: usize, fragment: &str) {
    let e = err("ae1027a6acf_chains.sql", text);
    assert_eq!(e.line, line, "{e}");
    assert!(
        e.message.contains(fragment),
        "`{}` lacks `{fragment}`",
        e.message
    );
}

#[test]
fn reads_every_header_key_and_both_sections() {
    let text = "-- Add chains\n-- Revision ID: ae1027a6acf\n-- Revises: 1975ea83b712\n\
                -- Branch Labels: chains\n-- Depends On: 3512b954651e\n\
                -- Create Date: 2024-05-01 10:00:00.000000\n"
        .to_string()
        + BODY;
    let parsed = ok("ae1027a6acf_add_chains.sql", &text);
    let h = &parsed.header;
    assert_eq!(h.message, "Add chains");
    assert_eq!((h.revision.as_str(), h.revision_line), ("ae1027a6acf", 2));
    assert_eq!(
        (h.revises.clone(), h.revises_line),
        (vec!["1975ea83b712".into()], 3)
    );
    assert_eq!(
        (h.branch_labels.clone(), h.branch_labels_line),
        (vec!["chains".into()], 4)
    );
    assert_eq!(
        (h.depends_on.clone(), h.depends_on_line),
        (vec!["3512b954651e".into()], 5)
    );
    assert_eq!(h.create_date.as_deref(), Some("2024-05-01 10:00:00.000000"));
    assert!(h.transactional);
    assert_eq!(parsed.sections.len(), 2);
    let up = &parsed.sections[0];
    assert_eq!(
        (up.direction, up.dialect, up.marker_line),
        (Direction::Upgrade, None, 8)
    );
    assert_eq!(up.body, "CREATE TABLE chains (id int);\n\n");
    assert_eq!(parsed.sections[1].direction, Direction::Downgrade);
    assert_eq!(parsed.sections[1].marker_line, 11);
}

#[test]
fn header_keys_may_come_in_any_order() {
    let text = "-- Add chains\n-- Create Date: 2024-05-01\n-- Revises: 1975ea83b712\n\
                -- Revision ID: ae1027a6acf\n"
        .to_string()
        + BODY;
    let h = ok("ae1027a6acf.sql", &text).header;
    assert_eq!((h.revision.as_str(), h.revision_line), ("ae1027a6acf", 4));
    assert_eq!(h.revises, vec!["1975ea83b712".to_string()]);
}

#[test]
fn empty_revises_with_trailing_spaces_is_a_base() {
    let h = ok("ae1027a6acf_x.sql", &sql("   ", "", BODY)).header;
    assert!(h.revises.is_empty());
    assert_eq!(h.revises_line, 3);
}

#[test]
fn free_text_under_the_message_is_allowed() {
    let text = sql("", "-- \n-- This adds the chains table.\n", BODY);
    assert_eq!(ok("ae1027a6acf_x.sql", &text).header.message, "Add chains");
}

#[test]
fn a_merge_lists_its_parents_separated_by_commas() {
    let h = ok(
        "ae1027a6acf_x.sql",
        &sql("1975ea83b712 ,3512b954651e", "", BODY),
    )
    .header;
    assert_eq!(
        h.revises,
        vec!["1975ea83b712".to_string(), "3512b954651e".into()]
    );
}

#[test]
fn id_lists_reject_empty_entries_bad_ids_and_repeats() {
    assert_err(&sql("aaaa,,bbbb", "", BODY), 3, "empty entry");
    assert_err(&sql("aaaa,", "", BODY), 3, "empty entry");
    assert_err(
        &sql("aaaa, bb-b", "", BODY),
        3,
        "invalid id `bb-b` in `Revises`",
    );
    assert_err(
        &sql("aaaa, aaaa", "", BODY),
        3,
        "`aaaa` is listed twice in `Revises`",
    );
    assert_err(&sql("", "-- Depends On: x@y\n", BODY), 4, "in `Depends On`");
    assert_err(
        &sql("", "-- Branch Labels: a b\n", BODY),
        4,
        "in `Branch Labels`",
    );
}

#[test]
fn unknown_key_is_reported_at_its_line_with_the_known_keys() {
    assert_err(
        &sql("", "-- Revision: x\n", BODY),
        4,
        "unknown header key `Revision`",
    );
    let e = err("ae1027a6acf.sql", &sql("", "-- Down Revision: x\n", BODY));
    assert!(e.message.contains("Revision ID, Revises"), "{e}");
}

#[test]
fn a_key_given_twice_is_an_error_at_the_second() {
    assert_err(
        &sql("", "-- Revises: aaaa\n", BODY),
        4,
        "`Revises` is given twice",
    );
}

#[test]
fn revision_ids_must_be_short_words() {
    let text = "-- Add chains\n-- Revision ID: ae10-27\n".to_string() + BODY;
    let e = err("ae10-27.sql", &text);
    assert_eq!(e.line, 2);
    assert!(e.message.contains("invalid revision id `ae10-27`"), "{e}");
    assert!(e.message.contains("`-` cannot be part of an id"), "{e}");
    let long = "a".repeat(33);
    let e = err(
        &format!("{long}.sql"),
        &format!("-- m\n-- Revision ID: {long}\n{BODY}"),
    );
    assert!(e.message.contains("invalid revision id"), "{e}");
    let e = err(
        "v3.0.0.c.sql",
        &("-- m\n-- Revision ID: v3.0.0.c\n-- Revises: v3.0.0.b, .hidden\n".to_string() + BODY),
    )
    .to_string();
    assert!(e.contains("invalid id `.hidden` in `Revises`"), "{e}");
    assert!(e.contains("not starting with a dot"), "{e}");
}

#[test]
fn dotted_revision_ids_parse_and_name_their_file() {
    let text = "-- m\n-- Revision ID: v3.0.0.c\n-- Revises: v3.0.0.b\n".to_string() + BODY;
    for name in ["v3.0.0.c.sql", "v3.0.0.c_add_chains.sql"] {
        let parsed = ok(name, &text);
        assert_eq!(parsed.header.revision, "v3.0.0.c");
        assert_eq!(parsed.header.revises, ["v3.0.0.b"]);
    }
    // The id is the whole stem before `_` or the extension, not a prefix of a longer id.
    let e = err("v3.0.0.cd.sql", &text);
    assert!(e.message.contains("must start with its revision id"), "{e}");
}

#[test]
fn the_file_name_must_start_with_the_revision_id() {
    ok("ae1027a6acf.sql", &sql("", "", BODY));
    ok("ae1027a6acf_add_chains.sql", &sql("", "", BODY));
    for name in ["ae1027a6acfx.sql", "ae10.sql", "other_ae1027a6acf.sql"] {
        let e = err(name, &sql("", "", BODY));
        assert_eq!(e.line, 2, "{name}");
        assert!(
            e.message.contains("rename it to ae1027a6acf_<slug>.sql"),
            "{e}"
        );
    }
    let rust = "//! Add chains\n//! Revision ID: ae1027a6acf\n";
    assert!(
        err("other.rs", rust)
            .message
            .contains("ae1027a6acf_<slug>.rs")
    );
}

#[test]
fn only_sql_and_rust_files_are_migrations() {
    assert_eq!(FileKind::from_file_name("a.sql"), Some(FileKind::Sql));
    assert_eq!(FileKind::from_file_name("a.rs"), Some(FileKind::Rust));
    assert_eq!(FileKind::from_file_name("README.md"), None);
    assert_eq!(FileKind::from_file_name("a.sql~"), None);
    let e = err("ae1027a6acf.txt", &sql("", "", BODY));
    assert_eq!(e.line, 1);
}

#[test]
fn the_first_line_must_be_the_message() {
    let text = "-- Revision ID: ae1027a6acf\n-- Revises:\n".to_string() + BODY;
    assert_err(&text, 1, "the first line must be the message");
    let text = "--\n-- Revision ID: ae1027a6acf\n".to_string() + BODY;
    assert_err(&text, 1, "the first line must be the message");
}

#[test]
fn a_message_may_contain_a_colon() {
    let text = "-- Fix: chains use bigint\n-- Revision ID: ae1027a6acf\n".to_string() + BODY;
    assert_eq!(
        ok("ae1027a6acf.sql", &text).header.message,
        "Fix: chains use bigint"
    );
}

#[test]
fn a_missing_revision_id_is_reported() {
    assert_err(
        &format!("-- Add chains\n-- Revises:\n{BODY}"),
        1,
        "missing `-- Revision ID: <id>`",
    );
    assert_err("", 1, "missing `-- Revision ID");
    // The header ends at the first line that is not a comment.
    assert_err(
        &format!("-- Add chains\n\n-- Revision ID: ae1027a6acf\n{BODY}"),
        1,
        "missing",
    );
}

#[test]
fn both_sections_are_required() {
    let only_up = sql("", "", "-- migrate:upgrade\nSELECT 1;\n");
    assert_err(&only_up, 1, "missing `-- migrate:downgrade` section");
    let only_down = sql("", "", "-- migrate:downgrade\nSELECT 1;\n");
    assert_err(&only_down, 1, "missing `-- migrate:upgrade` section");
    assert_err(&sql("", "", ""), 1, "missing `-- migrate:upgrade` section");
}

#[test]
fn an_empty_upgrade_is_an_error_but_an_empty_downgrade_is_not() {
    let text = sql(
        "",
        "",
        "-- migrate:upgrade\n\n-- only a comment\n-- migrate:downgrade\n",
    );
    // A draft parses; it is not complete, which the build requires.
    let draft = ok("ae1027a6acf.sql", &text);
    let e = check_complete(&draft).unwrap_err();
    assert_eq!(e.line, 4, "{e}");
    assert!(e.message.contains("the upgrade section is empty"), "{e}");
    let text = sql(
        "",
        "",
        "-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\n\n",
    );
    assert_eq!(ok("ae1027a6acf.sql", &text).sections[1].body, "\n");
}

#[test]
fn a_merge_may_have_an_empty_upgrade() {
    let text = sql(
        "aaaa, bbbb",
        "",
        "-- migrate:upgrade\n-- migrate:downgrade\n",
    );
    let parsed = ok("ae1027a6acf.sql", &text);
    assert_eq!(parsed.header.revises.len(), 2);
    assert_eq!(parsed.sections[0].body, "");
}

#[test]
fn an_empty_dialect_variant_of_the_upgrade_means_nothing_to_do_there() {
    let body = "-- migrate:upgrade\nSELECT 1;\n-- migrate:upgrade sqlite\n\n-- migrate:downgrade\n";
    let parsed = ok("ae1027a6acf.sql", &sql("", "", body));
    assert_eq!(
        parsed.sections[1].dialect.map(Database::name),
        Some("sqlite")
    );
    assert!(parsed.sections[1].body.trim().is_empty());
}

#[test]
fn sections_may_have_dialect_variants() {
    let body = "-- migrate:upgrade\nSELECT 1;\n--migrate:upgrade postgresql\nSELECT 2;\n\
                -- migrate:upgrade   sqlite\nSELECT 3;\n-- migrate:downgrade mysql\nSELECT 4;\n";
    let parsed = ok("ae1027a6acf.sql", &sql("", "", body));
    let dialects: Vec<_> = parsed
        .sections
        .iter()
        .map(|s| (s.direction, s.dialect.map(Database::name), s.body.as_str()))
        .collect();
    assert_eq!(
        dialects,
        vec![
            (Direction::Upgrade, None, "SELECT 1;\n"),
            (Direction::Upgrade, Some("postgresql"), "SELECT 2;\n"),
            (Direction::Upgrade, Some("sqlite"), "SELECT 3;\n"),
            (Direction::Downgrade, Some("mysql"), "SELECT 4;\n"),
        ]
    );
}

#[test]
fn unknown_dialects_sections_and_trailing_words_are_errors() {
    let with = |marker: &str| sql("", "", &format!("{BODY}{marker}\nSELECT 1;\n"));
    assert_err(
        &with("-- migrate:upgrade postgres"),
        10,
        "unknown dialect `postgres`; use one of: postgresql, sqlite, mysql",
    );
    assert_err(
        &with("-- migrate:sideways"),
        10,
        "unknown section `migrate:sideways`",
    );
    assert_err(&with("-- migrate:"), 10, "unknown section `migrate:`");
    assert_err(
        &with("-- migrate:upgrade sqlite now"),
        10,
        "unexpected `now` after the section marker",
    );
}

#[test]
fn a_repeated_section_names_the_first() {
    let text = sql("", "", &format!("{BODY}-- migrate:upgrade\nSELECT 2;\n"));
    assert_err(&text, 10, "this section repeats the one at line 5");
    let body = "-- migrate:upgrade sqlite\nSELECT 1;\n-- migrate:upgrade sqlite\nSELECT 2;\n";
    assert_err(&sql("", "", body), 6, "repeats the one at line 4");
}

#[test]
fn sql_before_the_first_marker_is_an_error_but_comments_are_not() {
    let text = sql("", "", &format!("\nCREATE TABLE x (id int);\n{BODY}"));
    assert_err(&text, 5, "SQL before the first `-- migrate:upgrade` marker");
    ok(
        "ae1027a6acf.sql",
        &sql("", "", &format!("\n-- a note\n\n{BODY}")),
    );
}

#[test]
fn transaction_none_runs_outside_a_transaction() {
    let h = ok("ae1027a6acf.sql", &sql("", "-- Transaction: none\n", BODY)).header;
    assert!(!h.transactional);
    assert_err(
        &sql("", "-- Transaction: yes\n", BODY),
        4,
        "`Transaction` takes only `none`",
    );
}

#[test]
fn compatibility_expand_is_a_promise_and_anything_else_is_an_error() {
    let h = ok(
        "ae1027a6acf.sql",
        &sql("", "-- Compatibility: expand\n", BODY),
    )
    .header;
    assert_eq!(h.compatibility, Compatibility::Expand);
    let h = ok("ae1027a6acf.sql", &sql("", "", BODY)).header;
    assert_eq!(h.compatibility, Compatibility::None);
    let h = ok(
        "ae1027a6acf.sql",
        &sql("", "-- Compatibility: none\n", BODY),
    )
    .header;
    assert_eq!(h.compatibility, Compatibility::None);
    for wrong in ["Expand", "contract", "yes", ""] {
        assert_err(
            &sql("", &format!("-- Compatibility: {wrong}\n"), BODY),
            4,
            "`Compatibility` takes `expand`",
        );
    }
}

#[test]
fn rust_files_use_inner_doc_comments_and_have_no_sections() {
    let text = "//! Add chains\n//! Revision ID: ae1027a6acf\n//! Revises: 1975ea83b712\n\
                //! Transaction: none\n\nuse aurora_migrate::ddl::Ddl;\n\
                // migrate:upgrade is not a marker here\npub fn upgrade(_: &mut Ddl) {}\n";
    let parsed = ok("ae1027a6acf_add_chains.rs", text);
    assert_eq!(parsed.header.message, "Add chains");
    assert_eq!(parsed.header.revises, vec!["1975ea83b712".to_string()]);
    assert!(!parsed.header.transactional);
    assert!(parsed.sections.is_empty());
    // `--` comments are not a Rust header.
    let e = err("ae1027a6acf.rs", &sql("", "", BODY));
    assert!(e.message.contains("missing `//! Revision ID: <id>`"), "{e}");
}

#[test]
fn crlf_line_endings_parse_like_lf() {
    let lf = sql("1975ea83b712", "-- Transaction: none\n", BODY);
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(ok("ae1027a6acf.sql", &crlf), ok("ae1027a6acf.sql", &lf));
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let text = sql("", "", BODY);
    let with_bom = format!("\u{feff}{text}");
    assert_eq!(
        ok("ae1027a6acf.sql", &with_bom),
        ok("ae1027a6acf.sql", &text)
    );
}

#[test]
fn an_unterminated_quote_is_reported_at_the_line_it_opens() {
    // Lines: 1-3 header, 4 blank, 5 marker, 6 statement, 7 open quote.
    let body = "\n-- migrate:upgrade\nSELECT 1;\nINSERT INTO t VALUES ('oops);\nSELECT 2;\n-- migrate:downgrade\n";
    assert_err(&sql("", "", body), 7, "unterminated ' quote");
    let body = "\n-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\nSELECT $$ never closed;\n";
    assert_err(&sql("", "", body), 8, "unterminated dollar quote $$");
}

#[test]
fn errors_display_as_line_then_message() {
    let e = fault(7, "something is off");
    assert_eq!(e.to_string(), "7: something is off");
}

#[test]
fn lock_timeout_takes_none_or_the_first_attempts_timeout() {
    for (value, expected) in [
        ("none", LockTimeout::Off),
        ("250ms", LockTimeout::FirstMillis(250)),
        ("2s", LockTimeout::FirstMillis(2000)),
        ("1m", LockTimeout::FirstMillis(60_000)),
        ("1440m", LockTimeout::FirstMillis(86_400_000)),
    ] {
        let h = ok(
            "ae1027a6acf.sql",
            &sql("", &format!("-- Lock Timeout: {value}\n"), BODY),
        )
        .header;
        assert_eq!(h.lock_timeout, expected, "{value}");
    }
    assert_eq!(
        ok("ae1027a6acf.sql", &sql("", "", BODY))
            .header
            .lock_timeout,
        LockTimeout::Runner
    );
    for wrong in [
        "0s",
        "2 s",
        "soon",
        "5h",
        "-1s",
        "1441m",
        "86400001ms",
        "99999999999m",
    ] {
        assert_err(
            &sql("", &format!("-- Lock Timeout: {wrong}\n"), BODY),
            4,
            "`Lock Timeout` takes `none`",
        );
    }
}

#[test]
fn a_baseline_header_records_its_accepted_loss_and_lists_it_below() {
    let listed = "-- Accepted Loss: 2 object(s), listed below\n--\n-- Written by baseline.\n\
                  --   - view \"v\" (views are not carried)\n\
                  --   - trigger \"t\".\"tg\" (why: triggers are not carried)\n";
    let parsed = ok("ae1027a6acf.sql", &sql("", listed, BODY));
    assert_eq!(
        parsed.header.accepted_loss.as_deref(),
        Some("2 object(s), listed below")
    );
    assert_eq!(
        ok("ae1027a6acf.sql", &sql("", "", BODY))
            .header
            .accepted_loss,
        None
    );
    assert_err(
        &sql("", "-- Accepted Loss:\n", BODY),
        4,
        "`Accepted Loss` says",
    );
}
