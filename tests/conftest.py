"""Fixtures: an app per test on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.

Each PostgreSQL test gets a schema of its own, created and dropped around it, so runs never see
each other's rows and CI finds the server as it left it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
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


@contextmanager
def app_with_tables(database_url: str) -> Iterator[Flask]:
    """An app whose database has every table, its connections closed afterwards."""
    app = make_app(database_url)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.close()
        db.engine.dispose()


@pytest.fixture
def empty_app(database_url: str, tmp_path: Path):
    """An app whose database has the tables but no framework loaded; uploads go to tmp_path."""
    with app_with_tables(database_url) as app:
        app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
        yield app


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


# ----------------------------------------------------------------------------- people
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2id hash of PASSWORD, made once: hashing is slow on purpose."""
    from tracker.passwords import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def people(app, password_hash):
    """An admin, a secretariat member, and two focal points each for Albania and Serbia; their emails by name."""
    import secrets

    from sqlalchemy import select

    from tracker.database import write_transaction
    from tracker.models import Country, Role, User

    accounts = {
        "admin": (Role.ADMIN, None),
        "secretariat": (Role.SECRETARIAT, None),
        "albania": (Role.FOCAL_POINT, "AL"),
        "albania2": (Role.FOCAL_POINT, "AL"),
        "serbia": (Role.FOCAL_POINT, "RS"),
    }
    with app.app_context(), write_transaction(db.session):
        countries = {c.code: c for c in db.session.execute(select(Country)).scalars()}
        for name, (role, code) in accounts.items():
            db.session.add(
                User(
                    email=f"{name}@example.org",
                    name=name.title(),
                    role=role,
                    country=countries[code] if code else None,
                    password_hash=password_hash,
                    session_token=secrets.token_hex(32),
                )
            )
    return {name: f"{name}@example.org" for name in accounts}


def log_in(client, email: str, password: str = PASSWORD, next: str | None = None):
    """POST the login form; returns the response (a redirect on success)."""
    data = {"email": email, "password": password}
    if next is not None:
        data["next"] = next
    return client.post("/login", data=data)


def user_id(app, email: str) -> int:
    from sqlalchemy import select

    from tracker.models import User

    with app.app_context():
        return db.session.execute(select(User.id).where(User.email == email)).scalar_one()


def audit_actions(app) -> list[str]:
    from sqlalchemy import select

    from tracker.models import AuditEvent

    with app.app_context():
        return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())
