"""Configuration classes; every value from the environment is read when a class is instantiated.

``TRACKER_ENV`` picks the class (development, testing, production). ``TRACKER_DATABASE_URL``,
``TRACKER_SECRET_KEY``, ``TRACKER_AUDIT_KEY``, ``TRACKER_BASE_URL`` and the others the README lists
override the defaults; production refuses to start without a secret key, an audit key and a base URL.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

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
        # what others recorded, 2000–2005 (tracker.baseline): read from files, shown beside the reports
        self.BASELINE_DIR = str(Path(env.get("TRACKER_BASELINE_DIR") or ROOT / "baseline"))
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # a whole report with its files; each file is 10 MB at most
        self.SMTP_HOST = env.get("TRACKER_SMTP_HOST") or None  # unset: emails are written to the log
        self.SMTP_PORT = int(env.get("TRACKER_SMTP_PORT") or 25)
        self.MAIL_FROM = env.get("TRACKER_MAIL_FROM") or "commitment-tracker@localhost"
        # every link the app hands out (emails, invitations) starts with this, never with the request's Host
        self.BASE_URL = (env.get("TRACKER_BASE_URL") or self.default_base_url()).rstrip("/")
        host = urlsplit(self.BASE_URL).hostname
        if urlsplit(self.BASE_URL).scheme not in ("http", "https") or not host:
            raise RuntimeError(
                f"TRACKER_BASE_URL={self.BASE_URL!r} is not an http(s) address such as https://tracker.example.org"
            )
        self.TRUSTED_HOSTS = self.trusted_hosts(host)
        # the audit chain's HMAC key: not the session secret, and never stored in the database
        self.AUDIT_KEY = env.get("TRACKER_AUDIT_KEY") or self.default_audit_key()
        if self.AUDIT_KEY == self.SECRET_KEY:
            raise RuntimeError("TRACKER_AUDIT_KEY must differ from TRACKER_SECRET_KEY")
        self.AUDIT_CHECKPOINT_DIR = str(Path(env.get("TRACKER_AUDIT_CHECKPOINT_DIR") or self.default_checkpoint_dir()))
        # timeouts, in the units their names say; the defaults are the ones the app always had
        self.IDLE_MINUTES = _positive(env, "TRACKER_IDLE_MINUTES", 30)
        self.SESSION_HOURS = _positive(env, "TRACKER_SESSION_HOURS", 12)
        self.REAUTH_MINUTES = _positive(env, "TRACKER_REAUTH_MINUTES", 15)
        # reverse proxies in front of the app that set X-Forwarded-*: exactly how many (0 = none)
        self.PROXY_HOPS = int(env.get("TRACKER_PROXY_HOPS") or 0)
        self.UPLOAD_DIR = str(Path(env.get("TRACKER_UPLOAD_DIR") or INSTANCE_DIR / "uploads"))
        # bytes of public pages each worker keeps (tracker.caching); 0 turns the page cache off
        self.PAGE_CACHE_BYTES = int(env.get("TRACKER_PAGE_CACHE_BYTES") or 16 * 2**20)
        self.BOOTSTRAP_SERVE_LOCAL = True
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = dt.timedelta(hours=self.SESSION_HOURS)  # also checked on the server
        self.WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session: long forms are filled slowly
        self.TRACKER_ENV = self.ENV_NAME

    def default_secret_key(self) -> str:
        return secrets.token_hex(32)

    def default_audit_key(self) -> str:
        return secrets.token_hex(32)

    def default_base_url(self) -> str:
        return "http://127.0.0.1:5000"

    def default_checkpoint_dir(self) -> Path:
        return INSTANCE_DIR / "audit-checkpoints"

    def trusted_hosts(self, host: str) -> list[str] | None:
        """Flask answers 400 to a request whose Host is not one of these."""
        return [host]


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RuntimeError(f"{name}={raw!r} is not a whole number") from None
    if value <= 0:
        raise RuntimeError(f"{name} must be above 0")
    return value


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

    def default_audit_key(self) -> str:
        key_file = INSTANCE_DIR / "dev-audit-key"
        if not key_file.exists():
            INSTANCE_DIR.mkdir(exist_ok=True)
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    def trusted_hosts(self, host: str) -> list[str] | None:
        return [host, "localhost", "127.0.0.1"]


class TestingConfig(Config):
    """The test suite; the fixtures pass the database URL explicitly."""

    ENV_NAME = "testing"

    def default_audit_key(self) -> str:
        return "testing-audit-key-" + "0" * 46

    def default_checkpoint_dir(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="tracker-audit-checkpoints-"))

    def __init__(self, environ: Mapping[str, str] | None = None, **overrides: object):
        super().__init__(environ)
        self.TESTING = True
        self.TRUSTED_HOSTS = None  # the test client says "localhost"; tests/test_hardening.py sets a list
        self.WTF_CSRF_ENABLED = False  # tests/test_csrf.py turns it back on to prove it works
        if not (environ or {}).get("TRACKER_UPLOAD_DIR"):  # never the working copy's instance/uploads
            self.UPLOAD_DIR = tempfile.mkdtemp(prefix="tracker-uploads-")
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

    def default_audit_key(self) -> str:
        raise RuntimeError(
            "TRACKER_AUDIT_KEY is not set: production refuses to start without a key for the audit chain, "
            "different from TRACKER_SECRET_KEY (python -c 'import secrets; print(secrets.token_hex(32))')"
        )

    def default_base_url(self) -> str:
        raise RuntimeError(
            "TRACKER_BASE_URL is not set: production refuses to start without the site's address "
            "(e.g. https://tracker.example.org), from which every link it sends is built"
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
