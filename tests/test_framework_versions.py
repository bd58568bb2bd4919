"""A new framework version leaves the cycles of the old one as they were scored.

The database holds a cycle pinned to the version stored before the corrections of the framework
(the document in tests/fixtures/); loading today's commitments/ makes a new version current. The
old cycle keeps its version, its scores and its pages; a new cycle is pinned to the new version.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.test_public_portal import actor, cycle, fill, start
from tracker import services
from tracker.extensions import db
from tracker.framework import Framework
from tracker.models import ReportingCycle, StoredScore
from tracker.services import scores as stored

OLD_DOCUMENT = Path(__file__).parent / "fixtures" / "framework-before-corrections.json"


def score_rows(cycle_id: int) -> list[tuple]:
    return list(
        db.session.execute(
            select(
                StoredScore.country_id,
                StoredScore.basis,
                StoredScore.level,
                StoredScore.subject,
                StoredScore.state,
                StoredScore.score,
                StoredScore.rating,
            )
            .where(StoredScore.cycle_id == cycle_id)
            .order_by(StoredScore.id)
        )
    )


@pytest.fixture
def old_cycle(app, people, framework):
    """A 2003 cycle scored and published on the old version; then today's version loaded again."""
    old = Framework.from_document(json.loads(OLD_DOCUMENT.read_text()))
    with app.app_context():
        services.store_framework(old, "the version before the corrections", actor("admin"))
        first = cycle("2003 review", 2003)
        for who in ("albania", "serbia"):
            report = start(first.id, who)
            fill(report, f"Done by {who}", "substantially-implemented")
            services.submit(report.id, report.version, actor(who))
            services.accept(report.id, {}, actor("secretariat"))
        services.publish_cycle(first.id, actor("secretariat"))
        before = score_rows(first.id)
        result = services.store_framework(framework, "commitments/", actor("admin"))
        assert result.made_current and not result.created  # today's version, made current again
        return {"id": first.id, "old": old, "scores": before}


def test_the_old_cycle_keeps_its_version_and_a_new_cycle_takes_the_new_one(app, old_cycle, framework):
    with app.app_context():
        first = db.session.get(ReportingCycle, old_cycle["id"])
        assert services.framework_of(first).content_hash == old_cycle["old"].content_hash
        later = cycle("2004 review", 2004)
        assert services.framework_of(later).content_hash == framework.content_hash
        # the old version: Albania's 2003 report had the 2001 Action Plan's commitments, scored
        albania = start(later.id, "albania")
        assert not any(e.commitment.code.startswith("ZAG-") for e in albania.entries)
        codes = {
            s.subject
            for s in db.session.execute(
                select(StoredScore).where(
                    StoredScore.cycle_id == first.id, StoredScore.level == "commitment", StoredScore.state == "scored"
                )
            ).scalars()
        }
        assert "MAP-2" in codes and not any(c.startswith("ZAG-") for c in codes)


def test_loading_the_new_version_changes_no_score_of_the_old_cycle(app, old_cycle):
    with app.app_context():
        assert score_rows(old_cycle["id"]) == old_cycle["scores"]
        # recomputing scores the old cycle on its own pinned version: nothing moves
        result = stored.recompute_stored([old_cycle["id"]], check=True)
        assert result.scorecards > 0 and result.rows_changed == 0 and not result.changes
        assert score_rows(old_cycle["id"]) == old_cycle["scores"]


def test_the_old_cycles_pages_render_with_its_version_and_names_as_they_were(client, old_cycle):
    cycle_id = old_cycle["id"]
    albania = client.get(f"/countries/AL/?cycle={cycle_id}")
    assert albania.status_code == 200
    page = albania.text
    assert "Multiyear Anti-Trafficking Action Plan" in page  # scored under the old version
    assert "Beside the record" not in page  # the old version had no regional programme
    serbia = client.get(f"/countries/RS/?cycle={cycle_id}").text
    assert "Serbia (then part of Serbia and Montenegro)" in serbia
    assert "inherited: signed 13 December 2000 by the Federal Republic of Yugoslavia" in serbia
    macedonia = client.get(f"/countries/MK/?cycle={cycle_id}").text
    assert "Republic of Macedonia (today North Macedonia)" in macedonia
    for level, subject in (("overall", "all"), ("instrument", "action-plan-2001"), ("commitment", "MAP-2")):
        explanation = client.get(f"/countries/AL/{cycle_id}/{level}/{subject}")
        assert explanation.status_code == 200, (level, subject)
    # the focus area is explained with the old crosswalk: every commitment that listed it counts
    area = client.get(f"/countries/AL/{cycle_id}/focus-area/law-enforcement-cooperation").text
    assert "PAL-4" in area
