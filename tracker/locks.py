"""Accepted means locked, in the database itself.

Triggers refuse any change to an accepted report, to its entries, their evidence, figures and cited
plan activities, its statistics, plan progress and comments, and to an accepted national plan,
whatever path the change takes (a form, a forged POST, a script, plain SQL). A correction is an
amendment: a new report (or plan revision) that links to the accepted one.
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


LOCK_DDL = {"sqlite": _sqlite_statements(), "postgresql": _postgresql_statements()}

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
