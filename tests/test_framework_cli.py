"""``flask framework validate`` and ``flask framework load`` on the real framework."""

from __future__ import annotations

import shutil

from sqlalchemy import func, select

from tests.conftest import COMMITMENTS_DIR
from tracker.extensions import db
from tracker.models import Commitment, Country, FocusArea, FrameworkVersion, Instrument, Signature

MODELS = (FrameworkVersion, Instrument, Commitment, FocusArea, Country, Signature)


def counts():
    return {model.__name__: db.session.execute(select(func.count()).select_from(model)).scalar() for model in MODELS}


def test_validate_the_real_framework(runner, framework):
    result = runner.invoke(args=["framework", "validate", str(COMMITMENTS_DIR)])
    assert result.exit_code == 0, result.output
    assert f"{len(framework.commitments)} commitments" in result.output
    assert framework.content_hash[:12] in result.output


def test_validate_defaults_to_the_configured_directory(runner):
    result = runner.invoke(args=["framework", "validate"])
    assert result.exit_code == 0, result.output
    assert str(COMMITMENTS_DIR) in result.output


def test_load_stores_every_row(runner, empty_app, framework):
    result = runner.invoke(args=["framework", "load"])
    assert result.exit_code == 0, result.output
    assert "stored as a new version and made current" in result.output
    with empty_app.app_context():
        stored = counts()
        version = db.session.execute(select(FrameworkVersion)).scalar_one()
        assert version.is_current and version.content_hash == framework.content_hash
        assert stored["Instrument"] == len(framework.instruments)
        assert stored["Commitment"] == len(framework.commitments)
        assert stored["FocusArea"] == len(framework.focus_areas)
        assert stored["Country"] == len(framework.countries)
        # what binds each country: its own signatures, and those inherited or given for it
        assert stored["Signature"] == sum(len(framework.bound_countries(i.id)) for i in framework.instruments)
        assert stored["Signature"] > sum(len(c.signatures) for c in framework.countries)
        # the crosswalk is stored too
        tir2 = db.session.execute(select(Commitment).where(Commitment.code == "TIR-2")).scalar_one()
        assert {area.code for area in tir2.focus_areas} == set(framework.commitment("TIR-2").focus_areas)


def test_loading_the_same_files_twice_changes_nothing(runner, empty_app):
    assert runner.invoke(args=["framework", "load"]).exit_code == 0
    with empty_app.app_context():
        before = counts()
        loaded_at = db.session.execute(select(FrameworkVersion.loaded_at)).scalar_one()
        db.session.remove()
    second = runner.invoke(args=["framework", "load"])
    assert second.exit_code == 0
    assert "nothing changed" in second.output
    with empty_app.app_context():
        assert counts() == before
        assert db.session.execute(select(FrameworkVersion.loaded_at)).scalar_one() == loaded_at


def test_a_changed_framework_is_a_new_version_and_the_old_one_is_kept(runner, empty_app, tmp_path, framework):
    assert runner.invoke(args=["framework", "load"]).exit_code == 0
    changed = tmp_path / "commitments"
    shutil.copytree(COMMITMENTS_DIR, changed)
    methodology = changed / "methodology.yaml"
    methodology.write_text(methodology.read_text().replace("title: ", "title: Revised ", 1))
    result = runner.invoke(args=["framework", "load", str(changed)])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        versions = db.session.execute(select(FrameworkVersion).order_by(FrameworkVersion.id)).scalars().all()
        assert [v.is_current for v in versions] == [False, True]
        assert versions[0].content_hash == framework.content_hash
        assert counts()["Country"] == len(framework.countries)  # countries are shared, not copied
        db.session.remove()
    # going back to the first files makes the first version current again, storing nothing new
    result = runner.invoke(args=["framework", "load"])
    assert "made current again" in result.output
    with empty_app.app_context():
        current = db.session.execute(select(FrameworkVersion).where(FrameworkVersion.is_current)).scalar_one()
        assert current.content_hash == framework.content_hash
        assert counts()["FrameworkVersion"] == 2


def test_comments_and_layout_do_not_make_a_new_version(tmp_path, framework):
    from tracker.framework import load_framework

    changed = tmp_path / "commitments"
    shutil.copytree(COMMITMENTS_DIR, changed)
    focus = changed / "focus_areas.yaml"
    focus.write_text("# a new comment\n\n" + focus.read_text())
    assert load_framework(changed).content_hash == framework.content_hash
