//! Agreement with Alembic on the revision model itself, proven differentially: generated
//! revision graphs (branches, merges, several bases, branch labels, depends_on) are written as
//! Alembic scripts and as our files, the same sequence of `upgrade`/`downgrade` targets runs
//! through Alembic (tests/fixtures/alembic/differential/run.py) and through us on two fresh
//! SQLite databases, and after every step the version table rows, the set of applied
//! migrations and success or failure are compared.
//!
//! Where Alembic warns of an ambiguity and picks (`downgrade -1` from several heads, which it
//! says it will disallow), our refusal is agreement; where Alembic itself crashes (KeyError,
//! AssertionError) there is no verdict. Either way the two databases part, so the rest of
//! that graph's steps are not compared.

use std::fmt::Write as _;
use std::process::Command;

use aurora_migrate::core::source::scan;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};

use crate::alembic::alembic;
use crate::support::SqliteDb;

/// A small deterministic generator: the same graphs on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Revision {
    id: String,
    parents: Vec<usize>,
    labels: Vec<String>,
    depends_on: Vec<usize>,
}

struct Graph {
    revisions: Vec<Revision>,
    steps: Vec<(&'static str, String)>,
}

fn ancestors(revisions: &[Revision], start: usize) -> Vec<usize> {
    let mut seen = vec![start];
    let mut at = 0;
    while at < seen.len() {
        for &p in revisions[seen[at]]
            .parents
            .iter()
            .chain(&revisions[seen[at]].depends_on)
        {
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
        at += 1;
    }
    seen
}

fn generate(random: &mut Random, number: usize) -> Graph {
    let count = 3 + random.below(5);
    let mut revisions: Vec<Revision> = Vec::new();
    for k in 0..count {
        let id = format!("g{number:02}r{k}");
        let mut parents = Vec::new();
        if k > 0 && !random.chance(15) {
            parents.push(random.below(k));
            if k > 1 && random.chance(25) {
                let other = random.below(k);
                let related = ancestors(&revisions, other).contains(&parents[0])
                    || ancestors(&revisions, parents[0]).contains(&other);
                if !related {
                    parents.push(other);
                }
            }
        }
        let mut depends_on = Vec::new();
        if k > 1 && random.chance(20) {
            let other = random.below(k);
            let mine: Vec<usize> = parents
                .iter()
                .flat_map(|&p| ancestors(&revisions, p))
                .collect();
            if !mine.contains(&other) {
                depends_on.push(other);
            }
        }
        let labels = if random.chance(25) {
            vec![format!("l{number:02}x{k}")]
        } else {
            Vec::new()
        };
        revisions.push(Revision {
            id,
            parents,
            labels,
            depends_on,
        });
    }
    let mut steps = Vec::new();
    for _ in 0..8 {
        let direction = if random.chance(60) {
            "upgrade"
        } else {
            "downgrade"
        };
        let revision = &revisions[random.below(count)];
        let labelled: Vec<&Revision> = revisions.iter().filter(|r| !r.labels.is_empty()).collect();
        let label = (!labelled.is_empty())
            .then(|| labelled[random.below(labelled.len())].labels[0].clone());
        let target = match random.below(12) {
            0 => "head".to_string(),
            1 => "heads".to_string(),
            2 => "base".to_string(),
            3 | 4 => revision.id.clone(),
            5 => format!("{}1", if direction == "upgrade" { "+" } else { "-" }),
            6 => format!("{}2", if direction == "upgrade" { "+" } else { "-" }),
            7 => format!(
                "{}{}1",
                revision.id,
                if direction == "upgrade" { "+" } else { "-" }
            ),
            8 => match &label {
                Some(label) => format!("{label}@head"),
                None => "heads".to_string(),
            },
            9 => match &label {
                Some(label) => format!("{label}@base"),
                None => "base".to_string(),
            },
            _ => match &label {
                Some(label) => format!(
                    "{label}@{}1",
                    if direction == "upgrade" { "+" } else { "-" }
                ),
                None => revision.id.clone(),
            },
        };
        steps.push((direction, target));
    }
    Graph { revisions, steps }
}

fn graph_json(graph: &Graph) -> serde_json::Value {
    let id = |i: &usize| graph.revisions[*i].id.clone();
    serde_json::json!({
        "revisions": graph.revisions.iter().map(|r| serde_json::json!({
            "id": r.id,
            "parents": r.parents.iter().map(id).collect::<Vec<_>>(),
            "labels": r.labels,
            "depends_on": r.depends_on.iter().map(id).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "steps": graph.steps.iter().map(|(d, t)| serde_json::json!([d, t])).collect::<Vec<_>>(),
    })
}

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

#[tokio::test]
async fn the_revision_model_agrees_with_alembic_step_by_step() {
    let Some(alembic) = alembic() else { return };
    let python = alembic.with_file_name("python");
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
    let spec = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        spec.path(),
        serde_json::to_string(&graphs.iter().map(graph_json).collect::<Vec<_>>()).unwrap(),
    )
    .unwrap();
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
    let theirs: Vec<Vec<serde_json::Value>> = serde_json::from_slice(&output.stdout).unwrap();

    let (mut compared, mut crashed, mut ambiguous, mut report) = (0, 0, 0, String::new());
    let mut crashes = std::collections::BTreeMap::<String, usize>::new();
    for (number, (graph, theirs)) in graphs.iter().zip(&theirs).enumerate() {
        let ours = run_ours(graph).await;
        for (step, ((direction, target), (their, (mine, message)))) in
            graph.steps.iter().zip(theirs.iter().zip(&ours)).enumerate()
        {
            let outcome = their["outcome"].as_str().unwrap();
            let strings = |key: &str| -> Vec<String> {
                their[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect()
            };
            let alembic_seen = Seen {
                ok: matches!(outcome, "ok" | "warned"),
                rows: strings("rows"),
                applied: strings("applied"),
            };
            // Alembic picked among ambiguous choices, or crashed: no verdict from here on.
            if outcome == "crash" {
                crashed += 1;
                let kind = their["message"]
                    .as_str()
                    .unwrap_or_default()
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                *crashes.entry(kind).or_insert(0) += 1;
                break;
            }
            if outcome == "warned" && !mine.ok {
                ambiguous += 1;
                break;
            }
            compared += 1;
            if alembic_seen != *mine {
                let _ = writeln!(
                    report,
                    "graph {number} step {step}: {direction} {target}\n  alembic: {outcome} rows {:?} applied {:?} {}\n  ours:    {} rows {:?} applied {:?} {message}\n  graph: {}",
                    alembic_seen.rows,
                    alembic_seen.applied,
                    their["message"].as_str().unwrap_or_default(),
                    if mine.ok { "ok" } else { "refused" },
                    mine.rows,
                    mine.applied,
                    graph_json(graph)["revisions"]
                );
                break;
            }
        }
    }
    eprintln!(
        "{compared} steps of {} graphs compared with Alembic; stopped where Alembic crashed in {crashed} graph(s), \
         where it picked among ambiguous choices and we refused in {ambiguous}; Alembic's crashes: {crashes:?}",
        graphs.len()
    );
    assert!(compared > 1000, "too few steps compared: {compared}");
    assert!(report.is_empty(), "disagreements with Alembic:\n{report}");
}
