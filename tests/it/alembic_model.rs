//! Agreement with Alembic on the revision model itself, proven differentially: generated
//! revision graphs (branches, merges, several bases, branch labels, depends_on) are written as
//! Alembic scripts and as our files, the same sequence of `upgrade`/`downgrade` targets runs
//! through Alembic (tests/fixtures/alembic/differential/run.py) and through us on two fresh
//! SQLite databases, and after every step the version table rows, the set of applied
//! migrations and success or failure are compared.
//!
//! An assertion of Alembic's while it plans (an ambiguous `LABEL@-1`, a walk past a head) is
//! its refusal: where we refuse too and nothing changed, that is agreement, and where we go
//! on, a disagreement. Two cases have no verdict, and the rest of the graph is set aside
//! because the two databases part: Alembic warns of an ambiguity and picks one of several
//! current heads (`downgrade -1`, which it says it will disallow) where we refuse, and
//! Alembic's version-table bookkeeping fails half-way through a run (a defect of its own).
//!
//! The generator makes the shapes where the two once parted (`LABEL@-1` along a lineage
//! through a merge, a downgrade to what another branch depends on, a relative step the wrong
//! way), and the test fails if too few steps of any of them are compared.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;

use serde_json::Value;

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};

use crate::alembic::alembic;
use crate::support::SqliteDb;

mod generate;
mod shape;

use generate::{Graph, Random, generate};
use shape::Shape;

fn write_ours(graph: &Graph, dir: &std::path::Path) {
    let id = |i: &usize| graph.revisions[*i].id.clone();
    for revision in &graph.revisions {
        let mut text = format!(
            "-- {0}\n--\n-- Revision ID: {0}\n-- Revises: {1}\n",
            revision.id,
            revision
                .parents
                .iter()
                .map(id)
                .collect::<Vec<_>>()
                .join(", ")
        );
        if !revision.labels.is_empty() {
            let _ = writeln!(text, "-- Branch Labels: {}", revision.labels.join(", "));
        }
        if !revision.depends_on.is_empty() {
            let _ = writeln!(
                text,
                "-- Depends On: {}",
                revision
                    .depends_on
                    .iter()
                    .map(id)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = write!(
            text,
            "\n-- migrate:upgrade\nINSERT INTO applied (id) VALUES ('{0}');\n\n-- migrate:downgrade\nDELETE FROM applied WHERE id = '{0}';\n",
            revision.id
        );
        std::fs::write(dir.join(format!("{}_m.sql", revision.id)), text).unwrap();
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    ok: bool,
    rows: Vec<String>,
    applied: Vec<String>,
}

async fn run_ours(graph: &Graph) -> Vec<(Seen, String)> {
    let dir = tempfile::tempdir().unwrap();
    write_ours(graph, dir.path());
    let catalog = Catalog::from_scan(scan::scan(dir.path()).unwrap_or_else(|f| panic!("{f:?}")));
    let db = SqliteDb::new();
    std::fs::File::create(db.url.strip_prefix("sqlite://").unwrap()).unwrap();
    db.query("CREATE TABLE applied (id VARCHAR(32) PRIMARY KEY)");
    let runner = Runner::new(
        &catalog,
        DatabaseUrl::parse(&db.url).unwrap(),
        Options::default(),
    )
    .unwrap();
    let mut seen = Vec::new();
    for (direction, text) in &graph.steps {
        let result = match Target::parse(text) {
            Err(e) => Err(e.to_string()),
            Ok(target) => match *direction {
                "upgrade" => runner.upgrade(&target, &mut |_| {}).await,
                _ => runner.downgrade(&target, &mut |_| {}).await,
            }
            .map_err(|e| e.to_string()),
        };
        let exists = !db
            .query("SELECT name FROM sqlite_master WHERE name = 'alembic_version'")
            .is_empty();
        let mut rows = match exists {
            true => db.query("SELECT version_num FROM alembic_version"),
            false => Vec::new(),
        };
        rows.sort();
        let mut applied = db.query("SELECT id FROM applied");
        applied.sort();
        let message = result.as_ref().err().cloned().unwrap_or_default();
        seen.push((
            Seen {
                ok: result.is_ok(),
                rows,
                applied,
            },
            message,
        ));
    }
    seen
}

/// Alembic's one warning of an ambiguity it resolves by picking: the first of several current
/// heads, in the version table's order. It says it will disallow this; we refuse it already.
const PICKS_A_HEAD: &str = "downgrade -1 from multiple heads is ambiguous";

/// Where Alembic fails in the middle of a run, having applied part of it: its version-table
/// bookkeeping deletes a row that is not there, at a merge one of whose parents its dependency
/// already stands on. Not a refusal but a defect: no verdict, and the graph is set aside.
const BOOKKEEPING_DEFECT: &str = "KeyError at migration.py:717 self.heads.remove(version)";

/// What the comparison found, over all graphs.
#[derive(Default)]
struct Tally {
    /// Steps compared, where both sides had a verdict.
    compared: usize,
    /// Compared steps of each shape that must keep being generated.
    shapes: BTreeMap<Shape, usize>,
    /// Alembic's crashes, by kind, where we refused too and the databases stayed as they were:
    /// an assertion of Alembic's is its refusal.
    crashed_alike: BTreeMap<String, usize>,
    /// Graphs set aside where Alembic's bookkeeping failed half-way and we went on.
    defects: usize,
    /// Graphs set aside where Alembic picked one of several current heads and we refused.
    ambiguous: usize,
    /// The steps set aside, described.
    aside: String,
    /// The disagreements, described.
    report: String,
}

impl Tally {
    fn compare(&mut self, number: usize, graph: &Graph, theirs: &[Value], ours: &[(Seen, String)]) {
        let mut before: Vec<String> = Vec::new();
        for (step, ((direction, target), (their, (mine, message)))) in
            graph.steps.iter().zip(theirs.iter().zip(ours)).enumerate()
        {
            let outcome = their["outcome"].as_str().unwrap_or_default();
            let said = their["message"].as_str().unwrap_or_default();
            let strings = |key: &str| -> Vec<String> {
                their[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            };
            let alembic_seen = Seen {
                // Alembic's crash is its refusal, when it changed nothing.
                ok: matches!(outcome, "ok" | "warned"),
                rows: strings("rows"),
                applied: strings("applied"),
            };
            let shape = shape::of(graph, direction, target, &before);
            let describe = || {
                format!(
                    "graph {number} step {step}: {direction} {target} ({shape:?})\n  alembic: {outcome} rows {:?} applied {:?} {said}\n  ours:    {} rows {:?} applied {:?} {message}\n  graph: {}\n",
                    alembic_seen.rows,
                    alembic_seen.applied,
                    if mine.ok { "ok" } else { "refused" },
                    mine.rows,
                    mine.applied,
                    generate::json(graph)["revisions"]
                )
            };
            // Set aside, with no verdict: the two databases part, so the rest of the graph goes.
            let aside = match outcome {
                "crash" if mine.ok && said == BOOKKEEPING_DEFECT => Some(&mut self.defects),
                "warned" if !mine.ok && said.starts_with(PICKS_A_HEAD) => Some(&mut self.ambiguous),
                _ => None,
            };
            if let Some(count) = aside {
                *count += 1;
                self.aside.push_str(&describe());
                return;
            }
            self.compared += 1;
            if let Some(shape) = shape {
                *self.shapes.entry(shape).or_default() += 1;
            }
            if alembic_seen != *mine {
                self.report.push_str(&describe());
                return;
            }
            if outcome == "crash" {
                *self.crashed_alike.entry(said.to_string()).or_default() += 1;
            }
            before = alembic_seen.applied;
        }
    }
}

/// Runs every graph through Alembic, in one Python process: each step's outcome and state.
fn run_alembic(graphs: &[Graph]) -> Vec<Vec<Value>> {
    let alembic = alembic().expect("python3 for the Alembic tests");
    let python = alembic.with_file_name("python");
    let spec = tempfile::NamedTempFile::new().unwrap();
    let specs: Vec<Value> = graphs.iter().map(generate::json).collect();
    std::fs::write(spec.path(), serde_json::to_string(&specs).unwrap()).unwrap();
    let output = Command::new(&python)
        .arg(crate::support::fixture("alembic/differential/run.py"))
        .arg(spec.path())
        .output()
        .expect("run Alembic");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn the_revision_model_agrees_with_alembic_step_by_step() {
    if alembic().is_none() {
        return;
    }
    // Three seeds of 100 graphs: the same graphs on every run.
    let graphs: Vec<Graph> = [
        0x5eed_a1e3_b1c0_0001_u64,
        0x0bad_cafe_1234_5678,
        0x7777_1111_2222_3333,
    ]
    .into_iter()
    .flat_map(|seed| {
        let mut random = Random(seed);
        (0..100)
            .map(move |n| generate(&mut random, n))
            .collect::<Vec<_>>()
    })
    .collect();
    let theirs = run_alembic(&graphs);
    let mut tally = Tally::default();
    for (number, (graph, theirs)) in graphs.iter().zip(&theirs).enumerate() {
        let ours = run_ours(graph).await;
        tally.compare(number, graph, theirs, &ours);
    }
    let Tally {
        compared,
        shapes,
        crashed_alike,
        defects,
        ambiguous,
        aside,
        report,
    } = tally;
    eprintln!(
        "{compared} steps of {} graphs compared with Alembic; by shape: {shapes:?}\n\
         Alembic crashed where we refused too (nothing changed on either side): {crashed_alike:?}\n\
         graphs set aside where Alembic's bookkeeping failed half-way and we went on: {defects}; \
         where it picked one of several current heads and we refused: {ambiguous}\n{aside}",
        graphs.len()
    );
    assert!(compared > 2000, "too few steps compared: {compared}");
    assert!(report.is_empty(), "disagreements with Alembic:\n{report}");
    for shape in shape::ALL {
        let seen = shapes.get(&shape).copied().unwrap_or_default();
        assert!(
            seen >= 30,
            "only {seen} step(s) of shape {shape:?} compared"
        );
    }
}
