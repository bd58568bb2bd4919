"""hardening: 64-bit amounts, locks on published cycles, pinned frameworks and their scores,
text limits in the database, and the keyed audit chain

Revision ID: 3f1a9c0d7b21
Revises: 3b1dc94c8119
Create Date: 2026-12-02 21:30:00

Issue 19. Budgets, entry figures and statistics become BIGINT on PostgreSQL (SQLite's INTEGER is
already 64-bit, so its tables are not rebuilt and its triggers stay). New triggers (a frozen copy
of tracker.locks.LOCK_DDL_ADDED and tracker.limits.LIMIT_DDL) lock a published cycle, a pinned
framework version with its instruments, commitments, focus areas and signatures, the scores of a
published cycle (outside the recompute operation, which opens a ``score_recompute`` row), an
accepted report's INSERT, and the length of every free-text column.

The audit chain: rows already there keep their SHA-256 hashes; when there are any, this migration
appends one ``audit_chain_keyed`` row, hashed with TRACKER_AUDIT_KEY, from which every row is an
HMAC (tracker.audit). Audit rows cannot be removed, so a downgrade leaves that row in place.
"""
import datetime as dt
import hashlib
import hmac
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1a9c0d7b21'
down_revision = '3b1dc94c8119'
branch_labels = None
depends_on = None

AMOUNTS = (("entry", "budget_amount", True), ("indicator_value", "value", False), ("statistic", "value", False))

DDL = {'postgresql': ['CREATE OR REPLACE FUNCTION report_locked_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                "BEGIN IF NEW.state = 'accepted' THEN RAISE EXCEPTION 'report is accepted and locked'; END IF; IF "
                "TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER report_locked_insert BEFORE INSERT ON report FOR EACH ROW EXECUTE FUNCTION '
                'report_locked_insert_guard()',
                'CREATE OR REPLACE FUNCTION reporting_cycle_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                "BEGIN IF OLD.published_at IS NOT NULL THEN RAISE EXCEPTION 'reporting cycle is published and "
                "locked'; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER reporting_cycle_locked BEFORE UPDATE OR DELETE ON reporting_cycle FOR EACH ROW '
                'EXECUTE FUNCTION reporting_cycle_locked_guard()',
                'CREATE OR REPLACE FUNCTION framework_version_locked_guard() RETURNS trigger LANGUAGE plpgsql AS '
                '$$ BEGIN IF EXISTS (SELECT 1 FROM reporting_cycle WHERE framework_version_id = OLD.id) AND '
                "(TG_OP = 'DELETE' OR NEW.id IS DISTINCT FROM OLD.id OR NEW.content_hash IS DISTINCT FROM "
                'OLD.content_hash OR NEW.document::text IS DISTINCT FROM OLD.document::text OR NEW.source IS '
                'DISTINCT FROM OLD.source OR NEW.loaded_at IS DISTINCT FROM OLD.loaded_at) THEN RAISE EXCEPTION '
                "'framework version is pinned by a reporting cycle and locked'; END IF; IF TG_OP = 'DELETE' THEN "
                'RETURN OLD; END IF; RETURN NEW; END $$',
                'CREATE TRIGGER framework_version_locked BEFORE UPDATE OR DELETE ON framework_version FOR EACH '
                'ROW EXECUTE FUNCTION framework_version_locked_guard()',
                'CREATE OR REPLACE FUNCTION instrument_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                "BEGIN IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM reporting_cycle WHERE framework_version_id "
                "= NEW.version_id) OR TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM reporting_cycle WHERE "
                "framework_version_id = OLD.version_id) THEN RAISE EXCEPTION 'framework version is pinned by a "
                "reporting cycle and locked'; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; "
                'END $$',
                'CREATE TRIGGER instrument_locked BEFORE INSERT OR UPDATE OR DELETE ON instrument FOR EACH ROW '
                'EXECUTE FUNCTION instrument_locked_guard()',
                'CREATE OR REPLACE FUNCTION commitment_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                "BEGIN IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM reporting_cycle WHERE framework_version_id "
                "= NEW.version_id) OR TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM reporting_cycle WHERE "
                "framework_version_id = OLD.version_id) THEN RAISE EXCEPTION 'framework version is pinned by a "
                "reporting cycle and locked'; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; "
                'END $$',
                'CREATE TRIGGER commitment_locked BEFORE INSERT OR UPDATE OR DELETE ON commitment FOR EACH ROW '
                'EXECUTE FUNCTION commitment_locked_guard()',
                'CREATE OR REPLACE FUNCTION focus_area_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                "BEGIN IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM reporting_cycle WHERE framework_version_id "
                "= NEW.version_id) OR TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM reporting_cycle WHERE "
                "framework_version_id = OLD.version_id) THEN RAISE EXCEPTION 'framework version is pinned by a "
                "reporting cycle and locked'; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; "
                'END $$',
                'CREATE TRIGGER focus_area_locked BEFORE INSERT OR UPDATE OR DELETE ON focus_area FOR EACH ROW '
                'EXECUTE FUNCTION focus_area_locked_guard()',
                'CREATE OR REPLACE FUNCTION signature_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
                "IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM reporting_cycle WHERE framework_version_id = "
                "NEW.version_id) OR TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM reporting_cycle WHERE "
                "framework_version_id = OLD.version_id) THEN RAISE EXCEPTION 'framework version is pinned by a "
                "reporting cycle and locked'; END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; "
                'END $$',
                'CREATE TRIGGER signature_locked BEFORE INSERT OR UPDATE OR DELETE ON signature FOR EACH ROW '
                'EXECUTE FUNCTION signature_locked_guard()',
                'CREATE OR REPLACE FUNCTION score_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF '
                "(TG_OP <> 'DELETE' AND (SELECT published_at FROM reporting_cycle WHERE id = NEW.cycle_id) IS NOT "
                "NULL OR TG_OP <> 'INSERT' AND (SELECT published_at FROM reporting_cycle WHERE id = OLD.cycle_id) "
                'IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM score_recompute WHERE finished_at IS NULL) THEN RAISE '
                "EXCEPTION 'scores of a published cycle change only through the recompute operation'; END IF; IF "
                "TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER score_locked BEFORE INSERT OR UPDATE OR DELETE ON score FOR EACH ROW EXECUTE '
                'FUNCTION score_locked_guard()',
                'CREATE OR REPLACE FUNCTION entry_text_limits_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                'BEGIN IF length(NEW.reported_status) > 64 OR length(NEW.narrative) > 10000 OR '
                "length(NEW.responsible) > 500 OR length(NEW.budget_currency) > 3 THEN RAISE EXCEPTION 'text is "
                "longer than its field allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER entry_text_limits BEFORE INSERT OR UPDATE ON entry FOR EACH ROW EXECUTE FUNCTION '
                'entry_text_limits_guard()',
                'CREATE OR REPLACE FUNCTION evidence_text_limits_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                'BEGIN IF length(NEW.url) > 2000 OR length(NEW.title) > 300 OR length(NEW.page) > 40 OR '
                "length(NEW.quote) > 1000 OR length(NEW.file_name) > 255 THEN RAISE EXCEPTION 'text is longer "
                "than its field allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER evidence_text_limits BEFORE INSERT OR UPDATE ON evidence FOR EACH ROW EXECUTE '
                'FUNCTION evidence_text_limits_guard()',
                'CREATE OR REPLACE FUNCTION review_comment_text_limits_guard() RETURNS trigger LANGUAGE plpgsql '
                "AS $$ BEGIN IF length(NEW.body) > 5000 THEN RAISE EXCEPTION 'text is longer than its field "
                "allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER review_comment_text_limits BEFORE INSERT OR UPDATE ON review_comment FOR EACH ROW '
                'EXECUTE FUNCTION review_comment_text_limits_guard()',
                'CREATE OR REPLACE FUNCTION reporting_cycle_text_limits_guard() RETURNS trigger LANGUAGE plpgsql '
                "AS $$ BEGIN IF length(NEW.name) > 200 THEN RAISE EXCEPTION 'text is longer than its field "
                "allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER reporting_cycle_text_limits BEFORE INSERT OR UPDATE ON reporting_cycle FOR EACH '
                'ROW EXECUTE FUNCTION reporting_cycle_text_limits_guard()',
                'CREATE OR REPLACE FUNCTION user_account_text_limits_guard() RETURNS trigger LANGUAGE plpgsql AS '
                "$$ BEGIN IF length(NEW.email) > 254 OR length(NEW.name) > 200 THEN RAISE EXCEPTION 'text is "
                "longer than its field allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER user_account_text_limits BEFORE INSERT OR UPDATE ON user_account FOR EACH ROW '
                'EXECUTE FUNCTION user_account_text_limits_guard()',
                'CREATE OR REPLACE FUNCTION activity_progress_text_limits_guard() RETURNS trigger LANGUAGE '
                'plpgsql AS $$ BEGIN IF length(NEW.activity) > 64 OR length(NEW.status) > 32 OR '
                "length(NEW.evidence_url) > 2000 OR length(NEW.note) > 2000 THEN RAISE EXCEPTION 'text is longer "
                "than its field allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER activity_progress_text_limits BEFORE INSERT OR UPDATE ON activity_progress FOR '
                'EACH ROW EXECUTE FUNCTION activity_progress_text_limits_guard()',
                'CREATE OR REPLACE FUNCTION national_plan_text_limits_guard() RETURNS trigger LANGUAGE plpgsql AS '
                '$$ BEGIN IF length(NEW.title) > 300 OR length(NEW.plan_status) > 16 OR length(NEW.source) > '
                "262144 OR length(NEW.review_comment) > 5000 THEN RAISE EXCEPTION 'text is longer than its field "
                "allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER national_plan_text_limits BEFORE INSERT OR UPDATE ON national_plan FOR EACH ROW '
                'EXECUTE FUNCTION national_plan_text_limits_guard()',
                'CREATE OR REPLACE FUNCTION indicator_value_text_limits_guard() RETURNS trigger LANGUAGE plpgsql '
                "AS $$ BEGIN IF length(NEW.indicator) > 64 THEN RAISE EXCEPTION 'text is longer than its field "
                "allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER indicator_value_text_limits BEFORE INSERT OR UPDATE ON indicator_value FOR EACH '
                'ROW EXECUTE FUNCTION indicator_value_text_limits_guard()',
                'CREATE OR REPLACE FUNCTION statistic_text_limits_guard() RETURNS trigger LANGUAGE plpgsql AS $$ '
                'BEGIN IF length(NEW.measure) > 64 OR length(NEW.breakdown) > 64 OR length(NEW.category) > 64 '
                "THEN RAISE EXCEPTION 'text is longer than its field allows'; END IF; RETURN NEW; END $$",
                'CREATE TRIGGER statistic_text_limits BEFORE INSERT OR UPDATE ON statistic FOR EACH ROW EXECUTE '
                'FUNCTION statistic_text_limits_guard()'],
 'sqlite': ["CREATE TRIGGER report_locked_insert BEFORE INSERT ON report WHEN NEW.state = 'accepted' BEGIN SELECT "
            "RAISE(ABORT, 'report is accepted and locked'); END",
            'CREATE TRIGGER reporting_cycle_locked_update BEFORE UPDATE ON reporting_cycle WHEN OLD.published_at '
            "IS NOT NULL BEGIN SELECT RAISE(ABORT, 'reporting cycle is published and locked'); END",
            'CREATE TRIGGER reporting_cycle_locked_delete BEFORE DELETE ON reporting_cycle WHEN OLD.published_at '
            "IS NOT NULL BEGIN SELECT RAISE(ABORT, 'reporting cycle is published and locked'); END",
            'CREATE TRIGGER framework_version_locked_update BEFORE UPDATE ON framework_version WHEN EXISTS '
            '(SELECT 1 FROM reporting_cycle WHERE framework_version_id = OLD.id) AND (NEW.id IS NOT OLD.id OR '
            'NEW.content_hash IS NOT OLD.content_hash OR NEW.document IS NOT OLD.document OR NEW.source IS NOT '
            "OLD.source OR NEW.loaded_at IS NOT OLD.loaded_at) BEGIN SELECT RAISE(ABORT, 'framework version is "
            "pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER framework_version_locked_delete BEFORE DELETE ON framework_version WHEN EXISTS '
            '(SELECT 1 FROM reporting_cycle WHERE framework_version_id = OLD.id) BEGIN SELECT RAISE(ABORT, '
            "'framework version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER instrument_locked_insert BEFORE INSERT ON instrument WHEN EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = NEW.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER instrument_locked_update BEFORE UPDATE ON instrument WHEN EXISTS (SELECT 1 FROM '
            'reporting_cycle WHERE framework_version_id = OLD.version_id) OR EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = NEW.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER instrument_locked_delete BEFORE DELETE ON instrument WHEN EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = OLD.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER commitment_locked_insert BEFORE INSERT ON commitment WHEN EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = NEW.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER commitment_locked_update BEFORE UPDATE ON commitment WHEN EXISTS (SELECT 1 FROM '
            'reporting_cycle WHERE framework_version_id = OLD.version_id) OR EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = NEW.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER commitment_locked_delete BEFORE DELETE ON commitment WHEN EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = OLD.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER focus_area_locked_insert BEFORE INSERT ON focus_area WHEN EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = NEW.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER focus_area_locked_update BEFORE UPDATE ON focus_area WHEN EXISTS (SELECT 1 FROM '
            'reporting_cycle WHERE framework_version_id = OLD.version_id) OR EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = NEW.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER focus_area_locked_delete BEFORE DELETE ON focus_area WHEN EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = OLD.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER signature_locked_insert BEFORE INSERT ON signature WHEN EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = NEW.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER signature_locked_update BEFORE UPDATE ON signature WHEN EXISTS (SELECT 1 FROM '
            'reporting_cycle WHERE framework_version_id = OLD.version_id) OR EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = NEW.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER signature_locked_delete BEFORE DELETE ON signature WHEN EXISTS (SELECT 1 FROM '
            "reporting_cycle WHERE framework_version_id = OLD.version_id) BEGIN SELECT RAISE(ABORT, 'framework "
            "version is pinned by a reporting cycle and locked'); END",
            'CREATE TRIGGER score_locked_insert BEFORE INSERT ON score WHEN ((SELECT published_at FROM '
            'reporting_cycle WHERE id = NEW.cycle_id) IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM score_recompute '
            "WHERE finished_at IS NULL) BEGIN SELECT RAISE(ABORT, 'scores of a published cycle change only "
            "through the recompute operation'); END",
            'CREATE TRIGGER score_locked_update BEFORE UPDATE ON score WHEN ((SELECT published_at FROM '
            'reporting_cycle WHERE id = OLD.cycle_id) IS NOT NULL OR (SELECT published_at FROM reporting_cycle '
            'WHERE id = NEW.cycle_id) IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM score_recompute WHERE '
            "finished_at IS NULL) BEGIN SELECT RAISE(ABORT, 'scores of a published cycle change only through the "
            "recompute operation'); END",
            'CREATE TRIGGER score_locked_delete BEFORE DELETE ON score WHEN ((SELECT published_at FROM '
            'reporting_cycle WHERE id = OLD.cycle_id) IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM score_recompute '
            "WHERE finished_at IS NULL) BEGIN SELECT RAISE(ABORT, 'scores of a published cycle change only "
            "through the recompute operation'); END",
            'CREATE TRIGGER entry_text_limits_insert BEFORE INSERT ON entry WHEN length(NEW.reported_status) > 64 '
            'OR length(NEW.narrative) > 10000 OR length(NEW.responsible) > 500 OR length(NEW.budget_currency) > 3 '
            "BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER entry_text_limits_update BEFORE UPDATE ON entry WHEN length(NEW.reported_status) > 64 '
            'OR length(NEW.narrative) > 10000 OR length(NEW.responsible) > 500 OR length(NEW.budget_currency) > 3 '
            "BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER evidence_text_limits_insert BEFORE INSERT ON evidence WHEN length(NEW.url) > 2000 OR '
            'length(NEW.title) > 300 OR length(NEW.page) > 40 OR length(NEW.quote) > 1000 OR '
            "length(NEW.file_name) > 255 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER evidence_text_limits_update BEFORE UPDATE ON evidence WHEN length(NEW.url) > 2000 OR '
            'length(NEW.title) > 300 OR length(NEW.page) > 40 OR length(NEW.quote) > 1000 OR '
            "length(NEW.file_name) > 255 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER review_comment_text_limits_insert BEFORE INSERT ON review_comment WHEN '
            "length(NEW.body) > 5000 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER review_comment_text_limits_update BEFORE UPDATE ON review_comment WHEN '
            "length(NEW.body) > 5000 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER reporting_cycle_text_limits_insert BEFORE INSERT ON reporting_cycle WHEN '
            "length(NEW.name) > 200 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER reporting_cycle_text_limits_update BEFORE UPDATE ON reporting_cycle WHEN '
            "length(NEW.name) > 200 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER user_account_text_limits_insert BEFORE INSERT ON user_account WHEN length(NEW.email) '
            "> 254 OR length(NEW.name) > 200 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); "
            'END',
            'CREATE TRIGGER user_account_text_limits_update BEFORE UPDATE ON user_account WHEN length(NEW.email) '
            "> 254 OR length(NEW.name) > 200 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); "
            'END',
            'CREATE TRIGGER activity_progress_text_limits_insert BEFORE INSERT ON activity_progress WHEN '
            'length(NEW.activity) > 64 OR length(NEW.status) > 32 OR length(NEW.evidence_url) > 2000 OR '
            "length(NEW.note) > 2000 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER activity_progress_text_limits_update BEFORE UPDATE ON activity_progress WHEN '
            'length(NEW.activity) > 64 OR length(NEW.status) > 32 OR length(NEW.evidence_url) > 2000 OR '
            "length(NEW.note) > 2000 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER national_plan_text_limits_insert BEFORE INSERT ON national_plan WHEN '
            'length(NEW.title) > 300 OR length(NEW.plan_status) > 16 OR length(NEW.source) > 262144 OR '
            "length(NEW.review_comment) > 5000 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); "
            'END',
            'CREATE TRIGGER national_plan_text_limits_update BEFORE UPDATE ON national_plan WHEN '
            'length(NEW.title) > 300 OR length(NEW.plan_status) > 16 OR length(NEW.source) > 262144 OR '
            "length(NEW.review_comment) > 5000 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); "
            'END',
            'CREATE TRIGGER indicator_value_text_limits_insert BEFORE INSERT ON indicator_value WHEN '
            "length(NEW.indicator) > 64 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER indicator_value_text_limits_update BEFORE UPDATE ON indicator_value WHEN '
            "length(NEW.indicator) > 64 BEGIN SELECT RAISE(ABORT, 'text is longer than its field allows'); END",
            'CREATE TRIGGER statistic_text_limits_insert BEFORE INSERT ON statistic WHEN length(NEW.measure) > 64 '
            "OR length(NEW.breakdown) > 64 OR length(NEW.category) > 64 BEGIN SELECT RAISE(ABORT, 'text is longer "
            "than its field allows'); END",
            'CREATE TRIGGER statistic_text_limits_update BEFORE UPDATE ON statistic WHEN length(NEW.measure) > 64 '
            "OR length(NEW.breakdown) > 64 OR length(NEW.category) > 64 BEGIN SELECT RAISE(ABORT, 'text is longer "
            "than its field allows'); END"]}

DROP = {'postgresql': ['DROP TRIGGER IF EXISTS report_locked_insert ON report',
                'DROP TRIGGER IF EXISTS reporting_cycle_locked ON reporting_cycle',
                'DROP TRIGGER IF EXISTS framework_version_locked ON framework_version',
                'DROP TRIGGER IF EXISTS instrument_locked ON instrument',
                'DROP TRIGGER IF EXISTS commitment_locked ON commitment',
                'DROP TRIGGER IF EXISTS focus_area_locked ON focus_area',
                'DROP TRIGGER IF EXISTS signature_locked ON signature',
                'DROP TRIGGER IF EXISTS score_locked ON score',
                'DROP TRIGGER IF EXISTS entry_text_limits ON entry',
                'DROP TRIGGER IF EXISTS evidence_text_limits ON evidence',
                'DROP TRIGGER IF EXISTS review_comment_text_limits ON review_comment',
                'DROP TRIGGER IF EXISTS reporting_cycle_text_limits ON reporting_cycle',
                'DROP TRIGGER IF EXISTS user_account_text_limits ON user_account',
                'DROP TRIGGER IF EXISTS activity_progress_text_limits ON activity_progress',
                'DROP TRIGGER IF EXISTS national_plan_text_limits ON national_plan',
                'DROP TRIGGER IF EXISTS indicator_value_text_limits ON indicator_value',
                'DROP TRIGGER IF EXISTS statistic_text_limits ON statistic',
                'DROP FUNCTION IF EXISTS report_locked_insert_guard()',
                'DROP FUNCTION IF EXISTS reporting_cycle_locked_guard()',
                'DROP FUNCTION IF EXISTS framework_version_locked_guard()',
                'DROP FUNCTION IF EXISTS instrument_locked_guard()',
                'DROP FUNCTION IF EXISTS commitment_locked_guard()',
                'DROP FUNCTION IF EXISTS focus_area_locked_guard()',
                'DROP FUNCTION IF EXISTS signature_locked_guard()',
                'DROP FUNCTION IF EXISTS score_locked_guard()',
                'DROP FUNCTION IF EXISTS entry_text_limits_guard()',
                'DROP FUNCTION IF EXISTS evidence_text_limits_guard()',
                'DROP FUNCTION IF EXISTS review_comment_text_limits_guard()',
                'DROP FUNCTION IF EXISTS reporting_cycle_text_limits_guard()',
                'DROP FUNCTION IF EXISTS user_account_text_limits_guard()',
                'DROP FUNCTION IF EXISTS activity_progress_text_limits_guard()',
                'DROP FUNCTION IF EXISTS national_plan_text_limits_guard()',
                'DROP FUNCTION IF EXISTS indicator_value_text_limits_guard()',
                'DROP FUNCTION IF EXISTS statistic_text_limits_guard()'],
 'sqlite': ['DROP TRIGGER IF EXISTS report_locked_insert',
            'DROP TRIGGER IF EXISTS reporting_cycle_locked_update',
            'DROP TRIGGER IF EXISTS reporting_cycle_locked_delete',
            'DROP TRIGGER IF EXISTS framework_version_locked_update',
            'DROP TRIGGER IF EXISTS framework_version_locked_delete',
            'DROP TRIGGER IF EXISTS instrument_locked_insert',
            'DROP TRIGGER IF EXISTS instrument_locked_update',
            'DROP TRIGGER IF EXISTS instrument_locked_delete',
            'DROP TRIGGER IF EXISTS commitment_locked_insert',
            'DROP TRIGGER IF EXISTS commitment_locked_update',
            'DROP TRIGGER IF EXISTS commitment_locked_delete',
            'DROP TRIGGER IF EXISTS focus_area_locked_insert',
            'DROP TRIGGER IF EXISTS focus_area_locked_update',
            'DROP TRIGGER IF EXISTS focus_area_locked_delete',
            'DROP TRIGGER IF EXISTS signature_locked_insert',
            'DROP TRIGGER IF EXISTS signature_locked_update',
            'DROP TRIGGER IF EXISTS signature_locked_delete',
            'DROP TRIGGER IF EXISTS score_locked_insert',
            'DROP TRIGGER IF EXISTS score_locked_update',
            'DROP TRIGGER IF EXISTS score_locked_delete',
            'DROP TRIGGER IF EXISTS entry_text_limits_insert',
            'DROP TRIGGER IF EXISTS entry_text_limits_update',
            'DROP TRIGGER IF EXISTS evidence_text_limits_insert',
            'DROP TRIGGER IF EXISTS evidence_text_limits_update',
            'DROP TRIGGER IF EXISTS review_comment_text_limits_insert',
            'DROP TRIGGER IF EXISTS review_comment_text_limits_update',
            'DROP TRIGGER IF EXISTS reporting_cycle_text_limits_insert',
            'DROP TRIGGER IF EXISTS reporting_cycle_text_limits_update',
            'DROP TRIGGER IF EXISTS user_account_text_limits_insert',
            'DROP TRIGGER IF EXISTS user_account_text_limits_update',
            'DROP TRIGGER IF EXISTS activity_progress_text_limits_insert',
            'DROP TRIGGER IF EXISTS activity_progress_text_limits_update',
            'DROP TRIGGER IF EXISTS national_plan_text_limits_insert',
            'DROP TRIGGER IF EXISTS national_plan_text_limits_update',
            'DROP TRIGGER IF EXISTS indicator_value_text_limits_insert',
            'DROP TRIGGER IF EXISTS indicator_value_text_limits_update',
            'DROP TRIGGER IF EXISTS statistic_text_limits_insert',
            'DROP TRIGGER IF EXISTS statistic_text_limits_update']}

MARKER = "audit_chain_keyed"


def _keyed_marker(connection) -> None:
    """Key the chain from here on: a marker row, HMAC-hashed, after the SHA-256 rows already there."""
    last = connection.execute(sa.text("SELECT row_hash FROM audit_event ORDER BY id DESC LIMIT 1")).scalar()
    if last is None:
        return  # an empty trail is keyed from its first row: no marker needed
    from flask import current_app  # flask db upgrade runs in the app's context, with its configuration

    key = str(current_app.config["AUDIT_KEY"]).encode("utf-8")
    now = dt.datetime.now(dt.UTC)
    content = {
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "action": MARKER,
        "actor_id": None,
        "actor_email": None,
        "actor_role": None,
        "object_type": None,
        "object_id": None,
        "before": None,
        "after": None,
        "reason": "from this event on, every event is hashed with the audit key (HMAC-SHA256)",
        "remote_addr": None,
        "previous_hash": last,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    table = sa.table(
        "audit_event",
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        *(sa.column(name, sa.String()) for name in ("action", "reason", "previous_hash", "row_hash")),
    )
    connection.execute(
        table.insert().values(
            occurred_at=now,
            action=MARKER,
            reason=content["reason"],
            previous_hash=last,
            row_hash=hmac.new(key, canonical, hashlib.sha256).hexdigest(),
        )
    )


def upgrade():
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        for table, column, nullable in AMOUNTS:
            op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=nullable)
    op.create_table(
        "score_recompute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_recompute")),
    )
    for statement in DDL.get(dialect, []):
        op.execute(statement)
    _keyed_marker(connection)


def downgrade():
    connection = op.get_bind()
    dialect = connection.dialect.name
    for statement in DROP.get(dialect, []):
        op.execute(statement)
    op.drop_table("score_recompute")
    if dialect == "postgresql":
        for table, column, nullable in AMOUNTS:
            op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger(), existing_nullable=nullable)
