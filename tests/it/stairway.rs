//! `test`: the stairway (each revision up, down, up again) in a throwaway database, one head,
//! the models; on SQLite with no server, on PostgreSQL and MariaDB beside the given server.

use aurora_migrate::DatabaseUrl;
use aurora_migrate::runner::Options;
use aurora_migrate::stairway::{self, Problem};

use crate::scratch::Place;
use crate::support::{admin_url, catalog, cli, mysql_admin_url, texts};

fn servers() -> Vec<Option<DatabaseUrl>> {
    vec![
        None,
        Some(DatabaseUrl::parse(&admin_url()).unwrap()),
        Some(DatabaseUrl::parse(&mysql_admin_url()).unwrap()),
    ]
}

#[tokio::test]
async fn a_downgrade_that_leaves_a_table_and_a_second_head_are_found() {
    let catalog = catalog("stairway");
    let mut made = Vec::new();
    for server in servers() {
        let on = server
            .as_ref()
            .map_or("sqlite".to_string(), |s| s.kind().name().to_string());
        let mut seen = Vec::new();
        let found = stairway::stairway(
            &catalog,
            server.as_ref(),
            None,
            Options::default(),
            &mut |s| seen.push(s.revision.clone()),
        )
        .await
        .unwrap_or_else(|e| panic!("{on}: {e}"));
        assert!(!found.passed(), "{on}");
        let s2 = found
            .stairs
            .iter()
            .find(|s| s.revision == "s2")
            .expect("s2 was taken");
        assert_eq!(
            s2.problem,
            Some(Problem::NotReversed(vec![
                "Detected added table 't_orders'".into()
            ])),
            "{on}"
        );
        assert_eq!(found.stairs[0].problem, None, "{on}: s1 holds");
        assert_eq!(found.heads.len(), 2, "{on}");
        let place = match server.as_ref().map(DatabaseUrl::kind) {
            None => Place::Files(std::env::temp_dir()),
            Some(aurora_migrate::Database::Postgres) => Place::postgres(),
            Some(_) => Place::mysql(),
        };
        made.push((place, found.scratch.clone()));
        assert_eq!(
            seen,
            found
                .stairs
                .iter()
                .map(|s| s.revision.clone())
                .collect::<Vec<_>>()
        );
    }
    // The throwaway databases are gone: each one the stairway names.
    for (place, name) in &made {
        assert!(
            name.starts_with("aurora_scratch_test_"),
            "{place:?}: {name}"
        );
        assert!(
            !place.names().iter().any(|n| n.starts_with(name.as_str())),
            "{place:?}: {name} was left behind"
        );
    }
}

#[test]
fn auroras_migrations_pass_on_every_database() {
    let dir = tempfile::tempdir().unwrap();
    for scratch in [None, Some(admin_url()), Some(mysql_admin_url())] {
        let mut command = cli(dir.path());
        command.arg("test");
        if let Some(url) = &scratch {
            command.args(["--scratch-url", url]);
        }
        let output = command.output().unwrap();
        let (stdout, stderr) = texts(&output);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{scratch:?}: {stdout}{stderr}"
        );
        assert!(
            stdout.starts_with("ok    cec3a80e61a4: up, down, up\n"),
            "{stdout}"
        );
        assert!(
            stdout.contains("models: they match the schema at the head"),
            "{stdout}"
        );
        assert!(stdout.trim_end().ends_with("one head"), "{stdout}");
    }
}
