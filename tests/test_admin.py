"""User management pages: invite, accept, disable, enable, change role, unlock; the audit page."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from tests.conftest import log_in, user_id
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import AuditEvent, Invitation, Role, User


def invite(client, **data):
    form = {"name": "Ana Example", "email": "ana@ministry.example", "role": "focal_point", "country": "AL"}
    form.update(data)
    return client.post("/admin/users/invite", data=form)


def test_invite_accept_and_log_in(app, client, people):
    log_in(client, people["admin"])
    response = invite(client)
    assert response.status_code == 200
    link = re.search(r"http://127\.0\.0\.1:5000(/invitation/[\w-]+)", response.text).group(1)
    newcomer = app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "Ana Example" in page.text and "Albania" in page.text
    too_short = newcomer.post(link, data={"new": "short", "confirm": "short"})
    assert "at least 12 characters" in too_short.text
    password = "ana's own long passphrase"
    assert newcomer.post(link, data={"new": password, "confirm": password}).status_code == 302
    assert newcomer.get(link).status_code == 404  # used once, then dead
    assert log_in(newcomer, "ana@ministry.example", password).status_code == 302
    with app.app_context():
        ana = db.session.execute(select(User).where(User.email == "ana@ministry.example")).scalar_one()
        assert (ana.role, ana.country.code) == (Role.FOCAL_POINT, "AL")
        actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert {"user_created", "user_invited", "invitation_accepted"} <= set(actions)


def test_invite_refuses_a_focal_point_without_a_country(client, people):
    log_in(client, people["admin"])
    response = invite(client, country="")
    assert "belongs to a country" in response.text


def test_invite_refuses_a_duplicate(client, people):
    log_in(client, people["admin"])
    assert "already an account" in invite(client, email=people["serbia"]).text


def test_only_the_token_hash_is_stored(app, client, people):
    log_in(client, people["admin"])
    token = re.search(r"/invitation/([\w-]+)", invite(client).text).group(1)
    with app.app_context():
        stored = db.session.execute(select(User.password_hash).where(User.email == "ana@ministry.example")).scalar()
        hashes = db.session.execute(select(Invitation.token_hash)).scalars().all()
    assert stored is None
    assert token not in hashes and len(hashes) == 1


def test_disable_and_enable(app, client, people):
    log_in(client, people["admin"])
    victim = app.test_client()
    log_in(victim, people["serbia"])
    serbia_id = user_id(app, people["serbia"])
    assert client.post(f"/admin/users/{serbia_id}/disable").status_code == 302
    assert victim.get("/account").status_code == 302
    assert log_in(victim, people["serbia"]).status_code == 400
    client.post(f"/admin/users/{serbia_id}/enable")
    assert log_in(victim, people["serbia"]).status_code == 302
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "user_disabled")).scalar_one()
        assert (event.before["active"], event.after["active"], event.actor_email) == (True, False, people["admin"])


def test_admin_cannot_disable_themselves(app, client, people):
    log_in(client, people["admin"])
    client.post(f"/admin/users/{user_id(app, people['admin'])}/disable")
    assert client.get("/admin/users").status_code == 200


def test_change_role(app, client, people):
    log_in(client, people["admin"])
    albania2 = user_id(app, people["albania2"])
    client.post(f"/admin/users/{albania2}/role", data={"role": "secretariat", "country": ""})
    with app.app_context():
        user = db.session.get(User, albania2)
        assert (user.role, user.country) == (Role.SECRETARIAT, None)
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "user_role_changed")).scalar_one()
        assert (event.before["role"], event.after["role"], event.before["country"]) == (
            "focal_point",
            "secretariat",
            "AL",
        )
    page = client.post(
        f"/admin/users/{albania2}/role", data={"role": "focal_point", "country": ""}, follow_redirects=True
    )
    assert "belongs to a country" in page.text


def test_unlock(app, client, people):
    import datetime as dt

    with app.app_context(), write_transaction(db.session):
        db.session.execute(
            update(User)
            .where(User.email == people["serbia"])
            .values(failed_logins=10, locked_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10))
        )
    log_in(client, people["admin"])
    assert "Locked" in client.get("/admin/users").text
    client.post(f"/admin/users/{user_id(app, people['serbia'])}/unlock")
    assert log_in(app.test_client(), people["serbia"]).status_code == 302


def test_audit_page_filters(client, people):
    log_in(client, people["albania"], "a wrong password, long")
    log_in(client, people["admin"])
    page = client.get("/admin/audit?action=login_failed").text
    assert people["albania"] in page
    assert people["admin"] not in page.split("<tbody>")[1]
    everything = client.get("/admin/audit").text
    assert "login failed" in everything and "wrong password" in everything
    by_actor = client.get("/admin/audit?actor=ADMIN@").text.split("<tbody>")[1]
    assert people["admin"] in by_actor and people["albania"] not in by_actor
