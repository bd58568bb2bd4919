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
