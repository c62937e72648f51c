"""The tools compared on one database, round by round: ours (per migration, and
`--transaction all`), the floors (the database's own client applying the same SQL, one
transaction per migration plus a version-row insert: statement by statement, and, for
PostgreSQL and MySQL, each migration's whole transaction as one message), and sqlx-cli and
refinery where they are available. Each round creates fresh databases, runs every tool in an
order rotated by one from the round before (so the machine's drift hits all alike), and the
report gives the median of the per-round ratios, not a ratio of medians."""

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

METRICS = ("upgrade", "downgrade", "noop", "current")


def timed(cmd, env=None, stdin=None):
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{result.stderr[-2000:]}")
    return elapsed


class Server:
    """Where fresh databases come from: a PostgreSQL or MySQL server, or a directory of SQLite
    files. `tls`: every tool, the database's own client included, connects over TLS (required,
    as production connects); otherwise over plain TCP (TLS refused)."""

    def __init__(self, kind, admin_url, tls=False):
        self.kind, self.tls = kind, tls and kind != "sqlite"
        self.admin = urlparse(admin_url) if admin_url else None
        self.scratch = Path(tempfile.mkdtemp(prefix="aurora-bench-db-"))

    @property
    def transport(self):
        return "file" if self.kind == "sqlite" else ("TLS" if self.tls else "plain TCP")

    def client(self, database):
        """The database's own client, reading SQL on stdin."""
        if self.kind == "postgresql":
            a = self.admin
            mode = "require" if self.tls else "disable"
            return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", a.hostname or "127.0.0.1", "-p", str(a.port or 5432),
                    "-U", a.username or "postgres", "-d", f"dbname={database} sslmode={mode}"]
        if self.kind == "mysql":
            a = self.admin
            return ["mariadb", "-h", a.hostname or "127.0.0.1", "-P", str(a.port or 3306), "-u", a.username or "root",
                    "--ssl" if self.tls else "--skip-ssl"] + ([f"-p{a.password}"] if a.password else []) + ["-D", database]
        return ["sqlite3", str(self.scratch / f"{database}.db")]

    def url(self, database):
        a = self.admin
        if self.kind == "postgresql":
            mode = "require" if self.tls else "disable"
            return f"postgres://{a.username or 'postgres'}@{a.hostname or '127.0.0.1'}:{a.port or 5432}/{database}?sslmode={mode}"
        if self.kind == "mysql":
            auth = (a.username or "root") + (f":{a.password}" if a.password else "")
            mode = "REQUIRED" if self.tls else "DISABLED"
            return f"mysql://{auth}@{a.hostname or '127.0.0.1'}:{a.port or 3306}/{database}?ssl-mode={mode}"
        return f"sqlite://{self.scratch / f'{database}.db'}"

    def offers_tls(self):
        """Whether the server accepts TLS connections (SQLite has no transport)."""
        if self.kind == "sqlite":
            return False
        plain = Server(self.kind, self.admin.geturl())
        try:
            query = ["-Atc", "SHOW ssl"] if self.kind == "postgresql" else ["-N", "-B", "-e", "SELECT @@have_ssl"]
            result = subprocess.run(plain.client("test") + query, capture_output=True, text=True)
            return result.stdout.strip().lower() in ("on", "yes")
        finally:
            plain.close()

    def create(self, database):
        if self.kind == "postgresql":
            timed(self.client("test") + ["-c", f'DROP DATABASE IF EXISTS "{database}"', "-c", f'CREATE DATABASE "{database}"'])
        elif self.kind == "mysql":
            timed(self.client("test") + ["-e", f"DROP DATABASE IF EXISTS `{database}`; CREATE DATABASE `{database}`"])
        else:
            path = self.scratch / f"{database}.db"
            path.unlink(missing_ok=True)
            timed(["sqlite3", str(path), "VACUUM"])  # an empty database file, as a server's new database

    def drop(self, database):
        if self.kind == "postgresql":
            timed(self.client("test") + ["-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'])
        elif self.kind == "mysql":
            timed(self.client("test") + ["-e", f"DROP DATABASE IF EXISTS `{database}`"])
        else:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.scratch / database}.db{suffix}").unlink(missing_ok=True)

    def close(self):
        shutil.rmtree(self.scratch, ignore_errors=True)


class Ours:
    def __init__(self, binary, server, extra=(), name="aurora-migrate"):
        self.binary, self.server, self.extra, self.name = str(binary), server, list(extra), name
        self.metrics = METRICS if not extra else ("upgrade",)

    def run(self, metric, database):
        env = dict(os.environ, DATABASE_URL=self.server.url(database))
        command = {"upgrade": ["upgrade", *self.extra], "noop": ["upgrade"], "current": ["current"], "downgrade": ["downgrade", "base"]}
        return timed([self.binary, "-q", *command[metric]], env=env)


class Floor:
    """The database's own client applying the migrations' SQL. `one_message`: each
    migration's transaction joined into one message (psql's `\\;`, the mariadb client's
    delimiter), as our runner sends it."""

    def __init__(self, server, scripts, one_message, asynchronous=False):
        self.server, self.one_message = server, one_message
        self.up, self.down = scripts
        self.metrics = METRICS
        self.name = {True: "floor, one message each", False: "floor, statement by statement"}[one_message]
        if server.kind == "sqlite":
            self.name = "floor (sqlite3)"
        if asynchronous:
            # PostgreSQL: no commit waits for the disk, not even the last: below any durable run.
            self.up, self.down = ("SET synchronous_commit = off;\n" + script for script in scripts)
            self.metrics = ("upgrade", "downgrade")
            self.name = "floor, one message, sync commit off"

    def run(self, metric, database):
        client = self.server.client(database)
        if metric in ("noop", "current"):
            # The least a tool can do to learn where a database stands: start, connect, ask.
            select = ["-c", "select 1"] if self.server.kind == "postgresql" else (["-e", "select 1"] if self.server.kind == "mysql" else ["select 1"])
            return timed(client + select)
        return timed(client, stdin=self.up if metric == "upgrade" else self.down)


class Sqlx:
    def __init__(self, sqlx, source, server):
        self.sqlx, self.source, self.server = sqlx, str(source), server
        self.metrics = METRICS
        version = subprocess.run([sqlx, "--version"], capture_output=True, text=True).stdout.strip()
        self.name = version or "sqlx-cli"

    def run(self, metric, database):
        url = self.server.url(database)
        command = {
            "upgrade": ["migrate", "run"],
            "noop": ["migrate", "run"],
            "current": ["migrate", "info"],
            "downgrade": ["migrate", "revert", "--target-version", "0"],
        }[metric]
        return timed([self.sqlx, *command, "--source", self.source, "--database-url", url])


class Refinery:
    """refinery's own runner, through `bench/refinery`; it has no downgrade."""

    def __init__(self, binary, source, server):
        self.binary, self.source, self.server = str(binary), str(source), server
        self.metrics = ("upgrade", "noop", "current")
        self.name = "refinery 0.10"

    def run(self, metric, database):
        # Its postgres and mysql drivers here connect without TLS, so it only runs plain.
        url = self.server.url(database).split("?")[0]
        return timed([self.binary, self.source, url, "current" if metric == "current" else "run"])


def floor_scripts(statements, n, kind, one_message):
    """The floor's upgrade and downgrade scripts: `statements(i)` gives migration i's (up, down)
    SQL text."""
    begin = "BEGIN IMMEDIATE" if kind == "sqlite" else "BEGIN"
    scripts = []
    for direction in ("up", "down"):
        lines = ["CREATE TABLE IF NOT EXISTS floor_version (version_num VARCHAR(32) PRIMARY KEY);"]
        if one_message and kind == "mysql":
            lines.append("DELIMITER ;;")
        order = range(n) if direction == "up" else reversed(range(n))
        for i in order:
            up, down = statements(i)
            rev = f"b{i:011d}"
            body = [s.strip().rstrip(";") for s in (up if direction == "up" else down).split("\n") if s.strip()]
            book = f"INSERT INTO floor_version VALUES ('{rev}')" if direction == "up" else f"DELETE FROM floor_version WHERE version_num = '{rev}'"
            parts = [begin, *body, book, "COMMIT"]
            if not one_message:
                lines.append(";\n".join(parts) + ";")
            elif kind == "postgresql":
                lines.append(" \\; ".join(parts) + ";")
            else:
                lines.append("; ".join(parts) + ";;")
        scripts.append("\n".join(lines) + "\n")
    return tuple(scripts)


def rounds(tools, server, n_rounds, label):
    """Runs every tool `n_rounds` times on fresh databases, rotating their order; returns
    {tool name: {metric: [seconds per round]}}."""
    times = {tool.name: {m: [] for m in tool.metrics} for tool in tools}
    for index in range(n_rounds):
        shift = index % len(tools)
        order = tools[shift:] + tools[:shift]
        for number, tool in enumerate(order):
            database = f"aurora_bench_{os.getpid()}_{number}"
            server.create(database)
            try:
                for metric in ("upgrade", "noop", "current", "downgrade"):
                    if metric in tool.metrics:
                        times[tool.name][metric].append(tool.run(metric, database))
            finally:
                server.drop(database)
        print(f"  {label}: round {index + 1} of {n_rounds} done", flush=True)
    return times


def ratio(times, tool, floor, metric):
    """The median of the per-round ratios tool / floor for `metric`, or None."""
    mine, theirs = times.get(tool, {}).get(metric), times.get(floor, {}).get(metric)
    if not mine or not theirs:
        return None
    return statistics.median(a / b for a, b in zip(mine, theirs))


def report(kind, workload, n, n_rounds, times, floors, transport="plain TCP"):
    """The table of one database and workload: median times, and median per-round ratios
    against each floor."""
    over = "" if kind == "sqlite" else f" over {transport}"
    lines = [f"{kind}{over}, {workload} workload, N = {n}, {n_rounds} rounds (medians; ratios are medians of per-round ratios)"]
    header = f"  {'tool':<34}{'up s':>7}{'down s':>8}{'no-op ms':>9}{'current ms':>11}"
    for floor in floors:
        short = "msg" if "message" in floor else "each"
        header += f" | vs {short}: {'up':>5}{'down':>6}{'no-op':>6}{'curr':>6}"
    lines.append(header)
    for tool, metrics in times.items():
        def med(metric, scale=1.0, digits=2):
            values = metrics.get(metric)
            return f"{statistics.median(values) * scale:.{digits}f}" if values else "-"
        row = f"  {tool:<34}{med('upgrade'):>7}{med('downgrade'):>8}{med('noop', 1e3, 1):>9}{med('current', 1e3, 1):>11}"
        for floor in floors:
            cells = []
            for metric in METRICS:
                value = ratio(times, tool, floor, metric)
                cells.append(f"{value:.2f}" if value is not None else "-")
            row += f" |          {cells[0]:>5}{cells[1]:>6}{cells[2]:>6}{cells[3]:>6}"
        lines.append(row)
    return "\n".join(lines)
