//! Branches, merges, dependencies and a failing migration, through the library's runner on
//! PostgreSQL and SQLite, with fixture catalogues read from disk.

use aurora_migrate::error::Error;
use aurora_migrate::runner::Event;
use aurora_migrate::{DatabaseUrl, Options, Runner, Target};

use crate::support::{Db, catalog};

fn target(text: &str) -> Target {
    Target::parse(text).expect("valid target")
}

fn rows(db: &Db) -> Vec<String> {
    let mut rows = db.query("SELECT version_num FROM alembic_version");
    rows.sort();
    rows
}

fn tables(db: &Db) -> Vec<String> {
    db.tables()
        .into_iter()
        .filter(|t| t.starts_with("t_"))
        .collect()
}

#[tokio::test]
async fn branches_merges_and_unmerges_follow_alembic() {
    let catalog = catalog("branched");
    for db in Db::all() {
        let runner = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        let name = db.name();
        let run = runner.upgrade(&target("a2"), &mut |_| {}).await.unwrap();
        assert_eq!(run.current, ["a2"], "{name}");

        let run = runner
            .upgrade(&target("feature@+2"), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            run.steps
                .iter()
                .map(|s| s.revision.as_str())
                .collect::<Vec<_>>(),
            ["b1", "b2"],
            "{name}"
        );
        assert_eq!(
            rows(&db),
            ["a2", "b2"],
            "{name}: a branch keeps one row per head"
        );

        runner.upgrade(&target("m1"), &mut |_| {}).await.unwrap();
        assert_eq!(
            rows(&db),
            ["m1"],
            "{name}: the merge replaces both parents' rows"
        );

        let run = runner.downgrade(&target("a2"), &mut |_| {}).await.unwrap();
        assert_eq!(run.steps.len(), 1, "{name}: only the merge is reverted");
        assert_eq!(
            rows(&db),
            ["a2", "b2"],
            "{name}: downgrading a merge to one parent leaves the other branch"
        );

        let run = runner.upgrade(&target("heads"), &mut |_| {}).await.unwrap();
        assert_eq!(run.current, ["c1"], "{name}");
        assert_eq!(
            tables(&db),
            ["t_a1", "t_a2", "t_b1", "t_b2", "t_c1"],
            "{name}"
        );

        let run = runner
            .downgrade(&target("feature@base"), &mut |_| {})
            .await
            .unwrap();
        let reverted: Vec<&str> = run.steps.iter().map(|s| s.revision.as_str()).collect();
        // As Alembic: the label's lineage goes down to its base, a1, with all that stands on it.
        assert_eq!(
            reverted,
            ["c1", "m1", "b2", "b1", "a2", "a1"],
            "{name}: dependents first, then the branch and the base"
        );
        assert!(rows(&db).is_empty(), "{name}");
        assert!(tables(&db).is_empty(), "{name}");

        runner
            .downgrade(&target("base"), &mut |_| {})
            .await
            .unwrap();
        assert!(rows(&db).is_empty() && tables(&db).is_empty(), "{name}");
    }
}

#[tokio::test]
async fn a_dependency_is_applied_first_and_reverted_after_its_dependents() {
    let catalog = catalog("branched");
    for db in Db::all() {
        let runner = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        runner.upgrade(&target("a2"), &mut |_| {}).await.unwrap();
        // c1 sits after the merge and depends on b1: upgrading to it pulls in the branch.
        let run = runner.upgrade(&target("c1"), &mut |_| {}).await.unwrap();
        let applied: Vec<&str> = run.steps.iter().map(|s| s.revision.as_str()).collect();
        assert_eq!(applied, ["b1", "b2", "m1", "c1"], "{}", db.name());
        let run = runner.downgrade(&target("b1"), &mut |_| {}).await.unwrap();
        let reverted: Vec<&str> = run.steps.iter().map(|s| s.revision.as_str()).collect();
        assert_eq!(reverted, ["c1", "m1", "b2"], "{}", db.name());
        assert_eq!(rows(&db), ["a2", "b1"], "{}", db.name());
        let error = runner
            .downgrade(&target("b2"), &mut |_| {})
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Downgrade(_)),
            "{}: b2 is no longer applied: {error}",
            db.name()
        );
    }
}

#[tokio::test]
async fn a_failing_migration_rolls_back_alone_and_names_its_line() {
    let catalog = catalog("failing");
    for db in Db::transactional() {
        let runner = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        let mut seen = Vec::new();
        let error = runner
            .upgrade(&target("head"), &mut |event| {
                if let Event::Finished(step) = event {
                    seen.push(step.revision.clone())
                }
            })
            .await
            .unwrap_err();
        let Error::Step(failure) = &error else {
            panic!("{}: expected a step failure, got {error}", db.name())
        };
        assert_eq!(failure.revision, "f2", "{}", db.name());
        assert_eq!(
            failure.origin,
            aurora_migrate::error::Origin::File("migrations/f2_broken.sql".into())
        );
        assert_eq!(failure.line, 9, "{}: the second INSERT fails", db.name());
        assert_eq!(failure.done_before, ["f1"]);
        assert!(error.to_string().contains("rolled back"), "{error}");
        assert_eq!(seen, ["f1"]);
        assert_eq!(
            rows(&db),
            ["f1"],
            "{}: the migrations before it stay applied",
            db.name()
        );
        assert_eq!(
            tables(&db),
            ["t_f1"],
            "{}: nothing of f2 or after it remains",
            db.name()
        );
        let log = db.query("SELECT revision FROM alembic_version_aurora_log");
        assert_eq!(log, ["f1"], "{}", db.name());
    }
}

#[tokio::test]
async fn a_syntax_error_names_the_line_the_server_points_at() {
    let catalog = catalog("failing_syntax");
    for db in Db::transactional() {
        let runner = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        let error = runner
            .upgrade(&target("head"), &mut |_| {})
            .await
            .unwrap_err();
        let Error::Step(failure) = &error else {
            panic!("{}: expected a step failure, got {error}", db.name())
        };
        // PostgreSQL gives the position of the fault; SQLite names the statement.
        let expected = if matches!(db, Db::Pg(_)) { 10 } else { 8 };
        assert_eq!(failure.line, expected, "{}: {error}", db.name());
        assert!(
            failure.statement.starts_with("CREATE TABLE t_s2 ("),
            "{}",
            failure.statement
        );
        assert!(
            tables(&db).is_empty(),
            "{}: the first statement was rolled back too",
            db.name()
        );
    }
}

#[tokio::test]
async fn a_waiting_runner_does_not_stall_create_index_concurrently() {
    let catalog = catalog("concurrently");
    let db = crate::support::PgDb::new();
    let first = Runner::new(
        &catalog,
        DatabaseUrl::parse(&db.url).unwrap(),
        Options::default(),
    )
    .unwrap();
    let second = Runner::new(
        &catalog,
        DatabaseUrl::parse(&db.url).unwrap(),
        Options::default(),
    )
    .unwrap();
    let head = target("head");
    let (mut quiet_first, mut quiet_second) = (|_: Event<'_>| {}, |_: Event<'_>| {});
    let both = async {
        let (a, b) = tokio::join!(first.upgrade(&head, &mut quiet_first), async {
            // Start waiting for the lock while the first runner is inside k1.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            second.upgrade(&head, &mut quiet_second).await
        });
        (a.unwrap().steps.len(), b.unwrap().steps.len())
    };
    let steps = tokio::time::timeout(std::time::Duration::from_secs(60), both)
        .await
        .expect("a runner blocked on the lock would make CREATE INDEX CONCURRENTLY wait forever");
    assert_eq!(steps, (2, 0));
    let index = db.query("SELECT indexname::text FROM pg_indexes WHERE indexname = 'ix_t_k_v'");
    assert_eq!(index, ["ix_t_k_v"]);
}

#[tokio::test]
async fn each_step_is_announced_before_it_runs_and_reported_when_it_ends() {
    let catalog = catalog("branched");
    for db in Db::transactional() {
        let runner = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        let mut events = Vec::new();
        let run = runner
            .upgrade(&target("heads"), &mut |event| {
                events.push(match event {
                    Event::Started { revision, .. } => format!("start {revision}"),
                    Event::Finished(step) => format!("done {}", step.revision),
                    other => format!("{other:?}"),
                })
            })
            .await
            .unwrap();
        // In plan order; on PostgreSQL several migrations travel in one message, so several
        // may be announced before the first of them is reported.
        let of = |prefix: &str| -> Vec<String> {
            events
                .iter()
                .filter_map(|e| e.strip_prefix(prefix).map(str::to_string))
                .collect()
        };
        let planned: Vec<String> = run.steps.iter().map(|s| s.revision.clone()).collect();
        assert_eq!(of("start "), planned, "{}", db.name());
        assert_eq!(of("done "), planned, "{}", db.name());
        for revision in &planned {
            let position = |e: String| events.iter().position(|x| *x == e).unwrap();
            assert!(
                position(format!("start {revision}")) < position(format!("done {revision}")),
                "{}: {events:?}",
                db.name()
            );
        }
    }
}

#[tokio::test]
async fn downgrading_to_what_another_branch_depends_on_leaves_alembic_s_rows() {
    // r -> a -> c and r -> b, where b depends on a and c on b; s beside them on r.
    let catalog = catalog("crossed");
    for db in Db::all() {
        let name = db.name();
        let runner = crate::support::runner(&catalog, &db);
        runner.upgrade(&target("heads"), &mut |_| {}).await.unwrap();
        assert_eq!(rows(&db), ["c", "s"], "{name}");
        // As Alembic: reverting c gives both a and b a row, although b depends on a.
        let run = runner.downgrade(&target("a"), &mut |_| {}).await.unwrap();
        assert_eq!(run.current, ["a", "b", "s"], "{name}");
        assert_eq!(rows(&db), ["a", "b", "s"], "{name}");
        // As Alembic: no upgrade from rows that overlap, and nothing changes.
        for text in ["heads", "c", "b", "base"] {
            let error = runner
                .upgrade(&target(text), &mut |_| {})
                .await
                .unwrap_err();
            assert!(
                error.to_string().starts_with(
                    "the version table has a row for a, which the row b already stands on"
                ),
                "{name} upgrade {text}: {error}"
            );
            assert_eq!(rows(&db), ["a", "b", "s"], "{name} upgrade {text}");
        }
        // Stamping the row that stands on the other drops the extra row; then up again.
        let stamped = runner.stamp(&target("b"), false).await.unwrap();
        assert_eq!(stamped, ["b", "s"], "{name}");
        runner.upgrade(&target("heads"), &mut |_| {}).await.unwrap();
        assert_eq!(rows(&db), ["c", "s"], "{name}");
        assert_eq!(tables(&db), ["t_a", "t_b", "t_c", "t_r", "t_s"], "{name}");
    }
}

#[tokio::test]
async fn a_step_from_the_current_revision_the_wrong_way_is_refused() {
    let catalog = catalog("branched");
    for db in Db::all() {
        let name = db.name();
        let runner = crate::support::runner(&catalog, &db);
        runner.upgrade(&target("a2"), &mut |_| {}).await.unwrap();
        for text in ["-1", "-2", "feature@-1"] {
            let error = runner
                .upgrade(&target(text), &mut |_| {})
                .await
                .unwrap_err();
            assert_eq!(
                error.to_string(),
                format!(
                    "`{text}` steps down from where the database is, so it is not a target to upgrade to \
                     (Alembic refuses it too); downgrade to it, or name a revision"
                ),
                "{name}"
            );
        }
        for text in ["+1", "feature@+1"] {
            let error = runner
                .downgrade(&target(text), &mut |_| {})
                .await
                .unwrap_err();
            assert!(
                error.to_string().starts_with(&format!(
                    "`{text}` steps up from where the database is, so it is not a target to downgrade to"
                )),
                "{name}: {error}"
            );
        }
        assert_eq!(rows(&db), ["a2"], "{name}: nothing changed");
        // From a named revision a step may go either way.
        runner.upgrade(&target("a2-1"), &mut |_| {}).await.unwrap();
        assert_eq!(rows(&db), ["a2"], "{name}");
        runner
            .downgrade(&target("a2-1"), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(rows(&db), ["a1"], "{name}");
    }
}
