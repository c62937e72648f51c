//! The lease and the advisory lock keep each other out, on PostgreSQL and MariaDB, directly
//! and through a transaction-pooling PgBouncer: while a runner of one kind is inside a slow
//! migration, a runner of the other kind that will not wait is refused with the holder named
//! as a runner of that kind, and one that waits finds nothing left to do; every migration is
//! applied once.

use std::time::{Duration, Instant};

use aurora_migrate::runner::{Lock, Options};
use aurora_migrate::{Catalog, DatabaseUrl, Error, Runner, Target};

use crate::lease::PgBouncer;
use crate::support::{Db, MysqlDb, PgDb, catalog};

const LEASE: Lock = Lock::Lease {
    duration: Duration::from_secs(5),
};

fn upgrade(
    catalog: &Catalog,
    url: &str,
    lock: Lock,
    lock_timeout: Option<Duration>,
) -> Result<Vec<String>, Error> {
    let options = Options::default()
        .with_lock(lock)
        .with_lock_timeout(lock_timeout);
    let runner = Runner::new(catalog, DatabaseUrl::parse(url).unwrap(), options).unwrap();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(runner.upgrade(&Target::Head, &mut |_| {}))
        .map(|run| run.current)
}

/// Waits until some session of `db` runs the slow migration's sleep.
fn wait_for_the_slow_step(db: &Db) {
    let sleeping = match db {
        Db::Mysql(_) => {
            "SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.PROCESSLIST WHERE STATE = 'User sleep' AND DB = DATABASE()"
        }
        _ => {
            "SELECT count(*)::text FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()"
        }
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while db.query(sleeping) == ["0"] {
        assert!(
            Instant::now() < deadline,
            "{}: the first runner never reached s2",
            db.name()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The words a holder of the other kind is named by.
fn named(lock: Lock) -> &'static str {
    match lock {
        Lock::Advisory => "a runner with the advisory lock",
        Lock::Lease { .. } => "a runner with the lease lock",
    }
}

/// A runner with `first` is inside s2; runners with `second` arrive.
fn one_kind_then_the_other(db: &Db, url: &str, first: Lock, second: Lock) {
    let catalog = catalog("slow");
    let case = format!("{}: {first:?} then {second:?}", db.name());
    std::thread::scope(|scope| {
        let holder = scope.spawn(|| upgrade(&catalog, url, first, None));
        wait_for_the_slow_step(db);
        let impatient = upgrade(&catalog, url, second, Some(Duration::from_millis(300)));
        match &impatient {
            Err(Error::LockTimeout { holder, .. }) => {
                assert!(holder.starts_with(named(first)), "{case}: {holder}")
            }
            other => panic!("{case}: the runner that would not wait: {other:?}"),
        }
        let patient = scope.spawn(|| upgrade(&catalog, url, second, None));
        assert_eq!(holder.join().unwrap().expect(&case), ["s3"], "{case}");
        assert_eq!(patient.join().unwrap().expect(&case), ["s3"], "{case}");
    });
    assert_eq!(
        db.query("SELECT revision FROM alembic_version_aurora_log ORDER BY revision"),
        ["s1", "s2", "s3"],
        "{case}: each migration applied once"
    );
}

#[test]
fn a_runner_with_the_lease_and_one_with_the_advisory_lock_never_run_together() {
    for (first, second) in [(LEASE, Lock::Advisory), (Lock::Advisory, LEASE)] {
        let pg = Db::Pg(PgDb::new());
        let url = pg.url().to_string();
        one_kind_then_the_other(&pg, &url, first, second);
        let mysql = Db::Mysql(MysqlDb::new());
        let url = mysql.url().to_string();
        one_kind_then_the_other(&mysql, &url, first, second);
    }
}

#[test]
fn behind_a_transaction_pooling_pgbouncer_the_two_kinds_still_keep_apart() {
    let Some(bouncer) = PgBouncer::start() else {
        return;
    };
    let catalog = catalog("slow");
    // Behind the pooler an advisory runner's lock lands on whichever server connection runs
    // its statement, and its release may land on another and leave the lock behind. So what
    // is asked of either kind here is safety: it waits, or gives up on a lock timeout, and
    // never runs beside the other. The advisory runner sees the lease row; the lease runner
    // sees the advisory lock in pg_locks, on whichever server connection holds it.
    for (first, second) in [(LEASE, Lock::Advisory), (Lock::Advisory, LEASE)] {
        let db = Db::Pg(PgDb::new());
        let Db::Pg(pg) = &db else { unreachable!() };
        let url = bouncer.url(&pg.name);
        let case = format!("{first:?} then {second:?}");
        std::thread::scope(|scope| {
            let holder = scope.spawn(|| upgrade(&catalog, &url, first, None));
            wait_for_the_slow_step(&db);
            let impatient = upgrade(&catalog, &url, second, Some(Duration::from_millis(300)));
            assert!(
                matches!(impatient, Err(Error::LockTimeout { .. })),
                "{case}: the runner that would not wait: {impatient:?}"
            );
            let patient = upgrade(&catalog, &url, second, Some(Duration::from_secs(20)));
            assert_eq!(holder.join().unwrap().expect(&case), ["s3"], "{case}");
            match patient {
                Ok(current) => assert_eq!(current, ["s3"], "{case}"),
                Err(Error::LockTimeout { .. }) => {}
                Err(other) => panic!("{case}: ran beside the other kind: {other}"),
            }
        });
        assert_eq!(
            db.query("SELECT revision FROM alembic_version_aurora_log ORDER BY revision"),
            ["s1", "s2", "s3"],
            "{case}: each migration applied once"
        );
    }
}
