"""Fixtures: an app per test on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.

Each PostgreSQL test gets a schema of its own, created and dropped around it, so runs never see
each other's rows and CI finds the server as it left it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from config import TestingConfig, normalise_database_url
from tracker.app import create_app
from tracker.extensions import db
from tracker.framework import Framework, load_framework

ROOT = Path(__file__).resolve().parent.parent
COMMITMENTS_DIR = ROOT / "commitments"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The real framework of commitments/, loaded once."""
    return load_framework(COMMITMENTS_DIR)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    with postgresql_schema() as url:
        yield url


class postgresql_schema:
    """A fresh, empty PostgreSQL schema for one test; the URL puts it first on the search path."""

    def __enter__(self) -> str:
        base = normalise_database_url(os.environ["TEST_DATABASE_URL"])
        self.schema = f"test_{uuid.uuid4().hex[:16]}"
        self.admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{self.schema}"')
        url = make_url(base).update_query_dict({"options": f"-csearch_path={self.schema}"})
        return url.render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{self.schema}" CASCADE')
        self.admin.dispose()


def make_app(database_url: str, **overrides: object):
    config = TestingConfig({}, SQLALCHEMY_DATABASE_URI=database_url, COMMITMENTS_DIR=str(COMMITMENTS_DIR), **overrides)
    return create_app(config)


@pytest.fixture
def empty_app(database_url: str):
    """An app whose database has the tables but no framework loaded."""
    app = make_app(database_url)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.close()
        db.engine.dispose()


@pytest.fixture
def app(empty_app, framework):
    """An app with the real framework loaded as the current version."""
    from tracker.services import store_framework

    with empty_app.app_context():
        store_framework(framework, source=str(COMMITMENTS_DIR))
        db.session.remove()
    return empty_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(empty_app):
    return empty_app.test_cli_runner()
