"""Configuration classes; every value from the environment is read when a class is instantiated.

``TRACKER_ENV`` picks the class (development, testing, production). ``TRACKER_DATABASE_URL``,
``TRACKER_SECRET_KEY`` and ``TRACKER_COMMITMENTS_DIR`` override the defaults.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = ROOT / "instance"


def normalise_database_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 here, the only PostgreSQL driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """What every environment shares."""

    ENV_NAME = "base"

    def __init__(self, environ: Mapping[str, str] | None = None):
        env = os.environ if environ is None else environ
        self.SECRET_KEY = env.get("TRACKER_SECRET_KEY") or self.default_secret_key()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            env.get("TRACKER_DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'tracker.db'}"
        )
        self.COMMITMENTS_DIR = str(Path(env.get("TRACKER_COMMITMENTS_DIR") or ROOT / "commitments"))
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # a whole report with its files; each file is 10 MB at most
        self.SMTP_HOST = env.get("TRACKER_SMTP_HOST") or None  # unset: emails are written to the log
        self.SMTP_PORT = int(env.get("TRACKER_SMTP_PORT") or 25)
        self.MAIL_FROM = env.get("TRACKER_MAIL_FROM") or "commitment-tracker@localhost"
        self.BASE_URL = env.get("TRACKER_BASE_URL") or "http://127.0.0.1:5000"
        # reverse proxies in front of the app that set X-Forwarded-*: exactly how many (0 = none)
        self.PROXY_HOPS = int(env.get("TRACKER_PROXY_HOPS") or 0)
        self.UPLOAD_DIR = str(Path(env.get("TRACKER_UPLOAD_DIR") or INSTANCE_DIR / "uploads"))
        # bytes of public pages each worker keeps (tracker.caching); 0 turns the page cache off
        self.PAGE_CACHE_BYTES = int(env.get("TRACKER_PAGE_CACHE_BYTES") or 16 * 2**20)
        self.BOOTSTRAP_SERVE_LOCAL = True
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = dt.timedelta(hours=12)  # the absolute timeout, also checked on the server
        self.WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session: long forms are filled slowly
        self.TRACKER_ENV = self.ENV_NAME

    def default_secret_key(self) -> str:
        return secrets.token_hex(32)


class DevelopmentConfig(Config):
    """``make run``: SQLite in ``instance/``, a secret key kept in ``instance/`` so logins survive restarts."""

    ENV_NAME = "development"

    def default_secret_key(self) -> str:
        key_file = INSTANCE_DIR / "dev-secret-key"
        if not key_file.exists():
            INSTANCE_DIR.mkdir(exist_ok=True)
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


class TestingConfig(Config):
    """The test suite; the fixtures pass the database URL explicitly."""

    ENV_NAME = "testing"

    def __init__(self, environ: Mapping[str, str] | None = None, **overrides: object):
        super().__init__(environ)
        self.TESTING = True
        self.WTF_CSRF_ENABLED = False  # tests/test_csrf.py turns it back on to prove it works
        for key, value in overrides.items():
            setattr(self, key, value)


class ProductionConfig(Config):
    """gunicorn: refuses to start without a real secret key."""

    ENV_NAME = "production"

    def __init__(self, environ: Mapping[str, str] | None = None):
        super().__init__(environ)
        self.SESSION_COOKIE_SECURE = True
        self.PREFERRED_URL_SCHEME = "https"

    def default_secret_key(self) -> str:
        raise RuntimeError(
            "TRACKER_SECRET_KEY is not set: production refuses to start without a secret key "
            "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')"
        )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment(environ: Mapping[str, str] | None = None) -> Config:
    """The configuration named by ``TRACKER_ENV`` (development when unset)."""
    env = os.environ if environ is None else environ
    name = env.get("TRACKER_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"TRACKER_ENV={name!r} is not one of {', '.join(CONFIGS)}")
    return CONFIGS[name](env)
