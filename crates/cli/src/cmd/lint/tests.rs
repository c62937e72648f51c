use super::*;
use aurora_migrate::lint::Subject;
use aurora_migrate::migrations::{Compatibility, Statement};

fn report_of(text: &str, transactional: bool) -> Report {
    let upgrade = [Statement {
        text: text.to_string().into(),
        line: 4,
    }];
    let subject = Subject {
        revision: "r1",
        file: "migrations/r1_x.sql",
        database: Database::Postgres,
        transactional,
        compatibility: Compatibility::None,
        upgrade: &upgrade,
        downgrade: None,
        allows: &[],
    };
    let findings = lint::lint(&subject, None);
    Report {
        entries: findings
            .into_iter()
            .map(|finding| lint::Entry {
                databases: vec![finding.database],
                finding,
            })
            .collect(),
        migrations: 1,
        statements: 1,
        not_built: Vec::new(),
    }
}

#[test]
fn an_error_fails_the_lint_and_a_warning_does_not() {
    let failed = outcome(
        &report_of("CREATE INDEX CONCURRENTLY ix ON t (c)", true),
        Severity::Error,
    )
    .unwrap_err();
    assert_eq!((failed.code, failed.exit), ("lint", 1));
    assert!(
        failed.message.contains("lint found 1 error(s)"),
        "{}",
        failed.message
    );
    assert!(
        outcome(
            &report_of("CREATE INDEX ix ON t (c)", true),
            Severity::Error
        )
        .is_ok()
    );
    let failed = outcome(
        &report_of("CREATE INDEX ix ON t (c)", true),
        Severity::Warning,
    )
    .expect_err("--fail-on warning fails on a warning");
    assert!(
        failed
            .message
            .contains("lint found 1 finding(s) at warning or worse"),
        "{}",
        failed.message
    );
    assert_eq!(
        summary(
            &report_of("CREATE INDEX ix ON t (c)", true),
            &["postgresql"]
        ),
        "lint: 1 migration(s), 1 statement(s) for postgresql: 0 error(s), 1 warning(s), 0 info(s), 0 suppressed"
    );
}
