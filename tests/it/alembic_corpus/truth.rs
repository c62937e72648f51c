//! The ground truth: the real Alembic upgrades a fresh database one revision at a time, then
//! downgrades it one revision at a time, then upgrades it again, the catalog read after every
//! step and the SQL of every step kept.

use std::collections::BTreeSet;

use aurora_migrate::migrations::Database;

use super::judge::{Judge, Revision, Step};
use super::schema::{self, Catalog};
use crate::support::{Db, MysqlDb, PgDb, SqliteDb};

/// Where a step of Alembic's stopped: the revision and the error.
pub type Stop = Option<(String, String)>;

/// What the real Alembic did.
pub struct Truth {
    /// The SQL of each revision's upgrade and downgrade (for the revisions it could upgrade).
    pub ups: Vec<Step>,
    pub downs: Vec<Step>,
    /// The catalog before the first revision and after each one it upgraded.
    pub catalogs: Vec<Catalog>,
    /// The catalog after each revision's downgrade (the revisions it could downgrade).
    pub down_catalogs: Vec<Option<Catalog>>,
    pub up_stop: Stop,
    pub down_stop: Stop,
    /// How many revisions its downgrade left applied.
    pub bottom: usize,
    /// Upgraded again from there: where it stopped, and the catalog after its last step.
    pub again_stop: Stop,
    pub again_catalog: Catalog,
    /// The database Alembic leaves.
    pub db: Db,
}

/// A new, empty database (for SQLite, an empty file: a database with nothing in it).
pub fn fresh(dialect: Database) -> Db {
    match dialect {
        Database::Postgres => Db::Pg(PgDb::new()),
        Database::Sqlite => {
            let db = SqliteDb::new();
            std::fs::write(db.url.trim_start_matches("sqlite://"), b"").expect("an empty file");
            Db::Sqlite(db)
        }
        Database::Mysql => Db::Mysql(MysqlDb::new()),
    }
}

/// Where a downgrade of `revision` goes, as Alembic names it.
pub fn parent(revision: &Revision) -> &str {
    revision.parents.first().map_or("base", String::as_str)
}

/// A fresh database brought by Alembic from nothing to `to` through `from` (upgrade to `from`,
/// then downgrade to `to` when it differs): where a failed step left half of itself behind (a
/// database whose DDL is not transactional), the next phase starts clean from here.
fn again(judge: &mut Judge, dialect: Database, from: &str, to: &str) -> Db {
    let db = fresh(dialect);
    judge.switch(&db);
    judge.prelude(&db);
    let mut done = vec![judge.upgrade(from)];
    if from != to {
        done.push(judge.downgrade(to));
    }
    if let Some(Err(error)) = done.into_iter().find(Result::is_err) {
        panic!("Alembic went from the base to {from} and {to} once, and not again: {error}");
    }
    db
}

pub fn establish(judge: &mut Judge, dialect: Database) -> Truth {
    let revisions = judge.revisions.clone();
    let db = fresh(dialect);
    judge.switch(&db);
    judge.prelude(&db);
    let mut truth = Truth {
        ups: Vec::new(),
        downs: Vec::new(),
        catalogs: vec![schema::catalog(&db)],
        down_catalogs: Vec::new(),
        up_stop: None,
        down_stop: None,
        bottom: 0,
        again_stop: None,
        again_catalog: BTreeSet::new(),
        db,
    };
    for revision in &revisions {
        match judge.upgrade(&revision.id) {
            Ok(sent) => {
                truth.ups.push(Ok(sent));
                truth.catalogs.push(schema::catalog(&truth.db));
            }
            Err(error) => {
                truth.up_stop = Some((revision.id.clone(), error));
                break;
            }
        }
    }
    let reached = truth.ups.len();
    if reached == 0 {
        return truth;
    }
    let top = revisions[reached - 1].id.clone();
    if truth.up_stop.is_some() {
        truth.db = again(judge, dialect, &top, &top);
    }
    truth.downs = vec![Err("not run: a later downgrade failed".to_string()); reached];
    truth.down_catalogs = vec![None; reached];
    for k in (0..reached).rev() {
        let step = judge.downgrade(parent(&revisions[k]));
        let failed = step.as_ref().err().cloned();
        truth.downs[k] = step;
        if let Some(error) = failed {
            truth.down_stop = Some((revisions[k].id.clone(), error));
            truth.bottom = k + 1;
            break;
        }
        truth.down_catalogs[k] = Some(schema::catalog(&truth.db));
    }
    if truth.down_stop.is_some() {
        truth.db = again(judge, dialect, &top, &revisions[truth.bottom - 1].id);
    }
    truth.again_catalog = schema::catalog(&truth.db);
    for revision in &revisions[truth.bottom..reached] {
        if let Err(error) = judge.upgrade(&revision.id) {
            truth.again_stop = Some((revision.id.clone(), error));
            break;
        }
        truth.again_catalog = schema::catalog(&truth.db);
    }
    truth
}
