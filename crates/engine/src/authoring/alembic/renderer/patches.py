"""What aurora-migrate changes in Alembic to render a revision offline as it would run on a
database: the dialect asked for, the migration function's own SQL captured, the files the
importer skipped left unloaded and scripts that cannot be loaded standing as revisions with the
importer's facts, a SQLite batch reflecting its table from the SQL rendered before it, and
everything offline mode would answer wrongly refused, each with a stable reason. Imported by the
driver from the same temporary directory."""

import contextlib
import os
import sys
import traceback


class Capture:
    """The output buffer Alembic writes to: keeps what a migration function writes."""

    def __init__(self):
        self.statements = None
        self.muted = 0
        self.outside_transaction = False
        # Set while a PostgreSQL type is created or dropped with checkfirst.
        self.checkfirst = False

    def write(self, text):
        if self.statements is not None and not self.muted:
            text = text.strip()
            if text and self.checkfirst:
                text = checked_first(text)
            if text:
                self.statements.append(text)

    def flush(self):
        pass


def checked_first(text):
    """A type's CREATE or DROP as SQLAlchemy runs it with checkfirst, which asks the database
    whether the type exists before it acts: a CREATE TYPE that does nothing where the type
    exists, a DROP TYPE IF EXISTS."""
    statement = text.rstrip().rstrip(";").rstrip()
    if statement.startswith("CREATE TYPE "):
        tag = "$$"
        while tag in statement:
            tag = "$%s$" % ("checkfirst" + tag.strip("$"))
        return "DO %s BEGIN %s; EXCEPTION WHEN duplicate_object THEN NULL; END %s;" % (tag, statement, tag)
    if statement.startswith("DROP TYPE ") and not statement.startswith("DROP TYPE IF EXISTS "):
        return "DROP TYPE IF EXISTS %s;" % statement[len("DROP TYPE "):]
    return text


class Refusal(Exception):
    """Why a section cannot be rendered offline, said as it is (no exception name), with the
    stable reason aurora-migrate reports it under."""

    reason = "offline_error"


class NotLoaded(Refusal):
    """Raised by the functions of a script that could not be loaded."""

    reason = "alembic_cannot_load"


class ReadsDatabase(Refusal):
    """The script uses what only a database could answer."""

    reason = "reads_database"


class AsksOffline(Refusal):
    """The script asks whether it runs offline."""

    reason = "asks_offline_mode"


class Unbound(Refusal):
    """Parameters offline mode cannot bind into the statement."""

    reason = "unbound_parameters"


class NoHistory(Refusal):
    """A SQLite batch whose table an earlier revision left unknown."""

    reason = "batch_reflection"


class NoAnswer:
    """What a statement executed offline returns: no database answers, so the script may not
    use it (online it would read rows, and act on them)."""

    def refuse(self, *args, **kwargs):
        raise ReadsDatabase("the script reads what a statement returned, and offline mode has no database to answer")

    __bool__ = __iter__ = __len__ = __getitem__ = __call__ = refuse

    def __getattr__(self, name):
        self.refuse()


def text_of(error):
    """The error in words: a refusal as it is said, anything else with its exception's name."""
    if isinstance(error, Refusal):
        return str(error)
    return " ".join(("%s: %s" % (type(error).__name__, error)).split())


def line_of(error, path):
    """The line of the script where the error was raised, if it was raised there (or where the
    script failed to load, for the functions of one that could not)."""
    if getattr(error, "line", None) is not None:
        return error.line
    if path is None:
        return None
    wanted = os.path.realpath(str(path))
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if os.path.realpath(frame.filename) == wanted:
            return frame.lineno
    return None


def reason_of(error):
    """The stable reason of an error raised while a migration function ran offline."""
    if isinstance(error, Refusal):
        return error.reason
    if type(error).__name__ == "NoInspectionAvailable":
        # sa.inspect(op.get_bind()): offline, there is no database to inspect.
        return "reads_database"
    return "offline_error"


def describe(error, path=None):
    """The error as the importer reports it: its reason, the script's line, what it says."""
    return {"reason": reason_of(error), "line": line_of(error, path), "what": text_of(error)}


class Unloadable:
    """Stands for a script that cannot be loaded: the importer's facts of it, and functions
    that say why."""

    def __init__(self, facts, why):
        for name in ("revision", "down_revision", "branch_labels", "depends_on"):
            value = tuple(facts.get(name) or ()) or None
            setattr(self, name, value[0] if value and len(value) == 1 else value)
        self.__doc__ = None
        self.why = why

        def failing(**kw):
            error = NotLoaded("the project's Python cannot import the script: " + why["what"])
            error.line = why["line"]
            raise error

        self.upgrade = failing
        self.downgrade = failing


def guard_loading(script_class, versions, skipped, revisions):
    """The importer decides what is a revision: a file of the versions directory it skipped is
    not loaded, and a revision the project's Python cannot import stands as an Unloadable with
    the importer's facts. Alembic names the loader `_from_path` (1.16 on) or `_from_filename`
    (before)."""

    def guarded(original, cls, scriptdir, path, call):
        if os.path.realpath(os.path.dirname(path)) != versions or not path.endswith(".py"):
            return call()
        name = os.path.basename(path)
        if name in skipped:
            return None
        try:
            return call()
        except Exception as error:
            facts = revisions.get(name)
            if facts is None:
                raise
            return cls(Unloadable(facts, describe(error, path)), facts["revision"], path)

    if hasattr(script_class, "_from_path"):
        original = script_class._from_path.__func__

        def from_path(cls, scriptdir, path):
            call = lambda: original(cls, scriptdir, path)
            return guarded(original, cls, scriptdir, str(path), call)

        script_class._from_path = classmethod(from_path)
    else:
        original = script_class._from_filename.__func__

        def from_filename(cls, scriptdir, dir_, filename):
            call = lambda: original(cls, scriptdir, dir_, filename)
            return guarded(original, cls, scriptdir, os.path.join(str(dir_), filename), call)

        script_class._from_filename = classmethod(from_filename)


def force_dialect(environment_class, url, capture, mariadb=False):
    """Whatever env.py passes, the dialect is the one asked for, the SQL is captured, and bound
    values are rendered as literals (as `alembic init`'s env.py does in offline mode). For
    MariaDB, SQLAlchemy's MySQL dialect as it sets itself up on a MariaDB server: still named
    `mysql` (a script's branches on the dialect's name go as they would online), with MariaDB's
    SQL and reserved words."""
    original = environment_class.configure

    def configure(self, *args, **kw):
        for name in ("connection", "dialect_name", "starting_rev", "output_buffer"):
            kw.pop(name, None)
        kw["url"] = url
        if mariadb:
            kw["dialect_opts"] = dict(kw.get("dialect_opts") or {}, is_mariadb=True)
        kw["literal_binds"] = True
        kw["output_buffer"] = capture
        return original(self, **kw)

    environment_class.configure = configure


def watch_autocommit(context_class, capture):
    """An autocommit_block's COMMIT and BEGIN are not the migration's SQL: the migration runs
    outside a transaction instead."""
    original = context_class.autocommit_block

    @contextlib.contextmanager
    def autocommit_block(self):
        capture.outside_transaction = True
        block = original(self)
        capture.muted += 1
        try:
            block.__enter__()
        finally:
            capture.muted -= 1
        try:
            yield
        except BaseException:
            capture.muted += 1
            try:
                if not block.__exit__(*sys.exc_info()):
                    raise
            finally:
                capture.muted -= 1
        else:
            capture.muted += 1
            try:
                block.__exit__(None, None, None)
            finally:
                capture.muted -= 1

    context_class.autocommit_block = autocommit_block


def as_tuple(value):
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


class History:
    """The SQL rendered so far for SQLite, revision by revision: a SQLite batch that must copy its
    table reflects it from an in-memory database this SQL built, as Alembic online reflects it
    from the database the earlier revisions built. Every upgrade is rendered before any
    downgrade, and downgrades from the heads down, so that a downgrade can be reflected both as
    its upgrade left the table and as the downgrades above it leave it."""

    def __init__(self):
        self.scripts = None
        self.upgrades = {}
        self.downgrades = {}
        self.script = None
        self.upgrade = True
        self.order = []
        # The revisions of the versions directory rendered here.
        self.mine = set()
        self.lineages = {}

    def lineage(self, start):
        """`start` and every revision it stands on."""
        if start not in self.lineages:
            self.lineages[start] = self.walk(start)
        return self.lineages[start]

    def walk(self, start):
        revisions = self.scripts.revision_map
        found, todo = set(), [start]
        while todo:
            revision = revisions.get_revision(todo.pop())
            if revision is None or revision.revision in found:
                continue
            found.add(revision.revision)
            todo.extend(as_tuple(revision.down_revision))
            todo.extend(as_tuple(getattr(revision, "dependencies", None)))
        return found

    def rendered(self, steps, revision, direction):
        if revision not in steps:
            raise NoHistory(
                "a SQLite batch copies its table as the earlier revisions leave it, and the %s of "
                "%s could not be rendered" % (direction, revision)
            )
        return steps[revision]

    def before(self, capture):
        """Every statement that ran before this point: the ancestors' upgrades (and the
        revision's own, going down), then what the migration emitted so far."""
        wanted = set(self.lineage(self.script.revision))
        if self.upgrade:
            wanted.discard(self.script.revision)
        statements = []
        for revision in self.order:
            if revision in wanted:
                statements.extend(self.rendered(self.upgrades, revision, "upgrade"))
        return statements + list(capture.statements or ())

    def from_heads(self, capture):
        """Going down from the heads: every upgrade, then the downgrades of the revisions that
        stand on this one, the newest first, then what the migration emitted so far."""
        statements = []
        order = [revision for revision in self.order if revision in self.mine]
        for revision in order:
            statements.extend(self.rendered(self.upgrades, revision, "upgrade"))
        me = self.script.revision
        for revision in reversed(order):
            if revision != me and me in self.lineage(revision):
                statements.extend(self.rendered(self.downgrades, revision, "downgrade"))
        return statements + list(capture.statements or ())


def built(sqlalchemy, statements):
    """An in-memory SQLite database that ran `statements`."""
    from sqlalchemy.pool import StaticPool

    engine = sqlalchemy.create_engine("sqlite://", poolclass=StaticPool)
    connection = engine.connect()
    raw = connection.connection.dbapi_connection
    for statement in statements:
        raw.executescript(statement)
    return engine, connection


def table_shape(sqlalchemy, connection, table):
    """The table as reflection reads it, which is what the copy is made from."""
    inspector = sqlalchemy.inspect(connection)
    if not inspector.has_table(table):
        return None

    def listed(items):
        return sorted(repr(sorted(item.items(), key=repr)) for item in items)

    return (
        [(c["name"], str(c["type"]), c["nullable"], repr(c.get("default"))) for c in inspector.get_columns(table)],
        repr(sorted(inspector.get_pk_constraint(table).items(), key=repr)),
        listed(inspector.get_foreign_keys(table)),
        listed(inspector.get_indexes(table)),
        listed(inspector.get_unique_constraints(table)),
        listed(inspector.get_check_constraints(table)),
    )


def reflect_from_history(batch_class, history, capture):
    """A SQLite batch that must copy its table, which offline mode refuses for want of a
    database to reflect, reflects it from the history rendered so far."""
    original = batch_class.flush

    def flush(self):
        context = self.operations.migration_context
        if not (
            context.as_sql
            and self.copy_from is None
            and context.dialect.name == "sqlite"
            and self._should_recreate()
        ):
            return original(self)
        import sqlalchemy

        engine, bind = built(sqlalchemy, history.before(capture))
        try:
            if not history.upgrade:
                # Online, the copy takes the table as the database holds it, and going down from
                # the heads the downgrades above may leave it otherwise than this upgrade did: a
                # copy that depends on the way down is not one SQL.
                other, other_bind = built(sqlalchemy, history.from_heads(capture))
                try:
                    shape = table_shape(sqlalchemy, bind, self.table_name)
                    if shape != table_shape(sqlalchemy, other_bind, self.table_name):
                        raise NoHistory(
                            "a SQLite batch copies table %s as the database holds it, and the downgrades "
                            "above this revision leave it otherwise than its upgrade did" % self.table_name
                        )
                finally:
                    other_bind.close()
                    other.dispose()
            context.as_sql = False
            self.operations.get_bind = lambda: bind
            try:
                return original(self)
            finally:
                context.as_sql = True
                del self.operations.get_bind
        finally:
            bind.close()
            engine.dispose()

    batch_class.flush = flush


def answer_nothing(mock_class):
    """A statement executed on `op.get_bind()` offline: its parameters bound into it (Alembic
    would drop them), and a result the script cannot use."""
    original = mock_class.execute

    def execute(self, statement, parameters=None, execution_options=None):
        if parameters:
            rows = parameters if isinstance(parameters, (list, tuple)) else [parameters]
            if not hasattr(statement, "bindparams") or not all(isinstance(r, dict) for r in rows):
                raise Unbound("offline mode cannot bind the parameters of a statement that is not sa.text()")
            for row in rows:
                original(self, statement.bindparams(**row), None)
        else:
            original(self, statement, None)
        return NoAnswer()

    def close(self):
        # An ORM session on the bind closes it when done; what it read in between, offline
        # mode could not answer (the closing would otherwise hide why, as an AttributeError).
        raise ReadsDatabase("the script uses the bind as a connection (an ORM session), and offline mode has no database to answer")

    mock_class.execute = execute
    mock_class.close = close


def check_types_first(mock_class, capture):
    """A PostgreSQL type created or dropped with checkfirst (the default of postgresql.ENUM's
    .create(bind) and .drop(bind)) is, online, created only where it does not exist and dropped
    only where it does: SQLAlchemy asks the database first. Offline, the mock connection drops
    checkfirst and the statement would act unconditionally (an upgrade after a downgrade that
    left the type would fail), so the SQL asks the database instead. Without checkfirst (a
    table's own types, which Alembic creates with checkfirst=False; `sa.Enum(...).create(bind)`;
    an explicit checkfirst=False) the statement stays unconditional, as online."""
    original = mock_class._run_ddl_visitor

    def run_ddl_visitor(self, visitorcallable, element, **kwargs):
        try:
            from sqlalchemy.dialects.postgresql.named_types import NamedTypeDropper as Dropper
            from sqlalchemy.dialects.postgresql.named_types import NamedTypeGenerator as Generator
        except ImportError:  # SQLAlchemy before 2.0
            from sqlalchemy.dialects.postgresql.base import EnumDropper as Dropper
            from sqlalchemy.dialects.postgresql.base import EnumGenerator as Generator

        if not (kwargs.get("checkfirst") and issubclass(visitorcallable, (Generator, Dropper))):
            return original(self, visitorcallable, element, **kwargs)
        previous, capture.checkfirst = capture.checkfirst, True
        try:
            return original(self, visitorcallable, element, **kwargs)
        finally:
            capture.checkfirst = previous

    mock_class._run_ddl_visitor = run_ddl_visitor


def refuse_offline_checks(environment_class, context_class, versions, capture):
    """A script that asks whether it runs offline may do otherwise online (skip its data
    migration offline): what it does offline is not what Alembic does on a database."""

    def asked_by_script(frame):
        while frame is not None and frame.f_code.co_filename == "<string>":
            frame = frame.f_back
        return (
            capture.statements is not None
            and frame is not None
            and os.path.realpath(os.path.dirname(frame.f_code.co_filename)) == versions
        )

    asked = "the script asks whether it runs offline (%s), and may do otherwise on a database"
    original = environment_class.is_offline_mode

    def is_offline_mode(self):
        if asked_by_script(sys._getframe(1)):
            raise AsksOffline(asked % "is_offline_mode()")
        return original(self)

    environment_class.is_offline_mode = is_offline_mode

    def get(self):
        if asked_by_script(sys._getframe(1)):
            raise AsksOffline(asked % "as_sql")
        return self.__dict__["_offline"]

    def put(self, value):
        self.__dict__["_offline"] = value

    context_class.as_sql = property(get, put)
