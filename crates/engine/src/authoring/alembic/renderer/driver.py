"""Renders every revision of an Alembic project through Alembic's own offline mode (what
`alembic upgrade --sql A:B` prints), for one dialect: the SQL each script's upgrade() and
downgrade() emits, captured apart from Alembic's version-table statements and transaction
framing. aurora-migrate writes this file to a temporary directory and runs it with the
project's Python: `python driver.py REQUEST RESULT`, both JSON files."""

import ast
import contextlib
import functools
import json
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


def as_tuple(value):
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def run(alembic, config, scripts, script, upgrade, capture, history):
    """One direction of one revision: its SQL, or why Alembic could not render it."""
    history.script, history.upgrade = script, upgrade
    step_class = alembic["MigrationStep"]
    parents = as_tuple(script.down_revision)
    outcome = {"ran": False, "error": None}
    capture.statements = None
    capture.outside_transaction = False
    statements = []

    def steps(rev, context):
        if upgrade:
            step = step_class.upgrade_from_script(scripts.revision_map, script)
        else:
            step = step_class.downgrade_from_script(scripts.revision_map, script)
        original = step.migration_fn

        @functools.wraps(original)
        def migration_fn(**kw):
            capture.statements = statements
            try:
                original(**kw)
            except Exception as error:
                outcome["error"] = describe(error, script.path)
            finally:
                capture.statements = None
                outcome["ran"] = True

        step.migration_fn = migration_fn
        return [step]

    if upgrade:
        start, destination = (parents or "base"), script.revision
    else:
        start, destination = script.revision, (parents[0] if parents else "base")
    try:
        with alembic["EnvironmentContext"](
            config,
            scripts,
            fn=steps,
            as_sql=True,
            starting_rev=start,
            destination_rev=destination,
        ):
            scripts.run_env()
    except Exception as error:
        if not outcome["ran"]:
            return {"env_error": describe(error)}
    if outcome["error"] is not None:
        return {"error": outcome["error"]}
    if not outcome["ran"]:
        return {"env_error": "env.py did not run the migrations (context.run_migrations())"}
    if upgrade:
        history.upgrades[script.revision] = statements
    return {"sql": statements, "outside_transaction": capture.outside_transaction}


def render(request):
    try:
        from alembic.config import Config
        from alembic.runtime.environment import EnvironmentContext
        from alembic.runtime.migration import MigrationContext, MigrationStep
        from alembic.script import ScriptDirectory
        from alembic.operations.batch import BatchOperationsImpl
        from alembic.script.base import Script
        from sqlalchemy.engine.mock import MockConnection
    except Exception as error:
        return {"fatal": "cannot import alembic with %s: %s" % (sys.executable, describe(error))}
    import alembic as package

    capture = Capture()
    skipped = []
    config = Config(request["ini"], output_buffer=capture)
    config.set_main_option("sqlalchemy.url", request["url"])
    versions = os.path.realpath(request["versions"])
    guard_loading(Script, versions, skipped)
    force_dialect(EnvironmentContext, request["url"], capture)
    watch_autocommit(MigrationContext, capture)
    answer_nothing(MockConnection)
    refuse_offline_checks(EnvironmentContext, MigrationContext, versions, capture)
    history = History()
    reflect_from_history(BatchOperationsImpl, history, capture)
    try:
        scripts = ScriptDirectory.from_config(config)
        locations = getattr(scripts, "_version_locations", None)
        if locations is None:
            locations = [os.path.join(scripts.dir, "versions")] + list(scripts.version_locations)
        if versions not in [os.path.realpath(str(location)) for location in locations]:
            # A directory the configuration does not name (env.py may choose one per database,
            # as prefect's does): Alembic reads the one asked for.
            scripts.version_locations = [versions]
            scripts.__dict__.pop("_version_locations", None)
        mine = [s for s in scripts.walk_revisions() if os.path.realpath(os.path.dirname(str(s.path))) == versions]
    except Exception as error:
        return {"fatal": describe(error)}
    alembic = {"EnvironmentContext": EnvironmentContext, "MigrationStep": MigrationStep}
    history.scripts = scripts
    history.order = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    rendered = []
    for script in reversed(mine):
        rendered.append(
            {
                "file": os.path.basename(str(script.path)),
                "revision": script.revision,
                "upgrade": run(alembic, config, scripts, script, True, capture, history),
                "downgrade": run(alembic, config, scripts, script, False, capture, history),
            }
        )
    return {"alembic": package.__version__, "scripts": rendered, "skipped": sorted(set(skipped))}


def main():
    with open(sys.argv[1], encoding="utf-8") as source:
        request = json.load(source)
    try:
        result = render(request)
    except Exception as error:
        result = {"fatal": describe(error)}
    with open(sys.argv[2], "w", encoding="utf-8") as sink:
        json.dump(result, sink)


if __name__ == "__main__":
    main()
