#!/usr/bin/env python3
"""Benchmarks a backfill on PostgreSQL over TLS: rows per second of `aurora-migrate backfill run`
(batches along the key, each change committed with the job's cursor) against the same change
written by hand, as one UPDATE statement in psql, and as a keyset loop in psql (a DO block that
walks the key 5000 rows at a time and commits after each batch: no cursor kept, no lease, no
throttle). Each round makes a fresh database per tool with the same N rows, and runs the tools
in an order rotated by one from the round before; the report gives median times and the median
of the per-round ratios.

Usage: bench/backfill [--rows 1000000] [--rounds 3]
PostgreSQL is reached at AURORA_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test),
over TLS (sslmode=require) as production connects. The binary is built in target/bench.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "target" / "bench"
PG_URL = os.environ.get("AURORA_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
CHANGE = "doubled = v * 2, touch_count = touch_count + 1"
FILTER = "doubled IS NULL"
TABLE = "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, v INTEGER NOT NULL, touch_count INTEGER NOT NULL DEFAULT 0);"


def migrations(directory):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "b1_items.sql").write_text(
        f"-- Items\n--\n-- Revision ID: b1\n-- Revises:\n\n-- migrate:upgrade\n{TABLE}\n\n-- migrate:downgrade\nDROP TABLE items;\n")
    (directory / "b2_double.sql").write_text(
        "-- Fill doubled\n--\n-- Revision ID: b2\n-- Revises: b1\n\n-- migrate:upgrade\nALTER TABLE items ADD COLUMN doubled INTEGER;\n\n"
        f"-- migrate:backfill\n-- Table: items\n-- Key: id\nSET {CHANGE}\nWHERE {FILTER};\n\n"
        "-- migrate:downgrade\nALTER TABLE items DROP COLUMN doubled;\n")


def run(cmd, env=None, stdin=None):
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{result.stderr[-2000:]}")
    return elapsed, result.stdout


def build(directory):
    env = dict(os.environ, AURORA_MIGRATIONS_DIR=str(directory), CARGO_TARGET_DIR=str(TARGET))
    run(["cargo", "build", "--release", "--locked", "--bin", "aurora-migrate"], env=env)
    return TARGET / "release" / "aurora-migrate"


def conninfo(database):
    url = urlparse(PG_URL)
    return f"host={url.hostname or '127.0.0.1'} port={url.port or 5432} user={url.username or 'postgres'} dbname={database} sslmode=require"


def url_of(database):
    url = urlparse(PG_URL)
    return f"postgres://{url.username or 'postgres'}@{url.hostname or '127.0.0.1'}:{url.port or 5432}/{database}?sslmode=require"


def psql(database, sql):
    return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo(database), "-c", sql])


def prepare(binary, database, rows):
    """A fresh database at b2 with `rows` rows, the backfill not run."""
    psql("test", f"DROP DATABASE IF EXISTS {database}")
    psql("test", f"CREATE DATABASE {database}")
    run([binary, "upgrade", "b1", "--database-url", url_of(database)])
    psql(database, f"INSERT INTO items (id, v) SELECT i, i % 97 FROM generate_series(1, {rows}) i")
    run([binary, "upgrade", "b2", "--defer-backfills", "--database-url", url_of(database)])
    psql(database, "VACUUM ANALYZE items")
    psql(database, "CHECKPOINT")


def check(database, rows):
    _, out = run(["psql", "-X", "-qAt", "-d", conninfo(database), "-c",
                  "SELECT count(*) FROM items WHERE doubled = v * 2 AND touch_count = 1"])
    if int(out.strip()) != rows:
        sys.exit(f"{database}: {out.strip()} of {rows} rows changed once")


KEYSET = f"""DO $$
DECLARE last BIGINT := 0; upto BIGINT;
BEGIN
  LOOP
    SELECT max(id) INTO upto FROM (SELECT id FROM items WHERE id > last ORDER BY id LIMIT 5000) batch;
    EXIT WHEN upto IS NULL;
    UPDATE items SET {CHANGE} WHERE id > last AND id <= upto AND {FILTER};
    last := upto;
    COMMIT;
  END LOOP;
END $$"""


def tools(binary):
    return {
        "aurora-migrate backfill run": lambda db: run([binary, "backfill", "run", "--database-url", url_of(db)])[0],
        "psql, one UPDATE": lambda db: psql(db, f"UPDATE items SET {CHANGE} WHERE {FILTER}")[0],
        "psql, keyset loop of 5000": lambda db: psql(db, KEYSET)[0],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aurora-bench-backfill-"))
    migrations(work / "migrations")
    binary = build(work / "migrations")
    named = tools(binary)
    names = list(named)
    times = {name: [] for name in names}
    ratios = {name: {other: [] for other in names} for name in names}
    for round_ in range(args.rounds):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        this = {}
        for i, name in enumerate(order):
            database = f"aurora_bench_backfill_{os.getpid()}_{i}"
            prepare(binary, database, args.rows)
            this[name] = named[name](database)
            check(database, args.rows)
            psql("test", f"DROP DATABASE {database}")
        for name in names:
            times[name].append(this[name])
            for other in names:
                ratios[name][other].append(this[name] / this[other])
    print(f"postgresql over TLS, backfill of {args.rows} rows, {args.rounds} rounds "
          "(medians; ratios are medians of per-round ratios: time of the row's tool / time of the column's)")
    header = f"  {'tool':32} {'s':>7} {'rows/s':>10} | " + " ".join(f"{'vs ' + n.split(',')[-1].strip()[:14]:>18}" for n in names)
    print(header)
    for name in names:
        median = statistics.median(times[name])
        cells = " ".join(f"{statistics.median(ratios[name][other]):>18.2f}" for other in names)
        print(f"  {name:32} {median:>7.2f} {args.rows / median:>10.0f} | {cells}")


if __name__ == "__main__":
    main()
