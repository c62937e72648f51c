//! Introspection cost on PostgreSQL: 5 tables, then 500, same number of queries.
//!
//! `cargo bench --bench introspect` (PostgreSQL at `AURORA_BENCH_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; a throwaway database is created and dropped).

use std::time::{Duration, Instant};

use aurora_migrate::testing::Scratch;
use aurora_migrate::{DatabaseUrl, Options, Runner};
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, Executor};

const RUNS: usize = 7;

fn table_sql(i: usize) -> String {
    let reference = if i == 0 {
        String::new()
    } else {
        ", parent_id INTEGER REFERENCES t0 (id) ON DELETE CASCADE".to_string()
    };
    format!(
        "CREATE TABLE t{i} (id SERIAL PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, amount NUMERIC(10, 2) DEFAULT 0, \
         created_at TIMESTAMPTZ NOT NULL DEFAULT now(){reference}, CHECK (amount >= 0)); CREATE INDEX ix_t{i}_created ON t{i} (created_at)"
    )
}

async fn measure(runner: &Runner<'_>) -> (usize, usize, Duration, Duration) {
    let mut times = Vec::with_capacity(RUNS);
    let mut seen = (0, 0);
    for _ in 0..RUNS {
        let started = Instant::now();
        let introspection = aurora_migrate::autogenerate::introspect(runner)
            .await
            .expect("introspect");
        times.push(started.elapsed());
        seen = (introspection.schema.tables.len(), introspection.queries);
    }
    times.sort();
    (seen.0, seen.1, times[0], times[RUNS / 2])
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server_text = std::env::var("AURORA_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let server = DatabaseUrl::parse(&server_text).expect("AURORA_BENCH_PG_URL");
    let scratch = Scratch::create(Some(&server), "bench")
        .await
        .expect("PostgreSQL must be running for this benchmark");
    let catalog = aurora::catalog().expect("catalogue");
    let runner = Runner::new(&catalog, scratch.url().clone(), Options::default()).expect("runner");
    let options = PgConnectOptions::from_str(&server_text)
        .expect("URL")
        .database(scratch.name());
    let mut connection = sqlx::PgConnection::connect_with(&options)
        .await
        .expect("connect");
    println!("introspection of a PostgreSQL schema ({RUNS} runs each)");
    println!(
        "{:>7} {:>8} {:>10} {:>10}",
        "tables", "queries", "best ms", "median ms"
    );
    let mut created = 0;
    for target in [5, 500] {
        while created < target {
            connection
                .execute(AssertSqlSafe(table_sql(created)))
                .await
                .expect("create table");
            created += 1;
        }
        let (tables, queries, best, median) = measure(&runner).await;
        println!(
            "{tables:>7} {queries:>8} {:>10.1} {:>10.1}",
            best.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3
        );
    }
    let _ = connection.close().await;
    scratch.remove().await.expect("drop the scratch database");
}
