"""No input gives a 5xx (issue 19): every route × method, driven by hypothesis with malformed values.

Every rule of the URL map is requested with path parameters from ids beyond 64 bits, unicode digits,
control characters, very long and odd text; query strings and form bodies of the same; multipart
bodies with odd file names; JSON (deeply nested too) and other bodies where forms are expected. It
runs as anonymous, a focal point, the secretariat and an admin, on every database of the run. With
``TESTING`` set an exception propagates, so a crash fails the test with its traceback, and any
answer of 500 or more fails it too. ``TRACKER_FUZZ_EXAMPLES`` sets the examples per route (10).
"""

from __future__ import annotations

import io
import os
import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from tests.test_workflow import CYCLE, actor, complete
from tracker import services
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import Role, User

EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "10"))
SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}  # files from disk: werkzeug's own, no app code runs

NASTY_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "1e9",
    "²",
    "٣",
    "1_000",
    "99999999999999999999999999",
    str(2**63),
    str(2**63 - 1),
    "9" * 500,
    "0204-05-05",
    "99999-12-31",
    "2003-02-30",
    "2003-13-01",
    "\x00",
    "a\x00b",
    "\x07",
    "\r\n",
    "\ud7ff\ufffe",
    "😀" * 50,
    "x" * 20_000,
    "<script>alert(1)</script>",
    "'; DROP TABLE report; --",
    "../../etc/passwd",
    "%00",
    "=cmd|' /C calc'!A0",
    "＝1+1",
    "true",
    "null",
    "[]",
    "{}",
]
# values that get past the first checks, so that the malformed ones beside them reach deeper code
PLAUSIBLE_TEXT = ["1", "2", "2003-05-01", "AL", "in-progress", "secretariat", "albania@example.org", "x" * 12]
# control characters are refused at the door (tests/test_hardening.py): st.text() leaves them out so
# that its values reach the forms; NASTY_TEXT still sends some
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
text_values = st.one_of(st.sampled_from(PLAUSIBLE_TEXT), st.sampled_from(NASTY_TEXT), printable)
int_values = st.one_of(
    st.sampled_from(["1", "2", "3"]),
    st.sampled_from(["0", "²", "1" * 30, str(2**63), str(2**64), "-1", "+1", " 1"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)

# names the app's forms and queries use, so that malformed values reach the code behind them
FIELD_NAMES = [
    "email",
    "password",
    "next",
    "name",
    "role",
    "country",
    "current",
    "new",
    "confirm",
    "version",
    "save",
    "send",
    "submit",
    "period_start",
    "period_end",
    "opens_on",
    "due_on",
    "entries-0-entry_id",
    "entries-0-reported_status",
    "entries-0-narrative",
    "entries-0-start_date",
    "entries-0-end_date",
    "entries-0-budget_amount",
    "entries-0-budget_currency",
    "entries-0-evidence-0-title",
    "entries-0-evidence-0-url",
    "entries-0-evidence-0-keep_file",
    "entries-0-figures-0-indicator",
    "entries-0-figures-0-value",
    "entries-0-cited",
    "entries-99-entry_id",
    "return-submit",
    "return-general",
    "accept-submit",
    "accept-confirm",
    "comment-1",
    "assessed-1",
    "reply-1",
    "body",
    "s.victims-identified",
    "s.victims-identified.sex.female",
    "p.a1.status",
    "p.a1.value.x",
    "title",
    "status",
    "adopted",
    "summary",
    "document_url",
    "objective",
    "objective_id",
    "objective_title",
    "id",
    "deadline",
    "budget_amount",
    "commitments",
    "indicators-0-name",
    "comment",
    "decision",
    "cycle",
    "basis",
    "level",
    "view",
    "since",
    "until",
    "action",
    "actor",
    "page",
    "format",
    "country_code",
    "uncached",
]
PATH_SAMPLES = ["AL", "RS", "XK", "TIR-1", "PAL-1", "overall", "all", "verified", "a1", "o1", "css", "app.css"]
field_names = st.one_of(
    st.sampled_from(FIELD_NAMES), st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12)
)
fields = st.dictionaries(field_names, st.one_of(text_values, int_values), max_size=8)


def _nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


bodies = st.one_of(
    st.just(("form", None)),
    st.just(("multipart", None)),
    st.tuples(st.just("json"), st.sampled_from(['{"email": "a@b.c"}', _nested_json(50_000), "not json", "[1, 2"])),
    st.tuples(st.just("raw"), st.sampled_from(["text/plain", "application/xml", "application/octet-stream", ""])),
)


@pytest.fixture
def world(app, people):
    """A cycle, Albania's draft and Serbia's submitted report: ids for the valid-looking path values."""
    with app.app_context():
        cycle = services.create_cycle(**CYCLE, actor=actor("secretariat"))
        albania = services.start_report(cycle.id, actor("albania"), today=CYCLE["opens_on"])
        services.save_draft(albania.id, albania.version, complete(albania), actor("albania"))
        serbia = services.start_report(cycle.id, actor("serbia"), today=CYCLE["opens_on"])
        services.save_draft(serbia.id, serbia.version, complete(serbia), actor("serbia"))
        services.submit(serbia.id, serbia.version, actor("serbia"))
        accounts = {u.email: (u.id, u.role, u.country_id) for u in db.session.execute(select(User)).scalars()}
        db.session.remove()
    return accounts


def _restore_accounts(app, accounts) -> None:
    """Undo what a random POST may have done to the accounts (disabled, re-roled, locked)."""
    with app.app_context(), write_transaction(db.session):
        for user_id, role, country_id in accounts.values():
            db.session.execute(
                update(User)
                .where(User.id == user_id)
                .values(is_active=True, role=role, country_id=country_id, failed_logins=0, locked_until=None)
            )


def _as(client, app, email: str | None) -> None:
    """Give the client a fresh session of ``email`` (None: anonymous), without a password check."""
    with client.session_transaction() as session:
        session.clear()
        if email is None:
            return
        with app.app_context():
            user = db.session.execute(select(User).where(User.email == email)).scalar_one()
            session["_user_id"] = user.get_id()
            db.session.remove()
        session["_fresh"] = True
        session["started_at"] = session["authenticated_at"] = session["seen_at"] = time.time()


def _targets(app) -> list[tuple[object, str]]:
    return [
        (rule, method)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        if rule.endpoint not in SKIPPED_ENDPOINTS
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def _path(rule, draw) -> str:  # type: ignore[no-untyped-def]
    path = rule.rule
    for name, converter in rule._converters.items():
        if type(converter).__name__ in ("DatabaseIdConverter", "IntegerConverter"):
            value = draw(int_values)
        else:
            value = draw(st.one_of(st.sampled_from(PATH_SAMPLES), text_values))
        pattern = next(
            part for part in (f"<{name}>", *(f"<{c}:{name}>" for c in ("int", "path", "string"))) if part in path
        )
        path = path.replace(pattern, quote(value[:2000], safe="") or "x")
    return path


def _probe(app, client, world, people_by_role, rule, method):  # type: ignore[no-untyped-def]
    """One route and method, hypothesis drawing who asks and with what."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def probe(data) -> None:  # type: ignore[no-untyped-def]
        role = data.draw(st.sampled_from(list(people_by_role)), label="role")
        _restore_accounts(app, world)
        _as(client, app, people_by_role[role])
        path = _path(rule, data.draw)
        query = data.draw(fields, label="query")
        kwargs: dict[str, object] = {"query_string": query}
        if method != "GET":
            kind, detail = data.draw(bodies, label="body")
            form = data.draw(fields, label="form")
            if kind == "form":
                kwargs["data"] = form
            elif kind == "multipart":
                name = data.draw(st.sampled_from(["x.pdf", "a\x00.pdf", "../../x.docx", "😀.png", "", "x" * 400]))
                kwargs["data"] = {**form, "file": (io.BytesIO(b"%PDF-1.4 <html>"), name)}
                kwargs["content_type"] = "multipart/form-data"
            elif kind == "json":
                kwargs["data"], kwargs["content_type"] = detail, "application/json"
            else:
                kwargs["data"], kwargs["content_type"] = b"\x00\x01 some bytes", detail or None
        response = client.open(path, method=method, **kwargs)
        if os.environ.get("FUZZ_DEBUG"):
            print("FUZZ", response.status_code, method, role, path[:80], kind if method != "GET" else "")
        assert response.status_code < 500, (method, path, role, response.status_code)

    return probe


def test_no_input_gives_a_server_error(app, people, world):
    people_by_role = {
        None: None,
        Role.FOCAL_POINT: people["albania"],
        Role.SECRETARIAT: people["secretariat"],
        Role.ADMIN: people["admin"],
    }
    client = app.test_client()
    targets = _targets(app)
    for rule, method in targets:
        _probe(app, client, world, people_by_role, rule, method)()
    assert len(targets) > 80  # every route, both methods where there are two
