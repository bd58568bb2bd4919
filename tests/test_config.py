"""Configuration is read from the environment when a config class is built."""

from __future__ import annotations

import pytest

from config import INSTANCE_DIR, ROOT, DevelopmentConfig, ProductionConfig, config_from_environment


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.setattr("config.INSTANCE_DIR", tmp_path)
    assert INSTANCE_DIR == ROOT / "instance"
    config = DevelopmentConfig({})
    assert f"sqlite:///{tmp_path / 'tracker.db'}" == config.SQLALCHEMY_DATABASE_URI
    assert str(ROOT / "commitments") == config.COMMITMENTS_DIR
    assert str(ROOT / "baseline") == config.BASELINE_DIR
    # the development key is kept, so sessions survive a restart
    assert DevelopmentConfig({}).SECRET_KEY == config.SECRET_KEY
    assert len(config.SECRET_KEY) == 64


def test_environment_overrides():
    config = config_from_environment(
        {
            "TRACKER_ENV": "production",
            "TRACKER_SECRET_KEY": "s" * 64,
            "TRACKER_AUDIT_KEY": "a" * 64,
            "TRACKER_BASE_URL": "https://tracker.example.org",
            "TRACKER_DATABASE_URL": "postgresql://tracker@db/tracker",
            "TRACKER_COMMITMENTS_DIR": "/srv/commitments",
            "TRACKER_BASELINE_DIR": "/srv/baseline",
        }
    )
    assert isinstance(config, ProductionConfig)
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://tracker@db/tracker"
    assert config.COMMITMENTS_DIR == "/srv/commitments"
    assert config.BASELINE_DIR == "/srv/baseline"
    assert config.SESSION_COOKIE_SECURE is True


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="TRACKER_SECRET_KEY"):
        ProductionConfig({})


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="TRACKER_ENV"):
        config_from_environment({"TRACKER_ENV": "staging"})


def test_environment_is_read_when_the_class_is_built_not_at_import(monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("TRACKER_ENV", "development")
    assert config_from_environment().SQLALCHEMY_DATABASE_URI == "sqlite:////tmp/elsewhere.db"


def test_proxy_hops_trust_exactly_that_many_forwarded_headers(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'p.db'}", PROXY_HOPS=1)
    seen = {}

    @app.get("/whoami")
    def whoami():  # type: ignore[no-untyped-def]
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    from tracker.permissions import public

    public(whoami)
    app.test_client().get(
        "/whoami", headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"addr": "198.51.100.7", "scheme": "https"}  # one hop: only the last address is trusted
    plain = make_app(f"sqlite:///{tmp_path / 'q.db'}")
    assert plain.wsgi_app.__class__.__name__ != "ProxyFix"
