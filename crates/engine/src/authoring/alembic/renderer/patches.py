"""What aurora-migrate changes in Alembic to render a revision offline as it would run on a
database: the dialect asked for, the migration function's own SQL captured, scripts that cannot
be loaded standing as revisions, a SQLite batch reflecting its table from the SQL rendered
before it, and everything offline mode would answer wrongly refused. Imported by the driver
from the same temporary directory."""

import ast
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

    def write(self, text):
        if self.statements is not None and not self.muted:
            text = text.strip()
            if text:
                self.statements.append(text)

    def flush(self):
        pass


class Refusal(Exception):
    """Why a section cannot be rendered offline, said as it is (no exception name)."""


class NotLoaded(Refusal):
    """Raised by the functions of a script that could not be loaded."""


class NoAnswer:
    """What a statement executed offline returns: no database answers, so the script may not
    use it (online it would read rows, and act on them)."""

    def refuse(self, *args, **kwargs):
        raise Refusal("the script reads what a statement returned, and offline mode has no database to answer")

    __bool__ = __iter__ = __len__ = __getitem__ = __call__ = refuse

    def __getattr__(self, name):
        self.refuse()


def describe(error, path=None):
    """The error, with the script's line where it was raised there."""
    if isinstance(error, Refusal):
        text = str(error)
    else:
        text = " ".join(("%s: %s" % (type(error).__name__, error)).split())
    if path is not None:
        wanted = os.path.realpath(str(path))
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if os.path.realpath(frame.filename) == wanted:
                return "line %d: %s" % (frame.lineno, text)
    return text


def literal_facts(path):
    """A script's revision facts read without running it (for a script that cannot load)."""
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read(), filename=str(path))
    facts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    facts[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            try:
                facts[node.target.id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return facts


class Unloadable:
    """Stands for a script that cannot be loaded: its facts, and functions that say why."""

    def __init__(self, facts, reason):
        for name in ("revision", "down_revision", "branch_labels", "depends_on"):
            setattr(self, name, facts.get(name))
        self.__doc__ = None

        def failing(**kw):
            raise NotLoaded("the script cannot be loaded: " + reason)

        self.upgrade = failing
        self.downgrade = failing


def guard_loading(script_class, versions, skipped):
    """Scripts of the versions directory that cannot be loaded stand as Unloadable; files there
    that are not revisions are skipped, as the importer skips them. Alembic names the loader
    `_from_path` (1.16 on) or `_from_filename` (before)."""

    def guarded(original, cls, scriptdir, path, call):
        if os.path.realpath(os.path.dirname(path)) != versions or not path.endswith(".py"):
            return call()
        try:
            script = call()
        except Exception as error:
            try:
                facts = literal_facts(path)
            except Exception:
                facts = {}
            if not isinstance(facts.get("revision"), str):
                skipped.append(os.path.basename(path))
                return None
            return cls(Unloadable(facts, describe(error, path)), facts["revision"], path)
        if script is not None and not isinstance(getattr(script.module, "revision", None), str):
            skipped.append(os.path.basename(path))
            return None
        return script

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


def force_dialect(environment_class, url, capture):
    """Whatever env.py passes, the dialect is the one asked for, the SQL is captured, and bound
    values are rendered as literals (as `alembic init`'s env.py does in offline mode)."""
    original = environment_class.configure

    def configure(self, *args, **kw):
        for name in ("connection", "dialect_name", "starting_rev", "output_buffer"):
            kw.pop(name, None)
        kw["url"] = url
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
    from the database the earlier revisions built."""

    def __init__(self):
        self.scripts = None
        self.upgrades = {}
        self.script = None
        self.upgrade = True
        self.order = []

    def before(self, capture):
        """Every statement that ran before this point: the ancestors' upgrades (and the
        revision's own, going down), then what the migration emitted so far."""
        revisions = self.scripts.revision_map
        wanted, todo = set(), [self.script.revision]
        while todo:
            revision = revisions.get_revision(todo.pop())
            if revision is None or revision.revision in wanted:
                continue
            wanted.add(revision.revision)
            todo.extend(as_tuple(revision.down_revision))
            todo.extend(as_tuple(getattr(revision, "dependencies", None)))
        if self.upgrade:
            wanted.discard(self.script.revision)
        statements = []
        for revision in self.order:
            if revision in wanted:
                if revision not in self.upgrades:
                    raise NotLoaded(
                        "a SQLite batch copies its table as the earlier revisions leave it, and the upgrade of "
                        "%s could not be rendered" % revision
                    )
                statements.extend(self.upgrades[revision])
        return statements + list(capture.statements or ())


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
        from sqlalchemy.pool import StaticPool

        engine = sqlalchemy.create_engine("sqlite://", poolclass=StaticPool)
        try:
            with engine.connect() as bind:
                raw = bind.connection.dbapi_connection
                for statement in history.before(capture):
                    raw.executescript(statement)
                context.as_sql = False
                self.operations.get_bind = lambda: bind
                try:
                    return original(self)
                finally:
                    context.as_sql = True
                    del self.operations.get_bind
        finally:
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
                raise Refusal("offline mode cannot bind the parameters of a statement that is not sa.text()")
            for row in rows:
                original(self, statement.bindparams(**row), None)
        else:
            original(self, statement, None)
        return NoAnswer()

    mock_class.execute = execute


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
            raise Refusal(asked % "is_offline_mode()")
        return original(self)

    environment_class.is_offline_mode = is_offline_mode

    def get(self):
        if asked_by_script(sys._getframe(1)):
            raise Refusal(asked % "as_sql")
        return self.__dict__["_offline"]

    def put(self, value):
        self.__dict__["_offline"] = value

    context_class.as_sql = property(get, put)
