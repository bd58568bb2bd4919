"""``flask backup create`` / ``flask backup restore`` on SQLite and PostgreSQL.

A database with a cycle, a submitted and an accepted report (entries, evidence, figures), users and
audit events is backed up and restored into a fresh, empty database; every table, row for row, and
every trigger, index and constraint must come back, the audit chain must verify, and the locks on
the accepted report must still hold.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from config import normalise_database_url
from tests.conftest import make_app
from tests.test_workflow import CYCLE, actor, complete, start
from tracker import services
from tracker.audit import ChainBreak, verify_chain
from tracker.backup import POSTGRESQL_CLIENT_PACKAGE, BackupError, backup_cli, create_backup
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import Entry, Evidence, Report, ReportState


def with_backup_commands(app: Flask) -> Flask:
    """The ``backup`` group on the app, whether or not tracker/cli.py registers it already."""
    if "backup" not in app.cli.commands:
        app.cli.add_command(backup_cli)
    return app


def cli(app: Flask, *args: str):
    return with_backup_commands(app).test_cli_runner().invoke(args=["backup", *args])


@dataclass(frozen=True)
class Populated:
    cycle_id: int
    accepted_id: int
    submitted_id: int
    locked_entry_id: int


@pytest.fixture
def populated(app, people) -> Populated:
    """Data made through the services: a cycle, Albania's report accepted, Serbia's submitted."""
    with app.app_context():
        cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
        accepted = start(cycle.id, "albania")
        services.save_draft(accepted.id, accepted.version, complete(accepted), actor("albania"))
        services.submit(accepted.id, accepted.version, actor("albania"))
        services.return_for_revision(accepted.id, "Please add the figures.", {}, actor("secretariat"))
        services.resubmit(accepted.id, accepted.version, actor("albania"))
        services.accept(accepted.id, {}, actor("secretariat"))
        submitted = start(cycle.id, "serbia")
        services.save_draft(submitted.id, submitted.version, complete(submitted), actor("serbia"))
        services.submit(submitted.id, submitted.version, actor("serbia"))
        locked_entry = next(e for e in accepted.entries if e.evidence and e.figures)
        result = Populated(cycle.id, accepted.id, submitted.id, locked_entry.id)
        assert accepted.state is ReportState.ACCEPTED and submitted.state is ReportState.SUBMITTED
        db.session.remove()
    return result


# ----------------------------------------------------------------------------- reading a whole database
def _normalise(value: str, schema: str | None) -> str:
    value = value.replace(f"{schema}.", "<schema>.") if schema else value
    if value.startswith("CHECK "):
        # PostgreSQL deparses a restored IN-list check with its casts moved inside the array
        # (ARRAY['a'::varchar]::text[] comes back as ARRAY['a'::varchar::text]): the same constraint
        value = re.sub(r"::[a-z ]+(\[\])?", "", value).replace("(", "").replace(")", "")
    return value


def sqlite_contents(path: Path) -> dict[str, object]:
    """Every table's rows by primary key, and every schema object (tables, indexes, triggers)."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        objects = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        tables = {}
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            if name.startswith("sqlite_"):
                continue
            keys = [
                row[1]
                for row in sorted(connection.execute(f'PRAGMA table_info("{name}")'), key=lambda r: r[5])
                if row[5]
            ]
            order = ", ".join(f'"{key}"' for key in keys) or "rowid"
            tables[name] = connection.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()
        return {"tables": tables, "objects": objects}
    finally:
        connection.close()


def postgresql_contents(schema: str) -> dict[str, object]:
    """The same for one PostgreSQL schema, with the schema's name taken out of the definitions."""
    engine = create_engine(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    params = {"schema": schema}
    try:
        with engine.connect() as connection:
            names = connection.execute(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :schema AND c.relkind = 'r' ORDER BY c.relname"
                ),
                params,
            ).scalars()
            tables = {}
            for name in list(names):
                keys = connection.execute(
                    text(
                        "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                        "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                        "WHERE i.indrelid = CAST(:table AS regclass) AND i.indisprimary "
                        "ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)"
                    ),
                    {"table": f'"{schema}"."{name}"'},
                ).scalars()
                order = ", ".join(f'"{key}"' for key in keys)
                assert order, f"{name} has no primary key"
                rows = connection.execute(text(f'SELECT * FROM "{schema}"."{name}" ORDER BY {order}'))
                tables[name] = [tuple(row) for row in rows]
            definitions = {
                "triggers": "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :schema AND NOT t.tgisinternal ORDER BY 1, 2",
                "functions": "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :schema ORDER BY 1",
                "constraints": "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
                "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :schema ORDER BY 1, 2",
                "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = :schema ORDER BY 1, 2",
                "sequences": "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = :schema ORDER BY 1",
                # no ACL means the owner's default one, which is what an explicit owner-only ACL says too
                "privileges": "SELECT c.relname, CAST(COALESCE(c.relacl, acldefault(CASE c.relkind "
                "WHEN 'S' THEN CAST('s' AS \"char\") ELSE CAST('r' AS \"char\") END, c.relowner)) AS text) "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema ORDER BY 1",
            }
            objects = {
                kind: [
                    tuple(_normalise(str(v), schema) for v in row) for row in connection.execute(text(query), params)
                ]
                for kind, query in definitions.items()
            }
        return {"tables": tables, "objects": objects}
    finally:
        engine.dispose()


def assert_same_objects(actual: dict[str, object], expected: dict[str, object], sequences: bool = True) -> None:
    """The same schema objects, kind by kind; ``sequences=False``: not their positions (a restore winds them back)."""
    kinds = {"objects": (actual["objects"], expected["objects"])}
    if isinstance(expected["objects"], dict):
        kinds = {kind: (actual["objects"][kind], expected["objects"][kind]) for kind in expected["objects"]}
    for kind, (got, wanted) in kinds.items():
        if kind == "sequences" and not sequences:
            continue
        missing, extra = sorted(set(wanted) - set(got)), sorted(set(got) - set(wanted))
        assert (missing, extra) == ([], []), f"{kind}: missing {missing}, unexpected {extra}"
        assert got == wanted, kind


class Database:
    """One database the tests read whole: a SQLite file, or a PostgreSQL schema."""

    def __init__(self, url: str):
        self.url = url
        parsed = make_url(url)
        self.backend = parsed.get_backend_name()
        self.path = Path(parsed.database) if self.backend == "sqlite" else None
        self.schema = None if self.path else parsed.query["options"].removeprefix("-csearch_path=")

    def contents(self, schema: str | None = None) -> dict[str, object]:
        if self.path is not None:
            return sqlite_contents(self.path)
        return postgresql_contents(schema or self.schema)


@contextlib.contextmanager
def fresh_database(app: Flask, database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, Database, str | None]]:
    """An app on a new, empty database to restore into; the source, and (PostgreSQL) the source's new name.

    A PostgreSQL backup is restored into a schema of the same name, so the source schema is renamed
    aside (and dropped afterwards) and an empty schema takes its name.
    """
    source = Database(database_url)
    if source.backend == "sqlite":
        target = make_app(f"sqlite:///{tmp_path / 'restored.db'}", UPLOAD_DIR=str(tmp_path / "restored-uploads"))
        yield with_backup_commands(target), source, None
        with target.app_context():
            db.engine.dispose()
        return
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    aside = f"{source.schema}_src"
    admin = create_engine(normalise_database_url(os.environ["TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER SCHEMA "{source.schema}" RENAME TO "{aside}"')
            connection.exec_driver_sql(f'CREATE SCHEMA "{source.schema}"')
        target = make_app(database_url, UPLOAD_DIR=str(tmp_path / "restored-uploads"))
        yield with_backup_commands(target), source, aside
        with target.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{aside}" CASCADE')
        admin.dispose()


def _counts_from_output(output: str) -> dict[str, int]:
    counts = {}
    for line in output.splitlines():
        words = line.split()
        if line.startswith("  ") and len(words) == 2 and words[1].isdigit():
            counts[words[0]] = int(words[1])
    return counts


# ----------------------------------------------------------------------------- tests
def test_a_backup_restores_into_a_fresh_database_identically(app, populated, database_url, tmp_path):
    backup = tmp_path / "backups" / "tracker.backup"
    backup.parent.mkdir()
    created = cli(app, "create", str(backup))
    assert created.exit_code == 0, created.output
    assert f"backup written: {backup}" in created.output
    assert backup.is_file() and backup.stat().st_size > 0
    assert [p.name for p in backup.parent.iterdir()] == ["tracker.backup"]  # no temporary file left beside it
    written = _counts_from_output(created.output)
    assert written["report"] == 2 and written["evidence"] > 0 and written["audit_event"] > 5
    assert written["user_account"] == 5 and written["reporting_cycle"] == 1

    with fresh_database(app, database_url, tmp_path) as (target, source, source_schema):
        before = source.contents(source_schema)
        restored = cli(target, "restore", str(backup))
        assert restored.exit_code == 0, restored.output
        assert f"audit chain intact: {written['audit_event']} events" in restored.output
        assert _counts_from_output(restored.output) == written
        after = Database(target.config["SQLALCHEMY_DATABASE_URI"]).contents()
        assert after["tables"].keys() == before["tables"].keys()
        for table in before["tables"]:
            assert after["tables"][table] == before["tables"][table], table
            assert len(after["tables"][table]) == written[table], table
        assert_same_objects(after, before)  # tables, indexes, constraints, triggers, functions

        with target.app_context():
            assert not [item for item in verify_chain(db.session) if isinstance(item, ChainBreak)]
            report = db.session.get(Report, populated.accepted_id)
            assert report.state is ReportState.ACCEPTED
            for statement in (
                f"UPDATE entry SET narrative = 'forged' WHERE id = {populated.locked_entry_id}",
                f"DELETE FROM evidence WHERE entry_id = {populated.locked_entry_id}",
                f"UPDATE report SET state = 'draft' WHERE id = {populated.accepted_id}",
            ):
                with pytest.raises(DBAPIError, match="accepted and locked"), write_transaction(db.session):
                    db.session.execute(text(statement))
            with pytest.raises(DBAPIError, match="append-only"), write_transaction(db.session):
                db.session.execute(text("UPDATE audit_event SET reason = 'forged'"))
            db.session.rollback()
            entry = db.session.get(Entry, populated.locked_entry_id)
            assert entry.narrative != "forged" and entry.evidence
            # the restored database goes on working: new rows get new ids and the chain grows intact
            cycle = services.create_cycle(
                "After the restore",
                dt.date(2005, 1, 1),
                dt.date(2005, 12, 31),
                dt.date(2006, 1, 1),
                dt.date(2006, 3, 31),
                actor=actor("secretariat"),
            )
            assert cycle.id > populated.cycle_id
            assert not [item for item in verify_chain(db.session) if isinstance(item, ChainBreak)]
            db.session.remove()


def test_restoring_over_data_is_refused_without_force(app, populated, tmp_path):
    backup = tmp_path / "tracker.backup"
    assert cli(app, "create", str(backup)).exit_code == 0
    with app.app_context():  # a change after the backup
        services.create_cycle(
            "Made after the backup",
            dt.date(2005, 1, 1),
            dt.date(2005, 12, 31),
            dt.date(2006, 1, 1),
            dt.date(2006, 3, 31),
            actor=actor("secretariat"),
        )
        db.session.remove()
    source = Database(app.config["SQLALCHEMY_DATABASE_URI"])
    before = source.contents()

    refused = cli(app, "restore", str(backup))
    assert refused.exit_code != 0
    assert "already holds data" in refused.output and "--force" in refused.output
    assert "nothing was changed" in refused.output
    assert source.contents() == before

    forced = cli(app, "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    after = source.contents()
    assert len(after["tables"]["reporting_cycle"]) == 1  # back to the backup's state
    assert_same_objects(after, before, sequences=False)
    with app.app_context():
        assert not [item for item in verify_chain(db.session) if isinstance(item, ChainBreak)]
        db.session.remove()


def test_a_damaged_backup_is_refused_before_anything_is_touched(app, populated, database_url, tmp_path):
    backup = tmp_path / "tracker.backup"
    assert cli(app, "create", str(backup)).exit_code == 0
    with backup.open("r+b") as handle:  # cut off the second half
        handle.truncate(backup.stat().st_size // 2)
    source = Database(database_url)
    before = source.contents()

    forced = cli(app, "restore", "--force", str(backup))  # even --force: the backup is checked first
    assert forced.exit_code != 0
    assert "damaged" in forced.output, forced.output
    assert source.contents() == before

    with fresh_database(app, database_url, tmp_path) as (target, _, _):
        refused = cli(target, "restore", str(backup))
        assert refused.exit_code != 0 and "damaged" in refused.output, refused.output
        restored = Database(target.config["SQLALCHEMY_DATABASE_URI"])
        if restored.path is not None:
            assert not restored.path.exists()  # not even an empty file was created
        else:
            assert restored.contents()["tables"] == {}

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    refused = cli(app, "restore", str(not_a_backup))
    assert refused.exit_code != 0 and "not a backup" in refused.output


def test_a_backup_never_leaves_a_partial_file(app, populated, tmp_path):
    backup = tmp_path / "tracker.backup"
    backup.write_text("an older backup")

    refused = cli(app, "create", str(backup))
    assert refused.exit_code != 0 and "--force" in refused.output
    assert backup.read_text() == "an older backup"

    def interrupted(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with app.app_context(), pytest.raises(KeyboardInterrupt):
        create_backup(db.engine, backup, force=True, progress=interrupted)
    assert backup.read_text() == "an older backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    missing = cli(app, "create", str(tmp_path / "no-such-directory" / "tracker.backup"))
    assert missing.exit_code != 0 and "does not exist" in missing.output

    replaced = cli(app, "create", "--force", str(backup))
    assert replaced.exit_code == 0, replaced.output
    assert tarfile.is_tarfile(backup)  # one archive: the manifest, the database and the evidence files


def test_without_the_postgresql_client_programs_the_message_names_the_package(app, database_url, tmp_path, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite needs no client programs")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = cli(app, "create", str(tmp_path / "tracker.backup"))
    assert result.exit_code != 0
    assert "pg_dump was not found" in result.output and POSTGRESQL_CLIENT_PACKAGE in result.output
    assert not (tmp_path / "tracker.backup").exists()
    with app.app_context(), pytest.raises(BackupError, match="postgresql-client"):
        create_backup(db.engine, tmp_path / "other.backup")


def test_evidence_rows_survive_the_round_trip(app, populated, database_url, tmp_path):
    """The accepted report's evidence, as the ORM reads it, is the same after the restore."""
    backup = tmp_path / "tracker.backup"
    assert cli(app, "create", str(backup)).exit_code == 0
    with app.app_context():
        evidence = sorted((e.entry_id, e.title, e.url, e.page) for e in db.session.execute(select(Evidence)).scalars())
        db.session.remove()
    with fresh_database(app, database_url, tmp_path) as (target, _, _):
        assert cli(target, "restore", str(backup)).exit_code == 0
        with target.app_context():
            rows = db.session.execute(select(Evidence)).scalars()
            assert sorted((e.entry_id, e.title, e.url, e.page) for e in rows) == evidence
            db.session.remove()
