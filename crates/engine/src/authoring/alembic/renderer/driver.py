"""Renders every revision of an Alembic project through Alembic's own offline mode (what
`alembic upgrade --sql A:B` prints), for one dialect: the SQL each script's upgrade() and
downgrade() emits, captured apart from Alembic's version-table statements and transaction
framing, or why it could not be rendered (a stable reason, the script's line, the error). The
request carries the importer's reading of the versions directory: the files it skipped (not
loaded here either) and each revision's facts. aurora-migrate writes this file and
aurora_alembic_patches.py to a temporary directory and runs it with the project's Python:
`python driver.py REQUEST RESULT`, both JSON files."""

import functools
import json
import os
import sys

# Beside this file, whatever PYTHONSAFEPATH says.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aurora_alembic_patches import (  # noqa: E402
    Capture,
    History,
    answer_nothing,
    check_types_first,
    as_tuple,
    describe,
    force_dialect,
    guard_loading,
    reflect_from_history,
    refuse_offline_checks,
    text_of,
    watch_autocommit,
)


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
            return {"env_error": text_of(error)}
    if outcome["error"] is not None:
        return {"error": outcome["error"]}
    if not outcome["ran"]:
        return {"env_error": "env.py did not run the migrations (context.run_migrations())"}
    (history.upgrades if upgrade else history.downgrades)[script.revision] = statements
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
        return {"fatal": "cannot import alembic with %s: %s" % (sys.executable, text_of(error))}
    import alembic as package

    capture = Capture()
    config = Config(request["ini"], output_buffer=capture)
    config.set_main_option("sqlalchemy.url", request["url"])
    versions = os.path.realpath(request["versions"])
    guard_loading(Script, versions, set(request["skipped"]), request["revisions"])
    force_dialect(EnvironmentContext, request["url"], capture, request.get("mariadb", False))
    watch_autocommit(MigrationContext, capture)
    answer_nothing(MockConnection)
    check_types_first(MockConnection, capture)
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
        return {"fatal": text_of(error)}
    alembic = {"EnvironmentContext": EnvironmentContext, "MigrationStep": MigrationStep}
    history.scripts = scripts
    history.order = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    history.mine = {s.revision for s in mine}
    rendered = {}
    # Every upgrade first, base to heads, then every downgrade, heads to base: a SQLite batch
    # going down is reflected from the downgrades above it too.
    for script in reversed(mine):
        rendered[script.revision] = {
            "file": os.path.basename(str(script.path)),
            "revision": script.revision,
            "upgrade": run(alembic, config, scripts, script, True, capture, history),
        }
    for script in mine:
        rendered[script.revision]["downgrade"] = run(alembic, config, scripts, script, False, capture, history)
    return {"alembic": package.__version__, "scripts": [rendered[s.revision] for s in reversed(mine)]}


def main():
    with open(sys.argv[1], encoding="utf-8") as source:
        request = json.load(source)
    try:
        result = render(request)
    except Exception as error:
        result = {"fatal": text_of(error)}
    with open(sys.argv[2], "w", encoding="utf-8") as sink:
        json.dump(result, sink)


if __name__ == "__main__":
    main()
