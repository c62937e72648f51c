#!/usr/bin/env python3
"""Benchmarks aurora-migrate against the floors (the same SQL applied by psql / sqlite3 / mariadb
with one transaction per migration plus a version-row insert: statement by statement, and each
migration as one message) and against sqlx-cli and refinery, interleaved round by round (see
compare.py), printed as medians of per-round ratios; then the squash, fleet and build figures.

Usage: bench/run [--sizes 1000] [--workloads tiny,table] [--databases postgresql,sqlite,mysql]
                 [--transports tls,plain] [--rounds 7] [--no-peers] [--no-extras]
Every server tool runs over TLS (sslmode=require, ssl-mode=REQUIRED, psql and mariadb alike)
where the server offers it, as production connects, and again over plain TCP.
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

import compare

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
# (tables, indexes, dump seconds, pg_dump --schema-only seconds): one large catalog, over TLS.
CATALOG = []


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
    run(["psql", "-X", "-q", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres", "-d", f"dbname={database} sslmode=disable", "-c", sql])


def pg_url(database):
    url = urlparse(PG_URL)
    # Plain TCP: the counting proxy reads the messages.
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


def sqlx_migrations(directory, workload, n):
    """The same migrations in sqlx-cli's reversible format."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        up, down = migration_sql(workload, i)
        (directory / f"{i + 1:014d}_step.up.sql").write_text(up + "\n")
        (directory / f"{i + 1:014d}_step.down.sql").write_text(down + "\n")


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
        # The generated migrations are plain: the squash is for the database measured.
        scratch = ["--dialect", kind] + (["--scratch-url", pg_url("test")] if kind == "postgresql" else [])
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


def bench_catalog(binary, tables=1000, rounds=5):
    """`dump` against `pg_dump --schema-only` of one database of `tables` tables with five
    indexes each (a unique one among them), both over TLS where the server offers it (sslmode
    prefer, as production connects); alternating, median of `rounds`."""
    db = f"aurora_bench_{os.getpid()}_catalog"
    url = urlparse(PG_URL)
    host, port, user = url.hostname or "127.0.0.1", str(url.port or 5432), url.username or "postgres"
    statements = []
    for t in range(tables):
        statements.append(f"CREATE TABLE t{t} (id bigserial PRIMARY KEY, a integer NOT NULL, b text, "
                          f"c timestamptz DEFAULT now(), d numeric(10,2), e boolean DEFAULT false);")
        statements.extend(f"CREATE INDEX t{t}_{col} ON t{t} ({col});" for col in "abcd")
        statements.append(f"CREATE UNIQUE INDEX t{t}_ab ON t{t} (a, b);")
    pg_admin(f'DROP DATABASE IF EXISTS "{db}"')
    pg_admin(f'CREATE DATABASE "{db}"')
    try:
        run(["psql", "-X", "-q", "-h", host, "-p", port, "-U", user, "-d", db], stdin="\n".join(statements))
        tls = f"postgres://{user}@{host}:{port}/{db}?sslmode=prefer"
        with tempfile.TemporaryDirectory() as out:
            ours = [str(binary), "-q", "dump", "--database-url", tls, "-o", str(Path(out) / "ours.sql")]
            theirs = ["pg_dump", "--schema-only", "-h", host, "-p", port, "-U", user, "-f", str(Path(out) / "pg.sql"), db]
            times = {0: [], 1: []}
            for round_index in range(rounds):
                order = [0, 1] if round_index % 2 == 0 else [1, 0]
                for tool in order:
                    times[tool].append(run(ours if tool == 0 else theirs, env=dict(os.environ, PGSSLMODE="prefer"))[0])
        CATALOG.append((tables, 5 * tables, statistics.median(times[0]), statistics.median(times[1])))
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def refinery_migrations(directory, workload, n):
    """The same migrations as refinery names them: V<n>__name.sql, the upgrade alone."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        up, _ = migration_sql(workload, i)
        (directory / f"V{i + 1}__step.sql").write_text(up + "\n")


def refinery_binary():
    """bench/refinery, built once into target/bench."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET))
    run(["cargo", "build", "--release", "--locked", "-p", "refinery-bench"], env=env)
    return TARGET / "release" / "refinery-bench"


def round_trips(binary, kind, n):
    """Round trips per migration of one upgrade from empty, counted by a proxy (PostgreSQL:
    Query and Sync messages; MySQL: commands)."""
    db = f"aurora_bench_{os.getpid()}_trips"
    if kind == "postgresql":
        parsed = urlparse(PG_URL)
        pg_admin(f'DROP DATABASE IF EXISTS "{db}"')
        pg_admin(f'CREATE DATABASE "{db}"')
        proxy = CountingProxy(parsed.port or 5432)
        url = pg_url(db).replace(f":{parsed.port or 5432}/", f":{proxy.port}/")
    else:
        parsed = urlparse(MYSQL_URL)
        mysql_admin(f"DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}`")
        proxy = CountingMysqlProxy(parsed.port or 3306)
        url = mysql_url(db).replace(f":{parsed.port or 3306}/", f":{proxy.port}/")
    try:
        run([binary, "-q", "upgrade"], env=dict(os.environ, DATABASE_URL=url))
        return proxy.round_trips / n
    finally:
        if kind == "postgresql":
            pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        else:
            mysql_admin(f"DROP DATABASE IF EXISTS `{db}`")


def offline_artefacts(binary, workload, n):
    """`upgrade --sql` over every migration (no connection), the dump of the schema they
    built on PostgreSQL (one catalog read), and `lint --all`."""
    db = f"aurora_bench_{os.getpid()}_offline"
    pg_admin(f'DROP DATABASE IF EXISTS "{db}"')
    pg_admin(f'CREATE DATABASE "{db}"')
    try:
        env = dict(os.environ, DATABASE_URL=pg_url(db))
        run([binary, "-q", "upgrade"], env=env)
        script = median_run([binary, "-q", "upgrade", "--sql", "--dialect", "postgresql"])
        dump = median_run([binary, "-q", "dump"], env=env)
        lint = median_run([binary, "-q", "lint", "--all"])
        OFFLINE.append((workload, n, script, dump, lint))
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def compare_tools(kind, binary, workload, n, work, n_rounds, peers, tls):
    """Every tool on `kind`, round by round, over TLS or plain TCP; returns the printed table,
    or a line saying why there is none."""
    server = compare.Server(kind, {"postgresql": PG_URL, "mysql": MYSQL_URL}.get(kind), tls)
    if tls and not server.offers_tls():
        server.close()
        return f"{kind}, {workload} workload, N = {n}: the server does not offer TLS, so only plain TCP is measured"
    statements = lambda i: migration_sql(workload, i)
    tools = [compare.Ours(binary, server)]
    if kind != "mysql":  # MySQL commits DDL as it runs: --transaction all is refused there
        tools.append(compare.Ours(binary, server, ["--transaction", "all"], "aurora-migrate --transaction all"))
    floors = [compare.Floor(server, compare.floor_scripts(statements, n, kind, False), False)]
    if kind != "sqlite":
        floors.append(compare.Floor(server, compare.floor_scripts(statements, n, kind, True), True))
    tools += floors
    if kind == "postgresql":
        tools.append(compare.Floor(server, compare.floor_scripts(statements, n, kind, True), True, asynchronous=True))
    if peers.get("sqlx"):
        source = work / f"sqlx-{workload}-{n}"
        if not source.exists():
            sqlx_migrations(source, workload, n)
        tools.append(compare.Sqlx(peers["sqlx"], source, server))
    if peers.get("refinery") and not server.tls:
        source = work / f"refinery-{workload}-{n}"
        if not source.exists():
            refinery_migrations(source, workload, n)
        tools.append(compare.Refinery(peers["refinery"], source, server))
    try:
        times = compare.rounds(tools, server, n_rounds, f"{kind} {workload} {n}")
    finally:
        server.close()
    table = compare.report(kind, workload, n, n_rounds, times, [f.name for f in floors], server.transport)
    if server.tls and peers.get("refinery"):
        table += "\n  refinery's bench driver connects without TLS: it is in the plain TCP table only"
    if kind != "sqlite" and not server.tls:
        table += f"\n  aurora-migrate round trips per migration (counted by a proxy): {round_trips(binary, kind, n):.2f}"
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--workloads", default="tiny,table")
    parser.add_argument("--databases", default="postgresql,sqlite,mysql")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--transports", default="tls,plain",
                        help="tls (every tool over TLS, where the server offers it), plain (TLS off), or both")
    parser.add_argument("--no-peers", action="store_true", help="leave out sqlx-cli and refinery")
    parser.add_argument("--no-extras", action="store_true", help="only the comparison: no squash, fleet or build figures")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    workloads = args.workloads.split(",")
    databases = args.databases.split(",")
    transports = args.transports.split(",")
    if not set(transports) <= {"tls", "plain"}:
        sys.exit(f"--transports takes tls, plain or tls,plain, not {args.transports}")
    tables, builds = [], {}
    peers = {}
    if not args.no_peers:
        peers["sqlx"] = shutil.which("sqlx")
        peers["refinery"] = refinery_binary()
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
                for kind in databases:
                    for transport in transports if kind != "sqlite" else ["plain"]:
                        tables.append(compare_tools(kind, kept, workload, n, work, args.rounds, peers, transport == "tls"))
                if "postgresql" in databases and not args.no_extras:
                    offline_artefacts(kept, workload, n)
        if not args.no_extras:
            largest = max(sizes)
            bench_squash(work, largest, databases)
            if "postgresql" in databases:
                bench_catalog(builds[(workloads[0], largest)][1])
            if "sqlite" in databases:
                # Fleets of databases of 100 tiny migrations each, whatever the sizes above.
                fleet_dir = work / "fleet-100"
                generate(fleet_dir, "tiny", 100)
                _, fleet_binary = build(fleet_dir)
                kept = work / "aurora-migrate-fleet"
                shutil.copy(fleet_binary, kept)
                bench_fleet(kept)
            directory = builds[(workloads[0], largest)][2]
            script = build_script_time(directory)
            generate(directory, workloads[0], largest + 1)
            incremental, _ = build(directory)
            binary = builds[(workloads[0], largest)][1]
            size = binary.stat().st_size
            memory = peak_memory_kib(binary, largest)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"machine: {os.cpu_count()} cores; {platform()}")
    if not args.no_peers and not peers.get("sqlx"):
        print("sqlx-cli is not on the PATH, so it is left out: cargo install sqlx-cli --no-default-features --features postgres,sqlite,mysql,rustls")
    for table in tables:
        print()
        print(table)
    if args.no_extras:
        return
    if OFFLINE:
        print()
        print("PostgreSQL, review artefacts:")
        for workload, n, sql, dump, lint in OFFLINE:
            schema = f"{n} tables" if workload == "table" else f"1 table of {n + 1} columns"
            print(f"  {workload:<6} upgrade --sql over {n} migrations: {sql * 1e3:.0f} ms; dump of {schema}: {dump * 1e3:.0f} ms; "
                  f"lint --all (3 databases): {lint * 1e3:.0f} ms")
    if CATALOG:
        print()
        print("PostgreSQL over TLS, `dump` against `pg_dump --schema-only` of one database:")
        for tables, indexes, ours, theirs in CATALOG:
            print(f"  {tables} tables, {indexes} indexes: {ours:.2f} s against {theirs:.2f} s ({ours / theirs:.2f}x)")
    if SQUASH:
        print()
        print("A fresh database upgraded to head (tiny workload), through the chain and through a squash:")
        for kind, n, upto, chain_time, squash_time in SQUASH:
            print(f"  {kind:<11} {n} migrations: {chain_time:.2f} s; squashed at {upto}, the squash and {n - upto} more: "
                  f"{squash_time:.2f} s ({squash_time / chain_time:.2f}x)")
    if FLEET:
        print()
        print("A fleet of fresh SQLite databases (100 tiny migrations each) upgraded by one `upgrade --targets` against a serial loop of `upgrade`:")
        for count, parallel, fleet_time, serial_time in FLEET:
            print(f"  {count} databases, --parallel {parallel}: {fleet_time:.2f} s against {serial_time:.2f} s ({fleet_time / serial_time:.2f}x)")
        for size_, kib in FLEET_MEMORY:
            print(f"  peak memory over {size_} databases: {kib / 1024:.1f} MiB")
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
