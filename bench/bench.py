#!/usr/bin/env python3
"""Benchmarks aurora-migrate against the floor: the same SQL applied by psql / sqlite3 with one
transaction per migration plus a version-row insert, in the same run, printed as ratios.

Usage: bench/run [--sizes 100,1000] [--workloads table,tiny] [--databases postgresql,sqlite,mysql]
PostgreSQL is reached at AURORA_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test),
MySQL/MariaDB at AURORA_BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/test, through the
`mariadb` client); throwaway databases are created and dropped. Binaries are built in
target/bench.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "target" / "bench"
PG_URL = os.environ.get("AURORA_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("AURORA_BENCH_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
REPEATS = 5
# (workload, n, `upgrade --sql`, `dump`, `lint --all` seconds) for PostgreSQL, measured in
# bench_postgres.
OFFLINE = []
# (database, n, squashed at, chain seconds, squash seconds): fresh-database upgrades.
SQUASH = []
# (databases, parallel, fleet seconds, serial seconds), and (databases, peak KiB) of a fleet run.
FLEET = []
FLEET_MEMORY = []
os.environ["PGSSLMODE"] = "disable"


def migration_sql(workload, i):
    if workload == "table":
        # VARCHAR, not TEXT: MySQL cannot index TEXT without a key length.
        up = f"CREATE TABLE bench_{i} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\nCREATE INDEX ix_bench_{i} ON bench_{i} (name);"
        down = f"DROP TABLE bench_{i};"
    else:  # tiny: one column added to one table, so round trips dominate
        up = f"ALTER TABLE bench_base ADD COLUMN c{i} INTEGER;"
        down = f"ALTER TABLE bench_base DROP COLUMN c{i};"
        if i == 0:
            up = "CREATE TABLE bench_base (id INTEGER PRIMARY KEY);\n" + up
            down = down + "\nDROP TABLE bench_base;"
    return up, down


def generate(directory, workload, n):
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        rev = f"b{i:011d}"
        parent = f"b{i - 1:011d}" if i else ""
        up, down = migration_sql(workload, i)
        text = f"-- step {i}\n--\n-- Revision ID: {rev}\n-- Revises: {parent}\n\n-- migrate:upgrade\n{up}\n\n-- migrate:downgrade\n{down}\n"
        (directory / f"{rev}_step.sql").write_text(text)


def floor_script(workload, n, direction, kind):
    begin = "BEGIN IMMEDIATE;" if kind == "sqlite" else "BEGIN;"
    lines = ["CREATE TABLE IF NOT EXISTS floor_version (version_num VARCHAR(32) PRIMARY KEY);"]
    order = range(n) if direction == "up" else reversed(range(n))
    for i in order:
        up, down = migration_sql(workload, i)
        rev = f"b{i:011d}"
        book = f"INSERT INTO floor_version VALUES ('{rev}');" if direction == "up" else f"DELETE FROM floor_version WHERE version_num = '{rev}';"
        lines.append(f"{begin}\n{up if direction == 'up' else down}\n{book}\nCOMMIT;")
    return "\n".join(lines) + "\n"


def run(cmd, env=None, stdin=None, check=True):
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if check and result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{result.stderr[-2000:]}")
    return elapsed, result


def build(directory):
    env = dict(os.environ, AURORA_MIGRATIONS_DIR=str(directory), CARGO_TARGET_DIR=str(TARGET))
    elapsed, _ = run(["cargo", "build", "--release", "--locked", "--bin", "aurora-migrate"], env=env)
    return elapsed, TARGET / "release" / "aurora-migrate"


def pg_admin(sql, database="test"):
    url = urlparse(PG_URL)
    run(["psql", "-X", "-q", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres", "-d", database, "-c", sql])


def pg_url(database):
    url = urlparse(PG_URL)
    # Plain TCP for the tool and for psql alike (PGSSLMODE below): the proxy reads the
    # messages, and a TLS handshake counts against neither.
    return f"postgres://{url.username or 'postgres'}@{url.hostname or '127.0.0.1'}:{url.port or 5432}/{database}?sslmode=disable"


class CountingProxy:
    """Forwards PostgreSQL connections and counts what the client asks the server to answer:
    each simple Query ('Q') and each Sync ('S') ends with one ReadyForQuery: one round trip."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.round_trips = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self.client_to_server, args=(client, server), daemon=True).start()
            threading.Thread(target=self.copy, args=(server, client), daemon=True).start()

    def copy(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    def client_to_server(self, client, server):
        messages = self.messages()
        next(messages)
        try:
            while data := client.recv(65536):
                server.sendall(data)
                trips = messages.send(data)
                if trips:
                    with self.lock:
                        self.round_trips += trips
        except OSError:
            pass
        finally:
            server.close()

    def messages(self):
        """A generator fed the client's bytes, yielding how many round trips they completed:
        each simple Query ('Q') and each Sync ('S') ends with one ReadyForQuery."""
        buffer, started, trips = b"", False, None
        while True:
            buffer += yield trips
            trips = 0
            while True:
                if not started:  # startup message: length, then body; no type byte
                    if len(buffer) < 4 or len(buffer) < int.from_bytes(buffer[:4], "big"):
                        break
                    length = int.from_bytes(buffer[:4], "big")
                    code = int.from_bytes(buffer[4:8], "big")
                    buffer = buffer[length:]
                    started = code not in (80877103, 80877104)  # SSL / GSS requests come first
                    continue
                if len(buffer) < 5 or len(buffer) < 1 + int.from_bytes(buffer[1:5], "big"):
                    break
                kind, length = buffer[:1], int.from_bytes(buffer[1:5], "big")
                buffer = buffer[1 + length:]
                trips += kind in (b"Q", b"S")

def median_run(cmd, env=None):
    return statistics.median(run(cmd, env=env)[0] for _ in range(REPEATS))


def pg_round(binary, workload, n, ours_first):
    """One round on fresh databases: (upgrade, floor upgrade, downgrade, floor downgrade)."""
    db = f"aurora_bench_{os.getpid()}_{workload}_{n}"
    floor_db = db + "_floor"
    for name in (db, floor_db):
        pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        pg_admin(f'CREATE DATABASE "{name}"')
    parsed = urlparse(PG_URL)
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres", "-d", floor_db]
    env = dict(os.environ, DATABASE_URL=pg_url(db))
    try:
        return alternate(ours_pair(binary, env), floor_pair(psql, workload, n, "postgresql"), ours_first)
    finally:
        for name in (db, floor_db):
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ours_pair(binary, env):
    """Timings of `upgrade` then `downgrade base`."""
    return lambda: (run([binary, "-q", "upgrade"], env=env)[0], run([binary, "-q", "downgrade", "base"], env=env)[0])


def floor_pair(client, workload, n, kind):
    """Timings of the floor's upgrade then downgrade, fed to `client` on stdin."""
    return lambda: (run(client, stdin=floor_script(workload, n, "up", kind))[0], run(client, stdin=floor_script(workload, n, "down", kind))[0])


def alternate(ours, floor, ours_first):
    """Runs ours and the floor (each an (upgrade, downgrade) pair of timings) in the given order:
    (upgrade, floor upgrade, downgrade, floor downgrade)."""
    if ours_first:
        (up, down), (floor_up, floor_down) = ours(), floor()
    else:
        (floor_up, floor_down), (up, down) = floor(), ours()
    return up, floor_up, down, floor_down


def best_of_two(round_fn):
    """Two rounds in alternating order, the best of each figure: the server's first writes
    (new WAL segments, cold caches) must not count against whichever runs first."""
    first, second = round_fn(True), round_fn(False)
    return tuple(min(a, b) for a, b in zip(first, second))


def bench_postgres(binary, workload, n, results):
    up, floor_up, down, floor_down = best_of_two(lambda ours_first: pg_round(binary, workload, n, ours_first))
    db = f"aurora_bench_{os.getpid()}_{workload}_{n}_status"
    pg_admin(f'DROP DATABASE IF EXISTS "{db}"')
    pg_admin(f'CREATE DATABASE "{db}"')
    try:
        parsed = urlparse(PG_URL)
        url = pg_url(db)
        proxy = CountingProxy(parsed.port or 5432)
        proxied = url.replace(f":{parsed.port or 5432}/", f":{proxy.port}/")
        run([binary, "-q", "upgrade"], env=dict(os.environ, DATABASE_URL=proxied))
        per_migration = proxy.round_trips / n
        env = dict(os.environ, DATABASE_URL=url)
        noop = median_run([binary, "-q", "upgrade"], env=env)
        current = median_run([binary, "-q", "current"], env=env)
        psql = ["psql", "-X", "-q", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres", "-d", db]
        select1 = median_run(psql + ["-c", "select 1"])
        # The offline script of every migration (no connection), and the dump of the schema
        # they built (one catalog read).
        script = median_run([binary, "-q", "upgrade", "--sql", "--dialect", "postgresql"])
        dump = median_run([binary, "-q", "dump"], env=env)
        lint = median_run([binary, "-q", "lint", "--all"])
        OFFLINE.append((workload, n, script, dump, lint))
        pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{db}"')
        whole, _ = run([binary, "-q", "upgrade", "--transaction", "all"], env=env)
        results.append(("postgresql", workload, n, up, floor_up, whole, noop, current, select1, down, floor_down, per_migration))
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def sqlite_round(binary, workload, n, ours_first):
    with tempfile.TemporaryDirectory() as directory:
        env = dict(os.environ, DATABASE_URL=f"sqlite://{Path(directory) / 'bench.db'}")
        floor_path = str(Path(directory) / "floor.db")
        return alternate(ours_pair(binary, env), floor_pair(["sqlite3", floor_path], workload, n, "sqlite"), ours_first)


def bench_sqlite(binary, workload, n, results):
    up, floor_up, down, floor_down = best_of_two(lambda ours_first: sqlite_round(binary, workload, n, ours_first))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.db"
        env = dict(os.environ, DATABASE_URL=f"sqlite://{path}")
        run([binary, "-q", "upgrade"], env=env)
        noop = median_run([binary, "-q", "upgrade"], env=env)
        current = median_run([binary, "-q", "current"], env=env)
        select1 = median_run(["sqlite3", str(path), "select 1"])
        whole_env = dict(os.environ, DATABASE_URL=f"sqlite://{Path(directory) / 'whole.db'}")
        whole, _ = run([binary, "-q", "upgrade", "--transaction", "all"], env=whole_env)
        results.append(("sqlite", workload, n, up, floor_up, whole, noop, current, select1, down, floor_down, None))


def sqlx_migrations(directory, workload, n):
    """The same migrations in sqlx-cli's reversible format."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        up, down = migration_sql(workload, i)
        (directory / f"{i + 1:014d}_step.up.sql").write_text(up + "\n")
        (directory / f"{i + 1:014d}_step.down.sql").write_text(down + "\n")


def bench_sqlx(work, workload, n, peers):
    """sqlx-cli on PostgreSQL, when `sqlx` is on the PATH: the same figures as ours, each
    upgrade and revert the best of two on fresh databases."""
    sqlx = shutil.which("sqlx")
    if sqlx is None:
        return
    source = work / f"sqlx-{workload}-{n}"
    sqlx_migrations(source, workload, n)
    db = f"aurora_bench_{os.getpid()}_{workload}_{n}_sqlx"
    parsed = urlparse(PG_URL)

    def fresh():
        pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{db}"')

    def migrate(verb, url, *extra):
        # Plain TCP, as ours: with TLS the proxy could not read the messages, and the
        # handshake would count against the tool.
        return run([sqlx, "migrate", verb, "--source", str(source), "--database-url", url, *extra])[0]

    try:
        ups, downs = [], []
        for _ in range(2):
            fresh()
            ups.append(migrate("run", pg_url(db)))
            downs.append(migrate("revert", pg_url(db), "--target-version", "0"))
        fresh()
        proxy = CountingProxy(parsed.port or 5432)
        migrate("run", pg_url(db).replace(f":{parsed.port or 5432}/", f":{proxy.port}/"))
        trips = proxy.round_trips / n
        noop = statistics.median(migrate("run", pg_url(db)) for _ in range(REPEATS))
        version = run([sqlx, "--version"])[1].stdout.strip()
        peers.append((version, workload, n, min(ups), noop, min(downs), trips))
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def mysql_client(database="test"):
    url = urlparse(MYSQL_URL)
    return ["mariadb", "-h", url.hostname or "127.0.0.1", "-P", str(url.port or 3306), "-u", url.username or "root"] + (
        [f"-p{url.password}"] if url.password else []
    ) + ["-D", database]


def mysql_admin(sql):
    run(mysql_client() + ["-e", sql])


def mysql_url(database):
    url = urlparse(MYSQL_URL)
    auth = url.username or "root"
    if url.password:
        auth += f":{url.password}"
    return f"mysql://{auth}@{url.hostname or '127.0.0.1'}:{url.port or 3306}/{database}"


class CountingMysqlProxy(CountingProxy):
    """Counts MySQL commands: every packet the client sends with sequence id 0 starts a command
    (COM_QUERY, COM_STMT_EXECUTE, COM_PING ...) that the server answers: one round trip. The
    handshake response has sequence id 1 and is not counted."""

    def messages(self):
        buffer, trips = b"", None
        while True:
            buffer += yield trips
            trips = 0
            while len(buffer) >= 4 and len(buffer) >= 4 + int.from_bytes(buffer[:3], "little"):
                length, sequence = int.from_bytes(buffer[:3], "little"), buffer[3]
                buffer = buffer[4 + length:]
                trips += sequence == 0

def mysql_round(binary, workload, n, ours_first):
    """One round on fresh databases: (upgrade, floor upgrade, downgrade, floor downgrade)."""
    db = f"aurora_bench_{os.getpid()}_{workload}_{n}"
    floor_db = db + "_floor"
    for name in (db, floor_db):
        mysql_admin(f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}`")
    client = mysql_client(floor_db)
    env = dict(os.environ, DATABASE_URL=mysql_url(db))
    try:
        return alternate(ours_pair(binary, env), floor_pair(client, workload, n, "mysql"), ours_first)
    finally:
        for name in (db, floor_db):
            mysql_admin(f"DROP DATABASE IF EXISTS `{name}`")


def bench_mysql(binary, workload, n, results):
    up, floor_up, down, floor_down = best_of_two(lambda ours_first: mysql_round(binary, workload, n, ours_first))
    db = f"aurora_bench_{os.getpid()}_{workload}_{n}_status"
    mysql_admin(f"DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}`")
    try:
        parsed = urlparse(MYSQL_URL)
        proxy = CountingMysqlProxy(parsed.port or 3306)
        run([binary, "-q", "upgrade"], env=dict(os.environ, DATABASE_URL=mysql_url(db).replace(f":{parsed.port or 3306}/", f":{proxy.port}/")))
        per_migration = proxy.round_trips / n
        env = dict(os.environ, DATABASE_URL=mysql_url(db))
        noop = median_run([binary, "-q", "upgrade"], env=env)
        current = median_run([binary, "-q", "current"], env=env)
        select1 = median_run(mysql_client(db) + ["-e", "select 1"])
        # --transaction all is refused on MySQL, whose DDL commits as it runs.
        results.append(("mysql", workload, n, up, floor_up, None, noop, current, select1, down, floor_down, per_migration))
    finally:
        mysql_admin(f"DROP DATABASE IF EXISTS `{db}`")


def build_script_time(directory):
    """The build step alone (std only, as build.rs runs it), optimised, over `directory`."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET))
    run(["cargo", "build", "--release", "--locked", "-p", "aurora-migrate-build", "--example", "embed"], env=env)
    embed = TARGET / "release" / "examples" / "embed"
    with tempfile.TemporaryDirectory() as out:
        output = str(Path(out) / "aurora_migrations.rs")
        return statistics.median(run([str(embed), str(directory), output])[0] for _ in range(REPEATS))


def peak_memory_kib(binary, n):
    with tempfile.TemporaryDirectory() as directory:
        env = dict(os.environ, DATABASE_URL=f"sqlite://{Path(directory) / 'mem.db'}")
        _, result = run(["/usr/bin/time", "-f", "%M", str(binary), "-q", "upgrade"], env=env)
        return int(result.stderr.strip().splitlines()[-1])


def fleet_list(directory, count):
    path = Path(directory) / "targets.txt"
    path.write_text("".join(f"t{i} = sqlite://{Path(directory) / f't{i}.db'}\n" for i in range(count)))
    return path


def bench_fleet(binary, count=50, parallel=4):
    """`upgrade --targets` over `count` fresh SQLite databases against a shell-style serial loop
    of `upgrade --database-url` over the same ones; alternating, median of 3. Then the peak
    memory of a fleet run over 10 and over 1000 databases."""
    times = {"fleet": [], "serial": []}
    for round_index in range(3):
        order = ["fleet", "serial"] if round_index % 2 == 0 else ["serial", "fleet"]
        for kind in order:
            with tempfile.TemporaryDirectory() as directory:
                targets = fleet_list(directory, count)
                started = time.perf_counter()
                if kind == "fleet":
                    run([binary, "-q", "upgrade", "--targets", str(targets), "--parallel", str(parallel)])
                else:
                    for i in range(count):
                        run([binary, "-q", "upgrade", "--database-url", f"sqlite://{Path(directory) / f't{i}.db'}"])
                times[kind].append(time.perf_counter() - started)
    FLEET.append((count, parallel, statistics.median(times["fleet"]), statistics.median(times["serial"])))
    for size in (10, 1000):
        with tempfile.TemporaryDirectory() as directory:
            targets = fleet_list(directory, size)
            _, result = run(["/usr/bin/time", "-f", "%M", str(binary), "-q", "upgrade", "--targets", str(targets), "--parallel", str(parallel)])
            FLEET_MEMORY.append((size, int(result.stderr.strip().splitlines()[-1])))


def bench_squash(work, n, databases):
    """A fresh database upgraded through n tiny migrations, and through a squash of the first
    three quarters and the rest, by binaries that embed each; alternating, median of 3."""
    directory = work / f"squash-{n}"
    generate(directory, "tiny", n)
    _, binary = build(directory)
    chain = work / "aurora-migrate-chain"
    shutil.copy(binary, chain)
    upto = 3 * n // 4
    for kind in databases:
        if kind == "mysql":
            continue
        squashed_dir = work / f"squash-{n}-{kind}"
        shutil.copytree(directory, squashed_dir)
        scratch = ["--scratch-url", pg_url("test")] if kind == "postgresql" else []
        run([chain, "-q", "squash", "--upto", f"b{upto - 1:011d}", "-m", "squash", "--migrations-dir", str(squashed_dir)] + scratch)
        _, binary = build(squashed_dir)
        squashed = work / f"aurora-migrate-squashed-{kind}"
        shutil.copy(binary, squashed)
        times = {chain: [], squashed: []}
        for round_index in range(3):
            order = [chain, squashed] if round_index % 2 == 0 else [squashed, chain]
            for tool in order:
                with tempfile.TemporaryDirectory() as scratch_dir:
                    if kind == "postgresql":
                        db = f"aurora_bench_{os.getpid()}_squash"
                        pg_admin(f'DROP DATABASE IF EXISTS "{db}"')
                        pg_admin(f'CREATE DATABASE "{db}"')
                        url = pg_url(db)
                    else:
                        url = f"sqlite://{Path(scratch_dir) / 'fresh.db'}"
                    try:
                        times[tool].append(run([tool, "-q", "upgrade"], env=dict(os.environ, DATABASE_URL=url))[0])
                    finally:
                        if kind == "postgresql":
                            pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        SQUASH.append((kind, n, upto, statistics.median(times[chain]), statistics.median(times[squashed])))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--workloads", default="table,tiny")
    parser.add_argument("--databases", default="postgresql,sqlite,mysql")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    workloads = args.workloads.split(",")
    databases = args.databases.split(",")
    results, builds, peers = [], {}, []
    work = Path(tempfile.mkdtemp(prefix="aurora-bench-"))
    try:
        for workload in workloads:
            for n in sizes:
                directory = work / f"{workload}-{n}"
                generate(directory, workload, n)
                elapsed, binary = build(directory)
                kept = work / f"aurora-migrate-{workload}-{n}"
                shutil.copy(binary, kept)
                builds[(workload, n)] = (elapsed, kept, directory)
                if "postgresql" in databases:
                    bench_postgres(kept, workload, n, results)
                    bench_sqlx(work, workload, n, peers)
                if "sqlite" in databases:
                    bench_sqlite(kept, workload, n, results)
                if "mysql" in databases:
                    bench_mysql(kept, workload, n, results)
        largest = max(sizes)
        bench_squash(work, largest, databases)
        if "sqlite" in databases:
            bench_fleet(builds[(workloads[0], min(sizes))][1])
        directory = builds[(workloads[0], largest)][2]
        script = build_script_time(directory)
        generate(directory, workloads[0], largest + 1)
        incremental, _ = build(directory)
        binary = builds[(workloads[0], largest)][1]
        size = binary.stat().st_size
        memory = peak_memory_kib(binary, largest)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"machine: {os.cpu_count()} cores; {platform()}")
    print()
    print(f"{'database':<11}{'workload':<9}{'N':>5} {'upgrade s':>10}{'floor s':>9}{'ratio':>7}{'tx all s':>9} {'no-op ms':>9}{'current ms':>11}{'select 1 ms':>12}{'ratio':>7} {'down s':>8}{'floor s':>9}{'ratio':>7} {'round trips/mig':>16}")
    for (db, workload, n, up, floor_up, whole, noop, current, select1, down, floor_down, trips) in results:
        trips_text = f"{trips:.2f}" if trips is not None else "in-process"
        whole_text = f"{whole:.2f}" if whole is not None else "-"
        print(
            f"{db:<11}{workload:<9}{n:>5} {up:>10.2f}{floor_up:>9.2f}{up / floor_up:>7.2f}{whole_text:>9} {noop * 1e3:>9.1f}{current * 1e3:>11.1f}"
            f"{select1 * 1e3:>12.1f}{max(noop, current) / select1:>7.2f} {down:>8.2f}{floor_down:>9.2f}{down / floor_down:>7.2f} {trips_text:>16}"
        )
    if peers:
        print()
        print("PostgreSQL, the same migrations through another tool, in this run:")
        print(f"{'tool':<22}{'workload':<9}{'N':>5} {'upgrade s':>10} {'no-op ms':>9} {'down s':>8} {'round trips/mig':>16}")
        ours = {(w, n): (up, noop, down, trips) for (db, w, n, up, _, _, noop, _, _, down, _, trips) in results if db == "postgresql"}
        for (tool, workload, n, up, noop, down, trips) in peers:
            mine = ours[(workload, n)]
            print(f"{'aurora-migrate':<22}{workload:<9}{n:>5} {mine[0]:>10.2f} {mine[1] * 1e3:>9.1f} {mine[2]:>8.2f} {mine[3]:>16.2f}")
            print(f"{tool:<22}{workload:<9}{n:>5} {up:>10.2f} {noop * 1e3:>9.1f} {down:>8.2f} {trips:>16.2f}")
    if OFFLINE:
        print()
        print("PostgreSQL, review artefacts:")
        for workload, n, sql, dump, lint in OFFLINE:
            schema = f"{n} tables" if workload == "table" else f"1 table of {n + 1} columns"
            print(f"  {workload:<6} upgrade --sql over {n} migrations: {sql * 1e3:.0f} ms; dump of {schema}: {dump * 1e3:.0f} ms; "
                  f"lint --all (3 databases): {lint * 1e3:.0f} ms")
    if SQUASH:
        print()
        print("A fresh database upgraded to head (tiny workload), through the chain and through a squash:")
        for kind, n, upto, chain_time, squash_time in SQUASH:
            print(f"  {kind:<11} {n} migrations: {chain_time:.2f} s; squashed at {upto}, the squash and {n - upto} more: "
                  f"{squash_time:.2f} s ({squash_time / chain_time:.2f}x)")
    if FLEET:
        print()
        print("A fleet of fresh SQLite databases upgraded by one `upgrade --targets` against a serial loop of `upgrade`:")
        for count, parallel, fleet_time, serial_time in FLEET:
            print(f"  {count} databases, --parallel {parallel}: {fleet_time:.2f} s against {serial_time:.2f} s ({fleet_time / serial_time:.2f}x)")
        for size, kib in FLEET_MEMORY:
            print(f"  peak memory over {size} databases: {kib / 1024:.1f} MiB")
    print()
    print(f"build.rs over {largest} files: {script * 1e3:.0f} ms")
    print(f"incremental release build after adding one migration: {incremental:.1f} s")
    print(f"binary size (release, stripped): {size / 1e6:.1f} MB")
    print(f"peak memory, upgrade of {largest} migrations on SQLite: {memory / 1024:.1f} MiB")


def platform():
    try:
        return subprocess.run(["uname", "-srm"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
