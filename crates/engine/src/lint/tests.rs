use std::path::Path;

use super::*;
use aurora_migrate_core::{Direction, Migration};

/// The corpus: small migrations, one folder per database, each naming in its message the
/// codes it must raise there (`expect L011 L019`; `down:L004` for one its downgrade raises),
/// or `expect clean` for a safe rewrite.
#[test]
fn every_corpus_migration_raises_exactly_the_findings_it_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/corpus");
    let mut seen = 0;
    let mut failures = Vec::new();
    for (folder, database) in [
        ("postgresql", Database::Postgres),
        ("sqlite", Database::Sqlite),
        ("mysql", Database::Mysql),
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(folder))
            .expect("corpus folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("corpus file");
            let migration =
                Migration::parse(&name, &text).unwrap_or_else(|e| panic!("{folder}/{name}: {e}"));
            let mut expected: Vec<&str> = migration
                .message
                .strip_prefix("expect ")
                .unwrap_or_else(|| panic!("{folder}/{name}: the message says what to expect"))
                .split_whitespace()
                .filter(|code| *code != "clean")
                .collect();
            expected.sort();
            let upgrade = migration.statements(database, Direction::Upgrade).unwrap();
            let downgrade = migration.statements(database, Direction::Downgrade).ok();
            let subject = Subject {
                revision: &migration.id,
                file: &name,
                database,
                transactional: migration.transactional,
                compatibility: migration.compatibility,
                upgrade,
                downgrade,
                allows: &migration.lint_allows,
            };
            let findings = lint(&subject, None);
            let mut found: Vec<String> = findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .map(|f| match f.direction {
                    Direction::Upgrade => f.rule.code.to_string(),
                    Direction::Downgrade => format!("down:{}", f.rule.code),
                })
                .collect();
            found.sort();
            if found != expected {
                failures.push(format!(
                    "{folder}/{name}: expected {expected:?}, found {found:?}: {:#?}",
                    findings
                        .iter()
                        .map(|f| (&f.rule.code, f.direction, &f.why))
                        .collect::<Vec<_>>()
                ));
            }
            for finding in &findings {
                assert!(
                    !finding.instead.is_empty() && !finding.why.is_empty(),
                    "{name}"
                );
                assert!(finding.rule.databases.contains(&database), "{name}");
            }
            seen += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(seen >= 118, "the corpus holds {seen} migrations");
}

#[test]
fn every_rule_is_exercised_by_the_corpus_on_a_database_it_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/corpus");
    let mut named = String::new();
    for folder in ["postgresql", "sqlite", "mysql"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            named.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
    }
    for rule in rules() {
        assert!(
            named.contains(rule.code),
            "{} has no corpus case",
            rule.code
        );
    }
    let codes: Vec<&str> = rules().iter().map(|r| r.code).collect();
    let mut unique = codes.clone();
    unique.dedup();
    assert_eq!(codes, unique, "codes are unique and in order");
}

fn statement(text: &str) -> Statement {
    Statement {
        text: text.to_string().into(),
        line: 7,
    }
}

fn one(database: Database, text: &str, stats: Option<&Stats>) -> Vec<Finding> {
    let upgrade = [statement(text)];
    let subject = Subject {
        revision: "r1",
        file: "migrations/r1_x.sql",
        database,
        transactional: true,
        compatibility: Compatibility::None,
        upgrade: &upgrade,
        downgrade: None,
        allows: &[],
    };
    lint(&subject, stats)
}

#[test]
fn table_sizes_raise_or_lower_a_finding_and_say_how_large() {
    let text = "ALTER TABLE chains ALTER COLUMN name TYPE TEXT";
    let mut stats = Stats::new();
    stats.insert(
        "chains".into(),
        TableSize {
            rows: Some(2_000_000),
            bytes: Some(2_254_857_830),
        },
    );
    let big = one(Database::Postgres, text, Some(&stats));
    assert_eq!(big[0].severity, Severity::Error);
    assert!(
        big[0].why.ends_with("(chains: 2.1 GB, 2000000 rows)"),
        "{}",
        big[0].why
    );
    stats.insert(
        "chains".into(),
        TableSize {
            rows: Some(0),
            bytes: Some(8192),
        },
    );
    assert_eq!(
        one(Database::Postgres, text, Some(&stats))[0].severity,
        Severity::Info
    );
    assert_eq!(
        one(Database::Postgres, text, None)[0].severity,
        Severity::Warning
    );
}

#[test]
fn a_finding_names_its_place_the_danger_and_the_rewrite() {
    let findings = one(
        Database::Postgres,
        "CREATE INDEX ix_chains_name ON chains (name)",
        None,
    );
    let finding = &findings[0];
    assert_eq!(
        (finding.rule.code, finding.rule.name),
        ("L001", "index-without-concurrently")
    );
    assert_eq!(
        (finding.line, finding.file.as_str()),
        (7, "migrations/r1_x.sql")
    );
    assert_eq!(
        finding.statement,
        "CREATE INDEX ix_chains_name ON chains (name)"
    );
    assert!(
        finding.why.contains("every write to chains waits"),
        "{}",
        finding.why
    );
    assert!(
        finding
            .instead
            .starts_with("CREATE INDEX CONCURRENTLY ix_chains_name"),
        "{}",
        finding.instead
    );
    assert!(one(Database::Mysql, "CREATE INDEX ix ON chains (name)", None).is_empty());
}

#[test]
fn a_small_table_lowers_a_lock_finding_to_info_but_not_lost_data_or_broken_code() {
    let mut stats = Stats::new();
    let size = |rows: i64, bytes: i64| TableSize {
        rows: Some(rows),
        bytes: Some(bytes),
    };
    stats.insert("orders".into(), size(2_000, 300_000));
    stats.insert("ledger".into(), size(400_000, 90_000_000));
    stats.insert("empty".into(), size(0, 8192));
    let severity = |table: &str, sql: &str| {
        let text = sql.replace("{t}", table);
        let findings = one(Database::Postgres, &text, Some(&stats));
        assert_eq!(findings.len(), 1, "{text}: {findings:?}");
        findings[0].severity
    };
    // Locks and rewrites last as long as the table is large.
    for sql in [
        "ALTER TABLE {t} ADD CONSTRAINT fk FOREIGN KEY (account_id) REFERENCES accounts (id)",
        "CREATE INDEX ix ON {t} (account_id)",
        "ALTER TABLE {t} ADD PRIMARY KEY (id)",
        "ALTER TABLE {t} ADD COLUMN seq BIGSERIAL",
        "LOCK TABLE {t} IN SHARE MODE",
    ] {
        assert_eq!(severity("orders", sql), Severity::Info, "{sql}");
        assert_eq!(severity("ledger", sql), Severity::Warning, "{sql}");
        assert_eq!(severity("empty", sql), Severity::Info, "{sql}");
    }
    // Lost rows are lost however few; none are lost from an empty table.
    for sql in [
        "ALTER TABLE {t} DROP COLUMN note",
        "TRUNCATE {t}",
        "DROP TABLE {t}",
    ] {
        assert_eq!(severity("orders", sql), Severity::Warning, "{sql}");
        assert_eq!(severity("empty", sql), Severity::Info, "{sql}");
    }
    // Deployed code breaks on a rename whatever the table holds.
    let rename = "ALTER TABLE {t} RENAME COLUMN note TO remark";
    assert_eq!(severity("orders", rename), Severity::Warning);
    assert_eq!(severity("empty", rename), Severity::Warning);
}

#[test]
fn the_downgrade_is_linted_without_the_rules_that_only_make_sense_going_up() {
    let upgrade = [
        statement("ALTER TABLE accounts RENAME COLUMN name TO display_name"),
        statement("CREATE TABLE wallets (id BIGINT PRIMARY KEY)"),
        statement("ALTER TABLE accounts DROP COLUMN legacy"),
    ];
    let downgrade = [
        Statement {
            text: "ALTER TABLE accounts RENAME COLUMN display_name TO name".into(),
            line: 20,
        },
        Statement {
            text: "DROP TABLE wallets".into(),
            line: 21,
        },
        Statement {
            text: "ALTER TABLE accounts ADD COLUMN legacy TEXT NOT NULL".into(),
            line: 22,
        },
        Statement {
            text: "TRUNCATE audit_log".into(),
            line: 23,
        },
    ];
    let subject = Subject {
        revision: "r1",
        file: "migrations/r1_x.sql",
        database: Database::Postgres,
        transactional: true,
        compatibility: Compatibility::None,
        upgrade: &upgrade,
        downgrade: Some(&downgrade),
        allows: &[],
    };
    let found: Vec<(Direction, &str, usize)> = lint(&subject, None)
        .iter()
        .map(|f| (f.direction, f.rule.code, f.line))
        .collect();
    assert_eq!(
        found,
        [
            (Direction::Upgrade, "L011", 7),
            (Direction::Upgrade, "L013", 7),
            (Direction::Downgrade, "L004", 22),
            (Direction::Downgrade, "L022", 23),
        ]
    );
}
