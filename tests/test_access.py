"""Deny by default: every route is public or names its roles; each role reaches only its own pages."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import log_in
from tracker.extensions import db
from tracker.models import AuditEvent, User
from tracker.permissions import PUBLIC, access_of, get_scoped_or_404, scoped

PUBLIC_ROUTES = {
    "static",
    "bootstrap.static",
    "public.healthz",
    "assets.asset",
    "public.home",
    "public.framework_overview",
    "public.instrument",
    "public.focus_areas",
    "public.crosswalk",
    "public.countries",
    "public.progress",
    "public.country",
    "public.explanation",
    "public.commitment",
    "public.methodology",
    "public.evidence_file",
    "public.open_data",
    "public.scores_csv",
    "public.scores_json",
    "public.entries_csv",
    "public.entries_json",
    "public.statistics",
    "public.statistics_csv",
    "public.statistics_json",
    "public.baseline_csv",
    "public.baseline_json",
    "public.sensitivity_csv",  # method 2: the sensitivity table of published cycles
    "public.sensitivity_json",
    "public.country_plan",
    "public.country_plan_yaml",
    "auth.login",
    "auth.invitation",
    "api.index",
    "api.openapi",
    "api.framework",
    "api.baseline",
    "api.country_baseline",
    "api.countries",
    "api.country",
    "api.cycles",
    "api.scores",
    "api.statistics",
    "api.scorecard",
    "api.plans",
    "api.country_plan",
}


def endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()}


def test_every_route_is_public_or_requires_a_role(app):
    with app.test_request_context():
        undeclared = [e for e in endpoints(app) if access_of(e) is None]
        public = {e for e in endpoints(app) if access_of(e) == PUBLIC}
    assert undeclared == []
    assert public == PUBLIC_ROUTES  # a new public route is a decision: add it here on purpose


def test_a_route_that_declares_nothing_is_not_served(app, client, people):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert client.get("/forgotten").status_code == 404
    log_in(client, people["admin"])
    assert client.get("/forgotten").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and access_of_in(app, rule.endpoint) != PUBLIC and "<" not in rule.rule:
            response = client.get(rule.rule)
            assert response.status_code == 302, rule.rule
            assert response.headers["Location"].startswith("/login?next="), rule.rule


def access_of_in(app, endpoint):
    with app.test_request_context():
        return access_of(endpoint)


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("albania", "/admin/users", 403),
        ("albania", "/admin/audit", 403),
        ("secretariat", "/admin/users", 403),
        ("secretariat", "/admin/audit", 200),
        ("admin", "/admin/users", 200),
        ("admin", "/admin/audit", 200),
        ("albania", "/account", 200),
        ("secretariat", "/reports/1/workbook.xlsx", 403),  # the workbook round trip is the focal point's
    ],
)
def test_roles(client, people, who, path, status):
    log_in(client, people[who])
    assert client.get(path).status_code == status


def test_denied_access_is_audited(client, people, app):
    log_in(client, people["serbia"])
    client.get("/admin/users")
    with app.app_context():
        event = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
        assert (event.action, event.actor_email, event.object_id) == ("access_denied", people["serbia"], "/admin/users")


def test_get_requests_change_nothing(app, people):
    """Every GET route a role may open, as that role: no row is added to any table (beyond the login)."""
    from tracker.models import Role

    def rows() -> dict[str, int]:
        with app.app_context():
            return {
                table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in db.metadata.sorted_tables
            }

    roles = {"admin": Role.ADMIN, "secretariat": Role.SECRETARIAT, "albania": Role.FOCAL_POINT}
    for who, role in roles.items():
        client = app.test_client()
        log_in(client, people[who])
        before = rows()
        visited = 0
        for rule in app.url_map.iter_rules():
            access = access_of_in(app, rule.endpoint)
            if "GET" in rule.methods and "<" not in rule.rule and (access == PUBLIC or role in access):
                assert client.get(rule.rule).status_code < 500, rule.rule
                visited += 1
        assert visited >= 8
        assert rows() == before


def test_country_scoping_hides_other_countries_objects(app, people):
    """The one scoping helper: a focal point gets 404 for another country's row (and it is audited)."""
    from werkzeug.exceptions import NotFound

    with app.test_request_context("/probe"):
        users = {u.email: u for u in db.session.execute(select(User)).scalars()}
        albania, serbia, secretariat = (users[people[n]] for n in ("albania", "serbia", "secretariat"))
        of_serbia = select(User).where(User.id == serbia.id)
        with pytest.raises(NotFound):
            get_scoped_or_404(of_serbia, User.country_id, albania)
        event = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
        assert (event.action, event.actor_email, event.object_id) == ("access_denied", people["albania"], "/probe")
        assert get_scoped_or_404(of_serbia, User.country_id, serbia).id == serbia.id
        assert get_scoped_or_404(of_serbia, User.country_id, secretariat).id == serbia.id
        visible = db.session.execute(scoped(select(User.email), User.country_id, albania)).scalars().all()
        assert sorted(visible) == sorted([people["albania"], people["albania2"]])
        nothing = select(User).where(User.id == 10_000)
        before = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        with pytest.raises(NotFound):
            get_scoped_or_404(nothing, User.country_id, albania)
        assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before
