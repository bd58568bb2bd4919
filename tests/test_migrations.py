"""Migrations: one head, and upgrading an empty database gives exactly the models' schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import ROOT, make_app
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import AuditEvent


def test_there_is_exactly_one_head():
    config = AlembicConfig()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def test_upgrade_from_empty_matches_the_models(database_url):
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        # the migrated audit table refuses changes like the one create_all builds
        with pytest.raises(DBAPIError, match="append-only"), write_transaction(db.session):
            db.session.add(AuditEvent(action="x", previous_hash="0" * 64, row_hash="1" * 64))
            db.session.flush()
            db.session.execute(text("DELETE FROM audit_event"))
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _triggers() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = (
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
    return set(db.session.execute(text(query)).scalars())


def test_migrations_build_the_same_database_guards_as_the_models(database_url, tmp_path):
    """Triggers are not compared by alembic: the migrated database must have every one create_all makes."""
    migrated = make_app(database_url)
    with migrated.app_context():
        upgrade()
        from_migrations = _triggers()
        db.session.close()
        downgrade(revision="base")
        db.create_all()
        from_models = _triggers()
        db.session.close()
        db.engine.dispose()
    assert from_models and from_migrations == from_models


def test_adding_publication_keeps_the_cycles_and_reports_already_there(database_url, framework):
    """The publication column arrives without rebuilding the cycle table that reports point at."""
    from tracker.services import store_framework

    app = make_app(database_url)
    with app.app_context():
        upgrade(revision="5e6ed8f9d5ec")
        store_framework(framework, "test")
        with write_transaction(db.session):
            db.session.execute(
                text(
                    "INSERT INTO reporting_cycle (name, period_start, period_end, opens_on, due_on, "
                    "framework_version_id, created_at) SELECT 'Before', '2003-01-01', '2003-12-31', "
                    "'2004-01-01', '2004-02-01', id, CURRENT_TIMESTAMP FROM framework_version"
                )
            )
            db.session.execute(
                text(
                    "INSERT INTO report (cycle_id, country_id, revision, state, version, created_at, updated_at) "
                    "SELECT reporting_cycle.id, country.id, 1, 'draft', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
                    "FROM reporting_cycle, country WHERE country.code = 'AL'"
                )
            )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text("SELECT c.name, c.published_at, r.state FROM report r JOIN reporting_cycle c ON c.id = r.cycle_id")
        ).all()
        assert [tuple(r) for r in rows] == [("Before", None, "draft")]
        with write_transaction(db.session):
            db.session.execute(text("DELETE FROM report"))
            db.session.execute(text("DELETE FROM reporting_cycle"))
        db.session.commit()
        db.session.close()
        downgrade(revision="base")
        db.engine.dispose()
