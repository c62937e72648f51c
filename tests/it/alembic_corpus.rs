//! Real projects' Alembic histories, imported and judged by the real Alembic: the `versions/`
//! that ship in the wheels of optuna 5.0.0, mlflow 3.18.0 (its tracking store) and prefect
//! 3.9.1 (its PostgreSQL and SQLite histories), pinned in
//! tests/fixtures/alembic/corpus/requirements.txt and installed into a virtual environment.
//!
//! For each history and database: Alembic upgrades a fresh database one revision at a time with
//! the project's own conventions (tests/fixtures/alembic/corpus/judge.py), its SQL and catalog
//! kept at each step, and downgrades it again; `import alembic` converts the scripts, each
//! section it left to do replaced by Alembic's SQL for that revision, so that every difference
//! left is the importer's own; our runner upgrades another fresh database revision by revision,
//! each catalog compared with Alembic's (alembic_corpus/schema.rs), downgrades, upgrades again,
//! and `history`, `heads` and `current` are compared both ways. The same is done with the
//! import through Alembic's offline mode (`--alembic-ini`, alembic_corpus/offline.rs), judged
//! against the same ground truth. The figures are printed and held to the table of
//! docs/src/coming-from/alembic-corpus.md (AURORA_UPDATE_DOCS=1 rewrites it) and to
//! `floors::FLOORS`.

mod figures;
mod files;
mod floors;
mod judge;
mod offline;
mod run;
mod schema;
mod truth;

use aurora_migrate::migrations::Database::{self, Mysql, Postgres, Sqlite};

use figures::Figures;

/// A history, the databases its project supports among ours, and where the real Alembic itself
/// fails on them (each failure must happen exactly so: the ground truth is pinned too).
struct History {
    key: &'static str,
    label: &'static str,
    dialects: &'static [Database],
    /// What `import alembic` is given beyond the directory and the dialects (the project's
    /// facts a user would give it; files named relative to tests/fixtures/alembic/corpus/).
    import_args: &'static [&'static str],
    /// (database, upgrade or not, revision, a part of Alembic's error).
    alembic_fails: &'static [(Database, bool, &'static str, &'static str)],
}

const OPTUNA: History = History {
    key: "optuna",
    label: "optuna 5.0.0",
    dialects: &[Postgres, Sqlite, Mysql],
    import_args: &[],
    alembic_fails: &[
        // v2.4.0.a creates a table whose Enum type v0.9.0.a created already (optuna makes a new
        // database with create_all, never from base).
        (
            Postgres,
            true,
            "v2.4.0.a",
            "type \"studydirection\" already exists",
        ),
        (
            Mysql,
            true,
            "v2.4.0.a",
            "Key column 'step' doesn't exist in table",
        ),
        (
            Sqlite,
            false,
            "v3.0.0.c",
            "has no attribute 'FloatTypeEnum'",
        ),
    ],
};

const MLFLOW: History = History {
    key: "mlflow",
    label: "mlflow 3.18.0",
    dialects: &[Postgres, Mysql],
    import_args: &[],
    alembic_fails: &[
        (
            Postgres,
            false,
            "2b4d017a5e9b",
            "cannot drop table registered_models because other objects depend on it",
        ),
        (
            Mysql,
            false,
            "dc11669786a5",
            "needed in a foreign key constraint",
        ),
    ],
};

/// prefect's own column types and its naming convention, as a prefect user gives them
/// (tests/fixtures/alembic/corpus/).
const PREFECT_ARGS: &[&str] = &[
    "--type-map",
    "prefect-types.map",
    "--naming-convention",
    "prefect_naming.py",
];

const PREFECT_POSTGRESQL: History = History {
    key: "prefect-postgresql",
    label: "prefect 3.9.1 (PostgreSQL history)",
    dialects: &[Postgres],
    import_args: PREFECT_ARGS,
    alembic_fails: &[],
};

const PREFECT_SQLITE: History = History {
    key: "prefect-sqlite",
    label: "prefect 3.9.1 (SQLite history)",
    dialects: &[Sqlite],
    import_args: PREFECT_ARGS,
    alembic_fails: &[],
};

fn check_alembic(history: &History, figures: &Figures, dialect: Database) {
    for (upgrade, stop) in [
        (true, &figures.alembic_up_stop),
        (false, &figures.alembic_down_stop),
    ] {
        let known = history
            .alembic_fails
            .iter()
            .find(|(d, u, _, _)| *d == dialect && *u == upgrade);
        let direction = if upgrade { "upgrade" } else { "downgrade" };
        match (known, stop) {
            (None, None) => {}
            (Some((_, _, at, error)), Some((stopped, said)))
                if at == stopped && said.contains(error) => {}
            _ => panic!(
                "{} on {}: the real Alembic's {direction} should {}, but {}",
                history.label,
                dialect.name(),
                known.map_or("reach the end".to_string(), |(_, _, at, e)| format!(
                    "fail at {at} with {e:?}"
                )),
                stop.as_ref()
                    .map_or("it reached the end".to_string(), |(at, e)| format!(
                        "it failed at {at}: {e}"
                    )),
            ),
        }
    }
}

async fn corpus(history: &History) {
    let Some(python) = judge::python() else {
        return;
    };
    let mut judge = judge::Judge::start(&python, history.key);
    let names = judge.revisions.clone();
    let import = files::import(&names, history.dialects, history.import_args, true);
    let versions = names[0].path.parent().expect("versions/");
    let project = offline::project(&python, history.key, versions);
    let args: Vec<&str> = history
        .import_args
        .iter()
        .copied()
        .chain(project.args.iter().map(String::as_str))
        .collect();
    let through_alembic = files::import(&names, history.dialects, &args, false);
    let (mut measured, mut log) = (Vec::new(), String::new());
    for &dialect in history.dialects {
        let truth = truth::establish(&mut judge, dialect);
        let mut both = Vec::new();
        for (how, import) in [("", &import), (" (offline mode)", &through_alembic)] {
            let mut figures = Figures::new(history.label, dialect.name(), names.len());
            figures.as_shipped = Some(import.as_shipped.clone());
            figures.refused = import.files.values().filter(|f| f.is_err()).count();
            log.push_str(&format!("{} on {}{how}:\n", history.label, dialect.name()));
            run::run(&mut judge, dialect, &truth, import, &mut figures, &mut log).await;
            figures.todo_free = todo_free(import, dialect);
            both.push(figures);
        }
        let offline = both.pop().expect("offline mode's figures");
        let mut offline = offline;
        offline.shortfall = offline::shortfall(&through_alembic, dialect);
        let mut ours = both.pop().expect("the static converter's figures");
        ours.shortfall = offline::shortfall(&import, dialect);
        measured.push((dialect, ours, offline));
    }
    let rows: Vec<String> = measured
        .iter()
        .map(|(_, o, a)| figures::row(o, a))
        .collect();
    let refusal = figures::refusal(history.label, &import.as_shipped);
    let notes: Vec<String> = refusal
        .into_iter()
        .chain(measured.iter().flat_map(|(_, o, a)| figures::notes(o, a)))
        .collect();
    eprintln!(
        "{log}\n{}\n{}\n{}",
        figures::HEADER,
        rows.join("\n"),
        notes.join("\n")
    );
    for (dialect, ours, offline) in &measured {
        check_alembic(history, ours, *dialect);
        floors::check(history.key, history.label, *dialect, ours, offline);
    }
    figures::check_page(history.label, &rows, &notes);
}

/// The scripts whose upgrade and downgrade for `dialect` the importer converted whole.
fn todo_free(import: &files::Import, dialect: Database) -> usize {
    import
        .files
        .values()
        .filter(|file| {
            file.as_ref()
                .is_ok_and(|text| files::is_todo_free(text, dialect))
        })
        .count()
}

#[tokio::test]
async fn optuna_s_history_imported_and_judged_by_alembic() {
    corpus(&OPTUNA).await;
}

#[tokio::test]
async fn mlflow_s_tracking_history_imported_and_judged_by_alembic() {
    corpus(&MLFLOW).await;
}

#[tokio::test]
async fn prefect_s_postgresql_history_imported_and_judged_by_alembic() {
    corpus(&PREFECT_POSTGRESQL).await;
}

#[tokio::test]
async fn prefect_s_sqlite_history_imported_and_judged_by_alembic() {
    corpus(&PREFECT_SQLITE).await;
}
