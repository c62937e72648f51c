//! A backfill beside the application: an insert storm does not keep it from ending (rows
//! inserted after it started are the application's), a pause flag and replication lag stop it
//! within one batch and it goes on when they clear, the application's queries wait no longer
//! than a batch may last while batches keep near their target time, and two runners started
//! at once run the one job between them, never two batches at a time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aurora_migrate::backfill::{self, JobState, Pause, Settings, Sizing};
use aurora_migrate::runner::Backfills;
use aurora_migrate::{Catalog, DatabaseUrl, Event, Options, Runner, Target};
use sqlx::{Connection, Executor};

use crate::backfill::{fill, one, runner, write_catalog, wrong_rows};
use crate::support::{Db, PgDb, SqliteDb};

/// Batches of at most `max` rows sized toward `target_ms`, looking again every 20 ms.
pub(crate) fn settings(max: i64, target_ms: u64) -> Settings {
    let mut settings = Settings::default();
    settings.sizing = Some(Sizing {
        target: Duration::from_millis(target_ms),
        first: max.min(200),
        min: 10,
        max,
    });
    settings.poll = Duration::from_millis(20);
    settings.lock_timeouts = Vec::new();
    settings
}

fn runner_with<'c>(catalog: &'c Catalog, db: &Db, settings: Settings) -> Runner<'c> {
    let options = Options::default()
        .with_backfills(Backfills::Defer)
        .with_backfill_settings(settings);
    Runner::new(catalog, DatabaseUrl::parse(db.url()).unwrap(), options).unwrap()
}

/// b1 with `rows` rows, then b2 applied with its backfill left to run.
async fn deferred(db: &Db, rows: u64) -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    let catalog = write_catalog(dir.path(), "20ms");
    let deferred = runner(&catalog, db, Backfills::Defer);
    deferred
        .upgrade(&Target::parse("b1").unwrap(), &mut |_| {})
        .await
        .unwrap();
    fill(db, rows);
    deferred
        .upgrade(&Target::parse("b2").unwrap(), &mut |_| {})
        .await
        .unwrap();
    (dir, catalog)
}

/// A connection of the application's own, as text SQL runs on it.
enum App {
    Pg(sqlx::PgConnection),
    Sqlite(sqlx::SqliteConnection),
    Mysql(sqlx::MySqlConnection),
}

impl App {
    async fn connect(db: &Db) -> App {
        match db {
            Db::Pg(pg) => App::Pg(sqlx::PgConnection::connect(&pg.url).await.unwrap()),
            Db::Sqlite(s) => {
                let mut c = sqlx::SqliteConnection::connect(&s.url).await.unwrap();
                c.execute("PRAGMA busy_timeout = 10000").await.unwrap();
                App::Sqlite(c)
            }
            Db::Mysql(m) => App::Mysql(sqlx::MySqlConnection::connect(&m.url).await.unwrap()),
        }
    }

    async fn run(&mut self, sql: String) {
        let sql = sqlx::AssertSqlSafe(sql);
        match self {
            App::Pg(c) => c.execute(sql).await.map(|_| ()),
            App::Sqlite(c) => c.execute(sql).await.map(|_| ()),
            App::Mysql(c) => c.execute(sql).await.map(|_| ()),
        }
        .expect("the application's statement")
    }
}

/// Runs the backfills on `runner` until done, with the events as text.
async fn run_collecting(runner: &Runner<'_>, seen: &Arc<Mutex<Vec<String>>>) {
    let seen = seen.clone();
    runner
        .run_backfills(None, &mut move |event: Event<'_>| {
            if let Event::Backfill(event) = event {
                seen.lock().unwrap().push(describe(event));
            }
        })
        .await
        .expect("the backfill");
}

fn describe(event: backfill::Event<'_>) -> String {
    match event {
        backfill::Event::Paused { pause, .. } => format!("paused: {pause}"),
        backfill::Event::Resumed { .. } => "resumed".to_string(),
        backfill::Event::Batch { job, took } => {
            format!("batch {} {}", job.cursor.unwrap_or(0), took.as_micros())
        }
        backfill::Event::Started(job) => format!("started {}", job.upper_bound.unwrap_or(0)),
        backfill::Event::Finished(job) => format!("finished {}", job.state.name()),
        other => format!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_insert_storm_does_not_keep_a_backfill_from_ending() {
    for db in Db::all() {
        let rows = 20_000u64;
        let (_dir, catalog) = deferred(&db, rows).await;
        let stop = Arc::new(AtomicBool::new(false));
        let inserted = Arc::new(AtomicU64::new(0));
        let mut app = App::connect(&db).await;
        let writer = {
            let (stop, inserted) = (stop.clone(), inserted.clone());
            tokio::spawn(async move {
                let mut next = rows + 1;
                while !stop.load(Ordering::Relaxed) {
                    app.run(format!(
                        "INSERT INTO items (id, v) VALUES ({next}, {})",
                        next % 97
                    ))
                    .await;
                    app.run(format!(
                        "UPDATE items SET v = v WHERE id = {}",
                        next % rows + 1
                    ))
                    .await;
                    next += 1;
                    inserted.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        let started = Instant::now();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let backfill = runner_with(&catalog, &db, settings(500, 10));
        tokio::time::timeout(Duration::from_secs(120), run_collecting(&backfill, &seen))
            .await
            .unwrap_or_else(|_| panic!("{}: the backfill never ended", db.name()));
        stop.store(true, Ordering::Relaxed);
        writer.await.unwrap();
        let job = &backfill.backfills().await.unwrap()[0];
        let storm = inserted.load(Ordering::Relaxed);
        eprintln!(
            "{}: backfill of {rows} rows ended in {:?} while the writer inserted {storm} rows",
            db.name(),
            started.elapsed()
        );
        assert!(storm > 0, "{}: the writer wrote nothing", db.name());
        assert_eq!(job.state, JobState::Done);
        let bound = job.upper_bound.unwrap();
        assert!(bound >= rows as i64, "{}: bound {bound}", db.name());
        let below = format!(
            "SELECT CAST(count(*) AS CHAR(20)) FROM items WHERE id <= {bound} AND (doubled IS NULL OR doubled <> v * 2 OR touch_count <> 1)"
        );
        assert_eq!(one(&db, &below), "0", "{}", db.name());
        let above = format!(
            "SELECT CAST(count(*) AS CHAR(20)) FROM items WHERE id > {bound} AND (doubled IS NOT NULL OR touch_count <> 0)"
        );
        assert_eq!(
            one(&db, &above),
            "0",
            "{}: rows after the bound are the application's",
            db.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pause_flag_and_replication_lag_stop_a_backfill_within_one_batch() {
    for db in [Db::Pg(PgDb::new()), Db::Sqlite(SqliteDb::new())] {
        // Enough batches (1,000 of at most 100 keys) that the job is still running when the
        // pause arrives, however fast the database walks.
        let (_dir, catalog) = deferred(&db, 100_000).await;
        let lag_ms = Arc::new(AtomicU64::new(0));
        let mut settings = settings(100, 10);
        settings.max_lag = Duration::from_millis(500);
        let probe = lag_ms.clone();
        settings.lag_probe = Some(Arc::new(move || {
            Some(Duration::from_millis(probe.load(Ordering::Relaxed)))
        }));
        let backfill = runner_with(&catalog, &db, settings);
        let observer = runner(&catalog, &db, Backfills::Defer);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let cursor = || async { observer.backfills().await.unwrap()[0].cursor.unwrap_or(0) };
        let run = run_collecting(&backfill, &seen);
        let check = async {
            while cursor().await < 1000 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            // Lag over the limit: at most the batch in flight commits.
            lag_ms.store(3_000, Ordering::Relaxed);
            let at = cursor().await;
            tokio::time::sleep(Duration::from_millis(400)).await;
            let held = cursor().await;
            assert!(
                held - at <= 100,
                "{}: went on {} keys under lag",
                db.name(),
                held - at
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(cursor().await, held, "{}: a batch ran under lag", db.name());
            lag_ms.store(0, Ordering::Relaxed);
            while cursor().await == held {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            // The operator's flag: the same.
            observer
                .set_backfill("b2", JobState::Paused, Some("peak traffic"))
                .await
                .unwrap();
            let at = cursor().await;
            tokio::time::sleep(Duration::from_millis(400)).await;
            let held = cursor().await;
            assert!(
                held - at <= 100,
                "{}: went on {} keys paused",
                db.name(),
                held - at
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(cursor().await, held, "{}: a batch ran paused", db.name());
            observer
                .set_backfill("b2", JobState::Running, None)
                .await
                .unwrap();
        };
        tokio::join!(run, check);
        let seen = seen.lock().unwrap().clone();
        // SQLite may also let the application's writers through: those pauses are not these.
        let mut pauses: Vec<&String> = Vec::new();
        let mut after_writers = false;
        for event in &seen {
            if event.starts_with("paused: other writers") {
                after_writers = true;
            } else if event.starts_with("paused") {
                after_writers = false;
                pauses.push(event);
            } else if event == "resumed" && !std::mem::replace(&mut after_writers, false) {
                pauses.push(event);
            }
        }
        assert_eq!(
            pauses,
            [
                "paused: replication lag 3000 ms (probe) is over 500 ms",
                "resumed",
                "paused: paused by an operator: peak traffic",
                "resumed"
            ],
            "{}",
            db.name()
        );
        assert_eq!(wrong_rows(&db), "0", "{}", db.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_runners_started_at_once_run_one_job_never_two_batches_at_a_time() {
    use aurora_migrate::interrupt::Interrupt;
    for db in Db::all() {
        let (_dir, catalog) = deferred(&db, 20_000).await;
        // The runner that gets the lease is stopped (as a replica shutting down) after its
        // fifth batch: the other, waiting, takes the job over and finishes it.
        let stops = [Interrupt::new(), Interrupt::new()];
        let with_stop = |stop: &Interrupt| {
            let mut settings = settings(300, 10);
            settings.interrupt = Some(stop.clone());
            settings
        };
        let first = runner_with(&catalog, &db, with_stop(&stops[0]));
        let second = runner_with(&catalog, &db, with_stop(&stops[1]));
        let origin = Instant::now();
        let intervals = Arc::new(Mutex::new(Vec::<(usize, u128, u128)>::new()));
        let starts = Arc::new(AtomicU64::new(0));
        let handed = Arc::new(AtomicBool::new(false));
        let record = |who: usize| {
            let (intervals, starts, handed) = (intervals.clone(), starts.clone(), handed.clone());
            let stop = stops[who].clone();
            let mut batches = 0;
            move |event: Event<'_>| match event {
                Event::Backfill(backfill::Event::Batch { took, .. }) => {
                    let end = origin.elapsed().as_micros();
                    intervals
                        .lock()
                        .unwrap()
                        .push((who, end - took.as_micros(), end));
                    batches += 1;
                    if batches == 5 && !handed.swap(true, Ordering::SeqCst) {
                        stop.raise(15);
                    }
                }
                Event::Backfill(backfill::Event::Started(_)) => {
                    starts.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
        };
        let (mut one_events, mut two_events) = (record(0), record(1));
        let (a, b) = tokio::join!(
            first.run_backfills(None, &mut one_events),
            second.run_backfills(None, &mut two_events)
        );
        let (stopped, finished) = match (a, b) {
            (Err(e), Ok(jobs)) | (Ok(jobs), Err(e)) => (e, jobs),
            other => panic!(
                "{}: one runner stops, the other finishes: {other:?}",
                db.name()
            ),
        };
        assert_eq!(stopped.code(), "interrupted", "{}", db.name());
        assert_eq!(finished[0].state, JobState::Done, "{}", db.name());
        assert_eq!(
            starts.load(Ordering::Relaxed),
            1,
            "{}: the range taken once",
            db.name()
        );
        let mut intervals = intervals.lock().unwrap().clone();
        assert!(
            intervals.iter().any(|i| i.0 == 0) && intervals.iter().any(|i| i.0 == 1),
            "{}: both runners ran batches",
            db.name()
        );
        intervals.sort_by_key(|i| i.1);
        for pair in intervals.windows(2) {
            let (x, y) = (pair[0], pair[1]);
            assert!(
                x.0 == y.0 || y.1 >= x.2,
                "{}: batches of two runners overlapped: {x:?} {y:?}",
                db.name()
            );
        }
        assert_eq!(wrong_rows(&db), "0", "{}", db.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queries_beside_a_backfill_wait_less_than_a_batch_may_last() {
    for db in Db::all() {
        let rows = 100_000u64;
        let (_dir, catalog) = deferred(&db, rows).await;
        let target = Duration::from_millis(20);
        let mut sizing = settings(100_000, 20);
        sizing.sizing = sizing.sizing.map(|s| Sizing { first: 1000, ..s });
        let backfill = runner_with(&catalog, &db, sizing);
        let statement_timeout = Duration::from_secs(1);
        let stop = Arc::new(AtomicBool::new(false));
        let traffic = |write: bool| {
            let (stop, url) = (stop.clone(), db.url().to_string());
            let db = match &db {
                Db::Pg(_) => 0,
                Db::Sqlite(_) => 1,
                Db::Mysql(_) => 2,
            };
            tokio::spawn(async move {
                let mut app = match db {
                    0 => App::Pg(sqlx::PgConnection::connect(&url).await.unwrap()),
                    1 => {
                        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
                        c.execute("PRAGMA busy_timeout = 10000").await.unwrap();
                        App::Sqlite(c)
                    }
                    _ => App::Mysql(sqlx::MySqlConnection::connect(&url).await.unwrap()),
                };
                let mut waits = Vec::new();
                let mut key = 7u64;
                while !stop.load(Ordering::Relaxed) {
                    key = (key * 7919 + 13) % rows + 1;
                    let sql = match write {
                        true => format!("UPDATE items SET v = v WHERE id = {key}"),
                        false => format!("SELECT v FROM items WHERE id = {key}"),
                    };
                    let at = Instant::now();
                    app.run(sql).await;
                    waits.push(at.elapsed());
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                waits
            })
        };
        let (reader, writer) = (traffic(false), traffic(true));
        let batches = Arc::new(Mutex::new(Vec::new()));
        let recorded = batches.clone();
        backfill
            .run_backfills(None, &mut move |event: Event<'_>| {
                if let Event::Backfill(backfill::Event::Batch { took, .. }) = event {
                    recorded.lock().unwrap().push(took);
                }
            })
            .await
            .unwrap();
        stop.store(true, Ordering::Relaxed);
        let (mut reads, mut writes) = (reader.await.unwrap(), writer.await.unwrap());
        let mut batches = batches.lock().unwrap().clone();
        let settled = batches.split_off(batches.len() / 2);
        let figure = |list: &mut Vec<Duration>| {
            list.sort();
            let at = |q: f64| list[((list.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
            format!(
                "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} queries)",
                at(0.5),
                at(0.99),
                at(1.0),
                list.len()
            )
        };
        let mut settled_sorted = settled.clone();
        settled_sorted.sort();
        let median = settled_sorted[settled_sorted.len() / 2];
        eprintln!(
            "{}: reads {}; writes {}; batches: median {:.1} ms (target {} ms) over the second half, {} in all",
            db.name(),
            figure(&mut reads),
            figure(&mut writes),
            median.as_secs_f64() * 1000.0,
            target.as_millis(),
            batches.len() + settled.len()
        );
        // Nearly every query waits less than a batch may last (its statement timeout); one
        // stalled by the machine itself (a disk flush) is allowed.
        for (what, list) in [("read", &reads), ("write", &writes)] {
            let p99 = list[((list.len() - 1) as f64 * 0.99) as usize];
            assert!(
                p99 < statement_timeout,
                "{}: {what}s waited {p99:?} at p99, longer than a batch may last",
                db.name()
            );
        }
        assert!(
            median >= target / 4 && median <= target * 4,
            "{}: batches took {median:?} for a {target:?} target",
            db.name()
        );
        assert_eq!(wrong_rows(&db), "0", "{}", db.name());
    }
}

/// The pause reasons a job reports, as the engine words them (kept here so a change shows).
#[test]
fn pause_reasons_read_as_said() {
    assert_eq!(
        Pause::Flag(Some("peak".into())).to_string(),
        "paused by an operator: peak"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_that_times_out_on_a_lock_is_split_and_tried_again() {
    for db in [
        Db::Pg(PgDb::new()),
        Db::Mysql(crate::support::MysqlDb::new()),
    ] {
        let (_dir, catalog) = deferred(&db, 5000).await;
        let mut settings = settings(1000, 50);
        settings.sizing = settings.sizing.map(|s| Sizing { first: 1000, ..s });
        settings.lock_timeouts = [100, 200, 400, 800, 1600, 3200, 6400]
            .map(Duration::from_millis)
            .to_vec();
        let backfill = runner_with(&catalog, &db, settings);
        // The application holds row 2500 in a transaction until a batch has timed out on it
        // twice (at most 20 s).
        let mut holder = App::connect(&db).await;
        holder.run("BEGIN".into()).await;
        holder
            .run("UPDATE items SET v = v WHERE id = 2500".into())
            .await;
        let timed_out = Arc::new(tokio::sync::Notify::new());
        let release = {
            let timed_out = timed_out.clone();
            async move {
                let _ = tokio::time::timeout(Duration::from_secs(20), async {
                    timed_out.notified().await;
                    timed_out.notified().await;
                })
                .await;
                holder.run("COMMIT".into()).await;
            }
        };
        let retries = Arc::new(Mutex::new(Vec::new()));
        let seen = retries.clone();
        let mut on_event = move |event: Event<'_>| {
            if let Event::Backfill(backfill::Event::Retry { size, error, .. }) = event {
                eprintln!("retry with {size}: {error}");
                seen.lock().unwrap().push(size);
                timed_out.notify_one();
            }
        };
        let run = backfill.run_backfills(None, &mut on_event);
        let (ran, ()) = tokio::join!(run, release);
        ran.unwrap_or_else(|e| panic!("{}: {e}", db.name()));
        let retries = retries.lock().unwrap().clone();
        assert!(
            retries.len() >= 2 && retries.windows(2).all(|w| w[1] <= w[0]) && retries[0] < 1000,
            "{}: the batch was not split: {retries:?}",
            db.name()
        );
        assert_eq!(wrong_rows(&db), "0", "{}", db.name());
    }
}
