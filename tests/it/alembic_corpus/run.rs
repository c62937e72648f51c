//! One history on one database, our side: our files (each section left to do replaced by the
//! SQL Alembic sent), upgraded by our runner one revision at a time on a fresh database, each
//! catalog compared with Alembic's after the same revision; then downgraded one revision at a
//! time as far as Alembic's downgrade went, compared likewise, and upgraded again as Alembic
//! did; then `history`, `heads` and `current`, both ways.

use std::fmt::Write as _;

use aurora_migrate::migrations::Database;
use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Target};

use super::figures::Figures;
use super::files::{self, Import, Written};
use super::judge::{Judge, Revision};
use super::schema;
use super::truth::{self, Truth};
use crate::support::{Db, runner};

/// Our files for the revisions Alembic could apply, and how each section was written.
fn our_files(
    import: &Import,
    revisions: &[Revision],
    dialect: Database,
    truth: &Truth,
    dir: &std::path::Path,
) -> Vec<(Written, Written)> {
    let mut kinds = Vec::new();
    for (k, revision) in revisions.iter().enumerate().take(truth.ups.len()) {
        let (text, up, down) =
            files::ours(import, revision, dialect, &truth.ups[k], &truth.downs[k]);
        let name = format!("{}_corpus.sql", import.our_id(&revision.id));
        std::fs::write(dir.join(name), text).expect("write our file");
        kinds.push((up, down));
    }
    kinds
}

/// Counts and logs the differences a step made appear.
fn attribute(
    figures: &mut Figures,
    log: &mut String,
    step: &str,
    written: Written,
    new: &[&String],
) {
    if new.is_empty() {
        return;
    }
    let objects = schema::objects(new);
    let how = match written {
        Written::Static => {
            figures.silent += objects;
            figures.silent_steps += 1;
            "converted whole"
        }
        Written::Replaced => "left to do, Alembic's SQL",
        Written::Refused => "refused, Alembic's SQL",
    };
    let _ = writeln!(
        log,
        "  {step} ({how}): {objects} object(s) newly differ from Alembic's"
    );
    for line in new {
        let _ = writeln!(log, "    {line}");
    }
}

fn first_line(error: &impl ToString) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Runs one history's import on one database against what Alembic did there; the figures are
/// filled in and what differs is logged.
pub async fn run(
    judge: &mut Judge,
    dialect: Database,
    truth: &Truth,
    import: &Import,
    figures: &mut Figures,
    log: &mut String,
) {
    let revisions = judge.revisions.clone();
    figures.alembic_up_stop = truth.up_stop.clone();
    figures.alembic_down_stop = truth.down_stop.clone();
    let reached = truth.ups.len();
    let dir = tempfile::tempdir().expect("migrations");
    let kinds = our_files(import, &revisions, dialect, truth, dir.path());
    figures.replaced = kinds
        .iter()
        .map(|(u, d)| usize::from(*u == Written::Replaced) + usize::from(*d == Written::Replaced))
        .sum();
    let catalog = match scan::scan(dir.path()) {
        Ok(scanned) => Catalog::from_scan(scanned),
        Err(faults) => {
            figures.failure = Some(format!("our files do not build: {}", faults[0]));
            return;
        }
    };
    let target = |id: &str| match id {
        "base" => Target::Base,
        id => Target::parse(&import.our_id(id)).expect("a revision id"),
    };

    let ours = truth::fresh(dialect);
    judge.prelude(&ours);
    let mut diffs = vec![schema::diff(&truth.catalogs[0], &schema::catalog(&ours))];
    assert!(
        diffs[0].is_empty(),
        "the project's initial schema differs: {:#?}",
        diffs[0]
    );
    for (k, revision) in revisions.iter().enumerate().take(reached) {
        if let Err(error) = runner(&catalog, &ours)
            .upgrade(&target(&revision.id), &mut |_| {})
            .await
        {
            figures.failure = Some(format!(
                "upgrade of {} fails: {}",
                revision.id,
                first_line(&error)
            ));
            let _ = writeln!(log, "  upgrade of {}: {error}", revision.id);
            return;
        }
        figures.applied += 1;
        let now = schema::diff(&truth.catalogs[k + 1], &schema::catalog(&ours));
        let step = format!("upgrade of {}", revision.id);
        attribute(
            figures,
            log,
            &step,
            kinds[k].0,
            &now.difference(&diffs[k]).collect::<Vec<_>>(),
        );
        diffs.push(now);
    }

    let wrong = round_trip(
        &catalog, &ours, &revisions, truth, &diffs, &kinds, &target, figures, log,
    )
    .await;
    figures.round_trip = if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("; "))
    };
    figures.renamed_ids = import.ids.len();
    let disagree = agreement(judge, &catalog, &ours, truth, &revisions[..reached], import).await;
    for line in &disagree {
        let _ = writeln!(log, "  {line}");
    }
    figures.agree = disagree.is_empty();
}

/// Down one revision at a time as far as Alembic went, each catalog compared with Alembic's
/// after the same step, then up again as Alembic did: what went wrong.
#[allow(clippy::too_many_arguments)]
async fn round_trip(
    catalog: &Catalog,
    ours: &Db,
    revisions: &[Revision],
    truth: &Truth,
    diffs: &[schema::Catalog],
    kinds: &[(Written, Written)],
    target: &dyn Fn(&str) -> Target,
    figures: &mut Figures,
    log: &mut String,
) -> Vec<String> {
    let reached = truth.ups.len();
    let mut wrong = Vec::new();
    let mut previous = diffs[reached].clone();
    for k in (truth.bottom..reached).rev() {
        let revision = &revisions[k];
        if let Err(error) = runner(catalog, ours)
            .downgrade(&target(truth::parent(revision)), &mut |_| {})
            .await
        {
            wrong.push(format!(
                "downgrade of {} fails: {}",
                revision.id,
                first_line(&error)
            ));
            let _ = writeln!(log, "  downgrade of {}: {error}", revision.id);
            return wrong;
        }
        let theirs = truth.down_catalogs[k]
            .as_ref()
            .expect("Alembic downgraded it");
        let now = schema::diff(theirs, &schema::catalog(ours));
        let step = format!("downgrade of {}", revision.id);
        attribute(
            figures,
            log,
            &step,
            kinds[k].1,
            &now.difference(&previous).collect::<Vec<_>>(),
        );
        previous = now;
    }
    let mut stop = None;
    for revision in &revisions[truth.bottom..reached] {
        if let Err(error) = runner(catalog, ours)
            .upgrade(&target(&revision.id), &mut |_| {})
            .await
        {
            stop = Some((revision.id.clone(), first_line(&error)));
            break;
        }
    }
    let (ours_at, theirs_at) = (
        stop.as_ref().map(|s| &s.0),
        truth.again_stop.as_ref().map(|s| &s.0),
    );
    if ours_at != theirs_at {
        wrong.push(format!(
            "upgrading again, ours stops at {ours_at:?}, Alembic's at {theirs_at:?}"
        ));
    }
    let again = schema::diff(&truth.again_catalog, &schema::catalog(ours));
    let at = theirs_at
        .and_then(|at| revisions.iter().position(|r| &r.id == at))
        .unwrap_or(reached);
    if wrong.is_empty() && again != diffs[at] {
        wrong
            .push("upgraded again, the differences are not those of the first upgrade".to_string());
        let _ = writeln!(log, "  upgraded again: {again:#?}");
    }
    wrong
}

/// `history`, `heads` and `current` as we read them and as Alembic does, both ways: Alembic
/// reads our database, we read Alembic's: what differs.
async fn agreement(
    judge: &mut Judge,
    catalog: &Catalog,
    ours: &Db,
    truth: &Truth,
    revisions: &[Revision],
    import: &Import,
) -> Vec<String> {
    let mut disagree = Vec::new();
    let graph = catalog.graph();
    let ids = |indices: Vec<usize>| -> Vec<String> {
        indices
            .into_iter()
            .map(|i| graph.node(i).id.clone())
            .collect()
    };
    let mapped =
        |list: &[String]| -> Vec<String> { list.iter().map(|i| import.our_id(i)).collect() };
    if let Some((theirs, ours)) = import.ids.iter().next() {
        disagree.push(format!(
            "{} revision id(s) are not valid here and were renamed ({theirs} as {ours})",
            import.ids.len()
        ));
    }
    let history = ids(graph.ordered(0..graph.len()));
    let theirs: Vec<String> = revisions.iter().map(|r| import.our_id(&r.id)).collect();
    if history != theirs {
        disagree.push(format!("history: ours {history:?}, Alembic's {theirs:?}"));
    }
    for revision in revisions {
        let Some(index) = graph.index_of(&import.our_id(&revision.id)) else {
            continue;
        };
        let node = graph.node(index);
        let ours = (
            node.parents.clone(),
            node.depends_on.clone(),
            node.branch_labels.clone(),
        );
        let theirs = (
            mapped(&revision.parents),
            mapped(&revision.depends_on),
            revision.labels.clone(),
        );
        if ours != theirs {
            disagree.push(format!(
                "{}: parents, depends_on, labels: ours {ours:?}, Alembic's {theirs:?}",
                revision.id
            ));
        }
    }
    let top = revisions
        .last()
        .map(|r| r.id.clone())
        .into_iter()
        .collect::<Vec<_>>();
    let alembic_heads = if revisions.len() == judge.revisions.len() {
        judge.heads.clone()
    } else {
        top
    };
    if ids(graph.heads()) != mapped(&alembic_heads) {
        disagree.push(format!(
            "heads: ours {:?}, Alembic's {alembic_heads:?}",
            ids(graph.heads())
        ));
    }
    let read_by_alembic = judge.current(ours);
    match runner(catalog, ours).records().await {
        Ok(status) if ids(status.current.clone()) == read_by_alembic => {}
        Ok(status) => disagree.push(format!(
            "current: we read our database at {:?}, Alembic at {read_by_alembic:?}",
            ids(status.current)
        )),
        Err(error) => disagree.push(format!("current: we cannot read our database: {error}")),
    }
    let theirs_current = judge.current(&truth.db);
    match runner(catalog, &truth.db).records().await {
        Ok(status) if ids(status.current.clone()) == mapped(&theirs_current) => {}
        Ok(status) => disagree.push(format!(
            "current: we read Alembic's database at {:?}, Alembic at {theirs_current:?}",
            ids(status.current)
        )),
        Err(error) => disagree.push(format!(
            "current: we cannot read Alembic's database: {error}"
        )),
    }
    disagree
}
