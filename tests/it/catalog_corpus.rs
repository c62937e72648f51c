//! Catalog fidelity on odd schemas built by fixture scripts (`tests/fixtures/catalog/<db>.sql`):
//! what `baseline` and `dump` carry rebuilds the same schema, judged by the database's own
//! tools, and what they do not carry is named every time, never dropped in silence.

use crate::support::{Db, PgDb, aurora, fixture, run_with_client};

fn script(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("catalog/{name}.sql"))).expect("fixture script")
}

/// Every object of `catalog/postgres.sql` that is not carried yet, as the refusal names it.
const POSTGRES_LEFT_OUT: [&str; 27] = [
    "column collation \"Odd T\".\"label\"",
    "comment \"Odd T\"",
    "composite type \"pair\"",
    "constraint \"parent\".\"parent_odd_fk\" (DEFERRABLE",
    "constraint \"parent\".\"positive_id\" (NOT VALID",
    "domain \"Positive Int\"",
    "exclusion constraint \"Odd T\".\"no overlap\"",
    "extension \"citext\"",
    "function \"touch()\"",
    "generated column \"Odd T\".\"doubled\"",
    "identity column \"Odd T\".\"id\" (GENERATED ALWAYS",
    "index \"Odd T\".\"idx hash\" (dropped: USING hash",
    "index \"Odd T\".\"idx include\" (dropped: INCLUDE",
    "index \"Odd T\".\"idx lower\" (dropped: an expression index",
    "index \"Odd T\".\"idx partial\" (dropped: a partial index",
    "materialized view \"totals\"",
    "partition \"measures_2024\"",
    "partitioned table \"measures\"",
    "policy \"parent\".\"own_rows\"",
    "procedure \"tidy()\"",
    "row-level security \"parent\"",
    "rule \"parent\".\"no_delete\"",
    "sequence \"Free Seq\"",
    "table storage options \"scratchpad\" (fillfactor=70",
    "trigger \"parent\".\"Touch It\"",
    "unlogged table \"scratchpad\"",
    "view \"Cheap Things\"",
];

#[test]
fn postgres_baseline_names_each_object_it_cannot_rebuild_and_records_an_accepted_loss() {
    let db = Db::Pg(PgDb::new());
    run_with_client(&db, &script("postgres"));
    let project = tempfile::tempdir().unwrap();
    let base = ["baseline", "-m", "Take over", "--rev-id", "0a1b2c3d4e5f"];

    let (code, _, stderr) = aurora(project.path(), &db, &base);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("27 object(s)"), "{stderr}");
    for object in POSTGRES_LEFT_OUT {
        assert!(
            stderr.contains(&format!("  - {object}")),
            "{object}: {stderr}"
        );
    }
    assert!(stderr.contains("--accept-loss"), "{stderr}");
    assert!(
        !project.path().join("migrations").exists()
            || std::fs::read_dir(project.path().join("migrations"))
                .unwrap()
                .count()
                == 0,
        "nothing is written"
    );
    assert!(db.query("SELECT to_regclass('alembic_version')::text")[0].is_empty());

    let accepting = [&base[..], &["--accept-loss"]].concat();
    let (code, stdout, stderr) = aurora(project.path(), &db, &accepting);
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(project.path().join(stdout.trim())).unwrap();
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with("--"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        header.contains("-- Accepted Loss: 27 object(s), listed below\n"),
        "{header}"
    );
    for object in POSTGRES_LEFT_OUT {
        assert!(
            header.contains(&format!("--   - {object}")),
            "{object}: {header}"
        );
        assert!(
            stderr.contains(&format!("left out (accepted): {object}")),
            "{stderr}"
        );
    }
    // The build accepts the header: the file was read back to record it as applied.
    assert_eq!(
        db.query("SELECT version_num FROM alembic_version"),
        ["0a1b2c3d4e5f"]
    );

    let (code, dump, stderr) = aurora(project.path(), &db, &["dump"]);
    assert_eq!(code, Some(0), "{stderr}");
    let top: String = dump.lines().take(40).collect::<Vec<_>>().join("\n");
    assert!(
        top.contains("-- Left out: the database holds 27 object(s)"),
        "{top}"
    );
    for object in POSTGRES_LEFT_OUT {
        assert!(top.contains(&format!("--   - {object}")), "{object}: {top}");
        assert!(stderr.contains(&format!("left out: {object}")), "{stderr}");
    }
    let committed = project.path().join("schema.sql");
    std::fs::write(&committed, &dump).unwrap();
    let path = committed.display().to_string();
    let (code, _, stderr) = aurora(project.path(), &db, &["dump", "--check", &path]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("it cannot compare the 27 object(s) it leaves out (")
            && stderr.contains("view")
            && stderr.contains("trigger")
            && stderr.contains("function"),
        "{stderr}"
    );
}
