"""Accepted means locked, in the database itself.

Triggers refuse any change to an accepted report, to its entries, their evidence, figures and cited
plan activities, its statistics, plan progress and comments, and to an accepted national plan,
whatever path the change takes (a form, a forged POST, a script, plain SQL). A correction is an
amendment: a new report (or plan revision) that links to the accepted one.

Beyond reports (issue 19): a report cannot be *inserted* already accepted; a published cycle cannot
change; a framework version a cycle pins keeps its content, instruments, commitments, focus areas
and signatures; and the stored scores of a published cycle change only inside the recompute
operation, which opens a ``score_recompute`` row saying why (``tracker.services.scores``).
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from .database import Base
from .models import (
    ActivityCitation,
    ActivityProgress,
    Entry,
    Evidence,
    IndicatorValue,
    NationalPlan,
    Report,
    ReviewComment,
    Statistic,
)

MESSAGE = "report is accepted and locked"
PLAN_MESSAGE = "plan is accepted and locked"

# Tables whose own rows lock once accepted (their ``state`` column), with the error they raise.
_SELF_LOCKED = {"report": MESSAGE, "national_plan": PLAN_MESSAGE}

# How each guarded table finds the state of the report a row belongs to (row = NEW or OLD).
_STATE_OF = {
    "entry": "SELECT state FROM report WHERE id = {row}.report_id",
    "review_comment": "SELECT state FROM report WHERE id = {row}.report_id",
    "statistic": "SELECT state FROM report WHERE id = {row}.report_id",
    "activity_progress": "SELECT state FROM report WHERE id = {row}.report_id",
    "evidence": "SELECT r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = {row}.entry_id",
    "indicator_value": "SELECT r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = {row}.entry_id",
    "activity_citation": "SELECT r.state FROM report r JOIN entry e ON e.report_id = r.id WHERE e.id = {row}.entry_id",
}


def _sqlite_statements() -> list[str]:
    statements = [
        f"CREATE TRIGGER {table}_locked_{action.lower()} BEFORE {action} ON {table} WHEN OLD.state = 'accepted' "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for table, message in _SELF_LOCKED.items()
        for action in ("UPDATE", "DELETE")
    ]
    for table, state_of in _STATE_OF.items():
        # an UPDATE may neither change a locked row nor move a row into a locked report
        for action, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            condition = " OR ".join(f"({state_of.format(row=row)}) = 'accepted'" for row in rows)
            statements.append(
                f"CREATE TRIGGER {table}_locked_{action.lower()} BEFORE {action} ON {table} "
                f"WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    return statements


def _postgresql_statements() -> list[str]:
    statements = []
    for table, message in _SELF_LOCKED.items():
        statements += [
            f"CREATE OR REPLACE FUNCTION {table}_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF OLD.state = 'accepted' THEN RAISE EXCEPTION '{message}'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {table}_locked BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_locked_guard()",
        ]
    for table, state_of in _STATE_OF.items():
        statements += [
            f"CREATE OR REPLACE FUNCTION {table}_locked_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF TG_OP <> 'DELETE' AND ({state_of.format(row='NEW')}) = 'accepted' "
            f"OR TG_OP <> 'INSERT' AND ({state_of.format(row='OLD')}) = 'accepted' "
            f"THEN RAISE EXCEPTION '{MESSAGE}'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {table}_locked BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_locked_guard()",
        ]
    return statements


CYCLE_MESSAGE = "reporting cycle is published and locked"
VERSION_MESSAGE = "framework version is pinned by a reporting cycle and locked"
SCORE_MESSAGE = "scores of a published cycle change only through the recompute operation"

_PINNED = "EXISTS (SELECT 1 FROM reporting_cycle WHERE framework_version_id = {version})"
# the framework's own rows, each with the column naming its version
_VERSIONED = {
    "instrument": "version_id",
    "commitment": "version_id",
    "focus_area": "version_id",
    "signature": "version_id",
}
_PUBLISHED = "(SELECT published_at FROM reporting_cycle WHERE id = {row}.cycle_id) IS NOT NULL"
_NO_PERMIT = "NOT EXISTS (SELECT 1 FROM score_recompute WHERE finished_at IS NULL)"


def _sqlite_more() -> list[str]:
    def trigger(name: str, timing: str, condition: str, message: str) -> str:
        return f"CREATE TRIGGER {name} {timing} WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END"

    version_changed = " OR ".join(
        f"NEW.{column} IS NOT OLD.{column}" for column in ("id", "content_hash", "document", "source", "loaded_at")
    )
    statements = [
        trigger("report_locked_insert", "BEFORE INSERT ON report", "NEW.state = 'accepted'", MESSAGE),
        trigger(
            "reporting_cycle_locked_update",
            "BEFORE UPDATE ON reporting_cycle",
            "OLD.published_at IS NOT NULL",
            CYCLE_MESSAGE,
        ),
        trigger(
            "reporting_cycle_locked_delete",
            "BEFORE DELETE ON reporting_cycle",
            "OLD.published_at IS NOT NULL",
            CYCLE_MESSAGE,
        ),
        trigger(
            "framework_version_locked_update",
            "BEFORE UPDATE ON framework_version",
            f"{_PINNED.format(version='OLD.id')} AND ({version_changed})",
            VERSION_MESSAGE,
        ),
        trigger(
            "framework_version_locked_delete",
            "BEFORE DELETE ON framework_version",
            _PINNED.format(version="OLD.id"),
            VERSION_MESSAGE,
        ),
    ]
    for table, column in _VERSIONED.items():
        for action, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            condition = " OR ".join(_PINNED.format(version=f"{row}.{column}") for row in rows)
            statements.append(
                trigger(f"{table}_locked_{action.lower()}", f"BEFORE {action} ON {table}", condition, VERSION_MESSAGE)
            )
    for action, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        published = " OR ".join(_PUBLISHED.format(row=row) for row in rows)
        statements.append(
            trigger(
                f"score_locked_{action.lower()}",
                f"BEFORE {action} ON score",
                f"({published}) AND {_NO_PERMIT}",
                SCORE_MESSAGE,
            )
        )
    return statements


def _postgresql_more() -> list[str]:
    def guarded(table: str, operations: str, condition: str, message: str, name: str | None = None) -> list[str]:
        name = name or f"{table}_locked"
        return [
            f"CREATE OR REPLACE FUNCTION {name}_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {condition} THEN RAISE EXCEPTION '{message}'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {name} BEFORE {operations} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_guard()",
        ]

    version_changed = " OR ".join(
        f"NEW.{column}{cast} IS DISTINCT FROM OLD.{column}{cast}"
        for column, cast in (
            ("id", ""),
            ("content_hash", ""),
            ("document", "::text"),
            ("source", ""),
            ("loaded_at", ""),
        )
    )
    statements = guarded("report", "INSERT", "NEW.state = 'accepted'", MESSAGE, name="report_locked_insert")
    statements += guarded("reporting_cycle", "UPDATE OR DELETE", "OLD.published_at IS NOT NULL", CYCLE_MESSAGE)
    statements += guarded(
        "framework_version",
        "UPDATE OR DELETE",
        f"{_PINNED.format(version='OLD.id')} AND (TG_OP = 'DELETE' OR {version_changed})",
        VERSION_MESSAGE,
    )
    for table, column in _VERSIONED.items():
        condition = (
            f"TG_OP <> 'DELETE' AND {_PINNED.format(version=f'NEW.{column}')} "
            f"OR TG_OP <> 'INSERT' AND {_PINNED.format(version=f'OLD.{column}')}"
        )
        statements += guarded(table, "INSERT OR UPDATE OR DELETE", condition, VERSION_MESSAGE)
    condition = (
        f"(TG_OP <> 'DELETE' AND {_PUBLISHED.format(row='NEW')} "
        f"OR TG_OP <> 'INSERT' AND {_PUBLISHED.format(row='OLD')}) AND {_NO_PERMIT}"
    )
    statements += guarded("score", "INSERT OR UPDATE OR DELETE", condition, SCORE_MESSAGE)
    return statements


LOCK_DDL = {
    "sqlite": _sqlite_statements() + _sqlite_more(),
    "postgresql": _postgresql_statements() + _postgresql_more(),
}
# what issue 19 added, for its migration (kept apart from the triggers of earlier migrations)
LOCK_DDL_ADDED = {"sqlite": _sqlite_more(), "postgresql": _postgresql_more()}

# create_all (the test suite) builds the same guard as the migration, once every table exists
for _dialect, _statements in LOCK_DDL.items():
    for _statement in _statements:
        event.listen(Base.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))

GUARDED_MODELS = (
    Report,
    Entry,
    Evidence,
    IndicatorValue,
    ReviewComment,
    Statistic,
    ActivityProgress,
    ActivityCitation,
    NationalPlan,
)
