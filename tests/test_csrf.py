"""With CSRF protection on (as in production), every POST without a token is refused and changes nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tracker.extensions import db
from tracker.models import AuditEvent, User


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def token_from(page: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
            db.session.execute(select(func.count()).select_from(User).where(User.is_active)).scalar_one(),
        )


def test_login_without_a_token_is_400_and_logs_no_one_in(csrf_app, people):
    client = csrf_app.test_client()
    before = counts(csrf_app)
    response = client.post("/login", data={"email": people["admin"], "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert counts(csrf_app) == before
    assert client.get("/account").status_code == 302


def test_login_with_the_token_works(csrf_app, people):
    client = csrf_app.test_client()
    token = token_from(client.get("/login").text)
    response = client.post("/login", data={"email": people["admin"], "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_a_token_from_another_session_is_refused(csrf_app, people):
    other = csrf_app.test_client()
    stolen = token_from(other.get("/login").text)
    client = csrf_app.test_client()
    client.get("/login")
    response = client.post("/login", data={"email": people["admin"], "password": PASSWORD, "csrf_token": stolen})
    assert response.status_code == 400


def test_every_post_route_refuses_a_missing_token(csrf_app, people):
    """Walk the URL map: as a logged-in admin, POST to every route that accepts POST, with no token."""
    client = csrf_app.test_client()
    token = token_from(client.get("/login").text)
    client.post("/login", data={"email": people["admin"], "password": PASSWORD, "csrf_token": token})
    before = counts(csrf_app)
    probed = []
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        url = re.sub(r"<int:\w+>", "1", rule.rule).replace("<token>", "x")
        response = client.post(url, data={"role": "admin", "country": ""})
        assert response.status_code == 400, f"{url} answered {response.status_code} without a token"
        probed.append(url)
    assert len(probed) >= 8
    assert counts(csrf_app) == before
    assert client.get("/account").status_code == 200  # and the admin is still logged in


def test_state_changes_only_by_post(app):
    """No route that changes state answers GET: logout and every admin action are POST only."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in {"auth.logout", "admin.disable", "admin.enable", "admin.unlock", "admin.change_role"}:
            assert rule.methods - {"OPTIONS"} == {"POST"}, rule
