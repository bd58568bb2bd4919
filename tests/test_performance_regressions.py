"""What makes pages and rescoring fast at scale, and must stay correct: the public page cache, the
lazily compressed plotly.js, framework versions read without their document, bulk score writes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, event, select, text, update

from tests.conftest import log_in
from tests.test_public_portal import actor, cycle, fill, seeded, start  # noqa: F401  (seeded: a fixture)
from tracker import assets, services
from tracker.caching import page_cache
from tracker.database import write_transaction
from tracker.extensions import db
from tracker.models import ChartFigure, Country, StoredScore
from tracker.services import scores as stored

ENCODINGS = {"gzip, br": "br", "gzip": "gzip", "": None}


@pytest.fixture
def published(app, people):
    """One published cycle (Albania accepted), and Serbia's report of it submitted, not yet accepted."""
    with app.app_context():
        first = cycle("2003 review", 2003)
        albania = start(first.id, "albania")
        fill(albania, "Albania's published narrative", "substantially-implemented")
        services.submit(albania.id, albania.version, actor("albania"))
        services.accept(albania.id, {}, actor("secretariat"))
        services.publish_cycle(first.id, actor("secretariat"))
        serbia = start(first.id, "serbia")
        fill(serbia, "Serbia's late narrative", "fully-implemented")
        services.submit(serbia.id, serbia.version, actor("serbia"))
        return {"cycle": first.id, "serbia": serbia.id}


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _headers(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every header in order; the Date's value aside (it is the time of each response)."""
    return [(name, "(now)" if name == "Date" else value) for name, value in response.headers.items()]


# ----------------------------------------------------------------------------- the public page cache
@pytest.mark.parametrize("accept", list(ENCODINGS))
def test_a_repeat_public_request_is_answered_from_the_page_cache_byte_for_byte(app, client, published, accept):
    headers = {"Accept-Encoding": accept}
    first = client.get("/", headers=headers)
    assert first.status_code == 200
    assert first.headers.get("Content-Encoding") == ENCODINGS[accept]
    with statements(app) as seen:
        again = client.get("/", headers=headers)
    assert (again.status_code, again.data, _headers(again)) == (200, first.data, _headers(first))
    # one query (the public state; and SQLite's BEGIN): nothing rendered, nothing compressed again
    assert len([s for s in seen if s != "BEGIN"]) == 1, seen
    # without the cache the same page, headers and all (gzip stamps its header with the second it
    # compressed in, so a page built again is compared once decoded)
    page_cache(app).clear()
    built = client.get("/", headers=headers)
    assert (_decoded(built), _headers(built)) == (_decoded(first), _headers(first))


def _decoded(response) -> bytes:  # type: ignore[no-untyped-def]
    import gzip

    import brotli

    encoding = response.headers.get("Content-Encoding")
    return {"gzip": gzip.decompress, "br": brotli.decompress}.get(encoding, bytes)(response.data)


def test_a_page_from_the_cache_is_dated_now(app, client, published):
    import time
    from email.utils import parsedate_to_datetime

    first = client.get("/")
    time.sleep(1.1)  # Date has a resolution of one second
    again = client.get("/")
    assert again.data == first.data and "Date" in first.headers
    assert parsedate_to_datetime(again.headers["Date"]) > parsedate_to_datetime(first.headers["Date"])


def test_each_encoding_is_kept_apart(app, client, published):
    brotli = client.get("/methodology/", headers={"Accept-Encoding": "br"})
    gzipped = client.get("/methodology/", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/methodology/")
    assert brotli.headers["Content-Encoding"] == "br" and gzipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers and b"Methodology" in plain.data
    assert len({brotli.headers["ETag"], gzipped.headers["ETag"], plain.headers["ETag"]}) == 3
    assert client.get("/methodology/", headers={"Accept-Encoding": "gzip"}).data == gzipped.data


def test_a_cached_page_answers_conditional_requests_as_a_built_one(app, client, published):
    first = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    plain_etag = client.get("/").headers["ETag"]
    cases = [
        {"If-None-Match": first.headers["ETag"]},
        {"If-None-Match": plain_etag},  # the body's own ETag: 304 whatever the encoding, as without the cache
        {"If-None-Match": '"something-else"'},
        {"If-Modified-Since": first.headers["Last-Modified"]},
    ]
    for case in cases:
        headers = {"Accept-Encoding": "gzip, br", **case}
        client.get("/", headers={"Accept-Encoding": "gzip, br"})  # kept
        with statements(app) as seen:
            cached = client.get("/", headers=headers)
        assert len([s for s in seen if s != "BEGIN"]) == 1, case
        page_cache(app).clear()
        built = client.get("/", headers=headers)
        assert (cached.status_code, _headers(cached), cached.data) == (built.status_code, _headers(built), built.data)
        assert cached.status_code == (200 if "something-else" in str(case) else 304), case


def test_publication_and_acceptance_change_the_cached_pages(app, client, published):
    serbia = f"/countries/RS/{published['cycle']}/overall/all"
    assert "Serbia&#39;s late narrative" not in client.get(serbia).get_data(as_text=True)
    assert "Progress in 2003 review" in client.get("/").get_data(as_text=True)
    with app.app_context():
        services.accept(published["serbia"], {}, actor("secretariat"))  # accepted in a published cycle
    assert "Serbia&#39;s late narrative" in client.get(serbia).get_data(as_text=True)
    with app.app_context():
        later = cycle("2004 review", 2004)
        report = start(later.id, "albania")
        fill(report, "Done in 2004", "fully-implemented")
        services.submit(report.id, report.version, actor("albania"))
        services.accept(report.id, {}, actor("secretariat"))
        assert "Progress in 2003 review" in client.get("/").get_data(as_text=True)  # accepted, not published
        services.publish_cycle(later.id, actor("secretariat"))
    assert "Progress in 2004 review" in client.get("/").get_data(as_text=True)


def test_a_new_framework_version_changes_the_cached_pages(app, client, published, framework):
    before = client.get("/framework/focus-areas").get_data(as_text=True)
    assert "Protection of victims" not in before
    document = framework.to_document()
    for area in document["focus_areas"]:
        area["name"] = area["name"].replace("Victim protection", "Protection of victims")
    with app.app_context():
        services.store_framework(type(framework).from_document(document), "test", actor("admin"))
    page = client.get("/framework/focus-areas").get_data(as_text=True)
    assert "</span>Protection of victims programmes" in page
    assert page.count("Victim protection programmes") == before.count("Victim protection programmes") - 1


def test_a_rescore_that_changes_only_published_explanations_changes_the_cached_pages(app, client, published):
    """A rescore after an upgrade may reword explanations without moving any chart: the public pages
    must still show the new wording (their Last-Modified and cache key move)."""
    path = f"/countries/AL/{published['cycle']}/overall/all"
    albania = select(Country.id).where(Country.code == "AL").scalar_subquery()
    with (
        app.app_context(),
        write_transaction(db.session),
        stored.published_scores_writable(db.session, "the wording of an older release"),
    ):
        db.session.execute(
            update(StoredScore)
            .where(
                StoredScore.cycle_id == published["cycle"],
                StoredScore.country_id == albania,
                StoredScore.basis == "verified",
                StoredScore.level == "overall",
            )
            .values(explanation={"rules": [{"code": "old", "text": "Worded before the upgrade"}], "counted": []})
        )
    assert "Worded before the upgrade" in client.get(path).get_data(as_text=True)  # now kept
    with app.app_context():
        assert stored.recompute_stored().updated == 1
    page = client.get(path).get_data(as_text=True)
    assert "Weighted mean of" in page and "Worded before" not in page


def test_logged_in_requests_are_never_answered_from_or_kept_in_the_page_cache(app, client, published):
    anonymous = app.test_client()
    assert "Log in" in anonymous.get("/").get_data(as_text=True)
    kept = len(page_cache(app))
    log_in(client, "secretariat@example.org")
    page = client.get("/")
    assert "Log out" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert len(page_cache(app)) == kept
    assert "Log out" not in anonymous.get("/").get_data(as_text=True)


def test_a_visitor_with_session_data_gets_a_page_built_for_them(app, client, published):
    client.get("/")  # kept
    kept = len(page_cache(app))
    with client.session_transaction() as session:  # say, a message flashed after logging out
        session["_flashes"] = [("info", "You are logged out, see you soon.")]
    with statements(app) as seen:
        page = client.get("/")
    assert "You are logged out, see you soon." in page.get_data(as_text=True)
    assert len([s for s in seen if s != "BEGIN"]) > 1 and len(page_cache(app)) == kept
    assert "see you soon" not in client.get("/").get_data(as_text=True)  # shown once, as without the cache


def test_the_page_cache_is_bounded(app):
    from tracker.caching import CachedPage, PageCache

    cache = PageCache(max_bytes=8000)
    page = CachedPage(200, (("Content-Type", "text/html"),), b"x" * 900, None)
    for n in range(20):
        cache.put(n, page)
    assert len(cache) == 8 and cache.get(0) is None and cache.get(19) is page
    cache.put("large", dataclasses.replace(page, body=b"x" * 1001))  # over an eighth of the budget
    assert cache.get("large") is None


def test_the_page_cache_can_be_turned_off(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, PAGE_CACHE_BYTES=0)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert page_cache(app) is None
    assert client.get("/api/v1/").status_code == client.get("/api/v1/").status_code == 200
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# ----------------------------------------------------------------------------- assets, framework versions
def test_a_chart_page_does_not_compress_plotly_until_plotly_is_requested(app, client, published):
    assets._gzipped.cache_clear()
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and assets._gzipped.cache_info().currsize == 0
    with app.test_request_context():
        url = assets.plotly_url()
    assert client.get(url, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    assert assets._gzipped.cache_info().currsize == 1


SCORE_PAGES = (
    "/review/scores/{c}/AL/",
    "/review/scores/{c}/AL/verified/overall/all",
    "/review/scores/{c}/AL/verified/focus-area/victim-protection",
)


def test_no_score_page_reads_a_framework_versions_document(app, client, published):
    """The document is large JSON; pages need only the version's hash to find the cached framework."""
    log_in(client, "secretariat@example.org")
    for page in SCORE_PAGES:
        with statements(app) as seen:
            assert client.get(page.format(c=published["cycle"])).status_code == 200
        assert not [s for s in seen if "framework_version.document" in s], page


# ----------------------------------------------------------------------------- bulk score writes
def _score_rows(app) -> list[tuple]:  # type: ignore[type-arg]
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                text(
                    "SELECT cycle_id, country_id, basis, level, subject, state, score, rating, weight, reported, "
                    "applicable, status, carried_from, entry_id, penalised, explanation FROM score "
                    "ORDER BY cycle_id, country_id, basis, level, subject"
                )
            )
        ]


def _charts(app) -> list[tuple]:  # type: ignore[type-arg]
    with app.app_context():
        return [
            tuple(r) for r in db.session.execute(text('SELECT key, figure, "table" FROM chart_figure ORDER BY key'))
        ]


def test_a_rescore_from_empty_writes_exactly_the_rows_and_charts_the_workflow_wrote(app, published):
    rows, charts = _score_rows(app), _charts(app)
    with app.app_context():
        with write_transaction(db.session), stored.published_scores_writable(db.session, "test: from empty"):
            db.session.execute(delete(StoredScore))
            db.session.execute(delete(ChartFigure))
        result = stored.recompute_stored()
    rebuilt = _charts(app)
    assert result.inserted == len(rows) and _score_rows(app) == rows
    assert result.charts == len(rebuilt) > 0 and all(c in charts for c in rebuilt)  # other kinds (statistics) aside


def test_stored_json_written_by_other_means_compares_by_value(app, published):
    """Rows are compared by their JSON text first; other spacing or key order is not a difference."""
    with app.app_context():
        with write_transaction(db.session), stored.published_scores_writable(db.session, "test: respaced JSON"):
            as_json = "CAST(:e AS JSON)" if db.engine.dialect.name == "postgresql" else ":e"
            for row_id, explanation in db.session.execute(select(StoredScore.id, StoredScore.explanation)).all():
                respaced = json.dumps(explanation, indent=1, sort_keys=True)
                db.session.execute(
                    text(f"UPDATE score SET explanation = {as_json} WHERE id = :id"), {"e": respaced, "id": row_id}
                )
        check = stored.recompute_stored(check=True)
        assert (check.rows_changed, check.charts) == (0, 0)


def test_the_whole_workflow_leaves_rows_and_charts_a_recompute_reproduces(seeded, runner):  # noqa: F811
    """Submitted, returned, accepted, amended, published: every row and chart written piecemeal with
    bulk statements is what a full recompute gives."""
    result = runner.invoke(args=["scores", "recompute", "--check"])
    assert result.exit_code == 0, result.output
    assert "0 stored rows differ" in result.output and "0 charts and 0 statistics documents to rebuild" in result.output
